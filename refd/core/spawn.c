/* spawn.c — command resolution, environment and fork/exec (see spawn.h). */
#include "spawn.h"
#include "conf/config.h"
#include "conf/shlex.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *repr(const char *s)
{
	return py_repr_str(s);
}

static char *reason(const char *fmt, const char *path)
{
	char *r = repr(path);
	char *msg = xasprintf(fmt, r);
	free(r);
	return msg;
}

/* PATH for the search: the config's environment, else ours, else the
 * default (lifecycle.md §5.4). */
static const char *search_path(const struct conf_proc *cp)
{
	const char *p = conf_kv_get(&cp->env, "PATH");
	if (p) return p;
	p = getenv("PATH");
	if (p && *p) return p;
	return "/bin:/usr/bin:/usr/local/bin";
}

enum spawn_check spawn_resolve(const struct conf_proc *cp, struct spawn_cmd *cmd, char **why)
{
	memset(cmd, 0, sizeof *cmd);
	char **argv = NULL;
	size_t argc = 0;
	const char *err = NULL;
	if (conf_shlex_split(cp->command ? cp->command : "", &argv, &argc, &err) < 0) {
		char *r = repr(cp->command ? cp->command : "");
		*why = xasprintf("can't parse command %s: %s", r, err ? err : "parse error");
		free(r);
		return SPAWN_NOT_EXECUTABLE;
	}
	if (argc == 0) {
		conf_argv_free(argv);
		*why = xstrdup("command is empty");
		return SPAWN_NOT_EXECUTABLE;
	}
	const char *program = argv[0];
	struct stat st;
	bool found = false;
	char *filename = NULL;
	if (strchr(program, '/')) {
		filename = xstrdup(program);
		found = stat(filename, &st) == 0;
	} else {
		/* The first PATH entry where stat() succeeds wins, whatever it is. */
		const char *path = search_path(cp);
		while (!found) {
			const char *colon = strchr(path, ':');
			size_t len = colon ? (size_t)(colon - path) : strlen(path);
			char *cand = len ? xasprintf("%.*s/%s", (int)len, path, program) : xstrdup(program);
			if (stat(cand, &st) == 0) {
				filename = cand;
				found = true;
			} else {
				free(cand);
			}
			if (!colon) break;
			path = colon + 1;
		}
		if (!found) filename = xstrdup(program);
	}
	enum spawn_check rc = SPAWN_OK;
	if (!found) {
		*why = reason("can't find command %s", filename);
		rc = SPAWN_NO_FILE;
	} else if (S_ISDIR(st.st_mode)) {
		*why = reason("command at %s is a directory", filename);
		rc = SPAWN_NOT_EXECUTABLE;
	} else if (!(st.st_mode & 0111)) {
		*why = reason("command at %s is not executable", filename);
		rc = SPAWN_NOT_EXECUTABLE;
	} else if (access(filename, X_OK) != 0) {
		*why = reason("no permission to run command %s", filename);
		rc = SPAWN_NOT_EXECUTABLE;
	}
	if (rc != SPAWN_OK) {
		free(filename);
		conf_argv_free(argv);
		return rc;
	}
	cmd->filename = filename;
	cmd->argv = argv;
	return SPAWN_OK;
}

void spawn_cmd_free(struct spawn_cmd *cmd)
{
	free(cmd->filename);
	conf_argv_free(cmd->argv);
	memset(cmd, 0, sizeof *cmd);
}

/* ---- environment ---------------------------------------------------------------- */

struct envb {
	char **v;
	size_t n, cap;
};

static void env_set(struct envb *e, const char *key, const char *val)
{
	size_t kl = strlen(key);
	char *entry = xasprintf("%s=%s", key, val);
	for (size_t i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], key, kl) == 0 && e->v[i][kl] == '=') {
			free(e->v[i]);
			e->v[i] = entry;
			return;
		}
	}
	if (e->n + 2 > e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n++] = entry;
	e->v[e->n] = NULL;
}

char **spawn_env(const struct conf_proc *cp, const char *group_name, const char *serverurl,
                 char **base)
{
	struct envb e = {0};
	e.cap = 64;
	e.v = xcalloc(e.cap, sizeof *e.v);
	for (char **p = base; p && *p; p++) {
		const char *eq = strchr(*p, '=');
		if (!eq) continue;
		char *key = xstrndup(*p, (size_t)(eq - *p));
		env_set(&e, key, eq + 1);
		free(key);
	}
	env_set(&e, "SUPERVISOR_ENABLED", "1");
	if (serverurl) env_set(&e, "SUPERVISOR_SERVER_URL", serverurl);
	env_set(&e, "SUPERVISOR_PROCESS_NAME", cp->name);
	env_set(&e, "SUPERVISOR_GROUP_NAME", group_name);
	for (size_t i = 0; i < cp->env.n; i++) env_set(&e, cp->env.keys[i], cp->env.vals[i]);
	return e.v;
}

void spawn_env_free(char **env)
{
	for (char **p = env; p && *p; p++) free(*p);
	free(env);
}

/* ---- the child ------------------------------------------------------------------ */

static void child_write(const char *s)
{
	size_t n = strlen(s);
	while (n) {
		ssize_t w = write(2, s, n);
		if (w <= 0) return;
		s += w;
		n -= (size_t)w;
	}
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "EUNKNOWN";
}

static void close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, lowfd, ~0U, 0) == 0) return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536) max = 65536;
	for (int fd = lowfd; fd < max; fd++) close(fd);
}

/* lifecycle.md §5.5, in the child. */
static const char *drop_privileges(uid_t uid, gid_t gid)
{
	if (uid == getuid()) return NULL;
	if (getuid() != 0) return "Can't drop privilege as nonroot user";
	struct passwd *pw = getpwuid(uid);
	if (pw ? initgroups(pw->pw_name, gid) < 0 : setgroups(1, &gid) < 0)
		return "Could not set groups of effective user";
	if (setgid(gid) < 0) return "Could not set group id of effective user";
	if (setuid(uid) < 0) return "Could not set user id of effective user";
	return NULL;
}

static void __attribute__((noreturn)) child(const struct conf_proc *cp, const struct spawn_cmd *cmd,
                                            char **env, int in_fd, int out_fd, int err_fd)
{
	char msg[4096];
	/* A new process group: signals to the daemon's group do not reach it. */
	setpgid(0, 0);
	/* Default dispositions, then an empty mask (spawn_fork blocked every
	 * signal across fork): a signal that arrives now takes its default
	 * action instead of running the daemon's handler in the child. */
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* stdin/out/err: move the pipe ends above 2 first so dup2 cannot
	 * clobber one with another. */
	int fds[3] = {in_fd, out_fd, err_fd};
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0 && fds[i] < 3) {
			int moved = fcntl(fds[i], F_DUPFD, 3);
			for (int j = i + 1; j < 3; j++) if (fds[j] == fds[i]) fds[j] = moved;
			fds[i] = moved;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0) dup2(fds[i], i);
		else close(i);
	}
	close_from(3);
	if (cp->has_uid) {
		const char *why = drop_privileges(cp->uid, cp->gid);
		if (why) {
			snprintf(msg, sizeof msg, "supervisor: couldn't setuid to %d: %s\n", (int)cp->uid, why);
			child_write(msg);
			goto fail;
		}
	}
	if (cp->directory && chdir(cp->directory) < 0) {
		snprintf(msg, sizeof msg, "supervisor: couldn't chdir to %s: %s\n", cp->directory, errname(errno));
		child_write(msg);
		goto fail;
	}
	if (cp->umask >= 0) umask((mode_t)cp->umask);
	execve(cmd->filename, cmd->argv, env);
	snprintf(msg, sizeof msg, "supervisor: couldn't exec %s: %s\n", cmd->argv[0], errname(errno));
	child_write(msg);
fail:
	child_write("supervisor: child process was not spawned\n");
	_exit(127);
}

/* ---- spawning without copying the descriptor table ---------------------------
 * fork() copies the daemon's descriptor table and the child then closes
 * every entry: with 1000 children refd holds some 5000 descriptors (pipes
 * and log files), so each spawn costs more than the one before and 1000
 * spawns cost O(N^2). Instead the child is cloned sharing the parent's
 * memory and table (CLONE_VM | CLONE_FILES | CLONE_VFORK: the parent waits
 * until the exec) and takes a private table holding only the descriptors
 * below the reserved slots (close_range with CLOSE_RANGE_UNSHARE, Linux
 * 5.9): the parent points the slots at the child's pipe ends just before.
 * Sharing memory, the child only reads what the parent prepared and makes
 * system calls; a process that changes user (getpwuid, initgroups) is
 * forked as before. */

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

/* valgrind cannot run a child that shares its parent's memory without
 * being a thread (it stops the whole process): under it, refd forks. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() false
#endif

/* AddressSanitizer cannot either: the child runs on a stack of ours that
 * it does not know, and aborts when the child leaves for exec. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN true
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN true
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN false
#endif

void spawn_slots_open(struct spawn_slots *s)
{
	s->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 3; i++) s->fd[i] = s->null_fd >= 0 ? fcntl(s->null_fd, F_DUPFD_CLOEXEC, 3) : -1;
	/* A no-op that fails where the flag is unknown. */
	bool ok = s->fd[0] >= 0 && s->fd[1] >= 0 && s->fd[2] >= 0 && !UNDER_ASAN && !UNDER_VALGRIND()
	          && syscall(SYS_close_range, ~0U, ~0U, CLOSE_RANGE_UNSHARE) == 0;
	if (!ok) spawn_slots_close(s);
}

void spawn_slots_close(struct spawn_slots *s)
{
	for (int i = 0; i < 3; i++) {
		if (s->fd[i] >= 0) close(s->fd[i]);
		s->fd[i] = -1;
	}
	if (s->null_fd >= 0) close(s->null_fd);
	s->null_fd = -1;
}

struct clone_args {
	const struct conf_proc *cp;
	const struct spawn_cmd *cmd;
	char **env;
	int fd[3];                  /* slots holding stdin, stdout, stderr, or -1 */
	int top;                    /* the highest slot */
};

static int clone_child(void *arg)
{
	struct clone_args *a = arg;
	/* A table of our own with descriptors 0..top only; then as fork's child. */
	if (syscall(SYS_close_range, (unsigned)a->top + 1, ~0U, CLOSE_RANGE_UNSHARE) != 0) _exit(127);
	child(a->cp, a->cmd, a->env, a->fd[0], a->fd[1], a->fd[2]);
}

#define CLONE_STACK (64 * 1024)

static pid_t clone_spawn(const struct conf_proc *cp, const struct spawn_cmd *cmd, char **env,
                         int in_fd, int out_fd, int err_fd, const struct spawn_slots *slots)
{
	struct clone_args a = {cp, cmd, env, {-1, -1, -1}, 0};
	int src[3] = {in_fd, out_fd, err_fd};
	for (int i = 0; i < 3; i++) {
		if (src[i] < 0) continue;
		/* dup3, not dup2: the slot stays close-on-exec in the parent. */
		if (dup3(src[i], slots->fd[i], O_CLOEXEC) < 0) return -1;
		a.fd[i] = slots->fd[i];
		if (slots->fd[i] > a.top) a.top = slots->fd[i];
	}
	if (a.top < slots->fd[0]) a.top = slots->fd[0];
	/* The child runs on this stack while we wait for its exec. */
	char stack[CLONE_STACK] __attribute__((aligned(16)));
	pid_t pid = clone(clone_child, stack + sizeof stack, CLONE_VM | CLONE_FILES | CLONE_VFORK | SIGCHLD, &a);
	int e = errno;
	for (int i = 0; i < 3; i++) dup3(slots->null_fd, slots->fd[i], O_CLOEXEC);
	errno = e;
	return pid;
}

pid_t spawn_fork(const struct conf_proc *cp, const struct spawn_cmd *cmd, char **env,
                 int in_fd, int out_fd, int err_fd, const struct spawn_slots *slots, char **why)
{
	bool shared = slots && slots->fd[0] >= 0 && !(cp->has_uid && cp->uid != getuid());
	/* Every signal stays blocked until the child has default handlers: a
	 * stop sent right after a spawn (startsecs=0 makes the process RUNNING
	 * at once) would otherwise be caught by the daemon's handler in the
	 * child and lost, and the child would live until stopwaitsecs' SIGKILL. */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = shared ? clone_spawn(cp, cmd, env, in_fd, out_fd, err_fd, slots) : fork();
	int e = errno;
	if (pid == 0) child(cp, cmd, env, in_fd, out_fd, err_fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		if (e == EAGAIN)
			*why = xasprintf("Too many processes in process table to spawn '%s'", cp->name);
		else
			*why = xasprintf("unknown error during fork for '%s': %s", cp->name, errname(e));
		return -1;
	}
	return pid;
}
