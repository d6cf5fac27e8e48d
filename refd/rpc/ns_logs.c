/* ns_logs.c — reading, tailing and clearing child logs (xmlrpc-api.md §9). */
#include "handlers.h"
#include "fault.h"
#include "xmlw.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "log/readlog.h"

#include <stdlib.h>
#include <unistd.h>

/* Resolve name to a single process; BAD_NAME for the group form too. */
static struct proc *one_process(struct rpc_call *c, xmlrpc_value *v)
{
	const char *name;
	struct pgroup *g;
	struct proc *p;
	if (!rpc_arg_string(c, v, &name)) return NULL;
	int r = rpc_resolve(c, name, &g, &p);
	if (r == 0) rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	return r == 1 ? p : NULL;
}

static enum rpc_status read_channel(struct rpc_call *c, xmlrpc_value **a, int channel)
{
	struct proc *p = one_process(c, a[0]);
	if (!p) return RPC_DONE;
	const char *path = sup_proc_logfile(p, channel);
	if (!path) return rpc_fault(c, FAULT_NO_FILE, NULL);
	if (access(path, F_OK) != 0) return rpc_fault(c, FAULT_NO_FILE, "%s", path);
	return rpc_write_log_slice(c, path, a[1], a[2]);
}

enum rpc_status rpc_write_log_slice(struct rpc_call *c, const char *path, xmlrpc_value *offset_v,
                                    xmlrpc_value *length_v)
{
	long long offset, length;
	if (!rpc_arg_int(c, offset_v, &offset) || !rpc_arg_int(c, length_v, &length)) return RPC_DONE;
	struct buf data = BUF_INIT;
	int rc = readlog_read(path, offset, length, &data);
	if (rc == READLOG_BAD_ARGUMENTS) rpc_fault(c, FAULT_BAD_ARGUMENTS, NULL);
	else if (rc < 0) rpc_fault(c, FAULT_FAILED, NULL);
	else xw_string_n(c->out, buf_cstr(&data), data.len);
	buf_free(&data);
	return RPC_DONE;
}

HANDLER(h_read_process_stdout_log) { return read_channel(c, a, 0); }
HANDLER(h_read_process_stderr_log) { return read_channel(c, a, 1); }

static void write_tail(struct rpc_call *c, const char *data, size_t n, long long offset, bool overflow)
{
	xw_array_begin(c->out);
	xw_string_n(c->out, data, n);
	xw_int(c->out, offset > 2147483647LL ? 2147483647LL : offset);
	xw_bool(c->out, overflow);
	xw_array_end(c->out);
}

static enum rpc_status tail_channel(struct rpc_call *c, xmlrpc_value **a, int channel)
{
	struct proc *p = one_process(c, a[0]);
	if (!p) return RPC_DONE;
	long long offset, length;
	if (!rpc_arg_int(c, a[1], &offset) || !rpc_arg_int(c, a[2], &length)) return RPC_DONE;
	const char *path = sup_proc_logfile(p, channel);
	if (!path || access(path, F_OK) != 0) {
		write_tail(c, "", 0, 0, false);
		return RPC_DONE;
	}
	struct buf data = BUF_INIT;
	long long new_offset;
	bool overflow;
	if (readlog_tail(path, offset, length, &data, &new_offset, &overflow) < 0)
		write_tail(c, "", 0, offset, false);
	else
		write_tail(c, buf_cstr(&data), data.len, new_offset, overflow);
	buf_free(&data);
	return RPC_DONE;
}

HANDLER(h_tail_process_stdout_log) { return tail_channel(c, a, 0); }
HANDLER(h_tail_process_stderr_log) { return tail_channel(c, a, 1); }

HANDLER(h_clear_process_logs)
{
	struct proc *p = one_process(c, a[0]);
	if (!p) return RPC_DONE;
	if (sup_proc_clear_logs(p) < 0) {
		char *ns = sup_namespec(p);
		rpc_fault(c, FAULT_FAILED, "%s", ns);
		free(ns);
		return RPC_DONE;
	}
	xw_bool(c->out, true);
	return RPC_DONE;
}

HANDLER(h_clear_all_process_logs)
{
	struct sup *s = rpc_sup(c->rpc);
	size_t ng;
	struct pgroup **gs = sup_groups_by_priority(s, &ng);
	xw_array_begin(c->out);
	for (size_t i = 0; i < ng; i++) {
		size_t np;
		struct proc **ps = sup_procs_by_priority(gs[i], &np);
		for (size_t j = 0; j < np; j++) {
			if (sup_proc_clear_logs(ps[j]) < 0) {
				char *ns = sup_namespec(ps[j]);
				char *text = xasprintf("FAILED: %s", ns);
				rpc_write_result(c, ps[j], FAULT_FAILED, text);
				free(text);
				free(ns);
			} else {
				rpc_write_result(c, ps[j], FAULT_SUCCESS, "OK");
			}
		}
		free(ps);
	}
	free(gs);
	xw_array_end(c->out);
	return RPC_DONE;
}
