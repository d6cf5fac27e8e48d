/* internal.h — what the files of http/ share: listeners, connections and
 * the response helpers. Nothing outside http/ includes this. */
#ifndef REFD_HTTP_INTERNAL_H
#define REFD_HTTP_INTERNAL_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "http.h"
#include "request.h"
#include "lib/buf.h"
#include "rpc/rpc.h"

struct conf_server;

struct http {
	struct ev_loop *loop;
	struct sup *sup;
	struct rpc *rpc;
	struct mainlog *log;
	struct http_listener *listeners;
	size_t n_listeners;
	int spare_fd;               /* released to accept-and-close when out of fds */
	time_t started;             /* the web UI's files are this old (Last-Modified) */
};

struct http_conn;
struct webui_op;

struct http_listener {
	struct http *http;
	const struct conf_server *cs;
	int fd;
	ev_io io;
	ev_timer resume;            /* accepting paused after EMFILE */
	char *unix_path;            /* the socket file we created, removed at close */
	char *server_name;          /* for URLs when a request has no Host (http.md §8.2, §9) */
	struct http_conn *conns;    /* open connections, newest first */
	int n_conns;
};

enum conn_state {
	CONN_READ,                  /* waiting for a request (head or body) */
	CONN_BUSY,                  /* a handler has the request, no response yet */
	CONN_WRITE,                 /* a complete response is queued */
	CONN_STREAM,                /* an open-ended response (logtail) */
	CONN_CLOSING,               /* send what is queued, then close */
	CONN_LINGER,                /* our side shut; draining the client's leftovers */
};

struct outseg {
	struct outseg *next;
	struct buf b;
	size_t off;
};

/* An open-ended response's producer (logtail). */
struct http_stream_ops {
	void (*drained)(void *ctx);  /* the output queue has room again */
	void (*closed)(void *ctx);   /* the connection is going away: free ctx */
};

struct http_conn {
	struct http_listener *lst;
	struct http_conn *next, *prev;
	int fd;
	ev_io rio, wio;
	ev_timer timer;
	enum conn_state state;
	ev_tstamp idle_since;       /* for eviction: when it last became idle */
	bool fresh;                 /* no request seen yet */
	struct buf rbuf;
	bool have_head;
	struct http_request req;
	size_t body_len;
	bool keep_alive;            /* decided per response */
	bool peer_eof;
	bool dead;                  /* closed; freed when the last callback returns */
	int depth;                  /* callbacks on the stack */
	bool processing;
	struct outseg *out_head, *out_tail;
	size_t out_bytes;
	struct rpc_sink sink;
	struct rpc_req *pending;
	const struct http_stream_ops *stream;
	void *stream_ctx;
	bool chunked;               /* the stream's body is chunked */
	int version_hint;           /* the request line's version when the head did not parse */
	struct webui_op *ui;        /* a web UI action in progress (webui.c) */
};

/* Responses. */
const char *http_reason(int status);
/* Start a response: the status line and the headers every response has. */
void http_head_begin(struct http_conn *c, struct buf *h, int status);
/* Queue a whole response with a body; decides keep-alive. extra is more
 * header lines ("Name: value\r\n"...), or NULL. Takes body's storage. */
void http_respond(struct http_conn *c, int status, const char *content_type,
                  const char *extra, struct buf *body);
/* The error page (http.md §3.1); close_after forces the connection shut. */
void http_respond_error(struct http_conn *c, int status, const char *extra, bool close_after);
/* A response that has no body by definition (304): the head only. */
void http_respond_bodiless(struct http_conn *c, int status, const char *extra);
/* Begin an open-ended response: h is the full head; output is chunked when
 * the request allows (HTTP/1.1 without Connection: close), raw otherwise. */
void http_stream_begin(struct http_conn *c, struct buf *h, const struct http_stream_ops *ops,
                       void *ctx);
void http_stream_write(struct http_conn *c, const char *data, size_t n);
/* Bytes queued and not yet written. */
size_t http_conn_queued(const struct http_conn *c);
bool http_stream_chunked(const struct http_conn *c);
void http_conn_close(struct http_conn *c);
/* Keep c allocated across a call that may close it (a stream producer
 * running outside the connection's own callbacks). */
void http_conn_hold(struct http_conn *c);
void http_conn_release(struct http_conn *c);

/* Handlers. */
void http_rpc2_handle(struct http_conn *c, const char *body, size_t len);
void http_logtail_handle(struct http_conn *c);
void http_mainlogtail_handle(struct http_conn *c);
/* webui.c: GET or POST on /, /index.html, /tail.html, /ok.html (http.md §8). */
void http_ui_handle(struct http_conn *c, const char *body, size_t len);
/* The connection is going away: abandon the action. */
void http_ui_cancel(struct webui_op *op);
/* static.c: everything else (http.md §9). */
void http_static_handle(struct http_conn *c);

/* conn.c */
void http_conn_accepted(struct http_listener *l, int fd);
void http_conn_destroy_all(struct http_listener *l);

#endif
