/* ns_supervisor.c — the supervisor.* namespace table, and the daemon's
 * identity, state and main log methods (xmlrpc-api.md §6, §9). */
#include "call.h"
#include "fault.h"
#include "xmlw.h"
#include "conf/config.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "log/mainlog.h"
#include "log/readlog.h"

#include <errno.h>
#include <unistd.h>

#define API_VERSION "3.0"
/* The supervisord whose behaviour refd implements: version-gated clients
 * look at this; refd's own version is `refd -v`. */
#define SUPERVISOR_VERSION "4.2.5"

static enum rpc_status get_api_version(struct rpc_call *c, xmlrpc_value **a, int n)
{
	xw_string(c->out, API_VERSION);
	return RPC_DONE;
}

static enum rpc_status get_supervisor_version(struct rpc_call *c, xmlrpc_value **a, int n)
{
	xw_string(c->out, SUPERVISOR_VERSION);
	return RPC_DONE;
}

static enum rpc_status get_identification(struct rpc_call *c, xmlrpc_value **a, int n)
{
	const struct conf *conf = sup_conf(rpc_sup(c->rpc));
	xw_string(c->out, conf && conf->sd.identifier ? conf->sd.identifier : "supervisor");
	return RPC_DONE;
}

static enum rpc_status get_state(struct rpc_call *c, xmlrpc_value **a, int n)
{
	int state = sup_state(rpc_sup(c->rpc));
	xw_struct_begin(c->out);
	xw_member_int(c->out, "statecode", state);
	xw_member_string(c->out, "statename", sup_state_name(state));
	xw_struct_end(c->out);
	return RPC_DONE;
}

static enum rpc_status get_pid(struct rpc_call *c, xmlrpc_value **a, int n)
{
	xw_int(c->out, sup_pid(rpc_sup(c->rpc)));
	return RPC_DONE;
}

static const char *configured_logfile(struct rpc_call *c)
{
	const struct conf *conf = sup_conf(rpc_sup(c->rpc));
	return conf ? conf->sd.logfile : NULL;
}

static enum rpc_status read_log(struct rpc_call *c, xmlrpc_value **a, int n)
{
	const char *path = mainlog_path(sup_log(rpc_sup(c->rpc)));
	const char *named = configured_logfile(c);
	if (!path || access(path, F_OK) != 0) {
		if (named) return rpc_fault(c, FAULT_NO_FILE, "%s", named);
		return rpc_fault(c, FAULT_NO_FILE, NULL);
	}
	long long offset, length;
	if (!rpc_arg_int(c, a[0], &offset) || !rpc_arg_int(c, a[1], &length)) return RPC_DONE;
	struct buf data = BUF_INIT;
	int rc = readlog_read(path, offset, length, &data);
	if (rc == READLOG_BAD_ARGUMENTS) rpc_fault(c, FAULT_BAD_ARGUMENTS, NULL);
	else if (rc < 0) rpc_fault(c, FAULT_FAILED, NULL);
	else xw_string_n(c->out, buf_cstr(&data), data.len);
	buf_free(&data);
	return RPC_DONE;
}

static enum rpc_status clear_log(struct rpc_call *c, xmlrpc_value **a, int n)
{
	struct mainlog *log = sup_log(rpc_sup(c->rpc));
	const char *path = mainlog_path(log);
	if (!path || access(path, F_OK) != 0) return rpc_fault(c, FAULT_NO_FILE, NULL);
	if (unlink(path) < 0) return rpc_fault(c, FAULT_FAILED, NULL);
	/* supervisord logs this once per log handler (the file, and the stdout
	 * copy in the foreground) before reopening them. */
	mainlog_log(log, LVL_INFO, "reopening log file");
	if (log->echo_stdout) mainlog_log(log, LVL_INFO, "reopening log file");
	mainlog_reopen(log);
	xw_bool(c->out, true);
	return RPC_DONE;
}

static enum rpc_status shutdown(struct rpc_call *c, xmlrpc_value **a, int n)
{
	sup_request_shutdown(rpc_sup(c->rpc));
	xw_bool(c->out, true);
	return RPC_DONE;
}

static enum rpc_status restart(struct rpc_call *c, xmlrpc_value **a, int n)
{
	sup_request_restart(rpc_sup(c->rpc));
	xw_bool(c->out, true);
	return RPC_DONE;
}

#define HELP_VERSION \
	"Return the version of the RPC API used by supervisord.\n\n" \
	"@return string version id\n"
#define HELP_READLOG \
	"Read length bytes from the main log starting at offset.\n\n" \
	"@param int offset         offset to start reading from.\n" \
	"@param int length         number of bytes to read from the log.\n" \
	"@return string result     Bytes of log\n"

const struct rpc_method rpc_supervisor_methods[] = {
	{"getAPIVersion", get_api_version, 0, 0, GATE_SUPERVISOR, HELP_VERSION},
	{"getVersion", get_api_version, 0, 0, GATE_SUPERVISOR, HELP_VERSION},
	{"getSupervisorVersion", get_supervisor_version, 0, 0, GATE_SUPERVISOR,
	 "Return the version of supervisord whose behaviour this server implements.\n\n"
	 "@return string version id\n"},
	{"getIdentification", get_identification, 0, 0, GATE_SUPERVISOR,
	 "Return the identifying string of this server ([supervisord] identifier).\n\n"
	 "@return string identifier identifying string\n"},
	{"getState", get_state, 0, 0, GATE_SUPERVISOR,
	 "Return the current state of the server as a struct.\n\n"
	 "@return struct A struct with keys int statecode, string statename\n"},
	{"getPID", get_pid, 0, 0, GATE_SUPERVISOR,
	 "Return the PID of the server.\n\n"
	 "@return int PID\n"},
	{"readLog", read_log, 2, 2, GATE_SUPERVISOR, HELP_READLOG},
	{"readMainLog", read_log, 2, 2, GATE_SUPERVISOR, HELP_READLOG},
	{"clearLog", clear_log, 0, 0, GATE_SUPERVISOR,
	 "Clear the main log.\n\n"
	 "@return boolean result always returns True unless error\n"},
	{"shutdown", shutdown, 0, 0, GATE_SUPERVISOR,
	 "Shut the server down: stop every process, then exit.\n\n"
	 "@return boolean result always returns True unless error\n"},
	{"restart", restart, 0, 0, GATE_SUPERVISOR,
	 "Restart the server: stop every process, re-read the configuration\n"
	 "and start again in the same process.\n\n"
	 "@return boolean result  always return True unless error\n"},
	{NULL, NULL, 0, 0, GATE_NONE, NULL},
};

const struct rpc_method rpc_twiddler_methods[] = {
	{NULL, NULL, 0, 0, GATE_NONE, NULL},
};
