/* pool.c — event listener pools (see pool.h). */
#include "pool.h"
#include "group.h"
#include "proc.h"
#include "sup.h"
#include "conf/config.h"
#include "events/bus.h"
#include "events/event.h"
#include "events/evproto.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "log/mainlog.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A RESULT body is kept up to what a STDIN: result can write; beyond that
 * it is only counted (evproto.h). */
#define RESULT_CAP (SUP_STDIN_MAX + 6)

/* One buffered event with this pool's serial for it. */
struct pool_entry {
	struct event *ev;
	long long poolserial;
};

/* What the pool hangs on each of its processes (proc->listener). */
struct listener {
	struct pool *pool;
	struct proc *p;
	struct evproto proto;
	struct pool_entry cur;      /* the event being processed; ev NULL = none */
};

struct pool {
	struct pgroup *g;
	struct evbus *bus;
	struct evbus_sub sub;
	const struct pool_world *w;
	int handler;                /* enum conf_result_handler */
	size_t max;                 /* buffer_size */
	struct pool_entry *ring;    /* the buffer, oldest at head; grows up to max */
	size_t cap, head, len;
	long long serial;           /* the last pool serial given, -1 before the first */
	bool woken;                 /* a dispatch pass was asked for */
};

static void plog(struct pool *pl, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void plog(struct pool *pl, int level, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	pl->w->log(pl->w->ctx, level, buf_cstr(&b));
	buf_free(&b);
}

/* ---- the buffer ------------------------------------------------------------ */

static void ring_grow(struct pool *pl)
{
	size_t cap = pl->cap ? pl->cap * 2 : 8;
	if (cap > pl->max) cap = pl->max;
	struct pool_entry *r = xmalloc(cap * sizeof *r);
	for (size_t i = 0; i < pl->len; i++) r[i] = pl->ring[(pl->head + i) % pl->cap];
	free(pl->ring);
	pl->ring = r;
	pl->cap = cap;
	pl->head = 0;
}

static struct pool_entry ring_pop(struct pool *pl)
{
	struct pool_entry e = pl->ring[pl->head];
	pl->head = (pl->head + 1) % pl->cap;
	pl->len--;
	return e;
}

static void ring_push(struct pool *pl, struct pool_entry e, bool at_head)
{
	if (pl->len == pl->cap) ring_grow(pl);
	if (at_head) {
		pl->head = (pl->head + pl->cap - 1) % pl->cap;
		pl->ring[pl->head] = e;
	} else {
		pl->ring[(pl->head + pl->len) % pl->cap] = e;
	}
	pl->len++;
}

/* _acceptEvent: a new event gets a pool serial and goes to the tail; a
 * rebuffered one keeps its serial and goes to the head. Takes e's
 * reference. */
static void accept(struct pool *pl, struct pool_entry e, bool rebuffer)
{
	if (!rebuffer) {
		pl->serial = pl->serial == LLONG_MAX ? 0 : pl->serial + 1;
		e.poolserial = pl->serial;
	} else {
		plog(pl, LVL_DEBG, "rebuffering event %lld for pool %s (buf size=%zu, max=%zu)",
		     e.ev->serial, pl->g->name, pl->len, pl->max);
	}
	if (pl->len >= pl->max) {
		struct pool_entry old = ring_pop(pl);
		plog(pl, LVL_ERRO, "pool %s event buffer overflowed, discarding event %lld", pl->g->name,
		     old.ev->serial);
		event_unref(old.ev);
	}
	ring_push(pl, e, rebuffer);
}

size_t pool_buffered(const struct pool *pl) { return pl->len; }

/* ---- dispatch ------------------------------------------------------------- */

static struct listener *listener_of(struct proc *p) { return p->listener; }

static bool dispatchable(struct proc *p)
{
	struct listener *l = listener_of(p);
	return l && p->state == PROC_RUNNING && l->proto.state == EVP_READY;
}

static bool capable(const struct pool *pl)
{
	for (size_t i = 0; i < pl->g->n_procs; i++)
		if (dispatchable(pl->g->procs[i])) return true;
	return false;
}

/* Ask for a dispatch pass when one could send something. */
static void maybe_wake(struct pool *pl)
{
	if (pl->woken || !pl->len || !capable(pl)) return;
	pl->woken = true;
	pl->w->wake(pl->w->ctx, pl);
}

/* _dispatchEvent: the first READY listener (in group order) that takes
 * the envelope gets the event. */
static bool dispatch_one(struct pool *pl, struct pool_entry e)
{
	struct buf env = BUF_INIT;
	bool sent = false;
	for (size_t i = 0; i < pl->g->n_procs && !sent; i++) {
		struct proc *p = pl->g->procs[i];
		if (!dispatchable(p)) continue;
		if (!env.len) event_envelope(&env, e.ev, pl->w->server(pl->w->ctx), pl->g->name, e.poolserial);
		int rc = pl->w->send(pl->w->ctx, p, env.p, env.len);
		if (rc == -1) {
			plog(pl, LVL_DEBG, "epipe occurred while sending event %lld to listener %s, "
			     "listener state unchanged", e.ev->serial, proc_name(p));
			continue;
		}
		if (rc < 0) {
			/* refd: a listener that does not read its stdin is not sent
			 * more than its queue holds (supervisord queues without end). */
			plog(pl, LVL_DEBG, "stdin of listener %s is full, event %lld not sent", proc_name(p),
			     e.ev->serial);
			continue;
		}
		struct listener *l = listener_of(p);
		evproto_busy(&l->proto);
		p->listener_state = l->proto.state;
		l->cur = e;
		plog(pl, LVL_DEBG, "event %lld sent to listener %s", e.ev->serial, proc_name(p));
		sent = true;
	}
	buf_free(&env);
	return sent;
}

void pool_dispatch(struct pool *pl)
{
	pl->woken = false;
	if (!capable(pl)) return;
	/* As supervisord: oldest first until one finds no taker, which goes
	 * back to the head (and says so in the log). */
	while (pl->len) {
		struct pool_entry e = ring_pop(pl);
		if (!dispatch_one(pl, e)) {
			accept(pl, e, true);
			break;
		}
	}
}

/* ---- the protocol --------------------------------------------------------- */

static void reject(struct listener *l)
{
	struct pool_entry e = l->cur;
	l->cur.ev = NULL;
	if (!e.ev) return;
	/* Only into this pool: the event was this pool's. */
	accept(l->pool, e, true);
	maybe_wake(l->pool);
}

static void on_state(void *ctx, int from, int to)
{
	struct listener *l = ctx;
	struct proc *p = l->p;
	p->listener_state = to;
	plog(l->pool, LVL_DEBG, "%s: %s -> %s", proc_name(p), evproto_state_name(from), evproto_state_name(to));
	if (to == EVP_UNKNOWN)
		plog(l->pool, LVL_WARN, "%s: has entered the UNKNOWN state and will no longer receive events, "
		     "this usually indicates the process violated the eventlistener protocol", proc_name(p));
	if (to == EVP_READY) maybe_wake(l->pool);
}

static void on_bad_line(void *ctx, const char *line, size_t n)
{
	struct listener *l = ctx;
	struct buf shown = BUF_INIT;
	event_render_data(&shown, line, n);
	plog(l->pool, LVL_WARN, "%s: bad result line: '%s'", proc_name(l->p), buf_cstr(&shown));
	buf_free(&shown);
}

/* The result handlers (events.md §7, twiddler.md §5). */
static enum evproto_verdict judge(struct listener *l, const char *body, size_t n, bool truncated)
{
	if (!truncated && n == 2 && memcmp(body, "OK", 2) == 0) return EVP_PROCESSED;
	if (l->pool->handler == CONF_RH_TWIDDLER_STDIN && n >= 6 && memcmp(body, "STDIN:", 6) == 0) {
		/* To the process the event is about; an event about no process,
		 * or a write that cannot be done, is still processed. A body
		 * longer than a stdin queue cannot be written whole. */
		if (l->cur.ev && l->cur.ev->procname && !truncated)
			l->pool->w->write_target(l->pool->w->ctx, l->cur.ev, body + 6, n - 6);
		return EVP_PROCESSED;
	}
	return EVP_REJECTED;
}

static enum evproto_verdict on_result(void *ctx, const char *body, size_t n, bool truncated)
{
	struct listener *l = ctx;
	enum evproto_verdict v = judge(l, body, n, truncated);
	if (v == EVP_PROCESSED) {
		plog(l->pool, LVL_DEBG, "%s: event was processed", proc_name(l->p));
		event_unref(l->cur.ev);
		l->cur.ev = NULL;
	} else {
		plog(l->pool, LVL_WARN, "%s: event was rejected", proc_name(l->p));
	}
	return v;
}

static void on_reject(void *ctx)
{
	reject(ctx);
}

static const struct evproto_ops proto_ops = {
	.state = on_state,
	.bad_line = on_bad_line,
	.result = on_result,
	.reject = on_reject,
};

void pool_output(struct pool *pl, struct proc *p, const char *data, size_t n)
{
	struct listener *l = listener_of(p);
	if (l) evproto_feed(&l->proto, data, n, &proto_ops, l);
}

void pool_proc_state(struct pool *pl, struct proc *p, int old_state)
{
	struct listener *l = listener_of(p);
	if (!l) return;
	switch (p->state) {
	case PROC_STARTING:
		/* A new process starts the protocol over (supervisord: a new
		 * dispatcher at spawn); nothing is logged. */
		reject(l);
		evproto_reset(&l->proto);
		p->listener_state = l->proto.state;
		break;
	case PROC_RUNNING:
		maybe_wake(pl);
		break;
	case PROC_STOPPED:
	case PROC_EXITED:
	case PROC_BACKOFF:
		/* Died while BUSY: the event goes back (lifecycle.md §3.4). */
		reject(l);
		break;
	default:
		break;
	}
}

/* ---- life ------------------------------------------------------------------- */

static void on_event(void *ctx, struct event *ev)
{
	struct pool *pl = ctx;
	accept(pl, (struct pool_entry){event_ref(ev), -1}, false);
	maybe_wake(pl);
}

static void listener_attach(struct pool *pl, struct proc *p)
{
	struct listener *l = xcalloc(1, sizeof *l);
	l->pool = pl;
	l->p = p;
	evproto_init(&l->proto, RESULT_CAP);
	p->listener = l;
	p->listener_state = l->proto.state;
}

static void listener_detach(struct proc *p)
{
	struct listener *l = listener_of(p);
	if (!l) return;
	event_unref(l->cur.ev);
	evproto_fini(&l->proto);
	free(l);
	p->listener = NULL;
	p->listener_state = 0;
}

struct pool *pool_new(struct pgroup *g, struct evbus *bus, const struct pool_world *w)
{
	struct pool *pl = xcalloc(1, sizeof *pl);
	pl->g = g;
	pl->bus = bus;
	pl->w = w;
	pl->serial = -1;
	pl->handler = g->cfg ? (int)g->cfg->result_handler : CONF_RH_DEFAULT;
	pl->max = g->cfg && g->cfg->buffer_size > 0 ? (size_t)g->cfg->buffer_size : 10;
	for (size_t i = 0; i < g->n_procs; i++) listener_attach(pl, g->procs[i]);
	evbus_subscribe(bus, &pl->sub, g->cfg ? g->cfg->events : 0, on_event, pl);
	return pl;
}

void pool_proc_removed(struct pool *pl, struct proc *p)
{
	listener_detach(p);
}

void pool_free(struct pool *pl)
{
	if (!pl) return;
	evbus_unsubscribe(pl->bus, &pl->sub);
	while (pl->len) event_unref(ring_pop(pl).ev);
	free(pl->ring);
	for (size_t i = 0; i < pl->g->n_procs; i++) listener_detach(pl->g->procs[i]);
	free(pl);
}
