/* spawn.c — the spawn and stop floor: what starting and stopping N
 * `sleep` children costs a tiny C program on this machine, with none of a
 * supervisor's bookkeeping (no pipes, no logs, no state).
 *
 * Start: fork and execv N children, then wait until every one has exec'd
 * (each holds the write end of a close-on-exec pipe that reaches EOF at
 * its exec). Stop: SIGTERM to every child, then reap them all.
 *
 * usage: bench-spawn N [PROGRAM [ARG...]]   (default /bin/sleep 100000)
 * prints: start_ms X stop_ms Y */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	char **child_argv = argc > 2 ? argv + 2 : def;
	pid_t *pids = calloc((size_t)n, sizeof *pids);
	int *sync = calloc((size_t)n, sizeof *sync);
	double t0 = now_ms();
	for (int i = 0; i < n; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0) { perror("pipe2"); return 1; }
		pid_t pid = fork();
		if (pid < 0) { perror("fork"); return 1; }
		if (pid == 0) {
			close(p[0]);
			execv(child_argv[0], child_argv);
			_exit(127);
		}
		close(p[1]);
		pids[i] = pid;
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
