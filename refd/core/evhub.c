/* evhub.c — events from core, and the pools that receive them (see
 * evhub.h). */
#include "evhub.h"
#include "pool.h"
#include "sup.h"
#include "conf/config.h"
#include "lib/mem.h"
#include "events/bus.h"
#include "events/event.h"
#include "log/childlog.h"
#include "log/mainlog.h"

#include <ev.h>
#include <stdlib.h>
#include <string.h>

struct evhub {
	struct sup *sup;
	struct evbus *bus;
	struct pool_world world;
	struct sup_watch removed;   /* processes about to be freed */
	ev_idle dispatch;           /* the pools' next dispatch pass */
	ev_timer retry;             /* a pass later, after a listener's stdin was full */
};

static int state_type(int state)
{
	switch (state) {
	case PROC_STOPPED: return EV_PROCESS_STATE_STOPPED;
	case PROC_STARTING: return EV_PROCESS_STATE_STARTING;
	case PROC_RUNNING: return EV_PROCESS_STATE_RUNNING;
	case PROC_BACKOFF: return EV_PROCESS_STATE_BACKOFF;
	case PROC_STOPPING: return EV_PROCESS_STATE_STOPPING;
	case PROC_EXITED: return EV_PROCESS_STATE_EXITED;
	case PROC_FATAL: return EV_PROCESS_STATE_FATAL;
	default: return EV_PROCESS_STATE_UNKNOWN;
	}
}

static bool is_listener(const struct proc *p)
{
	return p->group->kind == CONF_GROUP_LISTENER;
}

static struct event_proc about(const struct proc *p)
{
	return (struct event_proc){
		.name = p->cfg->name,
		.group = p->group->name,
		.pid = p->pid,
		.tries = p->backoff,
		.expected = p->has_exitstatus && proc_exit_expected(p, p->exitstatus),
	};
}

/* ---- the sup's hooks -------------------------------------------------------- */

static void on_proc_state(void *ctx, struct proc *p, int old)
{
	struct evhub *h = ctx;
	int type = state_type(p->state);
	/* Rendered now: pid, tries and expected as they are at this change. */
	if (evbus_wants(h->bus, type)) {
		struct event_proc ep = about(p);
		evbus_publish(h->bus, event_proc_state(type, &ep, proc_state_name(old)));
	}
	if (p->group->pool) pool_proc_state(p->group->pool, p, old);
}

static void on_proc_output(void *ctx, struct proc *p, int channel, const char *data, size_t n)
{
	struct evhub *h = ctx;
	/* A listener's stdout is its protocol, never PROCESS_LOG (logging.md §4). */
	if (channel == CHAN_STDOUT && is_listener(p)) return;
	const struct conf_log *cl = channel == CHAN_STDOUT ? &p->cfg->out : &p->cfg->err;
	int type = channel == CHAN_STDOUT ? EV_PROCESS_LOG_STDOUT : EV_PROCESS_LOG_STDERR;
	if (!cl->events_enabled || !evbus_wants(h->bus, type)) return;
	struct event_proc ep = about(p);
	evbus_publish(h->bus, event_proc_log(type, &ep, data, n));
}

static void on_proc_capture(void *ctx, struct proc *p, int channel, const char *data, size_t n)
{
	struct evhub *h = ctx;
	int type = channel == CHAN_STDOUT ? EV_PROCESS_COMMUNICATION_STDOUT : EV_PROCESS_COMMUNICATION_STDERR;
	if (!evbus_wants(h->bus, type)) return;
	struct event_proc ep = about(p);
	evbus_publish(h->bus, event_proc_comm(type, &ep, data, n));
}

static void on_listener_output(void *ctx, struct proc *p, const char *data, size_t n)
{
	if (p->group->pool) pool_output(p->group->pool, p, data, n);
}

static void drop_pool(struct pgroup *g)
{
	pool_free(g->pool);
	g->pool = NULL;
}

static void on_group_added(void *ctx, struct pgroup *g)
{
	struct evhub *h = ctx;
	/* The pool subscribes first, so it hears of its own group (events.md §3). */
	if (g->kind == CONF_GROUP_LISTENER && g->cfg && !g->pool) g->pool = pool_new(g, h->bus, &h->world);
	if (evbus_wants(h->bus, EV_PROCESS_GROUP_ADDED))
		evbus_publish(h->bus, event_group(EV_PROCESS_GROUP_ADDED, g->name));
}

static void on_group_removed(void *ctx, struct pgroup *g)
{
	struct evhub *h = ctx;
	/* ... and unsubscribes before its group's removal is told. */
	drop_pool(g);
	if (evbus_wants(h->bus, EV_PROCESS_GROUP_REMOVED))
		evbus_publish(h->bus, event_group(EV_PROCESS_GROUP_REMOVED, g->name));
}

static void on_group_destroy(void *ctx, struct pgroup *g)
{
	drop_pool(g);
}

static void on_sup_state(void *ctx, int state)
{
	struct evhub *h = ctx;
	int type = state == SUP_RUNNING ? EV_SUPERVISOR_STATE_CHANGE_RUNNING
	                                : EV_SUPERVISOR_STATE_CHANGE_STOPPING;
	if (evbus_wants(h->bus, type)) evbus_publish(h->bus, event_sup_state(type));
}

static void on_remote_comm(void *ctx, const char *type, const char *data)
{
	struct evhub *h = ctx;
	if (evbus_wants(h->bus, EV_REMOTE_COMMUNICATION))
		evbus_publish(h->bus, event_remote_comm(type, strlen(type), data, strlen(data)));
}

static void on_removed(struct sup_watch *w, struct proc *p, int old)
{
	if (old == PROC_REMOVED && p->group->pool) pool_proc_removed(p->group->pool, p);
}

/* ---- the pools' world ----------------------------------------------------------- */

static int world_send(void *ctx, struct proc *p, const char *data, size_t n)
{
	struct evhub *h = ctx;
	/* supervisord's process.write: EPIPE for a process that is gone or
	 * being stopped, as for a closed pipe. */
	if (!p->pid || p->killing) return -1;
	int rc = sup_proc_stdin_event(p, data, n);
	/* A listener that is slow to read its stdin may catch up: look again
	 * in a second, as supervisord's loop would, rather than wait for the
	 * next event to come along. */
	if (rc == -2 && !ev_is_active(&h->retry)) ev_timer_start(sup_loop(h->sup), &h->retry);
	return rc;
}

static void world_write_target(void *ctx, const struct event *ev, const char *data, size_t n)
{
	struct evhub *h = ctx;
	struct pgroup *g = sup_group(h->sup, ev->groupname);
	for (size_t i = 0; g && i < g->n_procs; i++) {
		struct proc *p = g->procs[i];
		if (strcmp(p->cfg->name, ev->procname) != 0) continue;
		if (p->pid && !p->killing) (void)sup_proc_stdin(p, data, n);
		return;
	}
}

static void world_log(void *ctx, int level, const char *msg)
{
	struct evhub *h = ctx;
	mainlog_write(sup_log(h->sup), level, msg, strlen(msg));
}

static void world_wake(void *ctx, struct pool *pl)
{
	struct evhub *h = ctx;
	ev_idle_start(sup_loop(h->sup), &h->dispatch);
}

static const char *world_server(void *ctx)
{
	struct evhub *h = ctx;
	const struct conf *c = sup_conf(h->sup);
	return c && c->sd.identifier ? c->sd.identifier : "supervisor";
}

static void dispatch_all(struct evhub *h)
{
	for (size_t i = 0; i < sup_group_count(h->sup); i++) {
		struct pgroup *g = sup_group_at(h->sup, i);
		if (g->pool) pool_dispatch(g->pool);
	}
}

static void dispatch_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	ev_idle_stop(loop, w);
	dispatch_all(w->data);
}

static void retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	dispatch_all(w->data);
}

/* ---- life ------------------------------------------------------------------------ */

struct evhub *evhub_new(struct sup *s, struct evbus *bus)
{
	struct evhub *h = xcalloc(1, sizeof *h);
	h->sup = s;
	h->bus = bus;
	h->world = (struct pool_world){
		.send = world_send, .write_target = world_write_target, .log = world_log,
		.wake = world_wake, .server = world_server, .ctx = h,
	};
	/* Highest priority: a pass runs in the next loop iteration even while
	 * child output keeps the loop busy (lower-priority idle watchers would
	 * wait for a quiet moment). */
	ev_idle_init(&h->dispatch, dispatch_cb);
	ev_set_priority(&h->dispatch, EV_MAXPRI);
	h->dispatch.data = h;
	ev_timer_init(&h->retry, retry_cb, 1.0, 0);
	h->retry.data = h;
	sup_watch_add(s, &h->removed, on_removed);
	return h;
}

void evhub_hooks(struct evhub *h, struct sup_hooks *hooks)
{
	*hooks = (struct sup_hooks){
		.proc_state = on_proc_state,
		.proc_output = on_proc_output,
		.proc_capture = on_proc_capture,
		.listener_output = on_listener_output,
		.group_added = on_group_added,
		.group_removed = on_group_removed,
		.group_destroy = on_group_destroy,
		.sup_state = on_sup_state,
		.remote_comm = on_remote_comm,
		.ctx = h,
	};
}

void evhub_free(struct evhub *h)
{
	if (!h) return;
	struct sup_hooks none = {0};
	for (size_t i = 0; i < sup_group_count(h->sup); i++) drop_pool(sup_group_at(h->sup, i));
	sup_set_hooks(h->sup, &none);
	sup_watch_remove(h->sup, &h->removed);
	ev_idle_stop(sup_loop(h->sup), &h->dispatch);
	ev_timer_stop(sup_loop(h->sup), &h->retry);
	free(h);
}
