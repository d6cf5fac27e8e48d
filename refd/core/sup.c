/* sup.c — the supervisor (see sup.h): groups, the real world behind the
 * process state machine (fork/exec, pipes, libev timers and child
 * watchers), output capture, autostart, and the ordered shutdown.
 *
 * Nothing here polls. Child exits arrive through one ev_child watcher for
 * all pids (libev reaps; we look the pid up), pipe output through ev_io,
 * deadlines through one ev_timer per process. An idle refd sleeps. */
#include "sup.h"
#include "spawn.h"
#include "conf/config.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "log/childlog.h"
#include "log/mainlog.h"

#include <dirent.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define READ_CHUNK 131072       /* as supervisord reads child pipes */
#define DRAIN_READS 64          /* at a reap: bounded, a grandchild may keep writing */

/* What a process needs at run time beyond its state machine. */
struct proc_rt {
	struct sup *sup;
	struct proc *p;
	ev_timer timer;
	ev_io out_w, err_w, in_w;
	int out_fd, err_fd, in_fd;
	bool logs_open;
	struct childlog log[2];
	char *path[2];              /* resolved log paths (AUTO named), NULL = none */
	struct buf stdin_buf;
	bool stdin_dead;            /* EPIPE seen, or no pipe */
	ev_timer log_retry;         /* a log write failed: retry, reading paused */
};

struct pidmap_entry {
	pid_t pid;
	struct proc *p;
};

struct sup {
	struct ev_loop *loop;
	struct mainlog *log;
	struct logwatch_hub *hub;
	const struct conf *conf;
	struct conf *stored;        /* from reloadConfig, owned; NULL = conf */
	struct conf *next;          /* the configuration a restart moves to, owned */
	sup_reload_fn reload_fn;
	void *reload_ctx;
	int state;
	char **env;                 /* the environment at start-up */
	struct pgroup **groups;      /* activation order */
	size_t n_groups;
	unsigned long seq;
	sup_stopped_fn stopped_fn;
	void *stopped_ctx;
	struct sup_hooks hooks;
	struct proc_world world;
	struct sup_os os;           /* the real one unless a harness replaced it */
	ev_child reaper;
	ev_idle kick;               /* an autostart pass, once */
	ev_idle shutdown_step;      /* the next step of an ordered shutdown */
	ev_timer die_report;        /* "waiting for ... to die", every 3 s */
	ev_tstamp last_die_report;
	struct pgroup **stop_list;   /* shutdown: groups still to stop, by priority */
	size_t n_stop;
	bool stopping;
	struct sup_watch *watches;
	struct watch_iter *iters;   /* notifications in progress (they nest) */
	/* pid -> process, open addressing */
	struct pidmap_entry *pids;
	size_t pid_cap, pid_count;
	char *readbuf;              /* one read buffer for every child pipe */
	struct spawn_slots slots;   /* low descriptors for spawning (spawn.h) */
};

static void shutdown_kick(struct sup *s);

/* ---- pid map ------------------------------------------------------------------ */

static size_t pid_slot(const struct sup *s, pid_t pid)
{
	return ((size_t)pid * 2654435761u) & (s->pid_cap - 1);
}

static void pid_put(struct sup *s, pid_t pid, struct proc *p);

static void pid_grow(struct sup *s)
{
	struct pidmap_entry *old = s->pids;
	size_t oldcap = s->pid_cap;
	s->pid_cap = oldcap ? oldcap * 2 : 64;
	s->pids = xcalloc(s->pid_cap, sizeof *s->pids);
	s->pid_count = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].pid > 0) pid_put(s, old[i].pid, old[i].p);
	free(old);
}

static void pid_put(struct sup *s, pid_t pid, struct proc *p)
{
	if ((s->pid_count + 1) * 2 > s->pid_cap) pid_grow(s);
	size_t i = pid_slot(s, pid);
	while (s->pids[i].pid > 0) i = (i + 1) & (s->pid_cap - 1);
	s->pids[i].pid = pid;
	s->pids[i].p = p;
	s->pid_count++;
}

static struct proc *pid_get(const struct sup *s, pid_t pid)
{
	if (!s->pid_cap) return NULL;
	size_t i = pid_slot(s, pid);
	while (s->pids[i].pid != 0) {
		if (s->pids[i].pid == pid) return s->pids[i].p;
		i = (i + 1) & (s->pid_cap - 1);
	}
	return NULL;
}

static void pid_del(struct sup *s, pid_t pid)
{
	if (!s->pid_cap) return;
	size_t i = pid_slot(s, pid);
	while (s->pids[i].pid != 0) {
		if (s->pids[i].pid == pid) {
			/* Re-insert the rest of the cluster (no tombstones). */
			s->pids[i].pid = 0;
			s->pid_count--;
			size_t j = (i + 1) & (s->pid_cap - 1);
			while (s->pids[j].pid != 0) {
				struct pidmap_entry e = s->pids[j];
				s->pids[j].pid = 0;
				s->pid_count--;
				pid_put(s, e.pid, e.p);
				j = (j + 1) & (s->pid_cap - 1);
			}
			return;
		}
		i = (i + 1) & (s->pid_cap - 1);
	}
}

/* ---- watches --------------------------------------------------------------------
 * A watch callback may remove watches (its own or another's) and may cause
 * further state changes, so notifications nest: every iteration in progress
 * keeps its cursor in a frame, and removal moves any cursor it would
 * invalidate. */

struct watch_iter {
	struct sup_watch *next;
	struct watch_iter *up;
};

void sup_watch_add(struct sup *s, struct sup_watch *w, sup_watch_fn fn)
{
	w->fn = fn;
	w->prev = NULL;
	w->next = s->watches;
	if (s->watches) s->watches->prev = w;
	s->watches = w;
	w->active = true;
}

void sup_watch_remove(struct sup *s, struct sup_watch *w)
{
	if (!w->active) return;
	for (struct watch_iter *it = s->iters; it; it = it->up)
		if (it->next == w) it->next = w->next;
	if (w->prev) w->prev->next = w->next;
	else s->watches = w->next;
	if (w->next) w->next->prev = w->prev;
	w->next = w->prev = NULL;
	w->active = false;
}

static void notify_watches(struct sup *s, struct proc *p, int old)
{
	struct watch_iter it = {s->watches, s->iters};
	s->iters = &it;
	while (it.next) {
		struct sup_watch *w = it.next;
		it.next = w->next;
		w->fn(w, p, old);
	}
	s->iters = it.up;
}

/* ---- the world of the state machine ------------------------------------------ */

static double world_now(void *ctx)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int world_kill(void *ctx, pid_t pid, int sig)
{
	return kill(pid, sig) == 0 ? 0 : errno;
}

static void world_timer(void *ctx, struct proc *p, double seconds)
{
	struct sup *s = ctx;
	struct proc_rt *rt = p->io;
	ev_timer_stop(s->loop, &rt->timer);
	if (seconds >= 0) {
		/* From the real time, not the loop's cached one: processes spawned
		 * in one pass then reach RUNNING in the order they were spawned
		 * (equal deadlines would fire in heap order), and listeners see
		 * their PROCESS_STATE_RUNNING events in supervisord's order. */
		ev_now_update(s->loop);
		ev_timer_set(&rt->timer, seconds, 0);
		ev_timer_start(s->loop, &rt->timer);
	}
}

static void world_log(void *ctx, int level, const char *msg)
{
	struct sup *s = ctx;
	mainlog_write(s->log, level, msg, strlen(msg));
}

static void world_changed(void *ctx, struct proc *p, int old)
{
	struct sup *s = ctx;
	if (s->hooks.proc_state) s->hooks.proc_state(s->hooks.ctx, p, old);
	notify_watches(s, p, old);
	if (s->stopping && proc_state_stopped(p->state)) shutdown_kick(s);
}

static bool world_may_spawn(void *ctx)
{
	struct sup *s = ctx;
	return s->state == SUP_RUNNING;
}

/* The state machine's clock, spawner, signals and timers go through os. */
static double os_now(void *ctx)
{
	struct sup *s = ctx;
	return s->os.now(s->os.ctx);
}

static int os_spawn(void *ctx, struct proc *p, char **why)
{
	struct sup *s = ctx;
	return s->os.spawn(s->os.ctx, p, why);
}

static int os_kill(void *ctx, pid_t pid, int sig)
{
	struct sup *s = ctx;
	return s->os.kill(s->os.ctx, pid, sig);
}

static void os_timer(void *ctx, struct proc *p, double seconds)
{
	struct sup *s = ctx;
	s->os.timer(s->os.ctx, p, seconds);
}

/* ---- pipes and logs ---------------------------------------------------------------- */

static void stop_io(struct sup *s, ev_io *w, int *fd)
{
	if (*fd < 0) return;
	ev_io_stop(s->loop, w);
	close(*fd);
	*fd = -1;
}

/* Read once from a child's output pipe. Returns bytes read, 0 at EOF, -1
 * when nothing is there. */
static ssize_t read_output(struct proc_rt *rt, int ch)
{
	int *fd = ch == CHAN_STDOUT ? &rt->out_fd : &rt->err_fd;
	if (*fd < 0) return 0;
	struct sup *s = rt->sup;
	ssize_t n = read(*fd, s->readbuf, READ_CHUNK);
	if (n > 0) {
		if (rt->logs_open) childlog_feed(&rt->log[ch], s->readbuf, (size_t)n);
		/* A listener's stdout is also its side of the event protocol. */
		if (ch == CHAN_STDOUT && s->hooks.listener_output && rt->p->group->kind == CONF_GROUP_LISTENER)
			s->hooks.listener_output(s->hooks.ctx, rt->p, s->readbuf, (size_t)n);
		return n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) return -1;
	/* EOF (or an error): the channel is done. */
	stop_io(rt->sup, ch == CHAN_STDOUT ? &rt->out_w : &rt->err_w, fd);
	if (rt->logs_open) childlog_eof(&rt->log[ch]);
	return 0;
}

/* A log file cannot take more (disk full): stop reading the child's
 * pipes until it can. The child blocks on a full pipe; nothing is lost. */
static void check_blocked(struct proc_rt *rt)
{
	struct sup *s = rt->sup;
	if (!rt->logs_open || ev_is_active(&rt->log_retry)) return;
	if (!childlog_blocked(&rt->log[0]) && !childlog_blocked(&rt->log[1])) return;
	ev_io_stop(s->loop, &rt->out_w);
	ev_io_stop(s->loop, &rt->err_w);
	ev_timer_set(&rt->log_retry, 1.0, 1.0);
	ev_timer_start(s->loop, &rt->log_retry);
}

static void log_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct proc_rt *rt = w->data;
	if (!rt->logs_open) {
		ev_timer_stop(loop, w);
		return;
	}
	if (childlog_retry(&rt->log[0]) < 0 || childlog_retry(&rt->log[1]) < 0) return;
	ev_timer_stop(loop, w);
	if (rt->out_fd >= 0) ev_io_start(loop, &rt->out_w);
	if (rt->err_fd >= 0) ev_io_start(loop, &rt->err_w);
}

/* A read that fills a whole pipe's worth means the child writes faster
 * than we read: while it goes on, read again at once (its next bytes are
 * usually there by the time the log write returns) instead of going back
 * to the loop for each 64 KiB — bounded, so that one chatty child cannot
 * hold the loop for long. */
#define PIPE_FULL_READ 65536
#define OUTPUT_BURST 16

static void output_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct proc_rt *rt = w->data;
	int ch = w == &rt->out_w ? CHAN_STDOUT : CHAN_STDERR;
	for (int i = 0; i < OUTPUT_BURST; i++) {
		ssize_t n = read_output(rt, ch);
		check_blocked(rt);
		if (n < PIPE_FULL_READ || ev_is_active(&rt->log_retry)) break;
	}
}

static void stdin_flush(struct proc_rt *rt)
{
	struct sup *s = rt->sup;
	while (rt->stdin_buf.len && rt->in_fd >= 0) {
		ssize_t w = write(rt->in_fd, rt->stdin_buf.p, rt->stdin_buf.len);
		if (w > 0) {
			buf_consume(&rt->stdin_buf, (size_t)w);
			continue;
		}
		if (w < 0 && errno == EINTR) continue;
		if (w < 0 && errno == EAGAIN) {
			ev_io_start(s->loop, &rt->in_w);
			return;
		}
		/* EPIPE: the child closed its stdin. */
		rt->stdin_dead = true;
		buf_reset(&rt->stdin_buf);
		stop_io(s, &rt->in_w, &rt->in_fd);
		return;
	}
	if (rt->in_fd >= 0) ev_io_stop(s->loop, &rt->in_w);
}

static void stdin_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	stdin_flush(w->data);
}

static void hook_logged(void *ctx, int channel, const char *data, size_t n)
{
	struct proc_rt *rt = ctx;
	struct sup *s = rt->sup;
	if (s->hooks.proc_output) s->hooks.proc_output(s->hooks.ctx, rt->p, channel, data, n);
}

static void hook_captured(void *ctx, int channel, const char *data, size_t n)
{
	struct proc_rt *rt = ctx;
	struct sup *s = rt->sup;
	if (s->hooks.proc_capture) s->hooks.proc_capture(s->hooks.ctx, rt->p, channel, data, n);
}

static void open_logs(struct sup *s, struct proc_rt *rt)
{
	const struct conf_proc *cp = rt->p->cfg;
	const struct conf_log *cl[2] = {&cp->out, &cp->err};
	struct childlog_hooks hooks = {hook_logged, hook_captured, rt};
	bool listener = rt->p->group->kind == CONF_GROUP_LISTENER;
	for (int ch = 0; ch < 2; ch++) {
		struct childlog_config cfg = {
			.procname = cp->name,
			.channel = ch,
			.path = rt->path[ch],
			.maxbytes = cl[ch]->maxbytes,
			.backups = cl[ch]->backups,
			.syslog = cl[ch]->syslog,
			/* A listener's stdout is the protocol channel: no capture. */
			.capture_maxbytes = listener && ch == CHAN_STDOUT ? 0 : cl[ch]->capture_maxbytes,
			.strip_ansi = s->conf->sd.strip_ansi,
			.raw_echo = listener && ch == CHAN_STDOUT,
		};
		childlog_open(&rt->log[ch], &cfg, s->log, s->hub, &hooks);
	}
	rt->logs_open = true;
}

static void close_logs(struct proc_rt *rt)
{
	if (!rt->logs_open) return;
	childlog_close(&rt->log[0]);
	childlog_close(&rt->log[1]);
	rt->logs_open = false;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static char *serverurl_for(const struct sup *s, const struct conf_proc *cp)
{
	if (cp->serverurl) return xstrdup(cp->serverurl);
	return conf_default_serverurl(s->conf);
}

/* The world's spawn: pipes, logs, fork and exec (lifecycle.md §5.1). */
static int world_spawn(void *ctx, struct proc *p, char **why)
{
	struct sup *s = ctx;
	struct proc_rt *rt = p->io;
	const struct conf_proc *cp = p->cfg;
	struct spawn_cmd cmd;
	if (spawn_resolve(cp, &cmd, why) != SPAWN_OK) return -1;

	int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
	bool listener = p->group->kind == CONF_GROUP_LISTENER;
	bool want_err = !cp->redirect_stderr || listener;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || (want_err && pipe2(err, O_CLOEXEC) < 0)) {
		int e = errno;
		for (int i = 0; i < 2; i++) {
			if (in[i] >= 0) close(in[i]);
			if (out[i] >= 0) close(out[i]);
			if (err[i] >= 0) close(err[i]);
		}
		spawn_cmd_free(&cmd);
		if (e == EMFILE || e == ENFILE)
			*why = xasprintf("too many open files to spawn '%s'", cp->name);
		else
			*why = xasprintf("unknown error making dispatchers for '%s': %s", cp->name,
			                 strerrorname_np(e) ? strerrorname_np(e) : "EUNKNOWN");
		return -1;
	}
	open_logs(s, rt);
	char *url = serverurl_for(s, cp);
	char **env = spawn_env(cp, p->group->name, url, s->env);
	free(url);
	pid_t pid = spawn_fork(cp, &cmd, env, in[0], out[1], want_err ? err[1] : out[1], &s->slots, why);
	spawn_env_free(env);
	spawn_cmd_free(&cmd);
	close(in[0]);
	close(out[1]);
	if (err[1] >= 0) close(err[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		if (err[0] >= 0) close(err[0]);
		close_logs(rt);
		return -1;
	}
	p->pid = pid;
	pid_put(s, pid, p);
	rt->in_fd = in[1];
	rt->out_fd = out[0];
	rt->err_fd = err[0];
	rt->stdin_dead = false;
	buf_reset(&rt->stdin_buf);
	set_nonblock(rt->in_fd);
	set_nonblock(rt->out_fd);
	ev_io_set(&rt->out_w, rt->out_fd, EV_READ);
	ev_io_start(s->loop, &rt->out_w);
	ev_io_set(&rt->in_w, rt->in_fd, EV_WRITE);
	if (rt->err_fd >= 0) {
		set_nonblock(rt->err_fd);
		ev_io_set(&rt->err_w, rt->err_fd, EV_READ);
		ev_io_start(s->loop, &rt->err_w);
	}
	return 0;
}

/* The child was reaped: log what is left in its pipes, then close them
 * (grandchildren still holding them get EPIPE, as under supervisord). */
static void world_reaped(void *ctx, struct proc *p)
{
	struct sup *s = ctx;
	struct proc_rt *rt = p->io;
	for (int ch = 0; ch < 2; ch++)
		for (int i = 0; i < DRAIN_READS && read_output(rt, ch) > 0; i++) {}
	stop_io(s, &rt->out_w, &rt->out_fd);
	stop_io(s, &rt->err_w, &rt->err_fd);
	stop_io(s, &rt->in_w, &rt->in_fd);
	buf_free(&rt->stdin_buf);
	rt->stdin_dead = true;
	ev_timer_stop(s->loop, &rt->log_retry);
	close_logs(rt);
	if (p->pid) pid_del(s, p->pid);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct proc_rt *rt = w->data;
	free(proc_handle(rt->p, PE_TIMER, NULL));
}

static void reaper_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct sup *s = w->data;
	struct proc *p = pid_get(s, w->rpid);
	struct proc_exit ex;
	proc_exit_decode(w->rstatus, &ex);
	if (!p) {
		mainlog_log(s->log, LVL_INFO, "reaped unknown pid %d (%s)", (int)w->rpid, ex.text);
		return;
	}
	free(proc_handle(p, PE_EXIT, &ex));
}

/* ---- processes and groups ---------------------------------------------------- */

static const char *chan_word(int ch) { return ch == CHAN_STDOUT ? "stdout" : "stderr"; }

/* logging.md §2.2: <name>-<channel>---<identifier>-<8 random>.log, 0600. */
static char *auto_log_path(struct sup *s, const char *name, int ch)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
	const char *dir = s->conf->sd.childlogdir ? s->conf->sd.childlogdir : "/tmp";
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char rnd[8];
		if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
			for (size_t i = 0; i < sizeof rnd; i++) rnd[i] = (unsigned char)rand();
		char tag[9];
		for (int i = 0; i < 8; i++) tag[i] = alphabet[rnd[i] % (sizeof alphabet - 1)];
		tag[8] = '\0';
		char *path = xasprintf("%s/%s-%s---%s-%s.log", dir, name, chan_word(ch),
		                       s->conf->sd.identifier, tag);
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			close(fd);
			return path;
		}
		int e = errno;
		free(path);
		if (e != EEXIST) {
			mainlog_log(s->log, LVL_ERRO, "cannot create a log file for '%s' in %s: %s", name, dir,
			            strerror(e));
			return NULL;
		}
	}
	return NULL;
}

static char *world_auto_log(void *ctx, const char *name, int ch)
{
	return auto_log_path(ctx, name, ch);
}

static struct proc *proc_create(struct sup *s, struct pgroup *g, struct conf_proc *cfg)
{
	struct proc *p = xcalloc(1, sizeof *p);
	proc_init(p, g, cfg, &s->world);
	struct proc_rt *rt = xcalloc(1, sizeof *rt);
	rt->sup = s;
	rt->p = p;
	rt->out_fd = rt->err_fd = rt->in_fd = -1;
	rt->stdin_dead = true;
	ev_timer_init(&rt->timer, timer_cb, 0, 0);
	ev_io_init(&rt->out_w, output_cb, -1, EV_READ);
	ev_io_init(&rt->err_w, output_cb, -1, EV_READ);
	ev_io_init(&rt->in_w, stdin_cb, -1, EV_WRITE);
	ev_timer_init(&rt->log_retry, log_retry_cb, 1.0, 1.0);
	rt->timer.data = rt->out_w.data = rt->err_w.data = rt->in_w.data = rt->log_retry.data = rt;
	const struct conf_log *cl[2] = {&cfg->out, &cfg->err};
	for (int ch = 0; ch < 2; ch++) {
		if (cl[ch]->kind == CONF_LOG_AUTO) rt->path[ch] = s->os.auto_log(s->os.ctx, cfg->name, ch);
		else if (cl[ch]->kind == CONF_LOG_PATH) rt->path[ch] = xstrdup(cl[ch]->path);
	}
	p->io = rt;
	return p;
}

static void proc_destroy(struct sup *s, struct proc *p)
{
	struct proc_rt *rt = p->io;
	notify_watches(s, p, PROC_REMOVED);
	ev_timer_stop(s->loop, &rt->timer);
	ev_timer_stop(s->loop, &rt->log_retry);
	if (p->pid) world_reaped(s, p);
	close_logs(rt);
	buf_free(&rt->stdin_buf);
	free(rt->path[0]);
	free(rt->path[1]);
	free(rt);
	proc_fini(p);
	free(p);
}

const char *sup_proc_logfile(const struct proc *p, int channel)
{
	const struct proc_rt *rt = p->io;
	return rt->path[channel == CHAN_STDERR];
}

int sup_proc_clear_logs(struct proc *p)
{
	struct proc_rt *rt = p->io;
	/* Only the logs of a running process are open; for others this is a
	 * no-op (logging.md §5.3). */
	if (!rt->logs_open) return 0;
	for (int ch = 0; ch < 2; ch++)
		if (childlog_clear(&rt->log[ch]) < 0) return -1;
	return 0;
}

int sup_proc_stdin(struct proc *p, const char *data, size_t n)
{
	struct proc_rt *rt = p->io;
	if (rt->stdin_dead || rt->in_fd < 0) return -1;
	if (rt->stdin_buf.len + n > SUP_STDIN_MAX) return -2;
	buf_append(&rt->stdin_buf, data, n);
	/* As under supervisord, a pipe found closed while flushing fails the
	 * next call, not this one. */
	stdin_flush(rt);
	return 0;
}

int sup_proc_stdin_event(struct proc *p, const char *data, size_t n)
{
	struct proc_rt *rt = p->io;
	if (rt->stdin_dead || rt->in_fd < 0) return -1;
	if (rt->stdin_buf.len && rt->stdin_buf.len + n > SUP_STDIN_MAX) return -2;
	buf_append(&rt->stdin_buf, data, n);
	stdin_flush(rt);
	return rt->stdin_dead ? -1 : 0;
}

void sup_remote_comm(struct sup *s, const char *type, const char *data)
{
	if (s->hooks.remote_comm) s->hooks.remote_comm(s->hooks.ctx, type, data);
}

void sup_reopen_logs(struct sup *s)
{
	for (size_t i = 0; i < s->n_groups; i++) {
		struct pgroup *g = s->groups[i];
		for (size_t j = 0; j < g->n_procs; j++) {
			struct proc_rt *rt = g->procs[j]->io;
			if (rt->logs_open) {
				childlog_reopen(&rt->log[0]);
				childlog_reopen(&rt->log[1]);
			}
		}
	}
}

char *sup_namespec(const struct proc *p)
{
	if (strcmp(p->group->name, p->cfg->name) == 0) return xstrdup(p->cfg->name);
	return xasprintf("%s:%s", p->group->name, p->cfg->name);
}

static struct pgroup *group_new(struct sup *s, const char *name, int priority, int kind)
{
	struct pgroup *g = xcalloc(1, sizeof *g);
	g->sup = s;
	g->name = xstrdup(name);
	g->priority = priority;
	g->kind = kind;
	g->seq = s->seq++;
	s->groups = xrealloc(s->groups, (s->n_groups + 1) * sizeof *s->groups);
	s->groups[s->n_groups++] = g;
	return g;
}

void sup_add_procs(struct sup *s, struct pgroup *g, struct conf_proc **cfgs, size_t n)
{
	g->procs = xrealloc(g->procs, (g->n_procs + n) * sizeof *g->procs);
	for (size_t i = 0; i < n; i++) g->procs[g->n_procs++] = proc_create(s, g, cfgs[i]);
	sup_kick(s);
}

struct pgroup *sup_add_group(struct sup *s, struct conf_group *cfg)
{
	struct pgroup *g = group_new(s, cfg->name, cfg->priority, (int)cfg->kind);
	g->cfg = conf_group_ref(cfg);
	sup_add_procs(s, g, cfg->procs, cfg->n_procs);
	if (s->hooks.group_added) s->hooks.group_added(s->hooks.ctx, g);
	return g;
}

struct pgroup *sup_add_empty_group(struct sup *s, const char *name, int priority)
{
	return group_new(s, name, priority, CONF_GROUP_PROGRAM);
}

static void group_free(struct sup *s, struct pgroup *g)
{
	if (s->hooks.group_destroy) s->hooks.group_destroy(s->hooks.ctx, g);
	for (size_t i = 0; i < g->n_procs; i++) proc_destroy(s, g->procs[i]);
	free(g->procs);
	if (g->cfg) conf_group_unref(g->cfg);
	free(g->name);
	free(g);
}

void sup_remove_group(struct sup *s, struct pgroup *g)
{
	for (size_t i = 0; i < s->n_groups; i++) {
		if (s->groups[i] != g) continue;
		memmove(&s->groups[i], &s->groups[i + 1], (s->n_groups - i - 1) * sizeof *s->groups);
		s->n_groups--;
		break;
	}
	if (s->hooks.group_removed) s->hooks.group_removed(s->hooks.ctx, g);
	group_free(s, g);
}

void sup_remove_proc(struct sup *s, struct proc *p)
{
	struct pgroup *g = p->group;
	for (size_t i = 0; i < g->n_procs; i++) {
		if (g->procs[i] != p) continue;
		memmove(&g->procs[i], &g->procs[i + 1], (g->n_procs - i - 1) * sizeof *g->procs);
		g->n_procs--;
		break;
	}
	proc_destroy(s, p);
}

size_t sup_group_count(const struct sup *s) { return s->n_groups; }
struct pgroup *sup_group_at(const struct sup *s, size_t i) { return s->groups[i]; }

struct pgroup *sup_group(const struct sup *s, const char *name)
{
	for (size_t i = 0; i < s->n_groups; i++)
		if (strcmp(s->groups[i]->name, name) == 0) return s->groups[i];
	return NULL;
}

int sup_find(const struct sup *s, const char *namespec, struct pgroup **g, struct proc **proc)
{
	*g = NULL;
	*proc = NULL;
	const char *colon = strchr(namespec, ':');
	char *gname = colon ? xstrndup(namespec, (size_t)(colon - namespec)) : xstrdup(namespec);
	const char *pname = colon ? colon + 1 : namespec;
	struct pgroup *grp = sup_group(s, gname);
	free(gname);
	if (!grp) return -1;
	*g = grp;
	if (colon && (!*pname || strcmp(pname, "*") == 0)) return 0;
	for (size_t i = 0; i < grp->n_procs; i++) {
		if (strcmp(grp->procs[i]->cfg->name, pname) == 0) {
			*proc = grp->procs[i];
			return 1;
		}
	}
	return -1;
}

static int group_prio_cmp(const void *a, const void *b)
{
	const struct pgroup *x = *(struct pgroup *const *)a, *y = *(struct pgroup *const *)b;
	if (x->priority != y->priority) return x->priority < y->priority ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct pgroup **sup_groups_by_priority(const struct sup *s, size_t *n)
{
	struct pgroup **v = xmalloc((s->n_groups ? s->n_groups : 1) * sizeof *v);
	if (s->n_groups) memcpy(v, s->groups, s->n_groups * sizeof *v);   /* groups may be NULL */
	qsort(v, s->n_groups, sizeof *v, group_prio_cmp);
	*n = s->n_groups;
	return v;
}

struct prio_item {
	struct proc *p;
	size_t idx;
};

static int proc_prio_cmp(const void *a, const void *b)
{
	const struct prio_item *x = a, *y = b;
	if (x->p->cfg->priority != y->p->cfg->priority) return x->p->cfg->priority < y->p->cfg->priority ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct proc **sup_procs_by_priority(const struct pgroup *g, size_t *n)
{
	struct prio_item *items = xmalloc((g->n_procs ? g->n_procs : 1) * sizeof *items);
	for (size_t i = 0; i < g->n_procs; i++) {
		items[i].p = g->procs[i];
		items[i].idx = i;
	}
	qsort(items, g->n_procs, sizeof *items, proc_prio_cmp);
	struct proc **v = xmalloc((g->n_procs ? g->n_procs : 1) * sizeof *v);
	for (size_t i = 0; i < g->n_procs; i++) v[i] = items[i].p;
	free(items);
	*n = g->n_procs;
	return v;
}

/* ---- autostart -------------------------------------------------------------------- */

static void kick_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct sup *s = w->data;
	ev_idle_stop(loop, w);
	if (s->state != SUP_RUNNING) return;
	/* lifecycle.md §9.2: every eligible process in group order, within a
	 * group in its process order. */
	size_t n;
	struct pgroup **gs = sup_groups_by_priority(s, &n);
	for (size_t i = 0; i < n && s->state == SUP_RUNNING; i++) {
		struct pgroup *g = gs[i];
		for (size_t j = 0; j < g->n_procs; j++) {
			struct proc *p = g->procs[j];
			if (p->state == PROC_STOPPED && p->laststart == 0 && p->cfg->autostart)
				free(proc_handle(p, PE_START, NULL));
		}
	}
	free(gs);
}

void sup_kick(struct sup *s)
{
	ev_idle_start(s->loop, &s->kick);
}

/* ---- shutdown ---------------------------------------------------------------------- */

static bool all_stopped(const struct sup *s)
{
	for (size_t i = 0; i < s->n_groups; i++)
		for (size_t j = 0; j < s->groups[i]->n_procs; j++)
			if (!proc_state_stopped(s->groups[i]->procs[j]->state)) return false;
	return true;
}

static bool group_stopped(const struct pgroup *g)
{
	for (size_t j = 0; j < g->n_procs; j++)
		if (!proc_state_stopped(g->procs[j]->state)) return false;
	return true;
}

/* Has the group a process that stop_all() would act on? Checked first so
 * that a shutdown step costs a scan, not a sort per group. */
static bool group_needs_stop(const struct pgroup *g)
{
	for (size_t j = 0; j < g->n_procs; j++) {
		int st = g->procs[j]->state;
		if (st == PROC_RUNNING || st == PROC_STARTING || st == PROC_BACKOFF) return true;
	}
	return false;
}

/* stop_all() of one group: descending priority; RUNNING and STARTING are
 * stopped, BACKOFF gives up, STOPPING is left alone. */
static void group_stop_all(struct pgroup *g)
{
	size_t n;
	struct proc **v = sup_procs_by_priority(g, &n);
	for (size_t i = n; i-- > 0;) {
		struct proc *p = v[i];
		if (p->state == PROC_RUNNING || p->state == PROC_STARTING) free(proc_handle(p, PE_STOP, NULL));
		else if (p->state == PROC_BACKOFF) free(proc_handle(p, PE_GIVE_UP, NULL));
	}
	free(v);
}

static void die_report(struct sup *s)
{
	struct buf names = BUF_INIT;
	for (size_t i = 0; i < s->n_groups; i++)
		for (size_t j = 0; j < s->groups[i]->n_procs; j++) {
			struct proc *p = s->groups[i]->procs[j];
			if (proc_state_stopped(p->state)) continue;
			if (names.len) buf_puts(&names, ", ");
			buf_puts(&names, p->cfg->name);
		}
	if (names.len) mainlog_log(s->log, LVL_INFO, "waiting for %s to die", names.p);
	s->last_die_report = ev_now(s->loop);
	buf_free(&names);
}

static void shutdown_step_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct sup *s = w->data;
	ev_idle_stop(loop, w);
	if (!s->stopping) return;
	/* lifecycle.md §9.3: highest priority number first; a group already
	 * stopped costs nothing here. refd: the groups of one priority are
	 * signalled together (in supervisord's order) and waited for
	 * together, not one after another — with 1000 one-process groups a
	 * shutdown would otherwise wait for 1000 exits in a row (compat.md). */
	while (!all_stopped(s) && s->n_stop) {
		int prio = s->stop_list[s->n_stop - 1]->priority;
		size_t lo = s->n_stop;
		while (lo > 0 && s->stop_list[lo - 1]->priority == prio) lo--;
		bool done = true;
		for (size_t i = s->n_stop; i-- > lo;) {
			struct pgroup *g = s->stop_list[i];
			if (group_stopped(g)) continue;
			if (group_needs_stop(g)) group_stop_all(g);
			if (!group_stopped(g)) done = false;
		}
		if (!done) break;
		s->n_stop = lo;
	}
	if (all_stopped(s)) {
		s->stopping = false;
		ev_timer_stop(loop, &s->die_report);
		free(s->stop_list);
		s->stop_list = NULL;
		s->n_stop = 0;
		if (s->stopped_fn) s->stopped_fn(s, s->stopped_ctx);
		return;
	}
	if (ev_now(loop) - s->last_die_report >= 3.0 || s->last_die_report == 0) die_report(s);
}

static void shutdown_kick(struct sup *s)
{
	ev_idle_start(s->loop, &s->shutdown_step);
}

static void die_report_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sup *s = w->data;
	if (s->stopping && !all_stopped(s)) die_report(s);
}

static void begin_stopping(struct sup *s)
{
	if (s->stopping) return;
	s->stopping = true;
	if (s->hooks.sup_state) s->hooks.sup_state(s->hooks.ctx, s->state);
	/* Groups still active, by priority; the last is stopped first. */
	s->stop_list = sup_groups_by_priority(s, &s->n_stop);
	s->last_die_report = 0;
	ev_timer_set(&s->die_report, 3.0, 3.0);
	ev_timer_start(s->loop, &s->die_report);
	shutdown_kick(s);
}

void sup_request_shutdown(struct sup *s)
{
	s->state = SUP_SHUTDOWN;
	begin_stopping(s);
}

void sup_request_restart(struct sup *s, struct conf *next)
{
	if (s->state == SUP_SHUTDOWN) {
		if (next) conf_free(next);
		return;
	}
	if (s->next) conf_free(s->next);
	s->next = next;
	s->state = SUP_RESTARTING;
	begin_stopping(s);
}

struct conf *sup_take_next_conf(struct sup *s)
{
	struct conf *c = s->next;
	s->next = NULL;
	return c;
}

void sup_set_running(struct sup *s)
{
	s->state = SUP_RUNNING;
	sup_kick(s);
}

/* ---- the supervisor ----------------------------------------------------------------- */

struct sup *sup_new(struct ev_loop *loop, struct mainlog *log, struct logwatch_hub *hub)
{
	struct sup *s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->log = log;
	s->hub = hub;
	s->state = SUP_RUNNING;
	s->env = environ;
	s->readbuf = xmalloc(READ_CHUNK);
	spawn_slots_open(&s->slots);
	s->world = (struct proc_world){
		.now = os_now, .spawn = os_spawn, .kill = os_kill, .timer = os_timer,
		.log = world_log, .changed = world_changed, .reaped = world_reaped,
		.may_spawn = world_may_spawn, .ctx = s,
	};
	s->os = (struct sup_os){
		.now = world_now, .spawn = world_spawn, .kill = world_kill, .timer = world_timer,
		.auto_log = world_auto_log, .ctx = s,
	};
	ev_idle_init(&s->kick, kick_cb);
	ev_idle_init(&s->shutdown_step, shutdown_step_cb);
	ev_timer_init(&s->die_report, die_report_cb, 3.0, 3.0);
	s->kick.data = s->shutdown_step.data = s->die_report.data = s;
	/* One watcher for every child: exits are handled before timers that
	 * fall due in the same loop iteration. */
	ev_child_init(&s->reaper, reaper_cb, 0, 0);
	ev_set_priority(&s->reaper, EV_MAXPRI);
	s->reaper.data = s;
	if (ev_is_default_loop(loop)) ev_child_start(loop, &s->reaper);
	return s;
}

void sup_deactivate(struct sup *s)
{
	while (s->n_groups) {
		struct pgroup *g = s->groups[--s->n_groups];
		group_free(s, g);
	}
	free(s->groups);
	s->groups = NULL;
}

void sup_free(struct sup *s)
{
	if (!s) return;
	sup_deactivate(s);
	ev_idle_stop(s->loop, &s->kick);
	ev_idle_stop(s->loop, &s->shutdown_step);
	ev_timer_stop(s->loop, &s->die_report);
	if (ev_is_active(&s->reaper)) ev_child_stop(s->loop, &s->reaper);
	free(s->stop_list);
	free(s->pids);
	free(s->readbuf);
	spawn_slots_close(&s->slots);
	if (s->stored) conf_free(s->stored);
	if (s->next) conf_free(s->next);
	free(s);
}

void sup_set_hooks(struct sup *s, const struct sup_hooks *hooks) { s->hooks = *hooks; }
void sup_set_os(struct sup *s, const struct sup_os *os) { s->os = *os; }
void sup_configure(struct sup *s, const struct conf *conf)
{
	s->conf = conf;
	if (s->stored) conf_free(s->stored);
	s->stored = NULL;
}

const struct conf *sup_stored_conf(const struct sup *s)
{
	return s->stored ? s->stored : s->conf;
}

void sup_store_conf(struct sup *s, struct conf *conf)
{
	if (s->stored) conf_free(s->stored);
	s->stored = conf;
}

void sup_set_reloader(struct sup *s, sup_reload_fn fn, void *ctx)
{
	s->reload_fn = fn;
	s->reload_ctx = ctx;
}

struct conf *sup_reload_config(struct sup *s, char **err)
{
	if (!s->reload_fn) {
		*err = xstrdup("no configuration file to read");
		return NULL;
	}
	return s->reload_fn(s->reload_ctx, err);
}

void sup_activate(struct sup *s)
{
	for (size_t i = 0; s->conf && i < s->conf->n_groups; i++) {
		struct conf_group *cg = s->conf->groups[i];
		/* Two kinds with one name: the first in order wins (config.md §10). */
		if (sup_group(s, cg->name)) continue;
		sup_add_group(s, cg);
	}
	if (s->hooks.sup_state) s->hooks.sup_state(s->hooks.ctx, s->state);
	sup_kick(s);
}

void sup_cleanup_childlogs(struct sup *s)
{
	if (!s->conf || s->conf->sd.nocleanup) return;
	const char *dir = s->conf->sd.childlogdir;
	DIR *d = dir ? opendir(dir) : NULL;
	if (!d) {
		mainlog_log(s->log, LVL_WARN, "Could not clear childlog dir");
		return;
	}
	/* .+?---<identifier>-\S+\.log\.{0,1}\d{0,4}, anchored at the start only;
	 * the identifier goes in verbatim, as supervisord puts it. */
	char *pattern = xasprintf("^.+---%s-[^[:space:]]+\\.log\\.?[0-9]{0,4}", s->conf->sd.identifier);
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		free(pattern);
		closedir(d);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (regexec(&re, e->d_name, 0, NULL, 0) != 0) continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && unlink(path) < 0)
			mainlog_log(s->log, LVL_WARN, "Failed to clean up '%s'", path);
		free(path);
	}
	regfree(&re);
	free(pattern);
	closedir(d);
}

void sup_on_stopped(struct sup *s, sup_stopped_fn fn, void *ctx)
{
	s->stopped_fn = fn;
	s->stopped_ctx = ctx;
}

int sup_state(const struct sup *s) { return s->state; }
struct mainlog *sup_log(const struct sup *s) { return s->log; }
const struct conf *sup_conf(const struct sup *s) { return s->conf; }
struct logwatch_hub *sup_logwatch(const struct sup *s) { return s->hub; }
struct ev_loop *sup_loop(const struct sup *s) { return s->loop; }
pid_t sup_pid(const struct sup *s) { return getpid(); }
char **sup_environ(const struct sup *s) { return s->env; }

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
