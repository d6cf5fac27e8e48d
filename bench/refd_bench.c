/* refd_bench.c — the client side of the benchmark (bench/run drives it):
 * HTTP/XML-RPC load against any supervisord-compatible endpoint, single
 * timed calls, waiting for processes, and the measurements that read
 * /proc (idle CPU and wakeups, shutdown, log throughput).
 *
 * Built on refd-conform's client (rclient.h). The load loop checks every
 * reply (status 200, a body exactly as long as Content-Length says, the
 * XML-RPC envelope, no fault) and fully parses the first and the last reply
 * of every client with xmlrpc-c, outside the timed window, so that parsing
 * never limits what is measured. Every loop is bounded in time.
 *
 * Output: "key value" pairs on one line, for bench/run to read. Exit status
 * 0, or 1 when a reply was wrong or a bound was hit (the run is invalid). */
#include "rclient.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double realtime_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("refd-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void sleep_ms(double ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(((long long)(ms * 1e6)) % 1000000000LL)};
	nanosleep(&ts, NULL);
}

/* ---- calls ------------------------------------------------------------------ */

/* method() or method(args) where each arg is "b:1", "i:5" or a string. */
static char *call_xml(const char *method, char **args, int nargs, size_t *len)
{
	size_t cap = 256 + strlen(method);
	for (int i = 0; i < nargs; i++) cap += strlen(args[i]) + 64;
	char *x = malloc(cap);
	int n = snprintf(x, cap, "<?xml version='1.0'?>\n<methodCall>\n<methodName>%s</methodName>\n<params>\n",
	                 method);
	for (int i = 0; i < nargs; i++) {
		const char *a = args[i];
		if (strncmp(a, "b:", 2) == 0)
			n += snprintf(x + n, cap - n, "<param><value><boolean>%s</boolean></value></param>\n", a + 2);
		else if (strncmp(a, "i:", 2) == 0)
			n += snprintf(x + n, cap - n, "<param><value><int>%s</int></value></param>\n", a + 2);
		else
			n += snprintf(x + n, cap - n, "<param><value><string>%s</string></value></param>\n", a);
	}
	n += snprintf(x + n, cap - n, "</params>\n</methodCall>\n");
	*len = (size_t)n;
	return x;
}

static struct rc_conn *connect_url(const char *text, int timeout_ms)
{
	struct rc_url url;
	char err[256];
	if (rc_url_parse(text, &url, err, sizeof err) < 0) die("bad URL %s: %s", text, err);
	struct rc_conn *c = rc_conn_new(&url, timeout_ms, (size_t)1 << 30);
	if (!c) die("out of memory");
	return c;
}

/* The cheap check every reply gets. Returns NULL or why it is wrong. */
static const char *reply_problem(const struct rc_response *r)
{
	static const char head[] = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n";
	static const char tail[] = "</methodResponse>\n";
	if (r->status != 200) return "HTTP status is not 200";
	if (!r->complete) return "incomplete body";
	const char *cl = rc_response_header(r, "Content-Length");
	if (!cl || strtoull(cl, NULL, 10) != r->body_len) return "body length differs from Content-Length";
	size_t hl = sizeof head - 1, tl = sizeof tail - 1;
	/* supervisord writes <?xml version='1.0'?>, a fault has <fault> instead of <params> */
	if (r->body_len < hl + tl || memcmp(r->body, head, hl) != 0) return "not an XML-RPC reply (or a fault)";
	if (memcmp(r->body + r->body_len - tl, tail, tl) != 0) return "reply does not end with </methodResponse>";
	return NULL;
}

/* What a full parse must find. */
struct expect {
	const char *method;
	int procs;          /* getAllProcessInfo: this many entries (-1: any) */
	int running;        /* ... and every one RUNNING */
};

static xmlrpc_value *parse_reply(const char *body, size_t len, char *why, size_t whylen)
{
	if (rc_xml_precheck(body, len, 64, why, whylen) < 0) return NULL;
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *v = NULL;
	const char *fs = NULL;
	int fc = 0;
	xmlrpc_parse_response2(&env, body, len, &v, &fc, &fs);
	if (env.fault_occurred) {
		snprintf(why, whylen, "unparsable: %s", env.fault_string);
		xmlrpc_env_clean(&env);
		return NULL;
	}
	xmlrpc_env_clean(&env);
	if (fs) {
		snprintf(why, whylen, "fault %d %s", fc, fs);
		free((void *)fs);
		return NULL;
	}
	return v;
}

static int struct_int(xmlrpc_value *s, const char *key, int *out)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *m = NULL;
	xmlrpc_struct_find_value(&env, s, key, &m);
	int ok = !env.fault_occurred && m && xmlrpc_value_type(m) == XMLRPC_TYPE_INT;
	if (ok) xmlrpc_read_int(&env, m, out);
	if (m) xmlrpc_DECREF(m);
	ok = ok && !env.fault_occurred;
	xmlrpc_env_clean(&env);
	return ok ? 0 : -1;
}

/* Full check of one reply. Returns 0 or -1 with why. n_running counts the
 * RUNNING entries of a process list. */
static int full_check(const struct expect *e, const char *body, size_t len, int *n_running,
                      char *why, size_t whylen)
{
	xmlrpc_value *v = parse_reply(body, len, why, whylen);
	if (!v) return -1;
	int rc = 0;
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	if (strcmp(e->method, "supervisor.getState") == 0) {
		int code;
		if (xmlrpc_value_type(v) != XMLRPC_TYPE_STRUCT || struct_int(v, "statecode", &code) < 0 || code != 1) {
			snprintf(why, whylen, "getState did not answer statecode 1");
			rc = -1;
		}
	} else if (strcmp(e->method, "supervisor.getAllProcessInfo") == 0) {
		if (xmlrpc_value_type(v) != XMLRPC_TYPE_ARRAY) {
			snprintf(why, whylen, "getAllProcessInfo did not answer an array");
			rc = -1;
		} else {
			int n = xmlrpc_array_size(&env, v), run = 0;
			for (int i = 0; i < n && rc == 0; i++) {
				xmlrpc_value *item = NULL;
				int st;
				xmlrpc_array_read_item(&env, v, i, &item);
				if (env.fault_occurred || !item || struct_int(item, "state", &st) < 0) {
					snprintf(why, whylen, "process entry %d has no state", i);
					rc = -1;
				} else if (st == 20) {
					run++;
				}
				if (item) xmlrpc_DECREF(item);
			}
			if (rc == 0 && e->procs >= 0 && n != e->procs) {
				snprintf(why, whylen, "%d processes, expected %d", n, e->procs);
				rc = -1;
			}
			if (rc == 0 && e->running && run != n) {
				snprintf(why, whylen, "%d of %d processes RUNNING", run, n);
				rc = -1;
			}
			if (n_running) *n_running = run;
		}
	}
	xmlrpc_env_clean(&env);
	xmlrpc_DECREF(v);
	return rc;
}

/* ---- load -------------------------------------------------------------------- */

struct client {
	pthread_t th;
	const char *url;
	const char *xml;
	size_t xml_len;
	const struct expect *expect;
	bool new_conn;
	double start, deadline, hard_deadline;
	/* results */
	unsigned long long ok, errors, bytes, connects;
	float *lat_ms;
	size_t n_lat, cap_lat;
	char error[512];
};

#define MAX_LAT_SAMPLES (16u << 20)

static int one_request(struct client *cl, struct rc_conn *c, struct rc_response *r)
{
	const char *hdr = cl->new_conn ? "Content-Type: text/xml\r\nConnection: close\r\n" : "Content-Type: text/xml\r\n";
	if (rc_request(c, "POST", "/RPC2", hdr, cl->xml, cl->xml_len, r) < 0) {
		snprintf(cl->error, sizeof cl->error, "request failed: %s", rc_conn_error(c));
		return -1;
	}
	const char *p = reply_problem(r);
	if (p) {
		snprintf(cl->error, sizeof cl->error, "%s (status %d, %zu bytes)", p, r->status, r->body_len);
		return -1;
	}
	if (cl->new_conn) rc_conn_close(c);
	return 0;
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	struct rc_conn *c = connect_url(cl->url, 60000);
	struct rc_response r;
	char why[256];
	/* Warm-up: one request, fully parsed, before the clock starts. */
	if (one_request(cl, c, &r) < 0) { cl->errors++; goto out; }
	if (full_check(cl->expect, r.body, r.body_len, NULL, why, sizeof why) < 0) {
		snprintf(cl->error, sizeof cl->error, "first reply: %s", why);
		cl->errors++;
		rc_response_free(&r);
		goto out;
	}
	rc_response_free(&r);
	unsigned connects0 = rc_conn_connects(c);
	/* Every client waits for the common start. */
	while (now_s() < cl->start) sleep_ms(0.2);
	struct rc_response last = {0};
	for (;;) {
		double t0 = now_s();
		/* At least one timed request, even past the soft deadline. */
		if (cl->ok && t0 >= cl->deadline) break;
		if (t0 >= cl->hard_deadline) {
			snprintf(cl->error, sizeof cl->error, "no reply within the run's bound");
			cl->errors++;
			break;
		}
		if (one_request(cl, c, &r) < 0) { cl->errors++; rc_response_free(&r); break; }
		double t1 = now_s();
		cl->ok++;
		cl->bytes += r.body_len;
		if (cl->n_lat < MAX_LAT_SAMPLES) {
			if (cl->n_lat == cl->cap_lat) {
				cl->cap_lat = cl->cap_lat ? cl->cap_lat * 2 : 4096;
				cl->lat_ms = realloc(cl->lat_ms, cl->cap_lat * sizeof *cl->lat_ms);
			}
			cl->lat_ms[cl->n_lat++] = (float)((t1 - t0) * 1e3);
		}
		rc_response_free(&last);
		last = r;
	}
	cl->connects = rc_conn_connects(c) - connects0;
	if (!cl->errors && last.body && full_check(cl->expect, last.body, last.body_len, NULL, why, sizeof why) < 0) {
		snprintf(cl->error, sizeof cl->error, "last reply: %s", why);
		cl->errors++;
	}
	rc_response_free(&last);
out:
	rc_conn_free(c);
	return NULL;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

static int cmd_load(int argc, char **argv)
{
	const char *url = NULL, *method = "supervisor.getState";
	int clients = 1, procs = -1, running = 0;
	double seconds = 3;
	bool new_conn = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--clients") && i + 1 < argc) clients = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--new-conn")) new_conn = true;
		else if (!strcmp(argv[i], "--procs") && i + 1 < argc) procs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--running")) running = 1;
		else if (!url) url = argv[i];
		else method = argv[i];
	}
	if (!url || clients < 1 || clients > 256 || seconds <= 0) die("usage: load URL [METHOD] [--clients N] [--seconds S] [--new-conn] [--procs N] [--running]");
	size_t xlen;
	char *xml = call_xml(method, NULL, 0, &xlen);
	struct expect e = {method, procs, running};
	struct client *cls = calloc((size_t)clients, sizeof *cls);
	double start = now_s() + 0.2 + 0.02 * clients;
	for (int i = 0; i < clients; i++) {
		cls[i] = (struct client){.url = url, .xml = xml, .xml_len = xlen, .expect = &e,
		                         .new_conn = new_conn, .start = start, .deadline = start + seconds,
		                         .hard_deadline = start + seconds + 60};
		if (pthread_create(&cls[i].th, NULL, client_main, &cls[i]) != 0) die("pthread_create failed");
	}
	unsigned long long ok = 0, errors = 0, bytes = 0, connects = 0;
	size_t n = 0;
	for (int i = 0; i < clients; i++) {
		pthread_join(cls[i].th, NULL);
		ok += cls[i].ok;
		errors += cls[i].errors;
		bytes += cls[i].bytes;
		connects += cls[i].connects;
		n += cls[i].n_lat;
	}
	double elapsed = now_s() - start;
	float *all = malloc((n ? n : 1) * sizeof *all);
	size_t k = 0;
	for (int i = 0; i < clients; i++) {
		memcpy(all + k, cls[i].lat_ms, cls[i].n_lat * sizeof *all);
		k += cls[i].n_lat;
		if (cls[i].errors) fprintf(stderr, "refd-bench: client %d: %s\n", i, cls[i].error);
		free(cls[i].lat_ms);
	}
	qsort(all, n, sizeof *all, cmp_float);
	double p50 = n ? all[(size_t)(0.50 * (n - 1))] : 0, p99 = n ? all[(size_t)(0.99 * (n - 1))] : 0;
	double pmax = n ? all[n - 1] : 0;
	printf("requests %llu rps %.1f p50_ms %.3f p99_ms %.3f max_ms %.3f bytes_per_reply %.0f connects %llu errors %llu seconds %.2f\n",
	       ok, elapsed > 0 ? ok / elapsed : 0, p50, p99, pmax, ok ? (double)bytes / ok : 0, connects,
	       errors, elapsed);
	free(all);
	free(cls);
	free(xml);
	return errors ? 1 : 0;
}

/* ---- one call ------------------------------------------------------------------ */

/* call URL METHOD [ARG...] [--expect-results N] [--save FILE]: one timed call.
 * With --expect-results, the reply is an array of N results of a bulk
 * start/stop, each with status 80 (SUCCESS). */
static int cmd_call(int argc, char **argv)
{
	const char *url = NULL, *method = NULL, *save = NULL;
	char *args[16];
	int nargs = 0, expect_results = -1, timeout = 600;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--expect-results") && i + 1 < argc) expect_results = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--save") && i + 1 < argc) save = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) timeout = atoi(argv[++i]);
		else if (!url) url = argv[i];
		else if (!method) method = argv[i];
		else if (nargs < 16) args[nargs++] = argv[i];
	}
	if (!url || !method) die("usage: call URL METHOD [ARG...] [--expect-results N] [--save FILE]");
	size_t xlen;
	char *xml = call_xml(method, args, nargs, &xlen);
	struct rc_conn *c = connect_url(url, timeout * 1000);
	struct rc_response r;
	/* Connect first: the call's time is the server's. */
	struct rc_response warm;
	size_t wl;
	char *wx = call_xml("supervisor.getAPIVersion", NULL, 0, &wl);
	if (rc_request(c, "POST", "/RPC2", "Content-Type: text/xml\r\n", wx, wl, &warm) < 0)
		die("%s: %s", url, rc_conn_error(c));
	rc_response_free(&warm);
	free(wx);
	double t0 = now_s();
	if (rc_request(c, "POST", "/RPC2", "Content-Type: text/xml\r\n", xml, xlen, &r) < 0)
		die("%s %s: %s", url, method, rc_conn_error(c));
	double ms = (now_s() - t0) * 1e3;
	const char *p = reply_problem(&r);
	if (p) die("%s: %s: %.300s", method, p, r.body ? r.body : "");
	char why[256];
	xmlrpc_value *v = parse_reply(r.body, r.body_len, why, sizeof why);
	if (!v) die("%s: %s", method, why);
	if (expect_results >= 0) {
		xmlrpc_env env;
		xmlrpc_env_init(&env);
		int n = xmlrpc_value_type(v) == XMLRPC_TYPE_ARRAY ? xmlrpc_array_size(&env, v) : -1;
		if (n != expect_results) die("%s: %d results, expected %d", method, n, expect_results);
		for (int i = 0; i < n; i++) {
			xmlrpc_value *item = NULL;
			int st = -1;
			xmlrpc_array_read_item(&env, v, i, &item);
			if (!item || struct_int(item, "status", &st) < 0 || st != 80) die("%s: result %d has status %d", method, i, st);
			xmlrpc_DECREF(item);
		}
		xmlrpc_env_clean(&env);
	}
	xmlrpc_DECREF(v);
	if (save) {
		FILE *f = fopen(save, "w");
		if (!f || fwrite(r.body, 1, r.body_len, f) != r.body_len || fclose(f) != 0) die("cannot write %s", save);
	}
	printf("ms %.3f bytes %zu\n", ms, r.body_len);
	rc_response_free(&r);
	rc_conn_free(c);
	free(xml);
	return 0;
}

/* ---- /proc ------------------------------------------------------------------------ */

static int read_file(const char *path, char *out, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	/* /proc files answer at most a page per read. */
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, out + len, cap - 1 - len);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) { close(fd); return -1; }
		if (n == 0 || (len += (size_t)n) == cap - 1) break;
	}
	close(fd);
	out[len] = '\0';
	return (int)len;
}

/* state char, utime+stime in ticks; -1 when the process is gone. */
static int proc_stat(pid_t pid, char *state, unsigned long long *ticks)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof buf) < 0) return -1;
	char *p = strrchr(buf, ')');
	if (!p) return -1;
	char st;
	unsigned long long ut = 0, stt = 0;
	/* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime" */
	if (sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &st, &ut, &stt) != 3) return -1;
	if (state) *state = st;
	if (ticks) *ticks = ut + stt;
	return 0;
}

static bool proc_alive(pid_t pid)
{
	char st;
	return proc_stat(pid, &st, NULL) == 0 && st != 'Z' && st != 'X';
}

static unsigned long long ctx_switches(pid_t pid)
{
	/* All threads: a Python daemon may have more than one. */
	char dir[64], path[400], buf[4096];
	snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
	DIR *d = opendir(dir);
	if (!d) return 0;
	unsigned long long total = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') continue;
		snprintf(path, sizeof path, "%s/%s/status", dir, e->d_name);
		if (read_file(path, buf, sizeof buf) < 0) continue;
		const char *v = strstr(buf, "voluntary_ctxt_switches:");
		const char *nv = strstr(buf, "nonvoluntary_ctxt_switches:");
		if (v) total += strtoull(v + 24, NULL, 10);
		if (nv) total += strtoull(nv + 27, NULL, 10);
	}
	closedir(d);
	return total;
}

/* The pids of pid's children (all its threads'). */
static size_t children_of(pid_t pid, pid_t *out, size_t cap)
{
	char dir[64], path[400];
	static char buf[1 << 20];
	snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
	DIR *d = opendir(dir);
	if (!d) return 0;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') continue;
		snprintf(path, sizeof path, "%s/%s/children", dir, e->d_name);
		if (read_file(path, buf, sizeof buf) < 0) continue;
		for (char *p = buf; *p;) {
			char *end;
			long v = strtol(p, &end, 10);
			if (end == p) break;
			if (n < cap) out[n++] = (pid_t)v;
			p = end;
		}
	}
	closedir(d);
	return n;
}

static size_t n_children(pid_t pid)
{
	static pid_t kids[65536];
	return children_of(pid, kids, 65536);
}

/* idle PID SECONDS: CPU seconds and context switches (wakeups) over the
 * window, per second. */
static int cmd_idle(int argc, char **argv)
{
	if (argc < 2) die("usage: idle PID SECONDS");
	pid_t pid = atoi(argv[0]);
	double secs = atof(argv[1]);
	unsigned long long t0, t1;
	if (proc_stat(pid, NULL, &t0) < 0) die("no process %d", (int)pid);
	unsigned long long c0 = ctx_switches(pid);
	double s0 = now_s();
	sleep_ms(secs * 1000);
	double s1 = now_s();
	if (proc_stat(pid, NULL, &t1) < 0) die("process %d went away", (int)pid);
	unsigned long long c1 = ctx_switches(pid);
	double hz = (double)sysconf(_SC_CLK_TCK);
	printf("cpu_ms_per_s %.4f wakeups_per_s %.4f wakeups %llu seconds %.1f\n",
	       (double)(t1 - t0) / hz * 1e3 / (s1 - s0), (double)(c1 - c0) / (s1 - s0), c1 - c0, s1 - s0);
	return 0;
}

/* wait-running URL PID N T0 [TIMEOUT]: from T0 (CLOCK_REALTIME seconds,
 * taken just before the daemon was started) until all N processes are
 * RUNNING. First watches /proc until the daemon has N children (one read
 * per poll, costing the daemon nothing), then asks getAllProcessInfo until
 * every entry is RUNNING; the time is when that reply arrived. One big
 * request, not N small ones: supervisord answers each request only after
 * a pass of its main loop, which takes longer the more processes it has. */
static int cmd_wait_running(int argc, char **argv)
{
	if (argc < 4) die("usage: wait-running URL PID N T0 [TIMEOUT]");
	const char *url = argv[0];
	pid_t pid = atoi(argv[1]);
	int n = atoi(argv[2]);
	double t0 = atof(argv[3]);
	double timeout = argc > 4 ? atof(argv[4]) : 120;
	double end = now_s() + timeout;
	while ((int)n_children(pid) < n) {
		if (!proc_alive(pid)) die("the daemon %d exited", (int)pid);
		if (now_s() > end) die("only %zu of %d children after %.0f s", n_children(pid), n, timeout);
		sleep_ms(5);
	}
	double t_children = realtime_s() - t0;
	struct rc_conn *c = connect_url(url, (int)(timeout * 1000));
	size_t xl;
	char *xml = call_xml("supervisor.getAllProcessInfo", NULL, 0, &xl);
	struct expect e = {"supervisor.getAllProcessInfo", n, 0};
	for (;;) {
		struct rc_response r;
		char why[256];
		int running = -1;
		if (rc_request(c, "POST", "/RPC2", "Content-Type: text/xml\r\n", xml, xl, &r) < 0)
			die("getAllProcessInfo: %s", rc_conn_error(c));
		const char *p = reply_problem(&r);
		if (p) die("getAllProcessInfo: %s", p);
		if (full_check(&e, r.body, r.body_len, &running, why, sizeof why) < 0) die("getAllProcessInfo: %s", why);
		rc_response_free(&r);
		if (running == n) break;
		if (now_s() > end) die("%d of %d RUNNING after %.0f s", running, n, timeout);
		sleep_ms(5);
	}
	double t_running = realtime_s() - t0;
	free(xml);
	rc_conn_free(c);
	printf("running_ms %.1f children_ms %.1f\n", t_running * 1e3, t_children * 1e3);
	return 0;
}

/* ready URL [TIMEOUT]: wait until getState answers RUNNING. */
static int cmd_ready(int argc, char **argv)
{
	if (argc < 1) die("usage: ready URL [TIMEOUT]");
	double end = now_s() + (argc > 1 ? atof(argv[1]) : 60);
	size_t xl;
	char *xml = call_xml("supervisor.getState", NULL, 0, &xl);
	struct expect e = {"supervisor.getState", -1, 0};
	for (;;) {
		struct rc_conn *c = connect_url(argv[0], 5000);
		struct rc_response r;
		char why[256];
		int ok = rc_request(c, "POST", "/RPC2", "Content-Type: text/xml\r\n", xml, xl, &r) == 0
		         && !reply_problem(&r) && full_check(&e, r.body, r.body_len, NULL, why, sizeof why) == 0;
		rc_response_free(&r);
		rc_conn_free(c);
		if (ok) break;
		if (now_s() > end) die("%s not ready", argv[0]);
		sleep_ms(10);
	}
	free(xml);
	return 0;
}

/* shutdown PID [TIMEOUT]: SIGTERM, then time until the daemon and every
 * child it had are gone. Past TIMEOUT all of them are SIGKILLed and the
 * measurement fails. */
static int cmd_shutdown(int argc, char **argv)
{
	if (argc < 1) die("usage: shutdown PID [TIMEOUT]");
	pid_t pid = atoi(argv[0]);
	double timeout = argc > 1 ? atof(argv[1]) : 120;
	static pid_t kids[65536];
	size_t n = children_of(pid, kids, 65536);
	double t0 = now_s();
	if (kill(pid, SIGTERM) < 0) die("kill %d: %s", (int)pid, strerror(errno));
	double t_daemon = 0;
	size_t left = n;
	for (;;) {
		double t = now_s();
		if (!t_daemon && !proc_alive(pid)) t_daemon = t;
		left = 0;
		for (size_t i = 0; i < n; i++)
			if (kids[i] && proc_alive(kids[i])) left++;
			else kids[i] = 0;
		if (t_daemon && !left) break;
		if (t - t0 > timeout) {
			/* Bounded: kill what is left, the daemon and its children. */
			kill(pid, SIGKILL);
			for (size_t i = 0; i < n; i++)
				if (kids[i]) kill(kids[i], SIGKILL);
			fprintf(stderr, "refd-bench: shutdown of %d took more than %.0f s; killed it and %zu children\n",
			        (int)pid, timeout, left);
			return 1;
		}
		sleep_ms(1);
	}
	printf("shutdown_ms %.1f children %zu\n", (t_daemon - t0) * 1e3, n);
	return 0;
}

/* lograte URL PID PROGRAM FILE BYTES [TIMEOUT]: startProcess(PROGRAM) and
 * time until FILE holds BYTES; the daemon's CPU over that time. */
static int cmd_lograte(int argc, char **argv)
{
	if (argc < 5) die("usage: lograte URL PID PROGRAM FILE BYTES [TIMEOUT]");
	pid_t pid = atoi(argv[1]);
	const char *file = argv[3];
	long long bytes = atoll(argv[4]);
	double timeout = argc > 5 ? atof(argv[5]) : 120;
	struct rc_conn *c = connect_url(argv[0], 60000);
	char *args[2] = {argv[2], "b:0"};
	size_t xl;
	char *xml = call_xml("supervisor.startProcess", args, 2, &xl);
	unsigned long long c0, c1;
	if (proc_stat(pid, NULL, &c0) < 0) die("no process %d", (int)pid);
	double t0 = now_s();
	struct rc_rpc_result res;
	if (rc_rpc_call_xml(c, xml, xl, &res, NULL) < 0 || res.is_fault)
		die("startProcess(%s): %s", argv[2], res.fault_string ? res.fault_string : rc_conn_error(c));
	rc_rpc_result_free(&res);
	struct stat st;
	long long size = 0;
	while (size < bytes) {
		if (stat(file, &st) == 0) size = st.st_size;
		if (now_s() - t0 > timeout) die("%s has %lld of %lld bytes after %.0f s", file, size, bytes, timeout);
		if (size < bytes) sleep_ms(1);
	}
	double secs = now_s() - t0;
	if (proc_stat(pid, NULL, &c1) < 0) die("process %d went away", (int)pid);
	double hz = (double)sysconf(_SC_CLK_TCK);
	printf("mb_per_s %.1f seconds %.3f daemon_cpu_s %.3f\n", bytes / 1048576.0 / secs, secs,
	       (double)(c1 - c0) / hz);
	free(xml);
	rc_conn_free(c);
	return size == bytes ? 0 : 1;
}

/* pipecat FILE BYTES: the ceiling of lograte: `head -c BYTES /dev/zero |
 * cat > FILE`, both exec'd directly, timed from the first fork until cat
 * has exited with every byte in the file; cat's CPU is what a daemon that
 * only moved the bytes would spend. */
static int cmd_pipecat(int argc, char **argv)
{
	if (argc < 2) die("usage: pipecat FILE BYTES");
	const char *file = argv[0];
	long long bytes = atoll(argv[1]);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) die("pipe: %s", strerror(errno));
	double t0 = now_s();
	pid_t head = fork();
	if (head == 0) {
		dup2(p[1], 1);
		execl("/usr/bin/head", "head", "-c", argv[1], "/dev/zero", (char *)NULL);
		_exit(127);
	}
	pid_t cat = fork();
	if (cat == 0) {
		int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) _exit(126);
		dup2(p[0], 0);
		dup2(fd, 1);
		execl("/bin/cat", "cat", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	close(p[1]);
	int st;
	struct rusage ru;
	if (wait4(cat, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) die("cat failed");
	double secs = now_s() - t0;
	waitpid(head, &st, 0);
	struct stat sb;
	if (stat(file, &sb) < 0 || sb.st_size != bytes) die("%s is incomplete", file);
	double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("mb_per_s %.1f seconds %.3f cat_cpu_s %.3f\n", bytes / 1048576.0 / secs, secs, cpu);
	return 0;
}

/* freeport: a TCP port on 127.0.0.1 that nothing listens on now. */
static int cmd_freeport(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sin;
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
		die("cannot find a free port");
	printf("%d\n", ntohs(sin.sin_port));
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: refd-bench load|call|ready|wait-running|idle|shutdown|lograte|pipecat|freeport ...\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	rc_rpc_init((size_t)1 << 30);
	const char *cmd = argv[1];
	argc -= 2;
	argv += 2;
	if (!strcmp(cmd, "load")) return cmd_load(argc, argv);
	if (!strcmp(cmd, "call")) return cmd_call(argc, argv);
	if (!strcmp(cmd, "ready")) return cmd_ready(argc, argv);
	if (!strcmp(cmd, "wait-running")) return cmd_wait_running(argc, argv);
	if (!strcmp(cmd, "idle")) return cmd_idle(argc, argv);
	if (!strcmp(cmd, "shutdown")) return cmd_shutdown(argc, argv);
	if (!strcmp(cmd, "lograte")) return cmd_lograte(argc, argv);
	if (!strcmp(cmd, "pipecat")) return cmd_pipecat(argc, argv);
	if (!strcmp(cmd, "freeport")) return cmd_freeport();
	fprintf(stderr, "refd-bench: unknown command %s\n", cmd);
	return 2;
}
