/* sup.c — the supervisor's state (see sup.h). */
#include "sup.h"
#include "lib/mem.h"
#include "log/mainlog.h"

#include <ev.h>
#include <stdlib.h>
#include <unistd.h>

struct sup {
	struct ev_loop *loop;
	struct mainlog *log;
	struct logwatch_hub *hub;
	const struct conf *conf;
	int state;
	sup_stopped_fn stopped_fn;
	void *stopped_ctx;
	ev_idle stop_check;         /* runs the stopped callback outside the caller's stack */
};

static void stop_check_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct sup *s = w->data;
	ev_idle_stop(loop, w);
	if (s->stopped_fn) s->stopped_fn(s, s->stopped_ctx);
}

struct sup *sup_new(struct ev_loop *loop, struct mainlog *log, struct logwatch_hub *hub)
{
	struct sup *s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->log = log;
	s->hub = hub;
	s->state = SUP_RUNNING;
	ev_idle_init(&s->stop_check, stop_check_cb);
	s->stop_check.data = s;
	return s;
}

void sup_free(struct sup *s)
{
	if (!s) return;
	ev_idle_stop(s->loop, &s->stop_check);
	free(s);
}

void sup_configure(struct sup *s, const struct conf *conf) { s->conf = conf; }

void sup_on_stopped(struct sup *s, sup_stopped_fn fn, void *ctx)
{
	s->stopped_fn = fn;
	s->stopped_ctx = ctx;
}

int sup_state(const struct sup *s) { return s->state; }
struct mainlog *sup_log(const struct sup *s) { return s->log; }
const struct conf *sup_conf(const struct sup *s) { return s->conf; }
struct logwatch_hub *sup_logwatch(const struct sup *s) { return s->hub; }
pid_t sup_pid(const struct sup *s) { return getpid(); }

const char *sup_state_name(int state)
{
	switch (state) {
	case SUP_FATAL: return "FATAL";
	case SUP_RUNNING: return "RUNNING";
	case SUP_RESTARTING: return "RESTARTING";
	case SUP_SHUTDOWN: return "SHUTDOWN";
	}
	return "UNKNOWN";
}

void sup_request_shutdown(struct sup *s)
{
	s->state = SUP_SHUTDOWN;
	ev_idle_start(s->loop, &s->stop_check);
}

void sup_request_restart(struct sup *s)
{
	if (s->state == SUP_SHUTDOWN) return;
	s->state = SUP_RESTARTING;
	ev_idle_start(s->loop, &s->stop_check);
}

void sup_set_running(struct sup *s) { s->state = SUP_RUNNING; }
