/* handlers.h — the method implementations behind rpc_supervisor_methods
 * (rpc/ internal). Each file implements one area of xmlrpc-api.md. */
#ifndef REFD_RPC_HANDLERS_H
#define REFD_RPC_HANDLERS_H

#include "call.h"

struct proc;
struct pgroup;

#define HANDLER(name) enum rpc_status name(struct rpc_call *c, xmlrpc_value **a, int n)

/* ns_process.c: §4, §7, §10 */
HANDLER(h_get_process_info);
HANDLER(h_get_all_process_info);
HANDLER(h_start_process);
HANDLER(h_start_process_group);
HANDLER(h_start_all_processes);
HANDLER(h_stop_process);
HANDLER(h_stop_process_group);
HANDLER(h_stop_all_processes);
HANDLER(h_signal_process);
HANDLER(h_signal_process_group);
HANDLER(h_signal_all_processes);
HANDLER(h_send_process_stdin);
HANDLER(h_send_remote_comm_event);

/* ns_logs.c: §9 */
HANDLER(h_read_process_stdout_log);
HANDLER(h_read_process_stderr_log);
HANDLER(h_tail_process_stdout_log);
HANDLER(h_tail_process_stderr_log);
HANDLER(h_clear_process_logs);
HANDLER(h_clear_all_process_logs);

/* ns_config.c: §8 */
HANDLER(h_reload_config);
HANDLER(h_add_process_group);
HANDLER(h_remove_process_group);
HANDLER(h_get_all_config_info);

/* Shared: resolve a namespec argument. Returns 1 with *p for a process,
 * 0 for the whole-group form (with *g), or records BAD_NAME and returns -1. */
int rpc_resolve(struct rpc_call *c, const char *name, struct pgroup **g, struct proc **p);
/* The read*Log answer for path, offset and length arguments (§9.1):
 * the slice, BAD_ARGUMENTS or FAILED. */
enum rpc_status rpc_write_log_slice(struct rpc_call *c, const char *path, xmlrpc_value *offset,
                                    xmlrpc_value *length);
/* One result struct of the bulk operations (§4.7). */
void rpc_write_result(struct rpc_call *c, const struct proc *p, int status, const char *description);

#endif
