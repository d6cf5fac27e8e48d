/* rpc.h — XML-RPC over any transport: decode a request, dispatch it through
 * refd's own method table, write the reply.
 *
 * xmlrpc-c decodes the request (with explicit size and nesting limits, and
 * nothing carrying a DOCTYPE ever reaches it); dispatch and replies are
 * ours, so that a method can defer its answer (a waited startProcess
 * answers when the process is RUNNING) while the loop serves others.
 *
 * The transport sees only struct rpc_sink: exactly one of its two
 * functions is called per request, now or later. */
#ifndef REFD_RPC_RPC_H
#define REFD_RPC_RPC_H

#include <stddef.h>

struct buf;
struct conf;
struct sup;
struct rpc;
struct rpc_req;

struct rpc_sink {
	/* A complete XML-RPC response (HTTP 200, text/xml). The sink takes the
	 * buffer's storage (buf_steal or swap); it may be called before
	 * rpc_handle returns. */
	void (*reply)(struct rpc_sink *sink, struct buf *body);
	/* An HTTP-level failure: 400 (malformed request) or 500. */
	void (*fail)(struct rpc_sink *sink, int status);
};

/* Build the method table from the config's [rpcinterface:x] sections
 * (system.* is always there). The rpc keeps pointers into conf and sup. */
struct rpc *rpc_new(struct sup *sup, const struct conf *conf);
/* Cancels every pending request first (their sinks are not called). */
void rpc_free(struct rpc *rpc);

/* Handle one request body. Returns NULL when the sink has been called, or
 * the pending request, which the transport must cancel with
 * rpc_req_cancel if it goes away before the sink is called. */
struct rpc_req *rpc_handle(struct rpc *rpc, const char *body, size_t len, struct rpc_sink *sink);
void rpc_req_cancel(struct rpc_req *req);

/* A call refd makes itself (the web UI's actions, http.md §8.2): the
 * supervisor.* method of that bare name, run as a client's call runs (the
 * daemon-state gate, deferral until the start or stop is over) but with no
 * XML on either side and no trace log, as supervisord's web UI calls its
 * RPC interface directly whatever the [rpcinterface:x] sections say. The
 * nargs arguments are strings. done is called exactly once, now or later,
 * with the fault code (0 on success) and faultString (NULL on success),
 * unless the call is cancelled first with rpc_req_cancel. Returns NULL
 * when done has already been called, or the pending request. */
typedef void (*rpc_local_fn)(void *ctx, int fault_code, const char *fault_string);
struct rpc_req *rpc_call_local(struct rpc *rpc, const char *method, const char *const *args,
                               int nargs, rpc_local_fn done, void *ctx);

struct proc;
/* The ProcessInfo description of p (xmlrpc-api.md §4.6): "pid 42, uptime
 * 0:01:02", "Not started", a spawn error... appended to out. */
void rpc_process_description(struct buf *out, const struct proc *p, long long now);

/* The supervisord version refd speaks for (getSupervisorVersion). */
#define RPC_SUPERVISOR_VERSION "4.2.5"

/* A waited bulk operation (startAllProcesses, stopProcessGroup ...) looks
 * at its processes this long after a change, so that processes finishing
 * together are reported in priority order, as supervisord's polling
 * reports them. Default 0.05 s; tests and the fuzz harness, whose
 * processes change state in no time, set 0. */
void rpc_set_bulk_delay(struct rpc *rpc, double seconds);

/* Limits applied to every request body before xmlrpc-c sees it. */
#define RPC_MAX_XML_DEPTH 256

#endif
