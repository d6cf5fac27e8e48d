/* programs.c — the sections that make process groups: [program:x],
 * [group:x], [eventlistener:x], [fcgi-program:x], in supervisord's order,
 * and the same program table for twiddler's addProgramToGroup. */
#include "config.h"
#include "path.h"
#include "reader.h"
#include "shlex.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/unicode.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { S_GROUP = 1, S_PROC, S_DIR, S_OUT, S_ERR, S_CMD };

struct pg_vals {
	unsigned long long has;
	struct v_int priority;
	bool autostart;
	int autorestart;
	struct v_int startsecs, startretries;
	int stopsignal;
	struct v_int stopwaitsecs;
	bool stopasgroup, killasgroup;
	struct v_codes exitcodes;
	bool redirect_stderr;
	struct v_int numprocs, numprocs_start;
	char *environment;
	struct v_int out_cmax;
	bool out_events;
	struct v_int err_cmax;
	bool err_events;
	char *serverurl;
	struct v_id user;
	struct v_int umask;
	char *process_name;
	/* per process instance */
	char *directory;
	struct v_log out_lf;
	struct v_int out_backups, out_maxbytes;
	bool out_syslog;
	struct v_log err_lf;
	struct v_int err_backups, err_maxbytes;
	bool err_syslog;
	char *command;
};

#define PG(k, t, x, st, fl, d, f) { k, t, x, st, fl, d, NULL, NULL, offsetof(struct pg_vals, f), NULL }
/* The order is supervisord's reading order: it decides which error wins. */
static const struct optdef proc_tab[] = {
	PG("priority", T_INT, X_PROG, S_PROC, 0, "999", priority),
	PG("autostart", T_BOOL, X_PROG, S_PROC, 0, "true", autostart),
	PG("autorestart", T_AUTORESTART, X_PROG, S_PROC, 0, "unexpected", autorestart),
	PG("startsecs", T_INT, X_PROG, S_PROC, 0, "1", startsecs),
	PG("startretries", T_INT, X_PROG, S_PROC, 0, "3", startretries),
	PG("stopsignal", T_SIGNAL, X_PROG, S_PROC, 0, "TERM", stopsignal),
	PG("stopwaitsecs", T_INT, X_PROG, S_PROC, 0, "10", stopwaitsecs),
	PG("stopasgroup", T_BOOL, X_PROG, S_PROC, 0, "false", stopasgroup),
	PG("killasgroup", T_BOOL, X_PROG, S_PROC, F_DFLT_STOPASGROUP, NULL, killasgroup),
	PG("exitcodes", T_EXITCODES, X_PROG, S_PROC, 0, "0", exitcodes),
	PG("redirect_stderr", T_BOOL, X_PROG, S_PROC, 0, "false", redirect_stderr),
	PG("numprocs", T_INT, X_PROG, S_PROC, 0, "1", numprocs),
	PG("numprocs_start", T_INT, X_PROG, S_PROC, 0, "0", numprocs_start),
	PG("environment", T_STR, X_RAW, S_PROC, 0, "", environment),
	PG("stdout_capture_maxbytes", T_BYTES, X_PROG, S_PROC, 0, "0", out_cmax),
	PG("stdout_events_enabled", T_BOOL, X_PROG, S_PROC, 0, "false", out_events),
	PG("stderr_capture_maxbytes", T_BYTES, X_PROG, S_PROC, 0, "0", err_cmax),
	PG("stderr_events_enabled", T_BOOL, X_PROG, S_PROC, 0, "false", err_events),
	PG("serverurl", T_STR, X_PROG, S_PROC, 0, NULL, serverurl),
	PG("user", T_USER, X_PROG, S_PROC, 0, NULL, user),
	PG("umask", T_OCTAL, X_PROG, S_PROC, 0, NULL, umask),
	PG("process_name", T_NAME, X_RAW, S_PROC, 0, "%(program_name)s", process_name),
	PG("directory", T_STR, X_INST, S_DIR, 0, NULL, directory),
	PG("stdout_logfile", T_LOGFILE, X_INST, S_OUT, F_TWICE, "AUTO", out_lf),
	PG("stdout_logfile_backups", T_INT, X_INST, S_OUT, 0, "10", out_backups),
	PG("stdout_logfile_maxbytes", T_BYTES, X_INST, S_OUT, 0, "50MB", out_maxbytes),
	PG("stdout_syslog", T_BOOL, X_INST, S_OUT, 0, "false", out_syslog),
	PG("stderr_logfile", T_LOGFILE, X_INST, S_ERR, F_TWICE, "AUTO", err_lf),
	PG("stderr_logfile_backups", T_INT, X_INST, S_ERR, 0, "10", err_backups),
	PG("stderr_logfile_maxbytes", T_BYTES, X_INST, S_ERR, 0, "50MB", err_maxbytes),
	PG("stderr_syslog", T_BOOL, X_INST, S_ERR, 0, "false", err_syslog),
	{ "command", T_STR, X_INST, S_CMD, F_REQUIRED, NULL,
	  "program section %s does not specify a command", NULL, offsetof(struct pg_vals, command), NULL },
};

/* Group-level values of the four group-forming sections. */
struct gl_vals {
	unsigned long long has;
	struct v_int priority;
	struct v_list programs;
	struct v_int buffer_size;
	int result_handler;
	unsigned long long events;
	bool redirect_stderr;
	struct v_id user;
	struct v_int socket_backlog;
	struct v_id socket_owner;
	struct v_int socket_mode;
	char *socket;
};

static int check_buffer_size(struct rd *rd, const struct optdef *d, void *f, char **err)
{
	(void)d;
	const struct v_int *vi = f;
	if (vi->v >= 1) return 0;
	char *r = conf_int_repr(vi->text);
	*err = xasprintf("[%s] section sets invalid buffer_size (%s)", rd->v->name, r);
	free(r);
	return -1;
}

static int check_pool_redirect(struct rd *rd, const struct optdef *d, void *f, char **err)
{
	(void)d;
	if (!*(bool *)f) return 0;
	*err = xasprintf("[%s] section sets redirect_stderr=true but this is not allowed because "
	                 "it will interfere with the eventlistener protocol", rd->v->name);
	return -1;
}

static int check_backlog(struct rd *rd, const struct optdef *d, void *f, char **err)
{
	(void)rd;
	(void)d;
	const struct v_int *vi = f;
	if (vi->v >= 1 && vi->v <= 65535) return 0;
	char *r = conf_int_repr(vi->text);
	*err = xasprintf("Invalid socket_backlog value %s", r);
	free(r);
	return -1;
}

#define GL(k, t, x, fl, d, f, chk) { k, t, x, S_GROUP, fl, d, NULL, NULL, offsetof(struct gl_vals, f), chk }
static const struct optdef group_tab[] = {
	GL("programs", T_LIST, X_EH, 0, NULL, programs, NULL),
	GL("priority", T_INT, X_EH, 0, "999", priority, NULL),
};
static const struct optdef prog_group_tab[] = {
	GL("priority", T_INT, X_EH, 0, "999", priority, NULL),
};
static const struct optdef pool_tab[] = {
	GL("priority", T_INT, X_EH, 0, "-1", priority, NULL),
	GL("buffer_size", T_INT, X_EH, 0, "10", buffer_size, check_buffer_size),
	GL("result_handler", T_HANDLER, X_EH, 0, "supervisor.dispatchers:default_handler", result_handler, NULL),
	GL("events", T_EVENTS, X_EH, 0, "", events, NULL),
	GL("redirect_stderr", T_BOOL, X_EH, 0, "false", redirect_stderr, check_pool_redirect),
};
static const struct optdef fcgi_tab[] = {
	GL("priority", T_INT, X_EH, 0, "999", priority, NULL),
	GL("user", T_USER, X_EH, 0, NULL, user, NULL),
	GL("socket_backlog", T_INT, X_EH, 0, NULL, socket_backlog, check_backlog),
	{ "socket_owner", T_USERGROUP, X_EH, S_GROUP, 0, NULL, NULL, "Invalid socket_owner value %s",
	  offsetof(struct gl_vals, socket_owner), NULL },
	{ "socket_mode", T_OCTAL, X_EH, S_GROUP, 0, NULL, NULL, "Invalid socket_mode value %s",
	  offsetof(struct gl_vals, socket_mode), NULL },
	{ "socket", T_STR, X_EHP, S_GROUP, F_REQUIRED | F_EMPTY_MISSING, NULL,
	  "[%s] section requires a \"socket\" line", NULL, offsetof(struct gl_vals, socket), NULL },
};

static void log_channel(struct ld *ld, const char *section, const char *ch,
                        struct v_log *lf, long long maxbytes, bool *syslog)
{
	if (lf->kind == CONF_LN_SYSLOG) {
		char *w = xasprintf("For [%s], %s_logfile=syslog but this is deprecated and will be "
		                    "removed.  Use %s_syslog=true to enable syslog instead.", section, ch, ch);
		ld_warn(ld, w);
		free(w);
		lf->kind = CONF_LN_NONE;
		*syslog = true;
	}
	if (lf->kind == CONF_LN_AUTO && maxbytes == 0) {
		char *w = xasprintf("For [%s], AUTO logging used for %s_logfile without rollover, set "
		                    "maxbytes > 0 to avoid filling up filesystem unintentionally", section, ch);
		ld_warn(ld, w);
		free(w);
	}
}

static void set_log(struct conf_log *out, const struct v_log *lf, long long maxbytes,
                    long long backups, long long cmax, bool events, bool syslog)
{
	out->kind = lf->kind == CONF_LN_AUTO ? CONF_LOG_AUTO
	          : lf->kind == CONF_LN_PATH ? CONF_LOG_PATH : CONF_LOG_NONE;
	out->path = lf->kind == CONF_LN_PATH ? xstrdup(lf->path) : NULL;
	out->maxbytes = maxbytes;
	out->backups = clamp_int(backups);
	out->capture_maxbytes = cmax;
	out->events_enabled = events;
	out->syslog = syslog;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct conf_proc *x = *(struct conf_proc *const *)a, *y = *(struct conf_proc *const *)b;
	if (x->priority != y->priority) return x->priority < y->priority ? -1 : 1;
	int c = strcmp(x->name, y->name);
	if (c) return c;
	/* stable: Python's sort keeps equal items in order */
	return x->process_num < y->process_num ? -1 : x->process_num > y->process_num;
}

static bool sv_raw_given(const struct ld *ld, const struct sview *v, const char *key)
{
	const char *file;
	int line;
	bool dflt;
	return sv_raw(ld, v, key, &file, &line, &dflt) != NULL;
}

/* _processes_from_section: the process configs of one program-like
 * section, placed in group_name. Every error carries supervisord's
 * " in section ... (file: ...)" suffix. */
static int build_procs(struct ld *ld, const struct sview *v, const char *group_name,
                       struct conf_proc ***out, size_t *nout)
{
	struct pg_vals pv;
	memset(&pv, 0, sizeof pv);
	struct conf_kv penv = { 0 }, env = { 0 };
	struct conf_proc **procs = NULL;
	size_t n = 0;
	char *program = NULL, *err = NULL;
	struct rd rd = { .ld = ld, .v = v, .dst = &pv, .tab = proc_tab, .ntab = NELEM(proc_tab),
	                 .suffix = true };
	const char *colon = strchr(v->name, ':');
	if (conf_v_name(colon ? colon + 1 : "", &program, &err) != 0) {
		rd_fail(&rd, err, NULL);
		goto fail;
	}
	struct xnames nm[X_COUNT];
	memset(nm, 0, sizeof nm);
	for (int i = 0; i < X_COUNT; i++) {
		nm[i].env = ld->env;
		rd.names[i] = &nm[i];
	}
	nm[X_EH].here = nm[X_EHP].here = ld->here;
	nm[X_EHP].program_name = program;
	for (int i = X_PROG; i <= X_INST; i++) {
		nm[i].here = ld->here;
		nm[i].program_name = program;
		nm[i].host_node_name = ld->host;
		nm[i].group_name = group_name;
	}
	nm[X_INST].has_nums = true;
	nm[X_INST].penv = &penv;
	if (read_stage(&rd, S_PROC) != 0) goto fail;
	if (pv.numprocs.v > 1 && !strstr(pv.process_name, "%(process_num)")) {
		rd_fail(&rd, "%(process_num) must be present within process_name when numprocs > 1",
		        sv_raw_given(ld, v, "process_name") ? "process_name" : "numprocs");
		goto fail;
	}
	if (pv.stopasgroup && !pv.killasgroup) {
		rd_fail(&rd, "Cannot set stopasgroup=true and killasgroup=false", "killasgroup");
		goto fail;
	}
	if (pv.numprocs.v > CONF_MAX_NUMPROCS) {
		char *m = xasprintf("numprocs %lld is more than refd allows (%d)", pv.numprocs.v, CONF_MAX_NUMPROCS);
		rd_fail(&rd, m, "numprocs");
		free(m);
		goto fail;
	}
	long long start = pv.numprocs_start.v, count = pv.numprocs.v > 0 ? pv.numprocs.v : 0;
	if (start < INT_MIN || start > (long long)INT_MAX - count) {
		char *m = xasprintf("numprocs_start %s is out of the range refd allows", pv.numprocs_start.text);
		rd_fail(&rd, m, "numprocs_start");
		free(m);
		goto fail;
	}
	procs = xcalloc(count ? (size_t)count : 1, sizeof *procs);
	const struct conf_kv *genv = &ld->c->sd.environment;
	for (long long num = start; num < start + count; num++) {
		nm[X_INST].process_num = num;
		nm[X_INST].numprocs = pv.numprocs.v;
		/* supervisord reuses one dict for every instance and puts its
		 * ENV_ names back into it each time: an earlier instance's
		 * environment= value survives only where E has no such name */
		if (num > start) {
			struct conf_kv keep = { 0 };
			for (size_t i = 0; i < penv.n; i++)
				if (!conf_kv_get(ld->env, penv.keys[i])) conf_kv_set(&keep, penv.keys[i], penv.vals[i]);
			conf_kv_free(&penv);
			penv = keep;
		}
		char *e = rd_expand(&rd, pv.environment, &nm[X_INST], "environment", &err);
		conf_kv_free(&env);
		if (!e || conf_parse_kv_pairs(e, &env, &err) != 0) {
			free(e);
			rd_fail(&rd, err, "environment");
			goto fail;
		}
		free(e);
		for (size_t i = 0; i < env.n; i++) {
			char *k = xasprintf("ENV_%s", env.keys[i]);
			conf_kv_set(&penv, k, env.vals[i]);
			free(k);
		}
		if (read_stage(&rd, S_DIR) != 0) goto fail;
		if (read_stage(&rd, S_OUT) != 0) goto fail;
		log_channel(ld, v->name, "stdout", &pv.out_lf, pv.out_maxbytes.v, &pv.out_syslog);
		if (read_stage(&rd, S_ERR) != 0) goto fail;
		log_channel(ld, v->name, "stderr", &pv.err_lf, pv.err_maxbytes.v, &pv.err_syslog);
		if (pv.redirect_stderr) {
			if (pv.err_lf.kind == CONF_LN_PATH) {
				char *w = xasprintf("For [%s], redirect_stderr=true but stderr_logfile has also "
				                    "been set to a filename, the filename has been ignored", v->name);
				ld_warn(ld, w);
				free(w);
			}
			pv.err_lf.kind = CONF_LN_NONE;
		}
		if (read_stage(&rd, S_CMD) != 0) goto fail;
		char *name = rd_expand(&rd, pv.process_name, &nm[X_INST], "process_name", &err);
		if (!name) {
			rd_fail(&rd, err, "process_name");
			goto fail;
		}
		struct conf_proc *p = xcalloc(1, sizeof *p);
		procs[n++] = p;
		p->refs = 1;
		p->name = name;
		p->program = xstrdup(program);
		p->process_num = (int)num;
		p->command = xstrdup(pv.command);
		p->directory = pv.directory ? xstrdup(pv.directory) : NULL;
		p->umask = rd_has(&rd, "umask") ? (int)(pv.umask.v & 0777) : -1;
		p->priority = clamp_int(pv.priority.v);
		p->autostart = pv.autostart;
		p->autorestart = (enum conf_autorestart)pv.autorestart;
		p->startsecs = clamp_int(pv.startsecs.v);
		p->startretries = clamp_int(pv.startretries.v);
		p->stopsignal = pv.stopsignal;
		p->stopwaitsecs = clamp_int(pv.stopwaitsecs.v);
		p->stopasgroup = pv.stopasgroup;
		p->killasgroup = pv.killasgroup;
		p->n_exitcodes = pv.exitcodes.n;
		p->exitcodes = xmalloc((pv.exitcodes.n ? pv.exitcodes.n : 1) * sizeof *p->exitcodes);
		if (pv.exitcodes.n) memcpy(p->exitcodes, pv.exitcodes.v, pv.exitcodes.n * sizeof *p->exitcodes);
		p->redirect_stderr = pv.redirect_stderr;
		if (rd_has(&rd, "user")) {
			p->has_uid = true;
			p->uid = pv.user.uid;
			p->gid = pv.user.gid;
			p->user = xstrdup(pv.user.text);
		}
		set_log(&p->out, &pv.out_lf, pv.out_maxbytes.v, pv.out_backups.v, pv.out_cmax.v,
		        pv.out_events, pv.out_syslog);
		set_log(&p->err, &pv.err_lf, pv.err_maxbytes.v, pv.err_backups.v, pv.err_cmax.v,
		        pv.err_events, pv.err_syslog);
		conf_kv_copy(&p->env, genv);
		conf_kv_copy(&p->env, &env);
		size_t envsize = 0;
		for (size_t i = 0; i < p->env.n; i++) envsize += strlen(p->env.keys[i]) + strlen(p->env.vals[i]) + 2;
		if (charge(ld, envsize, &err) != 0) {
			rd_fail(&rd, err, "environment");
			goto fail;
		}
		if (rd_has(&rd, "serverurl")) {
			char *st = uc_strip_dup(pv.serverurl);
			char *up = uc_upper_dup(st);
			if (!(*pv.serverurl && strcmp(up, "AUTO") == 0)) p->serverurl = xstrdup(pv.serverurl);
			free(st);
			free(up);
		}
	}
	qsort(procs, n, sizeof *procs, cmp_proc);
	*out = procs;
	*nout = n;
	free_vals(proc_tab, NELEM(proc_tab), &pv);
	conf_kv_free(&penv);
	conf_kv_free(&env);
	free(program);
	return 0;
fail:
	free(err);
	for (size_t i = 0; i < n; i++) conf_proc_unref(procs[i]);
	free(procs);
	free_vals(proc_tab, NELEM(proc_tab), &pv);
	conf_kv_free(&penv);
	conf_kv_free(&env);
	free(program);
	return -1;
}

static struct conf_group *group_new(enum conf_groupkind kind, const char *name, long long prio,
                                    const struct sview *v)
{
	struct conf_group *g = xcalloc(1, sizeof *g);
	g->refs = 1;
	g->kind = kind;
	g->name = xstrdup(name);
	g->priority = clamp_int(prio);
	g->section = xstrdup(v->name);
	g->file = xstrdup(v->file);
	g->socket_backlog = -1;
	g->socket_mode = 0700;
	return g;
}

static void group_add(struct conf_group *g, struct conf_proc **p, size_t n)
{
	g->procs = xrealloc(g->procs, (g->n_procs + n + 1) * sizeof *g->procs);
	memcpy(g->procs + g->n_procs, p, n * sizeof *p);
	g->n_procs += n;
}

static void conf_add_group(struct conf *c, struct conf_group *g)
{
	if ((c->n_groups & (c->n_groups - 1)) == 0)
		c->groups = xrealloc(c->groups, (c->n_groups ? c->n_groups * 2 : 8) * sizeof *c->groups);
	c->groups[c->n_groups++] = g;
}

/* A group-level read: no suffix; the name part validated unless raw. */
static int group_vals(struct ld *ld, const struct sview *v, const struct optdef *tab, size_t n,
                      struct gl_vals *gv, struct xnames nm[X_COUNT], struct rd *rd,
                      const char *program_name)
{
	memset(gv, 0, sizeof *gv);
	memset(rd, 0, sizeof *rd);
	rd->ld = ld;
	rd->v = v;
	rd->dst = gv;
	rd->tab = tab;
	rd->ntab = n;
	plain_names(ld, nm, rd->names);
	nm[X_EHP].program_name = program_name;
	return read_stage(rd, S_GROUP);
}

/* parse_fcgi_socket(): the socket URL, or an error "<reason> in [S] socket". */
static int fcgi_socket(struct ld *ld, const struct rd *rd, struct gl_vals *gv, struct conf_group *g,
                       char **err)
{
	const struct sview *v = rd->v;
	const char *sock = gv->socket;
	bool has_owner = rd_has(rd, "socket_owner"), has_mode = rd_has(rd, "socket_mode");
	char *reason = NULL;
	if (strncmp(sock, "unix://", 7) == 0) {
		const char *path = sock + 7;
		if (path[0] != '/') {
			struct buf b = BUF_INIT;
			buf_puts(&b, "('Unix socket path %s is not an absolute path', ");
			py_repr(&b, path, strlen(path));
			buf_putc(&b, ')');
			reason = buf_steal(&b);
			goto bad;
		}
		char *norm = py_normalize_path(path, ld->home, ld->cwd);
		g->socket = xasprintf("unix://%s", norm);
		free(norm);
		if (has_owner) {
			g->has_socket_owner = true;
			g->socket_uid = gv->socket_owner.uid;
			g->socket_gid = gv->socket_owner.gid;
		} else if (rd_has(rd, "user") && gv->user.uid != getuid()) {
			g->has_socket_owner = true;
			g->socket_uid = gv->user.uid;
			g->socket_gid = gv->user.gid;
		}
		g->socket_mode = has_mode ? (int)(gv->socket_mode.v & 07777) : 0700;
	} else {
		if (has_owner || has_mode) {
			reason = xstrdup("socket_owner and socket_mode params should only be used with a Unix domain socket");
			goto bad;
		}
		/* tcp://([^\s:]+):(\d+)$ */
		const char *p = sock;
		bool ok = strncmp(p, "tcp://", 6) == 0;
		const char *hs = p + 6, *he = hs;
		if (ok) {
			size_t rest = strlen(he);
			while (rest && *he != ':' && !uc_space_at(he, rest)) {
				uint32_t cp;
				size_t l = u8_decode(he, rest, &cp);
				if (!l) l = 1;
				he += l;
				rest -= l;
			}
			ok = he > hs && *he == ':';
		}
		struct buf digits = BUF_INIT;
		if (ok) {
			const char *d = he + 1;
			size_t rest = strlen(d);
			size_t nd = 0;
			while (rest) {
				uint32_t cp;
				size_t l = u8_decode(d, rest, &cp);
				if (!l || uc_decimal(cp) < 0) break;
				buf_append(&digits, d, l);
				d += l;
				rest -= l;
				nd++;
			}
			ok = nd > 0 && (*d == '\0' || (d[0] == '\n' && d[1] == '\0'));
		}
		if (!ok) {
			buf_free(&digits);
			struct buf b = BUF_INIT;
			buf_puts(&b, "('Bad socket format %s', ");
			py_repr(&b, sock, strlen(sock));
			buf_putc(&b, ')');
			reason = buf_steal(&b);
			goto bad;
		}
		char *host = xstrndup(hs, (size_t)(he - hs));
		char *lhost = uc_lower_dup(host);
		free(host);
		long long port;
		bool ovf = false;
		py_int_base(buf_cstr(&digits), 10, &port, &ovf);
		if (ovf || port < 1 || port > 65535) {
			char *r = conf_int_repr(buf_cstr(&digits));
			reason = xasprintf(port < 1 && !ovf ? "%s is below lower bound (1)"
			                                    : "%s is above upper bound (65535)", r);
			free(r);
			free(lhost);
			buf_free(&digits);
			goto bad;
		}
		buf_free(&digits);
		g->socket = xasprintf("tcp://%s:%lld", lhost, port);
		free(lhost);
	}
	if (rd_has(rd, "socket_backlog")) g->socket_backlog = (int)gv->socket_backlog.v;
	return 0;
bad:
	*err = xasprintf("%s in [%s] socket", reason, v->name);
	free(reason);
	return -1;
}

int ld_build_groups(struct ld *ld)
{
	struct ini *ini = &ld->ini;
	struct conf *c = ld->c;
	struct strmap exclude = STRMAP_INIT;
	int ret = 0;
	struct xnames nm[X_COUNT];
	struct rd rd;
	struct gl_vals gv;
	char *err = NULL;

	/* [group:x] */
	for (size_t i = 0; i < ini->n; i++) {
		struct ini_sect *s = ini->v[i];
		if (strncmp(s->name, "group:", 6) != 0) continue;
		struct sview v = { s, NULL, s->name, s->file };
		memset(&gv, 0, sizeof gv);
		char *gname = NULL;
		struct conf_group *g = NULL;
		if (conf_v_name(s->name + 6, &gname, &err) != 0) {
			ld_error(ld, err, &v, NULL);
			free(err);
			err = NULL;
			goto gfail;
		}
		if (group_vals(ld, &v, group_tab, NELEM(group_tab), &gv, nm, &rd, NULL) != 0) goto gfail;
		g = group_new(CONF_GROUP_HETERO, gname, gv.priority.v, &v);
		/* quirk kept: after the first member, messages name the previous
		 * member's section (supervisord reuses its loop variable) */
		const char *cur = s->name;
		char *cur_owned = NULL;
		for (size_t k = 0; k < gv.programs.n; k++) {
			const char *m = gv.programs.v[k];
			char *ps = xasprintf("program:%s", m), *fs = xasprintf("fcgi-program:%s", m);
			struct ini_sect *pss = ini_section(ini, ps), *fss = ini_section(ini, fs);
			char *msg = NULL;
			if (!pss && !fss) msg = xasprintf("[%s] names unknown program or fcgi-program %s", cur, m);
			else if (pss && fss) msg = xasprintf("[%s] name %s is ambiguous (exists as program and fcgi-program)", cur, m);
			free(ps);
			free(fs);
			if (msg) {
				ld_error(ld, msg, &v, "programs");
				free(msg);
				free(cur_owned);
				goto gfail;
			}
			struct ini_sect *ms = pss ? pss : fss;
			free(cur_owned);
			cur = cur_owned = xstrdup(ms->name);
			strmap_put(&exclude, ms->name, ms);
			struct sview mv = { ms, NULL, ms->name, ms->file };
			struct conf_proc **procs;
			size_t np;
			if (build_procs(ld, &mv, gname, &procs, &np) != 0) {
				free(cur_owned);
				goto gfail;
			}
			group_add(g, procs, np);
			free(procs);
		}
		free(cur_owned);
		conf_add_group(c, g);
		free(gname);
		free_vals(group_tab, NELEM(group_tab), &gv);
		continue;
gfail:
		if (g) conf_group_unref(g);
		free(gname);
		free_vals(group_tab, NELEM(group_tab), &gv);
		ret = -1;
		if (!ld->check_all) goto out;
	}

	/* [program:x] not in a group */
	for (size_t i = 0; i < ini->n; i++) {
		struct ini_sect *s = ini->v[i];
		if (strncmp(s->name, "program:", 8) != 0 || strmap_get(&exclude, s->name)) continue;
		struct sview v = { s, NULL, s->name, s->file };
		memset(&gv, 0, sizeof gv);
		char *pname = NULL;
		if (conf_v_name(s->name + 8, &pname, &err) != 0) {
			ld_error(ld, err, &v, NULL);
			free(err);
			err = NULL;
			goto pfail;
		}
		if (group_vals(ld, &v, prog_group_tab, NELEM(prog_group_tab), &gv, nm, &rd, NULL) != 0) goto pfail;
		struct conf_proc **procs;
		size_t np;
		if (build_procs(ld, &v, pname, &procs, &np) != 0) goto pfail;
		struct conf_group *g = group_new(CONF_GROUP_PROGRAM, pname, gv.priority.v, &v);
		group_add(g, procs, np);
		free(procs);
		conf_add_group(c, g);
		free(pname);
		free_vals(prog_group_tab, NELEM(prog_group_tab), &gv);
		continue;
pfail:
		free(pname);
		free_vals(prog_group_tab, NELEM(prog_group_tab), &gv);
		ret = -1;
		if (!ld->check_all) goto out;
	}

	/* [eventlistener:x]: the pool name is not validated at this level */
	for (size_t i = 0; i < ini->n; i++) {
		struct ini_sect *s = ini->v[i];
		if (strncmp(s->name, "eventlistener:", 14) != 0) continue;
		struct sview v = { s, NULL, s->name, s->file };
		const char *pool = s->name + 14;
		memset(&gv, 0, sizeof gv);
		if (group_vals(ld, &v, pool_tab, NELEM(pool_tab), &gv, nm, &rd, NULL) != 0) goto lfail;
		struct conf_proc **procs;
		size_t np;
		if (build_procs(ld, &v, pool, &procs, &np) != 0) goto lfail;
		struct conf_group *g = group_new(CONF_GROUP_LISTENER, pool, gv.priority.v, &v);
		group_add(g, procs, np);
		free(procs);
		g->buffer_size = clamp_int(gv.buffer_size.v);
		g->events = gv.events;
		g->result_handler = gv.result_handler == 1 ? CONF_RH_TWIDDLER_STDIN : CONF_RH_DEFAULT;
		conf_add_group(c, g);
		free_vals(pool_tab, NELEM(pool_tab), &gv);
		continue;
lfail:
		free_vals(pool_tab, NELEM(pool_tab), &gv);
		ret = -1;
		if (!ld->check_all) goto out;
	}

	/* [fcgi-program:x] not in a group */
	for (size_t i = 0; i < ini->n; i++) {
		struct ini_sect *s = ini->v[i];
		if (strncmp(s->name, "fcgi-program:", 13) != 0 || strmap_get(&exclude, s->name)) continue;
		struct sview v = { s, NULL, s->name, s->file };
		memset(&gv, 0, sizeof gv);
		char *pname = NULL;
		struct conf_group *g = NULL;
		if (conf_v_name(s->name + 13, &pname, &err) != 0) {
			ld_error(ld, err, &v, NULL);
			free(err);
			err = NULL;
			goto ffail;
		}
		if (group_vals(ld, &v, fcgi_tab, NELEM(fcgi_tab), &gv, nm, &rd, pname) != 0) goto ffail;
		/* the socket is expanded with program_name too */
		g = group_new(CONF_GROUP_FCGI, pname, gv.priority.v, &v);
		if (fcgi_socket(ld, &rd, &gv, g, &err) != 0) {
			ld_error(ld, err, &v, "socket");
			free(err);
			err = NULL;
			goto ffail;
		}
		struct conf_proc **procs;
		size_t np;
		if (build_procs(ld, &v, pname, &procs, &np) != 0) goto ffail;
		group_add(g, procs, np);
		free(procs);
		conf_add_group(c, g);
		free(pname);
		free_vals(fcgi_tab, NELEM(fcgi_tab), &gv);
		continue;
ffail:
		if (g) conf_group_unref(g);
		free(pname);
		free_vals(fcgi_tab, NELEM(fcgi_tab), &gv);
		ret = -1;
		if (!ld->check_all) goto out;
	}
out:
	strmap_free(&exclude);
	return ret;
}

/* ---- twiddler's addProgramToGroup ---------------------------------------- */

int conf_program_from_kv(const struct conf *base, const char *group_name,
                         const char *program, const struct conf_kv *opts,
                         struct conf_proc ***procs, size_t *n_procs, char **err)
{
	struct conf_kv kv = { 0 };
	for (size_t i = 0; i < opts->n; i++) {
		char *k = uc_lower_dup(opts->keys[i]);
		conf_kv_set(&kv, k, opts->vals[i]);
		free(k);
	}
	char *pname = uc_strip_dup(program);
	char *section = xasprintf("program:%s", pname);
	free(pname);
	struct conf_errors errs = { 0 };
	struct conf shadow;
	memset(&shadow, 0, sizeof shadow);
	conf_kv_copy(&shadow.sd.environment, &base->sd.environment);
	struct conf_kv env = { 0 };
	conf_kv_copy(&env, &base->env_names);
	struct ld ld = { 0 };
	ld.errs = &errs;
	ld.c = &shadow;
	ld.path = base->path;
	ld.here = base->here;
	ld.home = base->home;
	ld.cwd = base->here;
	ld.host = base->host_node_name;
	ld.env = &env;
	ini_init(&ld.ini);
	struct sview v = { NULL, &kv, section, base->path };
	int r = build_procs(&ld, &v, group_name, procs, n_procs);
	if (r != 0) {
		*err = xstrdup(errs.n ? errs.v[0].message : "invalid program options");
		*procs = NULL;
		*n_procs = 0;
	}
	conf_errors_free(&errs);
	ld_release(&ld);
	conf_kv_free(&env);
	conf_kv_free(&shadow.sd.environment);
	conf_kv_free(&kv);
	free(section);
	return r;
}
