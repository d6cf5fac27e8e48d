/* conf_parse.c — how long parsing a big supervisord.conf takes.
 *
 * Generates two configs of 10,000 programs (10,000 [program:x] sections;
 * one section with numprocs = 10000), times refd's conf_load on each (the
 * best of several runs) and, for the ratio, supervisord 4.2.5's own parser
 * (ServerOptions.realize through Debian's python3) on the same file.
 * Prints lines like
 *     conf_parse_10000_programs 41.2 ms (supervisord 2345.6 ms, 57x)
 * A benchmark, not a test: it never fails on a slow machine.
 *
 * usage: bench-conf-parse [runs]   (default 5) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/config.h"
#include "lib/buf.h"
#include "lib/mem.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void header(struct buf *b, const char *dir)
{
	buf_printf(b, "[supervisord]\nlogfile = %s/bench.log\npidfile = %s/bench.pid\n"
	              "childlogdir = %s\nenvironment = GLOBAL=\"yes\"\n"
	              "[unix_http_server]\nfile = %s/bench.sock\n"
	              "[rpcinterface:supervisor]\n"
	              "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
	           dir, dir, dir, dir);
}

static char *many_sections(const char *dir, int n)
{
	struct buf b = BUF_INIT;
	header(&b, dir);
	for (int i = 0; i < n; i++)
		buf_printf(&b, "\n[program:app%05d]\n"
		              "command = /usr/bin/app --port=%d --name=%%(program_name)s ; inline comment\n"
		              "directory = /tmp\n"
		              "priority = %d\n"
		              "autostart = false\n"
		              "autorestart = unexpected\n"
		              "startsecs = 0\n"
		              "stopsignal = TERM\n"
		              "exitcodes = 0,2\n"
		              "stdout_logfile = AUTO\n"
		              "stdout_logfile_maxbytes = 1MB\n"
		              "redirect_stderr = true\n"
		              "environment = APP_ID=\"%d\",ROLE=web,\n"
		              "    HOME_DIR=\"%%(ENV_HOME)s\"\n",
		           i, 10000 + i, i % 100, i);
	return buf_steal(&b);
}

static char *numprocs(const char *dir, int n)
{
	struct buf b = BUF_INIT;
	header(&b, dir);
	buf_printf(&b, "\n[program:worker]\n"
	              "command = /usr/bin/worker --id=%%(process_num)05d\n"
	              "process_name = %%(program_name)s_%%(process_num)05d\n"
	              "numprocs = %d\n"
	              "autostart = false\n"
	              "stdout_logfile = %s/worker-%%(process_num)d.log\n"
	              "environment = WORKER=\"%%(process_num)d\"\n", n, dir);
	return buf_steal(&b);
}

/* The best time of runs loads of path, in ms; -1 when it fails. */
static double time_refd(const char *path, int runs)
{
	double best = -1;
	for (int r = 0; r < runs; r++) {
		struct conf_errors errs = { 0 };
		double t0 = now_ms();
		struct conf *c = conf_load(path, NULL, NULL, false, &errs);
		double t = now_ms() - t0;
		if (!c) {
			fprintf(stderr, "refd: %s\n", errs.n ? errs.v[0].message : "?");
			conf_errors_free(&errs);
			return -1;
		}
		conf_free(c);
		if (best < 0 || t < best) best = t;
	}
	return best;
}

static double time_supervisord(const char *path)
{
	if (access("/usr/bin/python3", X_OK) != 0) return -1;
	char *cmd = xasprintf(
	    "/usr/bin/python3 -c 'import sys, time\n"
	    "from supervisor.options import ServerOptions\n"
	    "o = ServerOptions()\n"
	    "t = time.perf_counter(); o.realize([\"-c\", sys.argv[1]]); "
	    "print((time.perf_counter() - t) * 1000)' %s 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p) return -1;
	double ms = -1;
	if (fscanf(p, "%lf", &ms) != 1) ms = -1;
	pclose(p);
	return ms;
}

static void bench(const char *name, const char *path, const char *text, int runs)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	double refd = time_refd(path, runs);
	double sup = time_supervisord(path);
	if (refd < 0) {
		printf("%s failed\n", name);
		return;
	}
	if (sup > 0)
		printf("%s %.1f ms (supervisord %.1f ms, %.0fx)\n", name, refd, sup, sup / refd);
	else
		printf("%s %.1f ms (supervisord not available)\n", name, refd);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 5;
	if (runs < 1) runs = 1;
	char dir[] = "/tmp/refd-bench-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char *path = xasprintf("%s/supervisord.conf", dir);
	char *t = many_sections(dir, 10000);
	bench("conf_parse_10000_programs", path, t, runs);
	free(t);
	t = numprocs(dir, 10000);
	bench("conf_parse_numprocs_10000", path, t, runs);
	free(t);
	unlink(path);
	free(path);
	rmdir(dir);
	return 0;
}
