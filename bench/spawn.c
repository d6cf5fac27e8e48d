/* spawn.c — the spawn and stop floor: what starting and stopping N
 * `sleep` children costs a tiny C program on this machine, with none of a
 * supervisor's bookkeeping (no pipes, no logs, no state).
 *
 * Start: fork and execv N children, then wait until every one has exec'd
 * (each holds the write end of a close-on-exec pipe that reaches EOF at
 * its exec). Stop: SIGTERM to every child, then reap them all.
 *
 * With --hold K the parent keeps K descriptors open per child (the
 * exec-sync pipe's read end and K-1 more), made before its fork, and each child closes every descriptor above 2 before
 * exec, as a supervisor must (its pipes and log files): fork copies the
 * descriptor table and the child closes it, so spawning costs more as
 * children accumulate. That is the floor for a supervisor's figures.
 *
 * usage: bench-spawn N [--hold K] [PROGRAM [ARG...]]  (default /bin/sleep 100000)
 * prints: start_ms X stop_ms Y */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t *pids;
static int n_started;

/* Never leave a child behind: on any failure, stop what was started. */
static int fail(const char *what)
{
	perror(what);
	for (int i = 0; i < n_started; i++) kill(pids[i], SIGKILL);
	for (int i = 0; i < n_started; i++) waitpid(pids[i], NULL, 0);
	return 1;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	if (n < 1) {
		fprintf(stderr, "usage: bench-spawn N [PROGRAM [ARG...]]\n");
		return 2;
	}
	char *def[] = {"/bin/sleep", "100000", NULL};
	int hold = 0, arg = 2;
	if (argc > 3 && strcmp(argv[2], "--hold") == 0) {
		hold = atoi(argv[3]);
		arg = 4;
	}
	char **child_argv = argc > arg ? argv + arg : def;
	pids = calloc((size_t)n, sizeof *pids);
	int *sync = calloc((size_t)n, sizeof *sync);
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		int p[2];
		for (int k = 1; k < hold; k++)
			if (open("/dev/null", O_RDONLY) < 0) return fail("open");
		if (pipe2(p, O_CLOEXEC) < 0) return fail("pipe2");
		pid_t pid = fork();
		if (pid < 0) return fail("fork");
		if (pid == 0) {
			close(p[0]);
			if (hold) {   /* all but the exec-sync pipe, as refd closes all */
				if (p[1] > 3) syscall(SYS_close_range, 3, p[1] - 1, 0);
				syscall(SYS_close_range, p[1] + 1, ~0U, 0);
			}
			execv(child_argv[0], child_argv);
			_exit(127);
		}
		close(p[1]);
		pids[i] = pid;
		n_started = i + 1;
		sync[i] = p[0];
	}
	for (int i = 0; i < n; i++) {
		char c;
		while (read(sync[i], &c, 1) < 0 && errno == EINTR) {}
		close(sync[i]);
	}
	double t1 = now_ms();
	for (int i = 0; i < n; i++) kill(pids[i], SIGTERM);
	for (int i = 0; i < n; i++) {
		int st;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR) {}
	}
	double t2 = now_ms();
	printf("start_ms %.2f stop_ms %.2f\n", t1 - t0, t2 - t1);
	free(pids);
	free(sync);
	return 0;
}
