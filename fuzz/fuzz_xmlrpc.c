/* fuzz_xmlrpc.c — an XML-RPC request body through refd's real dispatch
 * (rpc_handle), in process, against a live supervisor whose processes
 * are played by a fake world: nothing forks, nothing is signalled, no
 * file is created. Every method of every namespace (system, supervisor,
 * twiddler, and a twiddler with a whitelist) meets its parameter checks
 * with real groups and processes in every state, and deferred replies
 * (waited starts and stops, system.multicall members) run to completion.
 *
 * Input: one request body, as a client POSTs it to /RPC2. It is handled
 * twice, as two clients sending it at once would have it handled: the
 * first client goes away after a few steps (its request is cancelled if
 * it is still waiting), the second waits until the world is quiet.
 * Everything (event loop, main log, supervisor) is built for the input
 * and torn down after it; the configuration is reused only while it is
 * provably as loaded (see conf_unchanged).
 *
 * The fake world (sup_set_os): a spawn resolves the command as the real
 * one does, then takes the next fake pid. Commands named false and true
 * exit at once with 1 and 0; sh ignores every signal but SIGKILL; su
 * cannot be signalled (EPERM); anything else dies of the first
 * terminating signal. Time moves only when a process timer fires
 * (startsecs, backoff, stopwaitsecs), and by a millisecond at each exit. AUTO child logs and the main log
 * are memfds, so log reads see real bytes and nothing reaches the disk.
 *
 * Checked beyond crashes and leaks: every reply is well-formed XML-RPC
 * (xmlrpc-c parses it), and every request gets exactly one answer. */
#include "harness.h"
#include "conf/config.h"
#include "core/spawn.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "log/mainlog.h"
#include "rpc/rpc.h"

#include <errno.h>
#include <ev.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xmlrpc-c/base.h>

#define STEPS_FIRST 4           /* world steps before the first client leaves */
#define STEPS_MAX 256           /* bounds autorestart loops */
#define QUIET_ROUNDS 3          /* loop passes with nothing to do before giving up */

#define PROGRAMS \
	"[supervisord]\n" \
	"identifier = fuzz\n" \
	"childlogdir = /tmp\n" \
	"environment = A=\"1\",B=\"two words\"\n" \
	"[unix_http_server]\n" \
	"file = /tmp/refd-fuzz-never-bound.sock\n" \
	"[rpcinterface:supervisor]\n" \
	"supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n" \
	"[rpcinterface:twiddler]\n" \
	"supervisor.rpcinterface_factory = supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface\n" \
	"[rpcinterface:tw]\n" \
	"supervisor.rpcinterface_factory = supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface\n" \
	"whitelist = getAPIVersion, getGroupNames, log\n" \
	"[program:cat]\n" \
	"command = /bin/cat\n" \
	"[program:flaky]\n" \
	"command = /bin/false\n" \
	"startretries = 2\n" \
	"[program:oneshot]\n" \
	"command = /bin/true\n" \
	"startsecs = 0\n" \
	"autorestart = false\n" \
	"exitcodes = 0,2\n" \
	"[program:stubborn]\n" \
	"command = /bin/sh -c \"trap '' TERM; sleep 1000\"\n" \
	"autostart = false\n" \
	"stopwaitsecs = 3\n" \
	"stopasgroup = true\n" \
	"[program:stuck]\n" \
	"command = /bin/su\n" \
	"autostart = false\n" \
	"startsecs = 0\n" \
	"[program:missing]\n" \
	"command = /nonexistent/bin/x\n" \
	"autostart = false\n" \
	"[program:notexec]\n" \
	"command = /etc/passwd\n" \
	"autostart = false\n" \
	"[group:grp]\n" \
	"programs = g1, g2\n" \
	"priority = 5\n" \
	"[program:g1]\n" \
	"command = /bin/cat\n" \
	"autostart = false\n" \
	"priority = 2\n" \
	"[program:g2]\n" \
	"command = /bin/sleep 5\n" \
	"autostart = false\n" \
	"priority = 1\n" \
	"[eventlistener:listener]\n" \
	"command = /bin/cat\n" \
	"events = PROCESS_STATE\n" \
	"autostart = false\n"

/* The daemon's configuration, and what reloadConfig reads the 1st, 2nd,
 * 3rd ... time: a changed one (one group changed, one removed, one
 * added), a broken one, the original, and so on. */
static const char conf_text[] = PROGRAMS
	"[program:web]\n"
	"command = /bin/sleep 1000\n"
	"numprocs = 3\n"
	"process_name = web_%(process_num)02d\n"
	"autostart = false\n"
	"priority = 10\n"
	"[program:quiet]\n"
	"command = /bin/cat\n"
	"stdout_logfile = NONE\n"
	"redirect_stderr = true\n"
	"autostart = false\n";
static const char conf_changed[] = PROGRAMS
	"[program:web]\n"
	"command = /bin/sleep 1000\n"
	"numprocs = 2\n"
	"process_name = web_%(process_num)02d\n"
	"autostart = false\n"
	"[program:newprog]\n"
	"command = /bin/cat\n"
	"autostart = false\n";
static const char conf_broken[] = PROGRAMS "[program:web]\nnumprocs = 2\n";

static char *fake_environ[] = {"HOME=/root", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};

/* Log contents: lines, a long one, invalid UTF-8 and control bytes. */
static const char log_seed[] =
	"2024-01-01 00:00:00,000 INFO supervisord started with pid 1\n"
	"line with \x01\x02 controls, \xff\xfe invalid UTF-8, \xc3\xa9 valid, \r\n CR LF\n"
	"2024-01-01 00:00:01,000 INFO success: cat entered RUNNING state\n";

static int mainlog_fd = -1;
static char main_log_path[64], child_log_path[64];

/* ---- the fake world ------------------------------------------------------ */

enum behaviour { B_RUNS, B_EXIT0, B_EXIT1, B_IGNORES_TERM, B_UNKILLABLE };

struct fproc {
	struct proc *p;
	enum behaviour b;
	bool timer;
	double deadline;
	bool exiting;
	struct proc_exit ex;
};

struct world {
	double now;
	pid_t next_pid;
	struct fproc *v;
	size_t n;
	struct sup_watch watch;
	struct ev_loop *loop;
	int reloads;
};

static struct fproc *find(struct world *w, const struct proc *p)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].p == p) return &w->v[i];
	return NULL;
}

static struct fproc *slot(struct world *w, struct proc *p)
{
	struct fproc *f = find(w, p);
	if (f) return f;
	struct fproc *v = realloc(w->v, (w->n + 1) * sizeof *v);
	if (!v) abort();
	w->v = v;
	f = &w->v[w->n++];
	memset(f, 0, sizeof *f);
	f->p = p;
	return f;
}

static double os_now(void *ctx)
{
	struct world *w = ctx;
	return w->now;
}

static int os_spawn(void *ctx, struct proc *p, char **why)
{
	struct world *w = ctx;
	struct spawn_cmd cmd;
	if (spawn_resolve(p->cfg, &cmd, why) != SPAWN_OK) return -1;
	const char *base = strrchr(cmd.filename, '/');
	base = base ? base + 1 : cmd.filename;
	struct fproc *f = slot(w, p);
	f->b = strcmp(base, "false") == 0 ? B_EXIT1
	     : strcmp(base, "true") == 0 ? B_EXIT0
	     : strcmp(base, "sh") == 0 ? B_IGNORES_TERM
	     : strcmp(base, "su") == 0 ? B_UNKILLABLE : B_RUNS;
	spawn_cmd_free(&cmd);
	/* The environment a real child would get. */
	spawn_env_free(spawn_env(p->cfg, p->group->name, "unix:///nonexistent/refd-fuzz.sock",
	                         fake_environ));
	p->pid = w->next_pid++;
	if (f->b == B_EXIT0 || f->b == B_EXIT1) {
		f->exiting = true;
		proc_exit_decode(f->b == B_EXIT1 ? 1 << 8 : 0, &f->ex);
	}
	return 0;
}

static int os_kill(void *ctx, pid_t pid, int sig)
{
	struct world *w = ctx;
	if (pid < 0) pid = -pid;    /* a process group: the fake has one member */
	struct fproc *f = NULL;
	for (size_t i = 0; i < w->n && !f; i++)
		if (w->v[i].p->pid == pid) f = &w->v[i];
	if (!f) return ESRCH;
	if (f->b == B_UNKILLABLE) return EPERM;
	switch (sig) {
	case 0: case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
		return 0;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return 0;               /* stopped, not dead: no exit */
	}
	if (f->b == B_IGNORES_TERM && sig != SIGKILL) return 0;
	if (!f->exiting) {
		f->exiting = true;
		proc_exit_decode(sig & 0x7f, &f->ex);
	}
	return 0;
}

static void os_timer(void *ctx, struct proc *p, double seconds)
{
	struct world *w = ctx;
	struct fproc *f = seconds < 0 ? find(w, p) : slot(w, p);
	if (!f) return;
	f->timer = seconds >= 0;
	f->deadline = w->now + seconds;
}

static char *os_auto_log(void *ctx, const char *name, int channel)
{
	return strdup(child_log_path);
}

static void on_change(struct sup_watch *sw, struct proc *p, int old)
{
	struct world *w = (struct world *)((char *)sw - offsetof(struct world, watch));
	if (old != PROC_REMOVED) return;
	struct fproc *f = find(w, p);
	if (f) *f = w->v[--w->n];
}

/* One step of the world: an exit first (as libev runs child watchers
 * before timers), else the earliest process timer. */
static bool world_step(struct world *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct fproc *f = &w->v[i];
		if (!f->exiting) continue;
		f->exiting = false;
		struct proc *p = f->p;
		if (!p->pid) continue;
		struct proc_exit ex = f->ex;
		w->now += 0.001;        /* nothing real exits in no time */
		free(proc_handle(p, PE_EXIT, &ex));
		return true;
	}
	struct fproc *first = NULL;
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].timer && (!first || w->v[i].deadline < first->deadline)) first = &w->v[i];
	if (!first) return false;
	first->timer = false;
	if (first->deadline > w->now) w->now = first->deadline;
	free(proc_handle(first->p, PE_TIMER, NULL));
	return true;
}

/* ---- clients ------------------------------------------------------------------ */

struct client {
	struct rpc_sink sink;
	int answers;
	struct rpc_req *req;
};

static void on_reply(struct rpc_sink *sink, struct buf *body)
{
	struct client *c = (struct client *)sink;
	c->answers++;
	c->req = NULL;
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *result = NULL;
	int code = 0;
	const char *text = NULL;
	if (body->len < 512 * 1024) {
		xmlrpc_parse_response2(&env, buf_cstr(body), body->len, &result, &code, &text);
		if (env.fault_occurred) {
			fprintf(stderr, "reply does not parse: %s\n%.*s\n", env.fault_string,
			        (int)(body->len < 4000 ? body->len : 4000), buf_cstr(body));
			abort();
		}
		if (result) xmlrpc_DECREF(result);
		free((char *)text);
	}
	xmlrpc_env_clean(&env);
	buf_free(body);
}

static void on_fail(struct rpc_sink *sink, int status)
{
	struct client *c = (struct client *)sink;
	c->answers++;
	c->req = NULL;
	check(status == 400 || status == 500);
}

static bool waiting(const struct client *a, const struct client *b)
{
	return (a && a->req) || (b && b->req);
}

/* Run the loop and the world until nothing happens, or for max steps. */
static void settle(struct world *w, int max, const struct client *a, const struct client *b)
{
	int quiet = 0;
	for (int i = 0; i < max; i++) {
		ev_run(w->loop, EVRUN_NOWAIT);
		if (world_step(w)) {
			quiet = 0;
			continue;
		}
		/* Idle watchers and zero-delay timers may need another pass. */
		if (++quiet >= QUIET_ROUNDS && !waiting(a, b)) break;
		if (quiet >= QUIET_ROUNDS * 4) break;
	}
}

/* ---- configuration ---------------------------------------------------------------- */

static struct conf *load(const char *text, size_t len, char **err)
{
	struct conf_env_src src = {.environ = fake_environ, .host_node_name = "fuzzhost", .cwd = "/etc/refd"};
	struct conf_errors errs = {0};
	struct conf *c = conf_load_text("/etc/refd/supervisord.conf", text, len, NULL, &src, false, &errs);
	if (!c && err) *err = strdup(errs.n ? errs.v[0].message : "?");
	conf_errors_free(&errs);
	return c;
}

/* The daemon's configuration is loaded once (loading it is most of an
 * input's fixed cost) and reused only while it is exactly as loaded. The
 * one thing that changes a configuration at run time is twiddler's
 * addProgramToGroup and removeProcessFromGroup on a group from the file
 * (twiddler.md §3.4). After each input every group and program config
 * must be the same object, hold the same number of references, and
 * compare equal to a pristine copy that nothing touches; otherwise it is
 * freed and loaded again before the next input. */
static struct conf *conf_live, *conf_pristine;
static const void **snap_ptr;
static int *snap_refs;
static size_t snap_n;

static void snapshot(void)
{
	size_t k = 0;
	for (size_t i = 0; i < conf_live->n_groups; i++) {
		const struct conf_group *g = conf_live->groups[i];
		snap_ptr = realloc(snap_ptr, (k + 1 + g->n_procs) * sizeof *snap_ptr);
		snap_refs = realloc(snap_refs, (k + 1 + g->n_procs) * sizeof *snap_refs);
		if (!snap_ptr || !snap_refs) abort();
		snap_ptr[k] = g;
		snap_refs[k++] = g->refs;
		for (size_t j = 0; j < g->n_procs; j++) {
			snap_ptr[k] = g->procs[j];
			snap_refs[k++] = g->procs[j]->refs;
		}
	}
	snap_n = k;
}

static bool conf_unchanged(void)
{
	if (conf_live->n_groups != conf_pristine->n_groups) return false;
	size_t k = 0;
	for (size_t i = 0; i < conf_live->n_groups; i++) {
		const struct conf_group *g = conf_live->groups[i];
		if (k >= snap_n || snap_ptr[k] != g || snap_refs[k] != g->refs) return false;
		k++;
		if (!conf_group_equal(g, conf_pristine->groups[i])) return false;
		for (size_t j = 0; j < g->n_procs; j++, k++)
			if (k >= snap_n || snap_ptr[k] != g->procs[j] || snap_refs[k] != g->procs[j]->refs)
				return false;
	}
	return k == snap_n;
}

static struct conf *reload(void *ctx, char **err)
{
	struct world *w = ctx;
	switch (w->reloads++ % 3) {
	case 0: return load(conf_changed, sizeof conf_changed - 1, err);
	case 1: return load(conf_broken, sizeof conf_broken - 1, err);
	default: return load(conf_text, sizeof conf_text - 1, err);
	}
}

static int memfd_with(const char *name, const char *data, size_t n, char *path, size_t cap)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n) abort();
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* A long child log, so that reads and tails cross the 1 KiB marks. */
	struct buf b = BUF_INIT;
	for (int i = 0; i < 40; i++) buf_append(&b, log_seed, sizeof log_seed - 1);
	memfd_with("refd-fuzz-child", b.p, b.len, child_log_path, sizeof child_log_path);
	buf_free(&b);
	mainlog_fd = memfd_with("refd-fuzz-main", "", 0, main_log_path, sizeof main_log_path);
	conf_pristine = load(conf_text, sizeof conf_text - 1, NULL);
	conf_live = load(conf_text, sizeof conf_text - 1, NULL);
	if (!conf_pristine || !conf_live) abort();
	snapshot();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (mainlog_fd < 0) LLVMFuzzerInitialize(NULL, NULL);
	/* The main log starts every input with the same bytes. */
	if (ftruncate(mainlog_fd, 0) != 0
	    || pwrite(mainlog_fd, log_seed, sizeof log_seed - 1, 0) != (ssize_t)(sizeof log_seed - 1))
		abort();

	struct world w = {.now = 1700000000.0, .next_pid = 1000};
	w.loop = ev_loop_new(EVBACKEND_POLL | EVFLAG_NOENV);
	check(w.loop != NULL);
	struct mainlog log;
	mainlog_init(&log, LVL_BLAT);
	mainlog_open(&log, main_log_path, 0, 0, getenv("FUZZ_DEBUG") != NULL, NULL);
	struct conf *conf = conf_live;

	struct sup *sup = sup_new(w.loop, &log, NULL);
	struct sup_os os = {
		.now = os_now, .spawn = os_spawn, .kill = os_kill, .timer = os_timer,
		.auto_log = os_auto_log, .ctx = &w,
	};
	sup_set_os(sup, &os);
	sup_watch_add(sup, &w.watch, on_change);
	sup_configure(sup, conf);
	sup_set_reloader(sup, reload, &w);
	sup_activate(sup);
	settle(&w, STEPS_MAX, NULL, NULL);

	struct rpc *rpc = rpc_new(sup, conf);
	rpc_set_bulk_delay(rpc, 0);
	struct client first = {{on_reply, on_fail}, 0, NULL};
	struct client second = {{on_reply, on_fail}, 0, NULL};
	first.req = rpc_handle(rpc, (const char *)data, size, &first.sink);
	check(first.answers == (first.req ? 0 : 1));
	second.req = rpc_handle(rpc, (const char *)data, size, &second.sink);
	check(second.answers == (second.req ? 0 : 1));

	settle(&w, STEPS_FIRST, &first, &second);
	if (first.req) {
		rpc_req_cancel(first.req);
		first.req = NULL;
	}
	settle(&w, STEPS_MAX, &second, NULL);
	if (second.req) {
		rpc_req_cancel(second.req);
		second.req = NULL;
	}
	check(first.answers <= 1 && second.answers <= 1);

	rpc_free(rpc);
	sup_free(sup);
	if (!conf_unchanged()) {
		conf_free(conf_live);
		conf_live = load(conf_text, sizeof conf_text - 1, NULL);
		check(conf_live != NULL);
		snapshot();
	}
	mainlog_close(&log);
	ev_loop_destroy(w.loop);
	check(w.n == 0);
	free(w.v);
	return 0;
}
