/* proc.c — the process state machine as a table (see proc.h).
 *
 * Rows are states, columns events; each cell names the action. A cell that
 * is NULL means the event cannot change that state and is ignored. Timing
 * follows lifecycle.md with deadlines instead of polling: the process
 * timer fires at startsecs (STARTING -> RUNNING), after the backoff delay
 * (BACKOFF -> STARTING) and after stopwaitsecs (SIGKILL). An exit is always
 * handled before a timer due in the same loop iteration (sup.c gives child
 * watchers the higher priority), so a process that exits before startsecs
 * always goes to BACKOFF. */
#include "proc.h"
#include "conf/config.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/signames.h"
#include "log/mainlog.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

const char *proc_state_name(int state)
{
	switch (state) {
	case PROC_STOPPED: return "STOPPED";
	case PROC_STARTING: return "STARTING";
	case PROC_RUNNING: return "RUNNING";
	case PROC_BACKOFF: return "BACKOFF";
	case PROC_STOPPING: return "STOPPING";
	case PROC_EXITED: return "EXITED";
	case PROC_FATAL: return "FATAL";
	case PROC_UNKNOWN: return "UNKNOWN";
	}
	return "UNKNOWN";
}

bool proc_state_running(int s) { return s == PROC_STARTING || s == PROC_RUNNING || s == PROC_BACKOFF; }
bool proc_state_stopped(int s)
{
	return s == PROC_STOPPED || s == PROC_EXITED || s == PROC_FATAL || s == PROC_UNKNOWN;
}
bool proc_state_signallable(int s) { return s == PROC_STARTING || s == PROC_RUNNING || s == PROC_STOPPING; }

const char *proc_name(const struct proc *p) { return p->cfg->name; }

static void plog(struct proc *p, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void plog(struct proc *p, int level, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p->world->log(p->world->ctx, level, buf_cstr(&b));
	buf_free(&b);
}

static double now(struct proc *p) { return p->world->now(p->world->ctx); }
static void timer(struct proc *p, double s) { p->world->timer(p->world->ctx, p, s); }

static void set_state(struct proc *p, enum proc_state to)
{
	enum proc_state from = p->state;
	if (from == to) return;
	p->state = to;
	p->world->changed(p->world->ctx, p, from);
}

static void set_spawnerr(struct proc *p, const char *msg)
{
	free(p->spawnerr);
	p->spawnerr = msg ? xstrdup(msg) : NULL;
}

void proc_init(struct proc *p, struct pgroup *g, struct conf_proc *cfg, const struct proc_world *w)
{
	memset(p, 0, sizeof *p);
	p->group = g;
	p->cfg = conf_proc_ref(cfg);
	p->world = w;
	p->state = PROC_STOPPED;
}

void proc_fini(struct proc *p)
{
	free(p->spawnerr);
	p->spawnerr = NULL;
	conf_proc_unref(p->cfg);
	p->cfg = NULL;
}

void proc_exit_decode(int status, struct proc_exit *ex)
{
	if (WIFEXITED(status)) {
		ex->code = WEXITSTATUS(status);
		snprintf(ex->text, sizeof ex->text, "exit status %d", ex->code);
	} else if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		const char *name = sig_name(sig);
		char signame[32];
		if (name) snprintf(signame, sizeof signame, "%s", name);
		else snprintf(signame, sizeof signame, "signal %d", sig);
		ex->code = -1;
		snprintf(ex->text, sizeof ex->text, "terminated by %s%s", signame,
		         WCOREDUMP(status) ? " (core dumped)" : "");
	} else {
		ex->code = -1;
		snprintf(ex->text, sizeof ex->text, "unknown termination cause 0x%04x", status);
	}
}

bool proc_exit_expected(const struct proc *p, int code)
{
	for (size_t i = 0; i < p->cfg->n_exitcodes; i++)
		if (p->cfg->exitcodes[i] == code) return true;
	return false;
}

bool proc_should_autorestart(const struct proc *p)
{
	switch (p->cfg->autorestart) {
	case CONF_AR_TRUE: return true;
	case CONF_AR_UNEXPECTED:
		return !p->has_exitstatus || !proc_exit_expected(p, p->exitstatus);
	default: return false;
	}
}

static const char *signame_text(int sig, char *tmp, size_t cap)
{
	const char *n = sig_name(sig);
	if (n) return n;
	snprintf(tmp, cap, "signal %d", sig);
	return tmp;
}

/* ---- actions ---------------------------------------------------------------- */

static char *act_spawn(struct proc *p, const struct proc_exit *ex);

static char *enter_backoff(struct proc *p)
{
	/* Counted before the change: PROCESS_STATE_BACKOFF says tries:1 for
	 * the first failure, as supervisord's does. */
	p->backoff++;
	set_state(p, PROC_BACKOFF);
	if (p->backoff > p->cfg->startretries) {
		/* lifecycle.md §4: the next pass gives up. */
		p->backoff = 0;
		set_state(p, PROC_FATAL);
		plog(p, LVL_INFO, "gave up: %s entered FATAL state, too many start retries too quickly",
		     proc_name(p));
		return NULL;
	}
	/* Retries wait 1 s, 2 s, 3 s ... (the deadline is now + backoff). */
	timer(p, (double)p->backoff);
	return NULL;
}

static void enter_running(struct proc *p)
{
	timer(p, -1);
	p->backoff = 0;
	set_state(p, PROC_RUNNING);
	plog(p, LVL_INFO, "success: %s entered RUNNING state, process has stayed up for > than %d seconds (startsecs)",
	     proc_name(p), p->cfg->startsecs);
}

static char *act_spawn(struct proc *p, const struct proc_exit *ex)
{
	if (p->pid) {
		plog(p, LVL_WARN, "process '%s' already running", proc_name(p));
		return NULL;
	}
	timer(p, -1);
	p->killing = false;
	set_spawnerr(p, NULL);
	p->has_exitstatus = false;
	p->exitstatus = 0;
	p->laststart = now(p);
	set_state(p, PROC_STARTING);
	char *why = NULL;
	if (p->world->spawn(p->world->ctx, p, &why) < 0) {
		set_spawnerr(p, why ? why : "unknown spawn error");
		plog(p, LVL_INFO, "spawnerr: %s", p->spawnerr);
		free(why);
		return enter_backoff(p);
	}
	plog(p, LVL_INFO, "spawned: '%s' with pid %d", proc_name(p), (int)p->pid);
	if (p->cfg->startsecs <= 0) {
		/* Nothing to wait for: the first pass after the spawn succeeds. */
		if (p->state == PROC_STARTING) enter_running(p);
	} else {
		timer(p, (double)p->cfg->startsecs);
	}
	return NULL;
}

/* BACKOFF's timer: retry, or give up (lifecycle.md §4). */
static char *act_backoff_timer(struct proc *p, const struct proc_exit *ex)
{
	if (p->backoff > p->cfg->startretries) {
		p->backoff = 0;
		set_state(p, PROC_FATAL);
		plog(p, LVL_INFO, "gave up: %s entered FATAL state, too many start retries too quickly",
		     proc_name(p));
		return NULL;
	}
	if (!p->world->may_spawn(p->world->ctx)) return NULL;
	return act_spawn(p, NULL);
}

static char *act_startsecs(struct proc *p, const struct proc_exit *ex)
{
	enter_running(p);
	return NULL;
}

/* stop() / kill(sig): lifecycle.md §7. */
static char *do_kill(struct proc *p, int sig)
{
	char tmp[32];
	const char *signame = signame_text(sig, tmp, sizeof tmp);
	if (p->state == PROC_BACKOFF) {
		plog(p, LVL_DEBG, "Attempted to kill %s, which is in BACKOFF state.", proc_name(p));
		timer(p, -1);
		set_state(p, PROC_STOPPED);
		return NULL;
	}
	if (!p->pid) {
		char *msg = xasprintf("attempted to kill %s with sig %s but it wasn't running",
		                      proc_name(p), signame);
		plog(p, LVL_DEBG, "%s", msg);
		return msg;
	}
	bool as_group = p->state == PROC_STOPPING ? p->cfg->killasgroup : p->cfg->stopasgroup;
	plog(p, LVL_DEBG, "killing %s (pid %d) %swith signal %s", proc_name(p), (int)p->pid,
	     as_group ? "process group " : "", signame);
	p->killing = true;
	timer(p, (double)p->cfg->stopwaitsecs);
	set_state(p, PROC_STOPPING);
	int err = p->world->kill(p->world->ctx, as_group ? -p->pid : p->pid, sig);
	if (err == ESRCH) {
		plog(p, LVL_DEBG, "unable to signal %s (pid %d), it probably just exited on its own: %s",
		     proc_name(p), (int)p->pid, strerror(err));
		return NULL;
	}
	if (err) {
		char *msg = xasprintf("unknown problem killing %s (%d):%s", proc_name(p), (int)p->pid,
		                      strerror(err));
		plog(p, LVL_CRIT, "%s", msg);
		p->killing = false;
		timer(p, -1);
		set_state(p, PROC_UNKNOWN);
		return msg;
	}
	return NULL;
}

static char *act_stop(struct proc *p, const struct proc_exit *ex)
{
	return do_kill(p, p->cfg->stopsignal);
}

static char *act_sigkill(struct proc *p, const struct proc_exit *ex)
{
	plog(p, LVL_WARN, "killing '%s' (%d) with SIGKILL", proc_name(p), (int)p->pid);
	free(do_kill(p, SIGKILL));
	return NULL;
}

static char *act_give_up(struct proc *p, const struct proc_exit *ex)
{
	timer(p, -1);
	p->backoff = 0;
	set_state(p, PROC_FATAL);
	return NULL;
}

/* finish(): lifecycle.md §3.4. */
static char *act_exit(struct proc *p, const struct proc_exit *ex)
{
	double t = now(p);
	p->laststop = t;
	bool too_quickly;
	if (t > p->laststart) {
		too_quickly = t - p->laststart < p->cfg->startsecs;
	} else {
		too_quickly = false;
		plog(p, LVL_WARN, "process '%s' (%d) laststart time is in the future, don't know how long "
		     "process was running so assuming it did not exit too quickly", proc_name(p), (int)p->pid);
	}
	bool expected = proc_exit_expected(p, ex->code);
	p->world->reaped(p->world->ctx, p);     /* drain and close the pipes first */
	timer(p, -1);
	/* The state changes below still see the pid of the process that died
	 * (PROCESS_STATE_STOPPED and _EXITED carry it); it is cleared after. */
	bool restart = false;
	if (p->killing) {
		p->killing = false;
		p->has_exitstatus = true;
		p->exitstatus = ex->code;
		set_state(p, PROC_STOPPED);
		plog(p, expected ? LVL_INFO : LVL_WARN, "stopped: %s (%s)", proc_name(p), ex->text);
	} else if (p->state == PROC_STARTING && too_quickly) {
		p->has_exitstatus = false;
		set_spawnerr(p, "Exited too quickly (process log may have details)");
		plog(p, LVL_WARN, "exited: %s (%s; not expected)", proc_name(p), ex->text);
		enter_backoff(p);
	} else {
		p->backoff = 0;
		p->has_exitstatus = true;
		p->exitstatus = ex->code;
		if (p->state == PROC_STARTING) set_state(p, PROC_RUNNING);
		if (!expected) {
			free(p->spawnerr);
			p->spawnerr = xasprintf("Bad exit code %d", ex->code);
		}
		set_state(p, PROC_EXITED);
		plog(p, expected ? LVL_INFO : LVL_WARN, "exited: %s (%s; %s)", proc_name(p), ex->text,
		     expected ? "expected" : "not expected");
		restart = p->world->may_spawn(p->world->ctx) && proc_should_autorestart(p);
	}
	p->pid = 0;
	if (restart && p->state == PROC_EXITED) act_spawn(p, NULL);
	return NULL;
}

typedef char *(*proc_action)(struct proc *p, const struct proc_exit *ex);

enum { S_STOPPED, S_STARTING, S_RUNNING, S_BACKOFF, S_STOPPING, S_EXITED, S_FATAL, S_UNKNOWN, S_COUNT };

static int row(enum proc_state s)
{
	switch (s) {
	case PROC_STOPPED: return S_STOPPED;
	case PROC_STARTING: return S_STARTING;
	case PROC_RUNNING: return S_RUNNING;
	case PROC_BACKOFF: return S_BACKOFF;
	case PROC_STOPPING: return S_STOPPING;
	case PROC_EXITED: return S_EXITED;
	case PROC_FATAL: return S_FATAL;
	default: return S_UNKNOWN;
	}
}

/*                        PE_START    PE_EXIT   PE_TIMER           PE_STOP   PE_GIVE_UP */
static const proc_action table[S_COUNT][PE_COUNT] = {
	[S_STOPPED]  = {act_spawn, NULL,     NULL,              NULL,     NULL},
	[S_STARTING] = {act_spawn, act_exit, act_startsecs,     act_stop, NULL},
	[S_RUNNING]  = {act_spawn, act_exit, NULL,              act_stop, NULL},
	[S_BACKOFF]  = {act_spawn, NULL,     act_backoff_timer, act_stop, act_give_up},
	[S_STOPPING] = {act_spawn, act_exit, act_sigkill,       NULL,     NULL},
	[S_EXITED]   = {act_spawn, NULL,     NULL,              NULL,     NULL},
	[S_FATAL]    = {act_spawn, NULL,     NULL,              NULL,     NULL},
	[S_UNKNOWN]  = {NULL,      act_exit, NULL,              NULL,     NULL},
};

char *proc_handle(struct proc *p, enum proc_event ev, const struct proc_exit *ex)
{
	proc_action a = table[row(p->state)][ev];
	return a ? a(p, ex) : NULL;
}

char *proc_signal(struct proc *p, int sig)
{
	char tmp[32];
	const char *signame = signame_text(sig, tmp, sizeof tmp);
	if (!p->pid) {
		char *msg = xasprintf("attempted to send %s sig %s but it wasn't running", proc_name(p), signame);
		plog(p, LVL_DEBG, "%s", msg);
		return msg;
	}
	plog(p, LVL_DEBG, "sending %s (pid %d) sig %s", proc_name(p), (int)p->pid, signame);
	int err = p->world->kill(p->world->ctx, p->pid, sig);
	if (err == ESRCH) {
		plog(p, LVL_DEBG, "unable to signal %s (pid %d), it probably just now exited on its own: %s",
		     proc_name(p), (int)p->pid, strerror(err));
		return NULL;
	}
	if (err) {
		char *msg = xasprintf("unknown problem sending sig %s (%d):%s", proc_name(p), (int)p->pid,
		                      strerror(err));
		plog(p, LVL_CRIT, "%s", msg);
		set_state(p, PROC_UNKNOWN);
		return msg;
	}
	return NULL;
}

void proc_stop_report(struct proc *p)
{
	if (p->state != PROC_STOPPING) return;
	double t = now(p);
	if (t > p->laststopreport + 2) {
		plog(p, LVL_INFO, "waiting for %s to stop", proc_name(p));
		p->laststopreport = t;
	}
}
