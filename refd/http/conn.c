/* conn.c — one HTTP connection: reading requests, dispatching them, and
 * writing responses without ever blocking the loop.
 *
 * Requests on a connection are handled strictly one after another (http.md
 * §3): while a response is pending, further pipelined bytes are buffered
 * (up to the request limits) but not parsed. The idle and request timers
 * run only while the connection waits for a request; a deferred reply or a
 * log stream is never timed out by the server. */
#include "internal.h"
#include "auth.h"
#include "conf/config.h"
#include "lib/mem.h"
#include "lib/timefmt.h"
#include "log/mainlog.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_CHUNK 16384

static void conn_process(struct http_conn *c);
static void conn_flush(struct http_conn *c);
static void conn_free(struct http_conn *c);

/* ---- lifetime -----------------------------------------------------------
 * A connection may be closed from deep inside a callback (a write error
 * while a handler replies). It is then marked dead and freed when the
 * outermost callback returns. */

static void enter(struct http_conn *c) { c->depth++; }

static void leave(struct http_conn *c)
{
	if (--c->depth == 0 && c->dead) conn_free(c);
}

void http_conn_hold(struct http_conn *c) { enter(c); }
void http_conn_release(struct http_conn *c) { leave(c); }

static const struct conf_http_limits *limits(const struct http_conn *c)
{
	return &c->lst->cs->limits;
}

static void timer_arm(struct http_conn *c, double seconds)
{
	struct ev_loop *loop = c->lst->http->loop;
	ev_timer_stop(loop, &c->timer);
	if (seconds > 0) {
		ev_timer_set(&c->timer, seconds, 0);
		ev_timer_start(loop, &c->timer);
	}
}

/* Entering CONN_READ: the request clock runs from here (or the idle clock,
 * when nothing of the next request has arrived on a kept-alive connection). */
static void wait_for_request(struct http_conn *c)
{
	c->state = CONN_READ;
	c->idle_since = ev_now(c->lst->http->loop);
	if (c->rbuf.len == 0 && !c->fresh) timer_arm(c, limits(c)->idle_timeout);
	else timer_arm(c, limits(c)->request_timeout);
	if (!c->peer_eof) ev_io_start(c->lst->http->loop, &c->rio);
}

static void outq_free(struct http_conn *c)
{
	while (c->out_head) {
		struct outseg *s = c->out_head;
		c->out_head = s->next;
		buf_free(&s->b);
		free(s);
	}
	c->out_tail = NULL;
	c->out_bytes = 0;
}

void http_conn_close(struct http_conn *c)
{
	if (c->dead) return;
	struct ev_loop *loop = c->lst->http->loop;
	c->dead = true;
	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	ev_timer_stop(loop, &c->timer);
	if (c->pending) {
		rpc_req_cancel(c->pending);
		c->pending = NULL;
	}
	if (c->ui) {
		struct webui_op *op = c->ui;
		c->ui = NULL;
		http_ui_cancel(op);
	}
	if (c->stream) {
		const struct http_stream_ops *ops = c->stream;
		c->stream = NULL;
		ops->closed(c->stream_ctx);
	}
	close(c->fd);
	c->fd = -1;
	struct http_listener *l = c->lst;
	if (c->prev) c->prev->next = c->next;
	else l->conns = c->next;
	if (c->next) c->next->prev = c->prev;
	l->n_conns--;
	if (c->depth == 0) conn_free(c);
}

static void conn_free(struct http_conn *c)
{
	if (c->have_head) http_request_free(&c->req);
	buf_free(&c->rbuf);
	outq_free(c);
	free(c);
}

/* ---- output ---------------------------------------------------------------- */

static void outq_push(struct http_conn *c, struct buf *b)
{
	if (b->len == 0) { buf_free(b); return; }
	struct outseg *s = xcalloc(1, sizeof *s);
	s->b = *b;
	buf_init(b);
	c->out_bytes += s->b.len;
	if (c->out_tail) c->out_tail->next = s;
	else c->out_head = s;
	c->out_tail = s;
}

size_t http_conn_queued(const struct http_conn *c)
{
	return c->out_bytes;
}

/* Closing a socket that still has unread input makes the kernel answer
 * with a reset, which can destroy the response before the client reads it
 * (a 401 or 413 sent before the body arrived). So the server's side is
 * shut first, and what the client still sends is read and dropped until it
 * closes or LINGER_SECONDS pass. */
#define LINGER_SECONDS 2.0

static void linger(struct http_conn *c)
{
	if (c->peer_eof) {
		http_conn_close(c);
		return;
	}
	c->state = CONN_LINGER;
	shutdown(c->fd, SHUT_WR);
	buf_free(&c->rbuf);
	timer_arm(c, LINGER_SECONDS);
	ev_io_start(c->lst->http->loop, &c->rio);
}

/* Everything queued has been written. */
static void drained(struct http_conn *c)
{
	ev_io_stop(c->lst->http->loop, &c->wio);
	switch (c->state) {
	case CONN_WRITE:
		if (!c->keep_alive || c->peer_eof) {
			linger(c);
		} else {
			wait_for_request(c);
			if (!c->processing && c->rbuf.len) conn_process(c);
		}
		break;
	case CONN_CLOSING:
		linger(c);
		break;
	case CONN_STREAM:
		if (c->stream) c->stream->drained(c->stream_ctx);
		break;
	default:
		break;
	}
}

static void conn_flush(struct http_conn *c)
{
	while (c->out_head && !c->dead) {
		struct iovec iov[16];
		int n = 0;
		for (struct outseg *s = c->out_head; s && n < 16; s = s->next, n++) {
			iov[n].iov_base = s->b.p + s->off;
			iov[n].iov_len = s->b.len - s->off;
		}
		ssize_t w = writev(c->fd, iov, n);
		if (w < 0) {
			if (errno == EINTR) continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				ev_io_start(c->lst->http->loop, &c->wio);
				return;
			}
			http_conn_close(c);     /* the client went away */
			return;
		}
		c->out_bytes -= (size_t)w;
		while (w > 0 && c->out_head) {
			struct outseg *s = c->out_head;
			size_t left = s->b.len - s->off;
			if ((size_t)w < left) {
				s->off += (size_t)w;
				w = 0;
			} else {
				w -= (ssize_t)left;
				c->out_head = s->next;
				if (!c->out_head) c->out_tail = NULL;
				buf_free(&s->b);
				free(s);
			}
		}
	}
	if (!c->dead && !c->out_head) drained(c);
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct http_conn *c = w->data;
	enter(c);
	conn_flush(c);
	leave(c);
}

/* ---- responses --------------------------------------------------------------- */

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

void http_head_begin(struct http_conn *c, struct buf *h, int status)
{
	int version = c->have_head ? c->req.version : c->version_hint;
	const char *ver = version == 11 ? "1.1" : "1.0";
	buf_printf(h, "HTTP/%s %d %s\r\nServer: refd/" REFD_VERSION "\r\nDate: ", ver, status,
	           http_reason(status));
	time_http_date(h, (time_t)ev_now(c->lst->http->loop));
	buf_puts(h, "\r\n");
}

/* The keep-alive rules of http.md §3 for a response with a length. */
static bool may_keep_alive(const struct http_conn *c)
{
	if (!c->have_head || c->peer_eof) return false;
	if (c->req.version == 11) return !c->req.conn_close;
	if (c->req.version == 10) return c->req.conn_keep_alive;
	return false;
}

static void send_response(struct http_conn *c, struct buf *head, struct buf *body, bool keep)
{
	struct ev_loop *loop = c->lst->http->loop;
	c->keep_alive = keep;
	c->state = keep ? CONN_WRITE : CONN_CLOSING;
	ev_timer_stop(loop, &c->timer);
	outq_push(c, head);
	if (body) outq_push(c, body);
	/* A deferred response (conn_process has returned): its request is
	 * answered, and the next one may be parsed as soon as this drains. */
	if (!c->processing && c->have_head) {
		http_request_free(&c->req);
		c->have_head = false;
	}
	conn_flush(c);
}

void http_respond(struct http_conn *c, int status, const char *content_type,
                  const char *extra, struct buf *body)
{
	struct buf h = BUF_INIT;
	http_head_begin(c, &h, status);
	bool keep = may_keep_alive(c);
	buf_printf(&h, "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type, body->len);
	if (extra) buf_puts(&h, extra);
	if (keep && c->req.version == 10) buf_puts(&h, "Connection: Keep-Alive\r\n");
	buf_puts(&h, "\r\n");
	if (c->have_head && strcmp(c->req.method, "HEAD") == 0) buf_reset(body);
	send_response(c, &h, body, keep);
}

void http_respond_error(struct http_conn *c, int status, const char *extra, bool close_after)
{
	struct buf body = BUF_INIT, h = BUF_INIT;
	buf_printf(&body,
	           "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n"
	           "<h1>Error response</h1>\r\n<p>Error code %d.\r\n<p>Message: %s.\r\n</body>\r\n",
	           status, http_reason(status));
	http_head_begin(c, &h, status);
	bool keep = !close_after && may_keep_alive(c);
	buf_printf(&h, "Content-Length: %zu\r\nContent-Type: text/html\r\n", body.len);
	if (extra) buf_puts(&h, extra);
	if (close_after) buf_puts(&h, "Connection: close\r\n");
	else if (keep && c->req.version == 10) buf_puts(&h, "Connection: Keep-Alive\r\n");
	buf_puts(&h, "\r\n");
	if (c->have_head && strcmp(c->req.method, "HEAD") == 0) buf_reset(&body);
	send_response(c, &h, &body, keep);
}

void http_respond_bodiless(struct http_conn *c, int status, const char *extra)
{
	struct buf h = BUF_INIT;
	http_head_begin(c, &h, status);
	bool keep = may_keep_alive(c);
	if (extra) buf_puts(&h, extra);
	if (keep && c->req.version == 10) buf_puts(&h, "Connection: Keep-Alive\r\n");
	buf_puts(&h, "\r\n");
	send_response(c, &h, NULL, keep);
}

bool http_stream_chunked(const struct http_conn *c)
{
	return c->have_head && c->req.version == 11 && !c->req.conn_close;
}

void http_stream_begin(struct http_conn *c, struct buf *h, const struct http_stream_ops *ops,
                       void *ctx)
{
	ev_timer_stop(c->lst->http->loop, &c->timer);
	c->state = CONN_STREAM;
	c->stream = ops;
	c->stream_ctx = ctx;
	c->keep_alive = false;
	c->chunked = http_stream_chunked(c);
	/* Keep reading: it is how we learn that the client has gone. */
	if (!c->peer_eof) ev_io_start(c->lst->http->loop, &c->rio);
	outq_push(c, h);
	conn_flush(c);
}

void http_stream_write(struct http_conn *c, const char *data, size_t n)
{
	if (c->dead || n == 0) return;
	struct buf b = BUF_INIT;
	if (c->chunked) {
		buf_printf(&b, "%zx\r\n", n);
		buf_append(&b, data, n);
		buf_puts(&b, "\r\n");
	} else {
		buf_append(&b, data, n);
	}
	outq_push(c, &b);
	conn_flush(c);
}

/* ---- the rpc sink -------------------------------------------------------------- */

static struct http_conn *sink_conn(struct rpc_sink *s)
{
	return (struct http_conn *)((char *)s - offsetof(struct http_conn, sink));
}

static void sink_reply(struct rpc_sink *s, struct buf *body)
{
	struct http_conn *c = sink_conn(s);
	c->pending = NULL;
	struct buf b = BUF_INIT;
	b = *body;
	buf_init(body);
	enter(c);
	if (!c->dead) http_respond(c, 200, "text/xml", NULL, &b);
	else buf_free(&b);
	leave(c);
}

static void sink_fail(struct rpc_sink *s, int status)
{
	struct http_conn *c = sink_conn(s);
	c->pending = NULL;
	enter(c);
	if (!c->dead) http_respond_error(c, status, NULL, status >= 500);
	leave(c);
}

void http_rpc2_handle(struct http_conn *c, const char *body, size_t len)
{
	struct rpc *rpc = c->lst->http->rpc;
	if (!rpc) {
		http_respond_error(c, 500, NULL, false);
		return;
	}
	c->sink.reply = sink_reply;
	c->sink.fail = sink_fail;
	struct rpc_req *req = rpc_handle(rpc, body, len, &c->sink);
	if (req) c->pending = req;
}

/* ---- routing --------------------------------------------------------------------- */

enum route { ROUTE_RPC2, ROUTE_LOGTAIL, ROUTE_MAINLOGTAIL, ROUTE_UI, ROUTE_STATIC };

static enum route route_of(const struct http_request *r)
{
	if (strncmp(r->path, "/RPC2", 5) == 0) return ROUTE_RPC2;
	if (strncmp(r->path, "/logtail", 8) == 0) return ROUTE_LOGTAIL;
	if (strncmp(r->path, "/mainlogtail", 12) == 0) return ROUTE_MAINLOGTAIL;
	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "POST") == 0) {
		const char *p = r->path;
		while (*p == '/') p++;
		if (!*p || strcmp(p, "index.html") == 0 || strcmp(p, "tail.html") == 0
		    || strcmp(p, "ok.html") == 0)
			return ROUTE_UI;
	}
	return ROUTE_STATIC;
}

/* Does this request carry a body that its handler reads? */
static bool wants_body(const struct http_request *r, enum route route)
{
	return strcmp(r->method, "POST") == 0 && (route == ROUTE_RPC2 || route == ROUTE_UI);
}

static void dispatch(struct http_conn *c, const char *body, size_t len)
{
	const struct http_request *r = &c->req;
	c->state = CONN_BUSY;
	c->fresh = false;
	switch (route_of(r)) {
	case ROUTE_RPC2:
		if (strcmp(r->method, "POST") != 0) http_respond_error(c, 400, NULL, false);
		else http_rpc2_handle(c, body, len);
		break;
	case ROUTE_UI:
		http_ui_handle(c, body, len);
		break;
	case ROUTE_LOGTAIL:
		if (strcmp(r->method, "GET") != 0) http_respond_error(c, 400, NULL, false);
		else http_logtail_handle(c);
		break;
	case ROUTE_MAINLOGTAIL:
		if (strcmp(r->method, "GET") != 0) http_respond_error(c, 400, NULL, false);
		else http_mainlogtail_handle(c);
		break;
	case ROUTE_STATIC:
		if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
			http_respond_error(c, 400, NULL, false);
		else
			http_static_handle(c);
		break;
	}
}

/* A head has been parsed: decide whether the request may proceed. Returns
 * false when it has been answered (and the connection is closing). */
static bool admit(struct http_conn *c)
{
	const struct conf_server *cs = c->lst->cs;
	const struct http_request *r = &c->req;
	if (cs->username) {
		int st = http_auth_check(cs->username, cs->password ? cs->password : "",
		                         http_request_header(r, "Authorization"));
		if (st == 401) {
			http_respond_error(c, 401, "WWW-Authenticate: Basic realm=\"default\"\r\n", true);
			return false;
		}
		if (st) {
			http_respond_error(c, st, NULL, true);
			return false;
		}
	}
	enum route route = route_of(r);
	if (wants_body(r, route) && r->content_length < 0) {
		http_respond_error(c, 411, NULL, true);
		return false;
	}
	if (r->content_length > (long long)limits(c)->max_body_bytes) {
		http_respond_error(c, 413, NULL, true);
		return false;
	}
	c->body_len = r->content_length > 0 ? (size_t)r->content_length : 0;
	return true;
}

static void conn_process(struct http_conn *c)
{
	c->processing = true;
	while (!c->dead && c->state == CONN_READ) {
		if (!c->have_head) {
			int status = 0;
			int rc = http_request_parse(&c->req, c->rbuf.p ? c->rbuf.p : "", c->rbuf.len,
			                            limits(c)->max_header_bytes, &status);
			if (rc == HTTP_PARSE_MORE) break;
			if (rc == HTTP_PARSE_ERROR) {
				c->version_hint = http_request_line_version(c->rbuf.p, c->rbuf.len);
				http_respond_error(c, status, NULL, true);
				break;
			}
			c->have_head = true;
			buf_consume(&c->rbuf, c->req.head_len);
			if (!admit(c)) break;
		}
		if (c->rbuf.len < c->body_len) break;     /* the body is still coming */
		/* Stop the request clock: the request is complete. */
		ev_timer_stop(c->lst->http->loop, &c->timer);
		dispatch(c, c->rbuf.p ? c->rbuf.p : "", c->body_len);
		if (c->dead) break;
		buf_consume(&c->rbuf, c->body_len);
		c->body_len = 0;
		/* A deferred response needs its request (version, Connection) when
		 * it is sent; send_response frees it then. */
		if (c->state == CONN_BUSY) break;
		http_request_free(&c->req);
		c->have_head = false;
		if (c->state == CONN_READ && c->rbuf.len == 0) break;
	}
	if (!c->dead) c->processing = false;
	/* Reading stops while the buffer holds a full request's worth. */
	if (!c->dead && c->state != CONN_STREAM && c->state != CONN_LINGER
	    && c->rbuf.len >= limits(c)->max_header_bytes + limits(c)->max_body_bytes)
		ev_io_stop(c->lst->http->loop, &c->rio);
}

/* ---- input ----------------------------------------------------------------------- */

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct http_conn *c = w->data;
	enter(c);
	size_t cap = limits(c)->max_header_bytes + limits(c)->max_body_bytes;
	char tmp[READ_CHUNK];
	ssize_t n = read(c->fd, tmp, sizeof tmp);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) http_conn_close(c);
	} else if (n == 0) {
		c->peer_eof = true;
		ev_io_stop(loop, &c->rio);
		/* A half-closed client still gets the response it is owed; a
		 * connection with nothing pending has nothing more to say. */
		if (c->state == CONN_READ || c->state == CONN_STREAM || c->state == CONN_LINGER)
			http_conn_close(c);
	} else if (c->state == CONN_STREAM || c->state == CONN_LINGER) {
		/* A streaming or departing client has nothing more to say. */
	} else {
		buf_append(&c->rbuf, tmp, (size_t)n);
		if (c->state == CONN_READ) {
			if (c->rbuf.len == (size_t)n && !c->fresh && !c->have_head)
				timer_arm(c, limits(c)->request_timeout);   /* idle clock -> request clock */
			conn_process(c);
		} else if (c->rbuf.len >= cap) {
			ev_io_stop(loop, &c->rio);
		}
	}
	leave(c);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http_conn *c = w->data;
	enter(c);
	if (c->state == CONN_READ) {
		if (c->rbuf.len || c->have_head) http_respond_error(c, 408, NULL, true);
		else http_conn_close(c);    /* idle: nothing to answer */
	} else if (c->state == CONN_LINGER) {
		http_conn_close(c);
	}
	leave(c);
}

/* ---- accepting ------------------------------------------------------------------- */

/* At the connection limit a kept-alive connection that is idle gives way
 * to the newcomer; if none is idle, the newcomer is told 503. */
static bool make_room(struct http_listener *l)
{
	struct http_conn *victim = NULL;
	for (struct http_conn *c = l->conns; c; c = c->next)
		if (c->state == CONN_READ && c->rbuf.len == 0 && !c->have_head
		    && (!victim || c->idle_since <= victim->idle_since))
			victim = c;
	if (!victim) return false;
	http_conn_close(victim);
	return true;
}

void http_conn_accepted(struct http_listener *l, int fd)
{
	bool full = l->n_conns >= l->cs->limits.max_connections && !make_room(l);
	struct http_conn *c = xcalloc(1, sizeof *c);
	c->lst = l;
	c->fd = fd;
	c->fresh = true;
	ev_io_init(&c->rio, read_cb, fd, EV_READ);
	ev_io_init(&c->wio, write_cb, fd, EV_WRITE);
	ev_timer_init(&c->timer, timer_cb, 0, 0);
	c->rio.data = c->wio.data = c->timer.data = c;
	c->next = l->conns;
	if (l->conns) l->conns->prev = c;
	l->conns = c;
	l->n_conns++;
	enter(c);
	if (full) {
		c->state = CONN_READ;
		http_respond_error(c, 503, NULL, true);
	} else {
		wait_for_request(c);
	}
	leave(c);
}

void http_conn_destroy_all(struct http_listener *l)
{
	while (l->conns) http_conn_close(l->conns);
}
