/* ns_supervisor.c — the supervisor.* namespace table, and the daemon's
 * identity, state and main log methods (xmlrpc-api.md §6, §9). */
#include "handlers.h"
#include "rpc.h"
#include "fault.h"
#include "xmlw.h"
#include "conf/config.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "log/mainlog.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define API_VERSION "3.0"
/* The supervisord whose behaviour refd implements: version-gated clients
 * look at this; refd's own version is `refd -v`. */

static enum rpc_status get_api_version(struct rpc_call *c, xmlrpc_value **a, int n)
{
	xw_string(c->out, API_VERSION);
	return RPC_DONE;
}

static enum rpc_status get_supervisor_version(struct rpc_call *c, xmlrpc_value **a, int n)
{
	xw_string(c->out, RPC_SUPERVISOR_VERSION);
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
	return rpc_write_log_slice(c, path, a[0], a[1]);
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
	/* refd reads the new configuration before stopping anything: a broken
	 * one leaves everything running (config.md §12). */
	struct sup *s = rpc_sup(c->rpc);
	char *err = NULL;
	struct conf *next = sup_reload_config(s, &err);
	if (!next) {
		mainlog_log(sup_log(s), LVL_CRIT, "restart refused, the configuration is invalid: %s",
		            err ? err : "");
		rpc_fault(c, FAULT_CANT_REREAD, "%s", err ? err : "");
		free(err);
		return RPC_DONE;
	}
	sup_request_restart(s, next);
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

#define HELP_READ(what) \
	"Read length bytes from " what " starting at offset.\n\n" \
	"@param string name        the name of the process (or 'group:name')\n" \
	"@param int offset         offset to start reading from.\n" \
	"@param int length         number of bytes to read from the log.\n" \
	"@return string result     Bytes of log\n"
#define HELP_TAIL(what) \
	"Provides a more efficient way to tail " what " than readProcess*Log().\n" \
	"Requests (length) bytes from the (name)'s log, starting at (offset).\n" \
	"If the total log size is greater than (offset + length), the overflow\n" \
	"flag is set and the (offset) is automatically increased to position the\n" \
	"buffer at the end of the log. If less than (length) bytes are available,\n" \
	"the maximum number of available bytes will be returned. (offset)\n" \
	"returned is always the last offset in the log +1.\n\n" \
	"@param string name         the name of the process (or 'group:name')\n" \
	"@param int offset          offset to start reading from\n" \
	"@param int length          maximum number of bytes to return\n" \
	"@return array result       [string bytes, int offset, bool overflow]\n"
#define HELP_CLEAR \
	"Clear the stdout and stderr logs for the named process and reopen them.\n\n" \
	"@param string name   The name of the process (or 'group:name')\n" \
	"@return boolean result      Always True unless error\n"

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
	{"reloadConfig", h_reload_config, 0, 0, GATE_SUPERVISOR,
	 "Reload the configuration. The result contains three arrays of\n"
	 "process group names: added (in the configuration, not active),\n"
	 "changed (active, but defined differently now) and removed (active,\n"
	 "no longer in the configuration). Nothing is applied.\n\n"
	 "@return array result  [[added, changed, removed]]\n"},
	{"addProcessGroup", h_add_process_group, 1, 1, GATE_SUPERVISOR,
	 "Update the config for a running process from config file.\n\n"
	 "@param string name         name of process group to add\n"
	 "@return boolean result     true if successful\n"},
	{"removeProcessGroup", h_remove_process_group, 1, 1, GATE_SUPERVISOR,
	 "Remove a stopped process group from the active configuration.\n\n"
	 "@param string name         name of process group to remove\n"
	 "@return boolean result     Indicates whether the removal was successful\n"},
	{"getAllConfigInfo", h_get_all_config_info, 0, 0, GATE_SUPERVISOR,
	 "Get info about all available process configurations. Each struct\n"
	 "represents a single process (i.e. groups get flattened).\n\n"
	 "@return array result  An array of process config info structs\n"},
	{"getProcessInfo", h_get_process_info, 1, 1, GATE_SUPERVISOR,
	 "Get info about a process named name.\n\n"
	 "@param string name The name of the process (or 'group:name')\n"
	 "@return struct result     A structure containing data about the process\n"},
	{"getAllProcessInfo", h_get_all_process_info, 0, 0, GATE_SUPERVISOR,
	 "Get info about all processes.\n\n"
	 "@return array result  An array of process status results\n"},
	{"startProcess", h_start_process, 1, 2, GATE_SUPERVISOR,
	 "Start a process.\n\n"
	 "@param string name Process name (or ``group:name``, or ``group:*``)\n"
	 "@param boolean wait Wait for process to be fully started\n"
	 "@return boolean result     Always true unless error\n"},
	{"startProcessGroup", h_start_process_group, 1, 2, GATE_SUPERVISOR,
	 "Start all processes in the group named 'name'.\n\n"
	 "@param string name     The group name\n"
	 "@param boolean wait    Wait for each process to be fully started\n"
	 "@return array result   An array of process status info structs\n"},
	{"startAllProcesses", h_start_all_processes, 0, 1, GATE_SUPERVISOR,
	 "Start all processes listed in the configuration file.\n\n"
	 "@param boolean wait    Wait for each process to be fully started\n"
	 "@return array result   An array of process status info structs\n"},
	{"stopProcess", h_stop_process, 1, 2, GATE_SUPERVISOR,
	 "Stop a process named by name.\n\n"
	 "@param string name  The name of the process to stop (or 'group:name')\n"
	 "@param boolean wait        Wait for the process to be fully stopped\n"
	 "@return boolean result     Always return True unless error\n"},
	{"stopProcessGroup", h_stop_process_group, 1, 2, GATE_SUPERVISOR,
	 "Stop all processes in the process group named 'name'.\n\n"
	 "@param string name     The group name\n"
	 "@param boolean wait    Wait for each process to be fully stopped\n"
	 "@return array result   An array of process status info structs\n"},
	{"stopAllProcesses", h_stop_all_processes, 0, 1, GATE_SUPERVISOR,
	 "Stop all processes in the process list.\n\n"
	 "@param  boolean wait   Wait for each process to be fully stopped\n"
	 "@return array result   An array of process status info structs\n"},
	{"signalProcess", h_signal_process, 2, 2, GATE_SUPERVISOR,
	 "Send an arbitrary UNIX signal to the process named by name.\n\n"
	 "@param string name    Name of the process to signal (or 'group:name')\n"
	 "@param string signal  Signal to send, as name ('HUP') or number ('1')\n"
	 "@return boolean\n"},
	{"signalProcessGroup", h_signal_process_group, 2, 2, GATE_SUPERVISOR,
	 "Send a signal to all processes in the group named 'name'.\n\n"
	 "@param string name    The group name\n"
	 "@param string signal  Signal to send, as name ('HUP') or number ('1')\n"
	 "@return array\n"},
	{"signalAllProcesses", h_signal_all_processes, 1, 1, GATE_SUPERVISOR,
	 "Send a signal to all processes in the process list.\n\n"
	 "@param string signal  Signal to send, as name ('HUP') or number ('1')\n"
	 "@return array         An array of process status info structs\n"},
	{"sendProcessStdin", h_send_process_stdin, 2, 2, GATE_SUPERVISOR,
	 "Send a string of chars to the stdin of the process name. If\n"
	 "non-7-bit data is sent (unicode), it is encoded to utf-8 before being\n"
	 "sent to the process' stdin.\n\n"
	 "@param string name        The process name to send to (or 'group:name')\n"
	 "@param string chars       The character data to send to the process\n"
	 "@return boolean result    Always return True unless error\n"},
	{"sendRemoteCommEvent", h_send_remote_comm_event, 2, 2, GATE_NONE,
	 "Send an event that will be received by event listener subprocesses\n"
	 "subscribing to the RemoteCommunicationEvent.\n\n"
	 "@param  string  type  String for the \"type\" key in the event header\n"
	 "@param  string  data  Data for the event body\n"
	 "@return boolean       Always return True unless error\n"},
	{"readProcessLog", h_read_process_stdout_log, 3, 3, GATE_SUPERVISOR, HELP_READ("the stdout log of (name)")},
	{"readProcessStdoutLog", h_read_process_stdout_log, 3, 3, GATE_SUPERVISOR, HELP_READ("the stdout log of (name)")},
	{"readProcessStderrLog", h_read_process_stderr_log, 3, 3, GATE_SUPERVISOR, HELP_READ("the stderr log of (name)")},
	{"tailProcessLog", h_tail_process_stdout_log, 3, 3, GATE_SUPERVISOR, HELP_TAIL("the stdout log")},
	{"tailProcessStdoutLog", h_tail_process_stdout_log, 3, 3, GATE_SUPERVISOR, HELP_TAIL("the stdout log")},
	{"tailProcessStderrLog", h_tail_process_stderr_log, 3, 3, GATE_SUPERVISOR, HELP_TAIL("the stderr log")},
	{"clearProcessLog", h_clear_process_logs, 1, 1, GATE_SUPERVISOR, HELP_CLEAR},
	{"clearProcessLogs", h_clear_process_logs, 1, 1, GATE_SUPERVISOR, HELP_CLEAR},
	{"clearAllProcessLogs", h_clear_all_process_logs, 0, 0, GATE_SUPERVISOR,
	 "Clear all process log files.\n\n"
	 "@return array result   An array of process status info structs\n"},
	{NULL, NULL, 0, 0, GATE_NONE, NULL},
};

