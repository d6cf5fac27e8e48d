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

/* A waited bulk operation (startAllProcesses, stopProcessGroup ...) looks
 * at its processes this long after a change, so that processes finishing
 * together are reported in priority order, as supervisord's polling
 * reports them. Default 0.05 s; tests and the fuzz harness, whose
 * processes change state in no time, set 0. */
void rpc_set_bulk_delay(struct rpc *rpc, double seconds);

/* Limits applied to every request body before xmlrpc-c sees it. */
#define RPC_MAX_XML_DEPTH 256

#endif
