/* commands.c — supervisorctl's everyday commands, with its output
 * formats and exit codes (http.md §10.2), so that scripts written for
 * supervisorctl can call refctl instead. */
#include "ctl.h"
#include "lib/mem.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool has_word(int argc, char **argv, const char *w)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], w) == 0) return true;
	return false;
}

/* set_exitstatus_from_xmlrpc_fault */
static void exit_from_fault(struct ctl *c, int code, int ignored)
{
	if (code == ignored || code == FC_SUCCESS) return;
	if (code == FC_SPAWN_ERROR || code == FC_ABNORMAL_TERMINATION || code == FC_NOT_RUNNING)
		c->exitstatus = EX_NOT_RUNNING;
	else
		c->exitstatus = EX_GENERIC;
}

static const char *help_of(const char *name);

/* A usage error: the message, then refctl's own help for the command. */
static void usage_error(struct ctl *c, const char *msg, const char *name, int status)
{
	out("%s", msg);
	const char *help = name ? help_of(name) : NULL;
	if (help) out("%s", help);
	c->exitstatus = status;
}

/* ---- status ------------------------------------------------------------------------ */

static bool stopped_state(int state)
{
	return state == 0 || state == 100 || state == 200 || state == 1000;
}

static void show_statuses(xmlrpc_value **infos, int n)
{
	size_t maxlen = 30;
	char **names = xcalloc((size_t)(n ? n : 1), sizeof *names);
	for (int i = 0; i < n; i++) {
		char *g = member_str(infos[i], "group"), *nm = member_str(infos[i], "name");
		names[i] = namespec(g, nm);
		free(g);
		free(nm);
		/* Python counts characters: the width is in code points. */
		size_t cps = 0;
		for (const unsigned char *p = (const unsigned char *)names[i]; *p; p++)
			cps += (*p & 0xC0) != 0x80;
		if (cps > maxlen) maxlen = cps;
	}
	for (int i = 0; i < n; i++) {
		char *st = member_str(infos[i], "statename"), *desc = member_str(infos[i], "description");
		size_t cps = 0;
		for (const unsigned char *p = (const unsigned char *)names[i]; *p; p++)
			cps += (*p & 0xC0) != 0x80;
		size_t stcps = 0;
		for (const unsigned char *p = (const unsigned char *)st; *p; p++)
			stcps += (*p & 0xC0) != 0x80;
		printf("%s%*s%s%*s%s\n", names[i], (int)(maxlen + 3 - cps), "", st,
		       stcps < 10 ? (int)(10 - stcps) : 0, "", desc);
		free(st);
		free(desc);
		free(names[i]);
	}
	free(names);
}

static void cmd_status(struct ctl *c, int argc, char **argv)
{
	c->raised = false;
	if (!ctl_upcheck(c)) {
		/* supervisorctl: 4 when its check says no, 1 when the check raised */
		if (!c->raised) c->exitstatus = EX_STATUS_UNKNOWN;
		return;
	}
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, "supervisor.getAllProcessInfo", NULL, &res);
	if (r == CALL_FAILED) return;
	if (r == CALL_FAULT) {
		ctl_unexpected_fault(c, &res);
		rc_rpc_result_free(&res);
		return;
	}
	int n = val_array_size(res.value);
	xmlrpc_value **all = xcalloc((size_t)(n ? n : 1), sizeof *all);
	for (int i = 0; i < n; i++) all[i] = val_array_item(res.value, i);
	xmlrpc_value **match = xcalloc((size_t)(n * (argc ? argc : 1) + 1), sizeof *match);
	int k = 0;
	if (argc == 0 || has_word(argc, argv, "all")) {
		for (int i = 0; i < n; i++) match[k++] = all[i];
	} else {
		for (int a = 0; a < argc; a++) {
			char *g, *p;
			split_namespec(argv[a], &g, &p);
			bool bad = true;
			for (int i = 0; i < n; i++) {
				char *ig = member_str(all[i], "group"), *in = member_str(all[i], "name");
				bool m = strcmp(ig, g) == 0 && (!p || strcmp(in, p) == 0);
				free(ig);
				free(in);
				if (m) {
					bad = false;
					match[k++] = all[i];
				}
			}
			if (bad) {
				if (!p) out("%s: ERROR (no such group)", g);
				else out("%s: ERROR (no such process)", argv[a]);
				c->exitstatus = EX_STATUS_UNKNOWN;
			}
			free(g);
			free(p);
		}
	}
	show_statuses(match, k);
	for (int i = 0; i < k; i++)
		if (stopped_state(member_int(match[i], "state"))) c->exitstatus = EX_STATUS_NOT_RUNNING;
	for (int i = 0; i < n; i++) xmlrpc_DECREF(all[i]);
	free(all);
	free(match);
	rc_rpc_result_free(&res);
}

/* ---- start, stop, restart, signal ---------------------------------------------------- */

/* supervisorctl's _startresult / _signalresult / _clearresult. Returns
 * false for a code it does not know (it raises ValueError). */
static bool print_result(struct ctl *c, const char *kind, const char *name, int code,
                         const char *description)
{
	const char *why = NULL, *ok = NULL;
	if (strcmp(kind, "start") == 0) {
		switch (code) {
		case FC_BAD_NAME: why = "no such process"; break;
		case FC_NO_FILE: why = "no such file"; break;
		case FC_NOT_EXECUTABLE: why = "file is not executable"; break;
		case FC_ALREADY_STARTED: why = "already started"; break;
		case FC_SPAWN_ERROR: why = "spawn error"; break;
		case FC_ABNORMAL_TERMINATION: why = "abnormal termination"; break;
		case FC_SUCCESS: ok = "started"; break;
		}
	} else if (strcmp(kind, "clear") == 0) {
		switch (code) {
		case FC_BAD_NAME: why = "no such process"; break;
		case FC_FAILED: why = "failed"; break;
		case FC_SUCCESS: ok = "cleared"; break;
		}
	} else {
		switch (code) {
		case FC_BAD_NAME: why = "no such process"; break;
		case FC_BAD_SIGNAL: why = "bad signal name"; break;
		case FC_NOT_RUNNING: why = "not running"; break;
		case FC_SUCCESS: ok = kind; break;
		case FC_FAILED: out("%s", description); return true;
		}
	}
	if (why) out("%s: ERROR (%s)", name, why);
	else if (ok) out("%s: %s", name, ok);
	else {
		out("error: <class 'ValueError'>, Unknown result code %d for %s", code, name);
		c->exitstatus = EX_GENERIC;
		return false;
	}
	return true;
}

static bool print_results(struct ctl *c, const char *kind, xmlrpc_value *results, int ignored)
{
	int n = val_array_size(results);
	for (int i = 0; i < n; i++) {
		xmlrpc_value *r = val_array_item(results, i);
		char *g = member_str(r, "group"), *nm = member_str(r, "name");
		char *desc = member_str(r, "description"), *ns = namespec(g, nm);
		int code = member_int(r, "status");
		bool ok = print_result(c, kind, ns, code, desc);
		if (ok) exit_from_fault(c, code, ignored);
		free(g);
		free(nm);
		free(desc);
		free(ns);
		xmlrpc_DECREF(r);
		if (!ok) return false;
	}
	return true;
}

/* One verb over names: "all", "group:*" or a namespec each. */
struct verb {
	const char *kind;           /* "start", "stopped", "signalled" */
	const char *all_method, *group_method, *one_method;
	int ignored;                /* the fault that is not a failure */
	int bad_group_status;       /* exit status for "no such group" */
};

static const struct verb START = {"start", "supervisor.startAllProcesses",
	"supervisor.startProcessGroup", "supervisor.startProcess", FC_ALREADY_STARTED, EX_INVALID_ARGS};
static const struct verb STOP = {"stopped", "supervisor.stopAllProcesses",
	"supervisor.stopProcessGroup", "supervisor.stopProcess", FC_NOT_RUNNING, EX_GENERIC};
static const struct verb SIGNAL = {"signalled", "supervisor.signalAllProcesses",
	"supervisor.signalProcessGroup", "supervisor.signalProcess", 0, EX_GENERIC};

static void run_verb(struct ctl *c, const struct verb *v, const char *sig, int argc, char **argv)
{
	struct rc_rpc_result res;
	enum call_result r;
	if (has_word(argc, argv, "all")) {
		r = ctl_call(c, v->all_method, sig ? ctl_params("(s)", sig) : NULL, &res);
		if (r == CALL_OK) print_results(c, v->kind, res.value, v->ignored);
		else if (r == CALL_FAULT) ctl_unexpected_fault(c, &res);
		if (r != CALL_FAILED) rc_rpc_result_free(&res);
		return;
	}
	for (int i = 0; i < argc; i++) {
		char *g, *p;
		split_namespec(argv[i], &g, &p);
		if (!p) {
			r = ctl_call(c, v->group_method, sig ? ctl_params("(ss)", g, sig) : ctl_params("(s)", g), &res);
			if (r == CALL_OK) {
				print_results(c, v->kind, res.value, v->ignored);
			} else if (r == CALL_FAULT && res.fault_code == FC_BAD_NAME) {
				out("%s: ERROR (no such group)", g);
				c->exitstatus = v->bad_group_status;
			} else if (r == CALL_FAULT) {
				ctl_unexpected_fault(c, &res);
			}
		} else {
			r = ctl_call(c, v->one_method,
			             sig ? ctl_params("(ss)", argv[i], sig) : ctl_params("(s)", argv[i]), &res);
			char *ns = namespec(g, p);
			if (r == CALL_OK) {
				out("%s: %s", ns, strcmp(v->kind, "start") == 0 ? "started" : v->kind);
			} else if (r == CALL_FAULT) {
				if (print_result(c, v->kind, ns, res.fault_code, res.fault_string))
					exit_from_fault(c, res.fault_code, v->ignored);
			}
			free(ns);
		}
		if (r != CALL_FAILED) rc_rpc_result_free(&res);
		free(g);
		free(p);
		if (r == CALL_FAILED) return;
	}
}

static void cmd_start(struct ctl *c, int argc, char **argv)
{
	if (!ctl_upcheck(c)) return;
	if (argc == 0) {
		usage_error(c, "Error: start requires a process name", "start", EX_INVALID_ARGS);
		return;
	}
	run_verb(c, &START, NULL, argc, argv);
}

static void cmd_stop(struct ctl *c, int argc, char **argv)
{
	if (!ctl_upcheck(c)) return;
	if (argc == 0) {
		usage_error(c, "Error: stop requires a process name", "stop", EX_GENERIC);
		return;
	}
	run_verb(c, &STOP, NULL, argc, argv);
}

static void cmd_restart(struct ctl *c, int argc, char **argv)
{
	if (!ctl_upcheck(c)) return;
	if (argc == 0) {
		usage_error(c, "Error: restart requires a process name", "restart", EX_GENERIC);
		return;
	}
	cmd_stop(c, argc, argv);
	cmd_start(c, argc, argv);
}

static void cmd_signal(struct ctl *c, int argc, char **argv)
{
	if (!ctl_upcheck(c)) return;
	if (argc < 2) {
		usage_error(c, "Error: signal requires a signal name and a process name", "signal", EX_GENERIC);
		return;
	}
	run_verb(c, &SIGNAL, argv[0], argc - 1, argv + 1);
}

/* ---- pid, clear -------------------------------------------------------------------------- */

static void cmd_pid(struct ctl *c, int argc, char **argv)
{
	if (!ctl_upcheck(c)) return;
	struct rc_rpc_result res;
	enum call_result r;
	if (argc == 0) {
		r = ctl_call(c, "supervisor.getPID", NULL, &res);
		if (r == CALL_OK) {
			char *s = val_str(res.value);
			out("%s", s);
			free(s);
		}
	} else if (has_word(argc, argv, "all")) {
		r = ctl_call(c, "supervisor.getAllProcessInfo", NULL, &res);
		if (r == CALL_OK)
			for (int i = 0; i < val_array_size(res.value); i++) {
				xmlrpc_value *info = val_array_item(res.value, i);
				out("%d", member_int(info, "pid"));
				xmlrpc_DECREF(info);
			}
	} else {
		for (int i = 0; i < argc; i++) {
			r = ctl_call(c, "supervisor.getProcessInfo", ctl_params("(s)", argv[i]), &res);
			if (r == CALL_FAILED) return;
			if (r == CALL_OK) {
				int pid = member_int(res.value, "pid");
				out("%d", pid);
				if (pid == 0) c->exitstatus = EX_NOT_RUNNING;
			} else if (res.fault_code == FC_BAD_NAME) {
				out("No such process %s", argv[i]);
				c->exitstatus = EX_GENERIC;
			} else {
				ctl_unexpected_fault(c, &res);
			}
			rc_rpc_result_free(&res);
		}
		return;
	}
	if (r == CALL_FAULT) ctl_unexpected_fault(c, &res);
	if (r != CALL_FAILED) rc_rpc_result_free(&res);
}

static void cmd_clear(struct ctl *c, int argc, char **argv)
{
	if (!ctl_upcheck(c)) return;
	if (argc == 0) {
		usage_error(c, "Error: clear requires a process name", "clear", EX_GENERIC);
		return;
	}
	struct rc_rpc_result res;
	enum call_result r;
	if (has_word(argc, argv, "all")) {
		r = ctl_call(c, "supervisor.clearAllProcessLogs", NULL, &res);
		if (r == CALL_OK) print_results(c, "clear", res.value, 0);
		else if (r == CALL_FAULT) ctl_unexpected_fault(c, &res);
		if (r != CALL_FAILED) rc_rpc_result_free(&res);
		return;
	}
	for (int i = 0; i < argc; i++) {
		char *g, *p;
		split_namespec(argv[i], &g, &p);
		char *ns = p ? namespec(g, p) : xasprintf("%s:None", g);
		r = ctl_call(c, "supervisor.clearProcessLogs", ctl_params("(s)", argv[i]), &res);
		if (r == CALL_OK) {
			out("%s: cleared", ns);
		} else if (r == CALL_FAULT) {
			if (print_result(c, "clear", ns, res.fault_code, res.fault_string))
				exit_from_fault(c, res.fault_code, 0);
		}
		if (r != CALL_FAILED) rc_rpc_result_free(&res);
		free(ns);
		free(g);
		free(p);
		if (r == CALL_FAILED) return;
	}
}

/* ---- tail, maintail -------------------------------------------------------------------------- */

/* Ctrl-C ends a follow, as in supervisorctl: an empty line, then the exit
 * status so far (a follow is the last thing a run does). */
static volatile sig_atomic_t exit_on_interrupt;

static void on_sigint(int sig)
{
	ssize_t w = write(STDOUT_FILENO, "\n", 1);
	(void)w;
	_exit(exit_on_interrupt);
}

static int write_data(void *ctx, const char *data, size_t len)
{
	fwrite(data, 1, len, stdout);
	fflush(stdout);
	return 0;
}

/* tail -f and maintail -f: the /logtail streams, until Ctrl-C. */
static void follow(struct ctl *c, const char *path)
{
	out("==> Press Ctrl-C to exit <==");
	fflush(stdout);
	exit_on_interrupt = c->exitstatus;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	struct rc_conn *conn = rc_conn_new(&c->url, 10000, 0);
	if (c->opt.username && c->opt.password) rc_conn_set_auth(conn, c->opt.username, c->opt.password);
	int status = 0;
	int rc = rc_stream(conn, path, write_data, NULL, 0, &status);
	signal(SIGINT, SIG_DFL);
	if (rc < 0) {
		fprintf(stderr, "%s%s Cannot connect, error: %s\n", c->opt.serverurl, path,
		        rc_conn_error(conn));
		c->exitstatus = EX_GENERIC;
	} else if (status != 200) {
		fprintf(stderr, "Cannot read, status code %d\n", status);
		c->exitstatus = EX_GENERIC;
	}
	rc_conn_free(conn);
}

static void read_log_fault(struct ctl *c, const char *name, const struct rc_rpc_result *res,
                           bool process)
{
	c->exitstatus = EX_GENERIC;
	if (res->fault_code == FC_NO_FILE) out("%s: ERROR (no log file)", name);
	else if (res->fault_code == FC_FAILED) out("%s: ERROR (unknown error reading log)", name);
	else if (process && res->fault_code == FC_BAD_NAME) out("%s: ERROR (no such process name)", name);
	else ctl_unexpected_fault(c, res);
}

/* int(text) for a tail modifier's number: false when it is none. */
static bool parse_int(const char *text, long long *v)
{
	char *end;
	if (!*text) return false;
	errno = 0;
	*v = strtoll(text, &end, 10);
	while (*end == ' ' || *end == '\t') end++;
	return !*end && !errno;
}

static void cmd_tail(struct ctl *c, int argc, char **argv)
{
	if (!ctl_upcheck(c)) return;
	if (argc < 1) {
		usage_error(c, "Error: too few arguments", "tail", EX_GENERIC);
		return;
	}
	if (argc > 3) {
		usage_error(c, "Error: too many arguments", "tail", EX_GENERIC);
		return;
	}
	const char *modifier = NULL;
	if (argv[0][0] == '-') {
		modifier = argv[0];
		argv++;
		argc--;
	}
	const char *name, *channel = "stdout";
	char *chan_lower = NULL;
	if (argc == 1) {
		name = argv[0];
	} else if (argc > 0) {
		name = argv[0];
		chan_lower = xstrdup(argv[argc - 1]);
		for (char *p = chan_lower; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		if (strcmp(chan_lower, "stderr") != 0 && strcmp(chan_lower, "stdout") != 0) {
			out("Error: bad channel '%s'", chan_lower);
			c->exitstatus = EX_GENERIC;
			free(chan_lower);
			return;
		}
		channel = chan_lower;
	} else {
		out("Error: tail requires process name");
		c->exitstatus = EX_GENERIC;
		return;
	}
	long long bytes = 1600;
	bool follow_it = false;
	if (modifier) {
		if (strcmp(modifier + 1, "f") == 0) {
			follow_it = true;
		} else if (!parse_int(modifier + 1, &bytes)) {
			out("Error: bad argument %s", modifier);
			c->exitstatus = EX_GENERIC;
			free(chan_lower);
			return;
		}
	}
	if (follow_it) {
		char *path = xasprintf("/logtail/%s/%s", name, channel);
		follow(c, path);
		free(path);
		free(chan_lower);
		return;
	}
	struct rc_rpc_result res;
	const char *method = strcmp(channel, "stdout") == 0 ? "supervisor.readProcessStdoutLog"
	                                                     : "supervisor.readProcessStderrLog";
	enum call_result r = ctl_call(c, method, ctl_params("(sii)", name, (int)-bytes, 0), &res);
	if (r == CALL_OK) {
		char *s = val_str(res.value);
		out("%s", s);
		free(s);
	} else if (r == CALL_FAULT) {
		read_log_fault(c, name, &res, true);
	}
	if (r != CALL_FAILED) rc_rpc_result_free(&res);
	free(chan_lower);
}

static void cmd_maintail(struct ctl *c, int argc, char **argv)
{
	if (!ctl_upcheck(c)) return;
	long long bytes = 1600;
	if (argc > 1) {
		usage_error(c, "Error: too many arguments", "maintail", EX_GENERIC);
		return;
	}
	if (argc == 1) {
		if (argv[0][0] != '-') {
			out("Error: bad argument %s", argv[0]);
			c->exitstatus = EX_GENERIC;
			return;
		}
		if (strcmp(argv[0], "-f") == 0) {
			follow(c, "/mainlogtail");
			return;
		}
		if (!parse_int(argv[0] + 1, &bytes)) {
			out("Error: bad argument %s", argv[0]);
			c->exitstatus = EX_GENERIC;
			return;
		}
	}
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, "supervisor.readLog", ctl_params("(ii)", (int)-bytes, 0), &res);
	if (r == CALL_OK) {
		char *s = val_str(res.value);
		out("%s", s);
		free(s);
	} else if (r == CALL_FAULT) {
		read_log_fault(c, "supervisord", &res, false);
	}
	if (r != CALL_FAILED) rc_rpc_result_free(&res);
}

/* ---- configuration: reread, update, avail, add, remove ---------------------------------------------- */

static int strptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void cmd_reread(struct ctl *c, int argc, char **argv)
{
	if (argc) {
		usage_error(c, "Error: reread accepts no arguments", "reread", EX_GENERIC);
		return;
	}
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, "supervisor.reloadConfig", NULL, &res);
	if (r == CALL_FAILED) return;
	if (r == CALL_FAULT) {
		c->exitstatus = EX_GENERIC;
		if (res.fault_code == FC_SHUTDOWN_STATE) out("ERROR: supervisor shutting down");
		else if (res.fault_code == FC_CANT_REREAD) out("ERROR: %s", res.fault_string);
		else ctl_unexpected_fault(c, &res);
		rc_rpc_result_free(&res);
		return;
	}
	/* [[added, changed, removed]]: printed sorted by name. */
	xmlrpc_value *triple = val_array_item(res.value, 0);
	static const char *what[] = {"available", "changed", "disappeared"};
	size_t n = 0, cap = 16;
	char **lines = xmalloc(cap * sizeof *lines);
	for (int k = 0; k < 3 && triple; k++) {
		xmlrpc_value *list = val_array_item(triple, k);
		for (int i = 0; list && i < val_array_size(list); i++) {
			xmlrpc_value *nv = val_array_item(list, i);
			char *name = val_str(nv);
			xmlrpc_DECREF(nv);
			/* A name in two lists keeps the later one, as a dict would. */
			size_t j;
			for (j = 0; j < n; j++)
				if (strncmp(lines[j], name, strlen(name)) == 0 && lines[j][strlen(name)] == ':') break;
			char *line = xasprintf("%s: %s", name, what[k]);
			free(name);
			if (j < n) {
				free(lines[j]);
				lines[j] = line;
				continue;
			}
			if (n == cap) lines = xrealloc(lines, (cap *= 2) * sizeof *lines);
			lines[n++] = line;
		}
		if (list) xmlrpc_DECREF(list);
	}
	if (triple) xmlrpc_DECREF(triple);
	qsort(lines, n, sizeof *lines, strptr_cmp);
	if (n == 0) out("No config updates to processes");
	for (size_t i = 0; i < n; i++) {
		out("%s", lines[i]);
		free(lines[i]);
	}
	free(lines);
	rc_rpc_result_free(&res);
}

static void cmd_avail(struct ctl *c, int argc, char **argv)
{
	if (argc) {
		usage_error(c, "Error: avail accepts no arguments", "avail", EX_GENERIC);
		return;
	}
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, "supervisor.getAllConfigInfo", NULL, &res);
	if (r == CALL_FAILED) return;
	if (r == CALL_FAULT) {
		c->exitstatus = EX_GENERIC;
		if (res.fault_code == FC_SHUTDOWN_STATE) out("ERROR: supervisor shutting down");
		else ctl_unexpected_fault(c, &res);
		rc_rpc_result_free(&res);
		return;
	}
	for (int i = 0; i < val_array_size(res.value); i++) {
		xmlrpc_value *ci = val_array_item(res.value, i);
		char *g = member_str(ci, "group"), *nm = member_str(ci, "name");
		char *ns = namespec(g, nm);
		char *prio = xasprintf("%d:%d", member_int(ci, "group_prio"), member_int(ci, "process_prio"));
		out("%-32s %-9s %-9s %s", ns, member_bool(ci, "inuse") ? "in use" : "avail",
		    member_bool(ci, "autostart") ? "auto" : "manual", prio);
		free(prio);
		free(ns);
		free(g);
		free(nm);
		xmlrpc_DECREF(ci);
	}
	rc_rpc_result_free(&res);
}

static void cmd_add(struct ctl *c, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		struct rc_rpc_result res;
		enum call_result r = ctl_call(c, "supervisor.addProcessGroup", ctl_params("(s)", argv[i]), &res);
		if (r == CALL_FAILED) return;
		if (r == CALL_OK) {
			out("%s: added process group", argv[i]);
		} else if (res.fault_code == FC_SHUTDOWN_STATE) {
			out("ERROR: shutting down");
			c->exitstatus = EX_GENERIC;
		} else if (res.fault_code == FC_ALREADY_ADDED) {
			out("ERROR: process group already active");
		} else if (res.fault_code == FC_BAD_NAME) {
			out("ERROR: no such process/group: %s", argv[i]);
			c->exitstatus = EX_GENERIC;
		} else {
			ctl_unexpected_fault(c, &res);
		}
		rc_rpc_result_free(&res);
	}
}

static void cmd_remove(struct ctl *c, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		struct rc_rpc_result res;
		enum call_result r = ctl_call(c, "supervisor.removeProcessGroup", ctl_params("(s)", argv[i]), &res);
		if (r == CALL_FAILED) return;
		if (r == CALL_OK) {
			out("%s: removed process group", argv[i]);
		} else {
			c->exitstatus = EX_GENERIC;
			if (res.fault_code == FC_STILL_RUNNING) out("ERROR: process/group still running: %s", argv[i]);
			else if (res.fault_code == FC_BAD_NAME) out("ERROR: no such process/group: %s", argv[i]);
			else ctl_unexpected_fault(c, &res);
		}
		rc_rpc_result_free(&res);
	}
}

/* A call whose result update only needs to succeed; false when it did not. */
static bool simple_call(struct ctl *c, const char *method, const char *arg, xmlrpc_value **value)
{
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, method, ctl_params("(s)", arg), &res);
	if (r == CALL_FAILED) return false;
	if (r == CALL_FAULT) {
		ctl_unexpected_fault(c, &res);
		rc_rpc_result_free(&res);
		return false;
	}
	if (value) {
		*value = res.value;
		res.value = NULL;
	}
	rc_rpc_result_free(&res);
	return true;
}

static bool in_list(xmlrpc_value *list, const char *name)
{
	bool found = false;
	for (int i = 0; list && i < val_array_size(list) && !found; i++) {
		xmlrpc_value *v = val_array_item(list, i);
		char *s = val_str(v);
		found = strcmp(s, name) == 0;
		free(s);
		xmlrpc_DECREF(v);
	}
	return found;
}

static void cmd_update(struct ctl *c, int argc, char **argv)
{
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, "supervisor.reloadConfig", NULL, &res);
	if (r == CALL_FAILED) return;
	if (r == CALL_FAULT) {
		c->exitstatus = EX_GENERIC;
		if (res.fault_code == FC_SHUTDOWN_STATE) out("ERROR: already shutting down");
		else ctl_unexpected_fault(c, &res);
		rc_rpc_result_free(&res);
		return;
	}
	xmlrpc_value *triple = val_array_item(res.value, 0);
	xmlrpc_value *added = val_array_item(triple, 0), *changed = val_array_item(triple, 1),
	             *removed = val_array_item(triple, 2);
	bool filter = argc > 0 && !has_word(argc, argv, "all");
	if (filter) {
		xmlrpc_value *infos = NULL;
		struct rc_rpc_result ir;
		r = ctl_call(c, "supervisor.getAllProcessInfo", NULL, &ir);
		if (r == CALL_OK) {
			infos = ir.value;
			/* Each distinct name once, as a set would. */
			for (int a = 0; a < argc; a++) {
				bool dup = false;
				for (int b = 0; b < a; b++) dup |= strcmp(argv[a], argv[b]) == 0;
				if (dup) continue;
				bool known = in_list(added, argv[a]);
				for (int i = 0; !known && i < val_array_size(infos); i++) {
					xmlrpc_value *info = val_array_item(infos, i);
					char *g = member_str(info, "group");
					known = strcmp(g, argv[a]) == 0;
					free(g);
					xmlrpc_DECREF(info);
				}
				if (!known) {
					out("ERROR: no such group: %s", argv[a]);
					c->exitstatus = EX_GENERIC;
				}
			}
		}
		if (r == CALL_FAULT) ctl_unexpected_fault(c, &ir);
		if (r != CALL_FAILED) rc_rpc_result_free(&ir);
		if (r != CALL_OK) goto done;
	}
	for (int i = 0; i < val_array_size(removed); i++) {
		xmlrpc_value *nv = val_array_item(removed, i);
		char *g = val_str(nv);
		xmlrpc_DECREF(nv);
		if (!filter || has_word(argc, argv, g)) {
			xmlrpc_value *results = NULL;
			if (!simple_call(c, "supervisor.stopProcessGroup", g, &results)) { free(g); goto done; }
			out("%s: stopped", g);
			bool fails = false;
			for (int k = 0; k < val_array_size(results); k++) {
				xmlrpc_value *rr = val_array_item(results, k);
				fails |= member_int(rr, "status") == FC_FAILED;
				xmlrpc_DECREF(rr);
			}
			xmlrpc_DECREF(results);
			if (fails) {
				out("%s: has problems; not removing", g);
				c->exitstatus = EX_GENERIC;
			} else {
				if (!simple_call(c, "supervisor.removeProcessGroup", g, NULL)) { free(g); goto done; }
				out("%s: removed process group", g);
			}
		}
		free(g);
	}
	for (int i = 0; i < val_array_size(changed); i++) {
		xmlrpc_value *nv = val_array_item(changed, i);
		char *g = val_str(nv);
		xmlrpc_DECREF(nv);
		if (!filter || has_word(argc, argv, g)) {
			xmlrpc_value *results = NULL;
			bool ok = simple_call(c, "supervisor.stopProcessGroup", g, &results);
			if (results) xmlrpc_DECREF(results);
			if (ok) out("%s: stopped", g);
			ok = ok && simple_call(c, "supervisor.removeProcessGroup", g, NULL)
			     && simple_call(c, "supervisor.addProcessGroup", g, NULL);
			if (!ok) { free(g); goto done; }
			out("%s: updated process group", g);
		}
		free(g);
	}
	for (int i = 0; i < val_array_size(added); i++) {
		xmlrpc_value *nv = val_array_item(added, i);
		char *g = val_str(nv);
		xmlrpc_DECREF(nv);
		if (!filter || has_word(argc, argv, g)) {
			if (!simple_call(c, "supervisor.addProcessGroup", g, NULL)) { free(g); goto done; }
			out("%s: added process group", g);
		}
		free(g);
	}
done:
	xmlrpc_DECREF(added);
	xmlrpc_DECREF(changed);
	xmlrpc_DECREF(removed);
	xmlrpc_DECREF(triple);
	rc_rpc_result_free(&res);
}

/* ---- the daemon: version, reload, shutdown ------------------------------------------------------ */

static void cmd_version(struct ctl *c, int argc, char **argv)
{
	if (argc) {
		usage_error(c, "Error: version accepts no arguments", "version", EX_GENERIC);
		return;
	}
	if (!ctl_upcheck(c)) return;
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, "supervisor.getSupervisorVersion", NULL, &res);
	if (r == CALL_OK) {
		char *s = val_str(res.value);
		out("%s", s);
		free(s);
	} else if (r == CALL_FAULT) {
		ctl_unexpected_fault(c, &res);
	}
	if (r != CALL_FAILED) rc_rpc_result_free(&res);
}

static void cmd_reload(struct ctl *c, int argc, char **argv)
{
	if (argc) {
		usage_error(c, "Error: reload accepts no arguments", "reload", EX_GENERIC);
		return;
	}
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, "supervisor.restart", NULL, &res);
	if (r == CALL_FAILED) return;
	if (r == CALL_OK) {
		out("Restarted supervisord");
	} else {
		c->exitstatus = EX_GENERIC;
		if (res.fault_code == FC_SHUTDOWN_STATE) out("ERROR: already shutting down");
		else ctl_unexpected_fault(c, &res);
	}
	rc_rpc_result_free(&res);
}

static void cmd_shutdown(struct ctl *c, int argc, char **argv)
{
	if (argc) {
		usage_error(c, "Error: shutdown accepts no arguments", "shutdown", EX_GENERIC);
		return;
	}
	struct rc_rpc_result res;
	memset(&res, 0, sizeof res);
	int rc = rc_rpc_call(c->conn, "supervisor.shutdown", NULL, &res);
	int e = rc_conn_errno(c->conn);
	if (rc < 0 && res.http_status == 0 && (e == ECONNREFUSED || e == ENOENT)) {
		out("ERROR: %s %s (already shut down?)", c->opt.serverurl,
		    e == ECONNREFUSED ? "refused connection" : "no such file");
		c->exitstatus = EX_GENERIC;
	} else if (rc < 0 && res.http_status == 401) {
		out("Server requires authentication");
		c->exitstatus = EX_GENERIC;
	} else if (rc < 0) {
		out("error: %s", rc_conn_error(c->conn));
		c->exitstatus = EX_GENERIC;
	} else if (res.is_fault) {
		if (res.fault_code == FC_SHUTDOWN_STATE) out("ERROR: already shutting down");
		else ctl_unexpected_fault(c, &res);
	} else {
		out("Shut down");
	}
	rc_rpc_result_free(&res);
}

const struct ctl_command ctl_commands[] = {
	{"status", cmd_status,
	 "status\t\t\tGet all process status info\n"
	 "status <name> [...]\tGet status for named processes (<gname>:* for a group)"},
	{"start", cmd_start, "start <name> [...]\tStart processes (<gname>:* for a group, all for all)"},
	{"stop", cmd_stop, "stop <name> [...]\tStop processes (<gname>:* for a group, all for all)"},
	{"restart", cmd_restart, "restart <name> [...]\tStop then start processes"},
	{"signal", cmd_signal, "signal <sig> <name> [...]\tSignal processes (a name or a number)"},
	{"pid", cmd_pid,
	 "pid\t\t\tThe PID of the daemon\n"
	 "pid <name> [...]\tThe PID of processes (all: every one)"},
	{"tail", cmd_tail,
	 "tail [-f|-N] <name> [stdout|stderr]\tThe last 1600 (or N) bytes of a process log; -f follows it"},
	{"maintail", cmd_maintail, "maintail [-f|-N]\tThe daemon's own log; -f follows it"},
	{"clear", cmd_clear, "clear <name> [...]\tClear process logs (all for all)"},
	{"reread", cmd_reread, "reread\t\t\tReread the configuration; show what changed"},
	{"update", cmd_update, "update [<gname> ...]\tApply configuration changes (all groups, or the named ones)"},
	{"avail", cmd_avail, "avail\t\t\tEvery configured process"},
	{"add", cmd_add, "add <gname> [...]\tActivate configured groups"},
	{"remove", cmd_remove, "remove <gname> [...]\tRemove stopped groups"},
	{"reload", cmd_reload, "reload\t\t\tRestart the daemon (rereads its configuration)"},
	{"shutdown", cmd_shutdown, "shutdown\t\tShut the daemon down"},
	{"version", cmd_version, "version\t\t\tThe daemon's supervisord version"},
	{NULL, NULL, NULL},
};

static const char *help_of(const char *name)
{
	for (const struct ctl_command *t = ctl_commands; t->name; t++)
		if (strcmp(t->name, name) == 0) return t->help;
	return NULL;
}
