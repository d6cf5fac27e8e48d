/* test_proc.c — every cell of the process state table (state x event),
 * with a fake clock, a fake spawner and a fake kill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "conf/config.h"
#include "core/proc.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "log/mainlog.h"

struct fake {
	double now;
	int spawn_rc;               /* 0: succeed with pid 4242; -1: fail */
	int spawns;
	int kill_errno;
	int kills;
	pid_t kill_pid;
	int kill_sig;
	double timer;               /* last armed; -1 stopped */
	int reaped;
	bool may_spawn;
	struct buf log;
	struct buf changes;         /* "OLD>NEW " */
	struct buf seen;            /* "NEW pid=P tries=T " as events render them */
};

static double f_now(void *ctx) { return ((struct fake *)ctx)->now; }

static int f_spawn(void *ctx, struct proc *p, char **why)
{
	struct fake *f = ctx;
	f->spawns++;
	if (f->spawn_rc < 0) {
		*why = xstrdup("can't find command '/nope'");
		return -1;
	}
	p->pid = 4242;
	return 0;
}

static int f_kill(void *ctx, pid_t pid, int sig)
{
	struct fake *f = ctx;
	f->kills++;
	f->kill_pid = pid;
	f->kill_sig = sig;
	return f->kill_errno;
}

static void f_timer(void *ctx, struct proc *p, double s) { ((struct fake *)ctx)->timer = s; }

static void f_log(void *ctx, int level, const char *msg)
{
	struct fake *f = ctx;
	buf_printf(&f->log, "%s %s\n", mainlog_level_code(level), msg);
}

static void f_changed(void *ctx, struct proc *p, int old)
{
	struct fake *f = ctx;
	buf_printf(&f->changes, "%s>%s ", proc_state_name(old), proc_state_name(p->state));
	buf_printf(&f->seen, "%s pid=%d tries=%d ", proc_state_name(p->state), (int)p->pid, p->backoff);
}

static void f_reaped(void *ctx, struct proc *p) { ((struct fake *)ctx)->reaped++; }
static bool f_may_spawn(void *ctx) { return ((struct fake *)ctx)->may_spawn; }

struct fixture {
	struct fake f;
	struct proc_world w;
	struct conf_proc cfg;
	int exitcodes[1];
	struct proc p;
};

static int setup(void **state)
{
	struct fixture *x = xcalloc(1, sizeof *x);
	x->f.now = 1000.0;
	x->f.timer = -2;
	x->f.may_spawn = true;
	x->w = (struct proc_world){f_now, f_spawn, f_kill, f_timer, f_log, f_changed, f_reaped,
	                           f_may_spawn, &x->f};
	x->cfg.refs = 1;
	x->cfg.name = "web";
	x->cfg.startsecs = 1;
	x->cfg.startretries = 3;
	x->cfg.stopsignal = SIGTERM;
	x->cfg.stopwaitsecs = 10;
	x->cfg.autorestart = CONF_AR_UNEXPECTED;
	x->exitcodes[0] = 0;
	x->cfg.exitcodes = x->exitcodes;
	x->cfg.n_exitcodes = 1;
	proc_init(&x->p, NULL, &x->cfg, &x->w);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	x->p.cfg = NULL;            /* the config is on the stack of the fixture */
	free(x->p.spawnerr);
	buf_free(&x->f.log);
	buf_free(&x->f.changes);
	buf_free(&x->f.seen);
	free(x);
	return 0;
}

/* Put the process in a state as if it had got there. */
static void put(struct fixture *x, enum proc_state s, pid_t pid)
{
	x->p.state = s;
	x->p.pid = pid;
	x->p.laststart = x->f.now;
	if (s == PROC_STOPPING) x->p.killing = true;
}

static void exit_with(struct fixture *x, int code, double after)
{
	x->f.now += after;
	struct proc_exit ex;
	proc_exit_decode(code >= 0 ? (code << 8) : SIGKILL, &ex);
	free(proc_handle(&x->p, PE_EXIT, &ex));
}

static const char *logged(struct fixture *x) { return buf_cstr(&x->f.log); }
static const char *changes(struct fixture *x) { return buf_cstr(&x->f.changes); }

/* ---- PE_START ----------------------------------------------------------------- */

static void start_from(void **state, enum proc_state s)
{
	struct fixture *x = *state;
	put(x, s, 0);
	free(proc_handle(&x->p, PE_START, NULL));
	assert_int_equal(x->p.state, PROC_STARTING);
	assert_int_equal(x->f.spawns, 1);
	assert_int_equal(x->p.pid, 4242);
	assert_true(x->f.timer == 1.0);                   /* startsecs */
	assert_non_null(strstr(logged(x), "INFO spawned: 'web' with pid 4242"));
}

static void test_start_stopped(void **s) { start_from(s, PROC_STOPPED); }
static void test_start_exited(void **s) { start_from(s, PROC_EXITED); }
static void test_start_fatal(void **s) { start_from(s, PROC_FATAL); }
static void test_start_backoff(void **s) { start_from(s, PROC_BACKOFF); }

static void start_with_pid(void **state, enum proc_state s)
{
	struct fixture *x = *state;
	put(x, s, 77);
	free(proc_handle(&x->p, PE_START, NULL));
	assert_int_equal(x->p.state, s);
	assert_int_equal(x->f.spawns, 0);
	assert_non_null(strstr(logged(x), "WARN process 'web' already running"));
}

static void test_start_starting(void **s) { start_with_pid(s, PROC_STARTING); }
static void test_start_running(void **s) { start_with_pid(s, PROC_RUNNING); }
static void test_start_stopping(void **s) { start_with_pid(s, PROC_STOPPING); }

static void test_start_unknown(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_UNKNOWN, 0);
	free(proc_handle(&x->p, PE_START, NULL));
	assert_int_equal(x->p.state, PROC_UNKNOWN);    /* never started from UNKNOWN */
	assert_int_equal(x->f.spawns, 0);
}

static void test_start_spawn_error(void **state)
{
	struct fixture *x = *state;
	x->f.spawn_rc = -1;
	put(x, PROC_STOPPED, 0);
	free(proc_handle(&x->p, PE_START, NULL));
	assert_int_equal(x->p.state, PROC_BACKOFF);
	assert_string_equal(x->p.spawnerr, "can't find command '/nope'");
	assert_int_equal(x->p.backoff, 1);
	assert_true(x->f.timer == 1.0);                   /* first retry after 1 s */
	assert_non_null(strstr(logged(x), "INFO spawnerr: can't find command '/nope'"));
	assert_string_equal(changes(x), "STOPPED>STARTING STARTING>BACKOFF ");
}

static void test_start_startsecs_zero(void **state)
{
	struct fixture *x = *state;
	x->cfg.startsecs = 0;
	put(x, PROC_STOPPED, 0);
	free(proc_handle(&x->p, PE_START, NULL));
	assert_int_equal(x->p.state, PROC_RUNNING);
	assert_non_null(strstr(logged(x),
		"INFO success: web entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)"));
}

/* ---- PE_EXIT -------------------------------------------------------------------- */

static void test_exit_starting_too_quickly(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_STARTING, 77);
	exit_with(x, 0, 0.2);
	assert_int_equal(x->p.state, PROC_BACKOFF);
	assert_int_equal(x->p.pid, 0);
	assert_int_equal(x->f.reaped, 1);
	assert_string_equal(x->p.spawnerr, "Exited too quickly (process log may have details)");
	assert_false(x->p.has_exitstatus);
	assert_int_equal(x->p.backoff, 1);
	/* Even an exit code in exitcodes is "not expected" when too quick. */
	assert_non_null(strstr(logged(x), "WARN exited: web (exit status 0; not expected)"));
}

static void test_exit_starting_gives_up(void **state)
{
	struct fixture *x = *state;
	x->cfg.startretries = 0;
	put(x, PROC_STARTING, 77);
	exit_with(x, 1, 0.1);
	assert_int_equal(x->p.state, PROC_FATAL);
	assert_int_equal(x->p.backoff, 0);
	assert_non_null(strstr(logged(x),
		"INFO gave up: web entered FATAL state, too many start retries too quickly"));
	assert_string_equal(changes(x), "STARTING>BACKOFF BACKOFF>FATAL ");
}

static void test_exit_starting_after_startsecs(void **state)
{
	/* The clock passed startsecs before the timer was seen: not too quick. */
	struct fixture *x = *state;
	x->cfg.autorestart = CONF_AR_FALSE;
	put(x, PROC_STARTING, 77);
	exit_with(x, 0, 5);
	assert_int_equal(x->p.state, PROC_EXITED);
	assert_string_equal(changes(x), "STARTING>RUNNING RUNNING>EXITED ");
	assert_non_null(strstr(logged(x), "INFO exited: web (exit status 0; expected)"));
}

static void test_exit_running_expected(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_RUNNING, 77);
	exit_with(x, 0, 5);
	assert_int_equal(x->p.state, PROC_EXITED);       /* unexpected-only restart: stays */
	assert_true(x->p.has_exitstatus);
	assert_int_equal(x->p.exitstatus, 0);
	assert_null(x->p.spawnerr);
	assert_int_equal(x->f.spawns, 0);
}

static void test_exit_running_unexpected_restarts(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_RUNNING, 77);
	exit_with(x, 3, 5);
	assert_non_null(strstr(logged(x), "WARN exited: web (exit status 3; not expected)"));
	assert_int_equal(x->f.spawns, 1);                /* autorestart=unexpected */
	assert_int_equal(x->p.state, PROC_STARTING);
	assert_string_equal(changes(x), "RUNNING>EXITED EXITED>STARTING ");
}

static void test_exit_running_unexpected_no_restart(void **state)
{
	struct fixture *x = *state;
	x->cfg.autorestart = CONF_AR_FALSE;
	put(x, PROC_RUNNING, 77);
	exit_with(x, 3, 5);
	assert_int_equal(x->p.state, PROC_EXITED);
	assert_string_equal(x->p.spawnerr, "Bad exit code 3");
	assert_int_equal(x->f.spawns, 0);
}

static void test_exit_running_signal(void **state)
{
	struct fixture *x = *state;
	x->cfg.autorestart = CONF_AR_FALSE;
	put(x, PROC_RUNNING, 77);
	exit_with(x, -1, 5);
	assert_int_equal(x->p.exitstatus, -1);
	assert_non_null(strstr(logged(x), "WARN exited: web (terminated by SIGKILL; not expected)"));
}

static void test_exit_running_autorestart_true(void **state)
{
	struct fixture *x = *state;
	x->cfg.autorestart = CONF_AR_TRUE;
	put(x, PROC_RUNNING, 77);
	exit_with(x, 0, 5);
	assert_int_equal(x->p.state, PROC_STARTING);
}

static void test_exit_running_during_shutdown(void **state)
{
	struct fixture *x = *state;
	x->cfg.autorestart = CONF_AR_TRUE;
	x->f.may_spawn = false;
	put(x, PROC_RUNNING, 77);
	exit_with(x, 0, 5);
	assert_int_equal(x->p.state, PROC_EXITED);       /* nothing spawns while stopping */
}

static void test_exit_stopping(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_STOPPING, 77);
	exit_with(x, -1, 1);
	assert_int_equal(x->p.state, PROC_STOPPED);
	assert_false(x->p.killing);
	assert_true(x->f.timer == -1);
	assert_non_null(strstr(logged(x), "WARN stopped: web (terminated by SIGKILL)"));
	buf_reset(&x->f.log);
	put(x, PROC_STOPPING, 78);
	exit_with(x, 0, 1);
	assert_non_null(strstr(logged(x), "INFO stopped: web (exit status 0)"));
}

static void test_exit_unknown(void **state)
{
	struct fixture *x = *state;
	x->cfg.autorestart = CONF_AR_FALSE;
	put(x, PROC_UNKNOWN, 77);
	exit_with(x, 0, 5);
	assert_int_equal(x->p.state, PROC_EXITED);
	assert_int_equal(x->p.pid, 0);
}

static void exit_ignored(void **state, enum proc_state s)
{
	struct fixture *x = *state;
	put(x, s, 0);
	exit_with(x, 0, 1);
	assert_int_equal(x->p.state, s);
	assert_int_equal(x->f.reaped, 0);
}

static void test_exit_stopped(void **s) { exit_ignored(s, PROC_STOPPED); }
static void test_exit_backoff(void **s) { exit_ignored(s, PROC_BACKOFF); }
static void test_exit_exited(void **s) { exit_ignored(s, PROC_EXITED); }
static void test_exit_fatal(void **s) { exit_ignored(s, PROC_FATAL); }

/* ---- PE_TIMER ------------------------------------------------------------------- */

static void test_timer_starting(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_STARTING, 77);
	x->p.backoff = 2;
	free(proc_handle(&x->p, PE_TIMER, NULL));
	assert_int_equal(x->p.state, PROC_RUNNING);
	assert_int_equal(x->p.backoff, 0);
	assert_non_null(strstr(logged(x), "INFO success: web entered RUNNING state, process has stayed "
	                                  "up for > than 1 seconds (startsecs)"));
}

static void test_timer_backoff_retries(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_BACKOFF, 0);
	x->p.backoff = 2;
	free(proc_handle(&x->p, PE_TIMER, NULL));
	assert_int_equal(x->p.state, PROC_STARTING);
	assert_int_equal(x->p.backoff, 2);               /* spawn does not reset it */
	assert_int_equal(x->f.spawns, 1);
}

static void test_timer_backoff_while_stopping_daemon(void **state)
{
	struct fixture *x = *state;
	x->f.may_spawn = false;
	put(x, PROC_BACKOFF, 0);
	x->p.backoff = 1;
	free(proc_handle(&x->p, PE_TIMER, NULL));
	assert_int_equal(x->p.state, PROC_BACKOFF);
	assert_int_equal(x->f.spawns, 0);
}

static void test_timer_backoff_grows(void **state)
{
	/* Each failed start waits one second longer: 1, 2, 3, then FATAL. */
	struct fixture *x = *state;
	put(x, PROC_STOPPED, 0);
	free(proc_handle(&x->p, PE_START, NULL));
	for (int i = 1; i <= 3; i++) {
		exit_with(x, 0, 0.1);
		assert_int_equal(x->p.state, PROC_BACKOFF);
		assert_true(x->f.timer == (double)i);
		free(proc_handle(&x->p, PE_TIMER, NULL));
		assert_int_equal(x->p.state, PROC_STARTING);
	}
	exit_with(x, 0, 0.1);
	assert_int_equal(x->p.state, PROC_FATAL);
	assert_int_equal(x->f.spawns, 4);                /* startretries + 1 attempts */
}

static void test_timer_stopping_sigkill(void **state)
{
	struct fixture *x = *state;
	x->cfg.killasgroup = true;
	put(x, PROC_STOPPING, 77);
	free(proc_handle(&x->p, PE_TIMER, NULL));
	assert_int_equal(x->p.state, PROC_STOPPING);
	assert_int_equal(x->f.kill_sig, SIGKILL);
	assert_int_equal(x->f.kill_pid, -77);            /* killasgroup: the process group */
	assert_true(x->f.timer == 10.0);                 /* SIGKILL repeats every stopwaitsecs */
	assert_non_null(strstr(logged(x), "WARN killing 'web' (77) with SIGKILL"));
	assert_non_null(strstr(logged(x), "DEBG killing web (pid 77) process group with signal SIGKILL"));
}

static void timer_ignored(void **state, enum proc_state s)
{
	struct fixture *x = *state;
	put(x, s, s == PROC_RUNNING ? 77 : 0);
	free(proc_handle(&x->p, PE_TIMER, NULL));
	assert_int_equal(x->p.state, s);
	assert_int_equal(x->f.spawns, 0);
	assert_int_equal(x->f.kills, 0);
}

static void test_timer_stopped(void **s) { timer_ignored(s, PROC_STOPPED); }
static void test_timer_running(void **s) { timer_ignored(s, PROC_RUNNING); }
static void test_timer_exited(void **s) { timer_ignored(s, PROC_EXITED); }
static void test_timer_fatal(void **s) { timer_ignored(s, PROC_FATAL); }
static void test_timer_unknown(void **s) { timer_ignored(s, PROC_UNKNOWN); }

/* ---- PE_STOP -------------------------------------------------------------------- */

static void stop_signals(void **state, enum proc_state s)
{
	struct fixture *x = *state;
	put(x, s, 77);
	char *err = proc_handle(&x->p, PE_STOP, NULL);
	assert_null(err);
	assert_int_equal(x->p.state, PROC_STOPPING);
	assert_true(x->p.killing);
	assert_int_equal(x->f.kill_pid, 77);
	assert_int_equal(x->f.kill_sig, SIGTERM);
	assert_true(x->f.timer == 10.0);
	assert_non_null(strstr(logged(x), "DEBG killing web (pid 77) with signal SIGTERM"));
}

static void test_stop_starting(void **s) { stop_signals(s, PROC_STARTING); }
static void test_stop_running(void **s) { stop_signals(s, PROC_RUNNING); }

static void test_stop_running_as_group(void **state)
{
	struct fixture *x = *state;
	x->cfg.stopasgroup = true;
	put(x, PROC_RUNNING, 77);
	free(proc_handle(&x->p, PE_STOP, NULL));
	assert_int_equal(x->f.kill_pid, -77);
}

static void test_stop_backoff(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_BACKOFF, 0);
	x->p.backoff = 2;
	assert_null(proc_handle(&x->p, PE_STOP, NULL));
	assert_int_equal(x->p.state, PROC_STOPPED);
	assert_int_equal(x->f.kills, 0);                 /* no signal for BACKOFF */
	assert_int_equal(x->p.backoff, 2);               /* and the counter stays */
	assert_non_null(strstr(logged(x), "DEBG Attempted to kill web, which is in BACKOFF state."));
}

static void test_stop_esrch(void **state)
{
	struct fixture *x = *state;
	x->f.kill_errno = ESRCH;
	put(x, PROC_RUNNING, 77);
	assert_null(proc_handle(&x->p, PE_STOP, NULL));
	assert_int_equal(x->p.state, PROC_STOPPING);     /* the reap finishes it */
}

static void test_stop_kill_error(void **state)
{
	struct fixture *x = *state;
	x->f.kill_errno = EPERM;
	put(x, PROC_RUNNING, 77);
	char *err = proc_handle(&x->p, PE_STOP, NULL);
	assert_non_null(err);
	assert_non_null(strstr(err, "unknown problem killing web (77)"));
	free(err);
	assert_int_equal(x->p.state, PROC_UNKNOWN);
	assert_false(x->p.killing);
}

static void stop_ignored(void **state, enum proc_state s)
{
	struct fixture *x = *state;
	put(x, s, s == PROC_STOPPING ? 77 : 0);
	assert_null(proc_handle(&x->p, PE_STOP, NULL));
	assert_int_equal(x->p.state, s);
	assert_int_equal(x->f.kills, 0);
}

static void test_stop_stopped(void **s) { stop_ignored(s, PROC_STOPPED); }
static void test_stop_stopping(void **s) { stop_ignored(s, PROC_STOPPING); }
static void test_stop_exited(void **s) { stop_ignored(s, PROC_EXITED); }
static void test_stop_fatal(void **s) { stop_ignored(s, PROC_FATAL); }
static void test_stop_unknown(void **s) { stop_ignored(s, PROC_UNKNOWN); }

/* ---- PE_GIVE_UP ------------------------------------------------------------------ */

static void test_give_up_backoff(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_BACKOFF, 0);
	x->p.backoff = 1;
	free(proc_handle(&x->p, PE_GIVE_UP, NULL));
	assert_int_equal(x->p.state, PROC_FATAL);
	assert_int_equal(x->p.backoff, 0);
	assert_null(strstr(logged(x), "gave up"));      /* give_up logs nothing */
}

static void give_up_ignored(void **state, enum proc_state s)
{
	struct fixture *x = *state;
	put(x, s, 0);
	free(proc_handle(&x->p, PE_GIVE_UP, NULL));
	assert_int_equal(x->p.state, s);
}

static void test_give_up_stopped(void **s) { give_up_ignored(s, PROC_STOPPED); }
static void test_give_up_starting(void **s) { give_up_ignored(s, PROC_STARTING); }
static void test_give_up_running(void **s) { give_up_ignored(s, PROC_RUNNING); }
static void test_give_up_stopping(void **s) { give_up_ignored(s, PROC_STOPPING); }
static void test_give_up_exited(void **s) { give_up_ignored(s, PROC_EXITED); }
static void test_give_up_fatal(void **s) { give_up_ignored(s, PROC_FATAL); }
static void test_give_up_unknown(void **s) { give_up_ignored(s, PROC_UNKNOWN); }

/* ---- helpers ---------------------------------------------------------------------- */

static void test_exit_decode(void **state)
{
	(void)state;
	struct proc_exit ex;
	proc_exit_decode(3 << 8, &ex);
	assert_int_equal(ex.code, 3);
	assert_string_equal(ex.text, "exit status 3");
	proc_exit_decode(SIGTERM, &ex);
	assert_int_equal(ex.code, -1);
	assert_string_equal(ex.text, "terminated by SIGTERM");
	proc_exit_decode(SIGSEGV | 0x80, &ex);
	assert_string_equal(ex.text, "terminated by SIGSEGV (core dumped)");
	proc_exit_decode(40, &ex);
	assert_string_equal(ex.text, "terminated by signal 40");
}

static void test_signal(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_RUNNING, 77);
	assert_null(proc_signal(&x->p, SIGHUP));
	assert_int_equal(x->f.kill_pid, 77);             /* only the pid, never the group */
	assert_int_equal(x->p.state, PROC_RUNNING);
	assert_non_null(strstr(logged(x), "DEBG sending web (pid 77) sig SIGHUP"));
	put(x, PROC_RUNNING, 0);
	char *err = proc_signal(&x->p, SIGHUP);
	assert_string_equal(err, "attempted to send web sig SIGHUP but it wasn't running");
	free(err);
}

static void test_stop_report_throttled(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_STOPPING, 77);
	proc_stop_report(&x->p);
	proc_stop_report(&x->p);
	x->f.now += 2.5;
	proc_stop_report(&x->p);
	const char *l = logged(x);
	int n = 0;
	for (const char *p = l; (p = strstr(p, "waiting for web to stop")); p++) n++;
	assert_int_equal(n, 2);
}

/* ---- what a state change shows (PROCESS_STATE_* events render it) ------------ */

/* STOPPED and EXITED carry the pid of the process that just ended; it is
 * cleared only after the change (and a restart gets a new one). */
static void test_change_sees_dead_pid(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_RUNNING, 77);
	exit_with(x, 3, 5);                         /* unexpected: restarted */
	assert_string_equal(buf_cstr(&x->f.seen), "EXITED pid=77 tries=0 STARTING pid=0 tries=0 ");
	assert_int_equal(x->p.pid, 4242);
	buf_reset(&x->f.seen);
	put(x, PROC_STOPPING, 78);
	exit_with(x, -1, 1);
	assert_string_equal(buf_cstr(&x->f.seen), "STOPPED pid=78 tries=0 ");
	assert_int_equal(x->p.pid, 0);
}

/* BACKOFF counts the failure before the change: tries:1 the first time. */
static void test_backoff_counted_before_change(void **state)
{
	struct fixture *x = *state;
	put(x, PROC_STARTING, 77);
	exit_with(x, 0, 0.1);
	assert_string_equal(buf_cstr(&x->f.seen), "BACKOFF pid=77 tries=1 ");
	assert_int_equal(x->p.pid, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_change_sees_dead_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backoff_counted_before_change, setup, teardown),
		T(test_start_stopped), T(test_start_exited), T(test_start_fatal), T(test_start_backoff),
		T(test_start_starting), T(test_start_running), T(test_start_stopping), T(test_start_unknown),
		T(test_start_spawn_error), T(test_start_startsecs_zero),
		T(test_exit_starting_too_quickly), T(test_exit_starting_gives_up),
		T(test_exit_starting_after_startsecs), T(test_exit_running_expected),
		T(test_exit_running_unexpected_restarts), T(test_exit_running_unexpected_no_restart),
		T(test_exit_running_signal), T(test_exit_running_autorestart_true),
		T(test_exit_running_during_shutdown), T(test_exit_stopping), T(test_exit_unknown),
		T(test_exit_stopped), T(test_exit_backoff), T(test_exit_exited), T(test_exit_fatal),
		T(test_timer_starting), T(test_timer_backoff_retries), T(test_timer_backoff_while_stopping_daemon),
		T(test_timer_backoff_grows), T(test_timer_stopping_sigkill), T(test_timer_stopped),
		T(test_timer_running), T(test_timer_exited), T(test_timer_fatal), T(test_timer_unknown),
		T(test_stop_starting), T(test_stop_running), T(test_stop_running_as_group), T(test_stop_backoff),
		T(test_stop_esrch), T(test_stop_kill_error), T(test_stop_stopped), T(test_stop_stopping),
		T(test_stop_exited), T(test_stop_fatal), T(test_stop_unknown),
		T(test_give_up_backoff), T(test_give_up_stopped), T(test_give_up_starting),
		T(test_give_up_running), T(test_give_up_stopping), T(test_give_up_exited),
		T(test_give_up_fatal), T(test_give_up_unknown),
		cmocka_unit_test(test_exit_decode), T(test_signal), T(test_stop_report_throttled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
