/* sections.c — [supervisord], [rpcinterface:x], the HTTP servers,
 * [supervisorctl] and the command line, and the order in which everything
 * is read (config.md §6): the first error refd reports is supervisord's. */
#include "config.h"
#include "path.h"
#include "reader.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/unicode.h"

#include <stdlib.h>
#include <string.h>

/* ---- [supervisord] ------------------------------------------------------ */

struct sd_vals {
	unsigned long long has;
	struct v_int minfds, minprocs;
	char *directory, *user;
	struct v_int umask;
	char *logfile;
	struct v_int logfile_maxbytes, logfile_backups;
	int loglevel;
	char *pidfile, *identifier;
	bool nodaemon, silent;
	char *childlogdir;
	bool nocleanup, strip_ansi;
	struct conf_kv environment;
};

#define SD(k, t, d, f, fl) { k, t, X_EH, 0, fl, d, NULL, NULL, offsetof(struct sd_vals, f), NULL }
static const struct optdef sd_tab[] = {
	SD("minfds", T_INT, "1024", minfds, 0),
	SD("minprocs", T_INT, "200", minprocs, 0),
	SD("directory", T_EXISTDIR, NULL, directory, 0),
	SD("user", T_STR, NULL, user, 0),
	SD("umask", T_OCTAL, "022", umask, 0),
	SD("logfile", T_DIRPATH, "supervisord.log", logfile, 0),
	SD("logfile_maxbytes", T_BYTES, "50MB", logfile_maxbytes, 0),
	SD("logfile_backups", T_INT, "10", logfile_backups, 0),
	SD("loglevel", T_LOGLEVEL, "info", loglevel, 0),
	SD("pidfile", T_DIRPATH, "supervisord.pid", pidfile, 0),
	SD("identifier", T_STR, "supervisor", identifier, 0),
	SD("nodaemon", T_BOOL, "false", nodaemon, 0),
	SD("silent", T_BOOL, "false", silent, 0),
	SD("childlogdir", T_EXISTDIR, NULL, childlogdir, F_DFLT_TMPDIR),
	SD("nocleanup", T_BOOL, "false", nocleanup, 0),
	SD("strip_ansi", T_BOOL, "false", strip_ansi, 0),
	SD("environment", T_SDENV, "", environment, 0),
};

static int build_supervisord(struct ld *ld)
{
	struct ini_sect *s = ini_section(&ld->ini, "supervisord");
	struct sview v = { s, NULL, "supervisord", s->file };
	struct sd_vals sv;
	memset(&sv, 0, sizeof sv);
	struct xnames nm[X_COUNT];
	struct rd rd = { .ld = ld, .v = &v, .dst = &sv, .tab = sd_tab, .ntab = NELEM(sd_tab),
	                 .keep_going = ld->check_all };
	plain_names(ld, nm, rd.names);
	int r = read_stage(&rd, 0);
	struct conf_supervisord *sd = &ld->c->sd;
	sd->minfds = sv.minfds.v;
	sd->minprocs = sv.minprocs.v;
	sd->directory = sv.directory;
	sv.directory = NULL;
	sd->user = sv.user;
	sv.user = NULL;
	sd->umask = (int)(sv.umask.v & 0777);
	sd->logfile = sv.logfile;
	sv.logfile = NULL;
	sd->logfile_maxbytes = sv.logfile_maxbytes.v;
	sd->logfile_backups = clamp_int(sv.logfile_backups.v);
	sd->loglevel = sv.loglevel;
	sd->pidfile = sv.pidfile;
	sv.pidfile = NULL;
	sd->identifier = sv.identifier;
	sv.identifier = NULL;
	sd->nodaemon = sv.nodaemon;
	sd->silent = sv.silent;
	sd->childlogdir = sv.childlogdir;
	sv.childlogdir = NULL;
	sd->nocleanup = sv.nocleanup;
	sd->strip_ansi = sv.strip_ansi;
	conf_kv_copy(&sd->environment, &sv.environment);
	/* its keys become ENV_ names for everything that follows */
	for (size_t i = 0; i < sv.environment.n; i++) {
		char *k = xasprintf("ENV_%s", sv.environment.keys[i]);
		conf_kv_set(ld->env, k, sv.environment.vals[i]);
		free(k);
	}
	free_vals(sd_tab, NELEM(sd_tab), &sv);
	return r;
}

/* ---- [rpcinterface:x] ------------------------------------------------------ */

static int build_rpcinterfaces(struct ld *ld)
{
	static const char factory_key[] = "supervisor.rpcinterface_factory";
	int ret = 0;
	struct xnames enames = { .env = ld->env };
	for (size_t i = 0; i < ld->ini.n; i++) {
		struct ini_sect *s = ld->ini.v[i];
		if (strncmp(s->name, "rpcinterface:", 13) != 0) continue;
		struct sview v = { s, NULL, s->name, s->file };
		struct rd rd = { .ld = ld, .v = &v };
		char *err = NULL;
		const char *file;
		int line;
		bool dflt;
		const char *raw = sv_raw(ld, &v, factory_key, &file, &line, &dflt);
		char *spec = NULL;
		int kind = -1;
		if (!raw) {
			err = xasprintf("section [%s] does not specify a %s", s->name, factory_key);
			goto fail;
		}
		char *ctx = xasprintf("%s.%s", s->name, factory_key);
		spec = rd_expand(&rd, raw, &enames, ctx, &err);
		free(ctx);
		if (!spec) goto fail;
		kind = resolve_factory(spec, s->name, &err);
		if (kind < 0) goto fail;
		/* every other key is a factory argument, expanded */
		size_t nn;
		const char **names = ini_option_names(&ld->ini, s, &nn);
		char *whitelist = NULL;
		for (size_t k = 0; k < nn && !err; k++) {
			if (strcmp(names[k], factory_key) == 0) continue;
			const char *val = sv_raw(ld, &v, names[k], &file, &line, &dflt);
			char *c2 = xasprintf("%s.%s", s->name, names[k]);
			char *x = rd_expand(&rd, val, &enames, c2, &err);
			free(c2);
			if (x && strcmp(names[k], "whitelist") == 0) {
				free(whitelist);
				whitelist = x;
			} else {
				free(x);
			}
			if (err) {
				rd_fail(&rd, err, names[k]);
				free(names);
				free(whitelist);
				free(err);
				free(spec);
				ret = -1;
				if (!ld->check_all) return -1;
				goto next;
			}
		}
		free(names);
		struct conf *c = ld->c;
		c->rpcifs = xrealloc(c->rpcifs, (c->n_rpcifs + 1) * sizeof *c->rpcifs);
		struct conf_rpcif *ri = &c->rpcifs[c->n_rpcifs++];
		memset(ri, 0, sizeof *ri);
		ri->name = xstrdup(s->name + 13);
		ri->kind = kind == 0 ? CONF_RPCIF_SUPERVISOR : CONF_RPCIF_TWIDDLER;
		if (kind == 1 && whitelist) {
			char **items;
			size_t n;
			conf_v_strlist(whitelist, &items, &n);
			for (size_t k = 0; k < n; k++) {
				if (!*items[k]) { free(items[k]); continue; }
				ri->whitelist = xrealloc(ri->whitelist, (ri->n_whitelist + 1) * sizeof *ri->whitelist);
				ri->whitelist[ri->n_whitelist++] = items[k];
			}
			free(items);
		}
		free(whitelist);
		free(spec);
		continue;
fail:
		rd_fail(&rd, err, factory_key);
		free(err);
		free(spec);
		ret = -1;
		if (!ld->check_all) return -1;
next:;
	}
	return ret;
}

/* ---- [inet_http_server] and [unix_http_server] ---------------------------- */

struct srv_vals {
	unsigned long long has;
	char *username, *password;
	struct v_port port;
	char *file;
	struct v_id chown;
	struct v_int chmod;
	struct v_int max_header_bytes, max_body_bytes, max_connections;
	double request_timeout, idle_timeout;
};

static int check_auth(struct rd *rd, const struct optdef *d, void *f, char **err)
{
	(void)d;
	(void)f;
	if (rd_has(rd, "username") == rd_has(rd, "password")) return 0;
	*err = xasprintf("Section [%s] contains incomplete authentication: If a username or a password "
	                 "is specified, both the username and password must be specified", rd->v->name);
	return -1;
}

/* refd's HTTP limits: the range each accepts */
static int check_limit(struct rd *rd, const struct optdef *d, void *f, char **err)
{
	static const struct { const char *key; double lo, hi; const char *range; } lim[] = {
		{ "max_header_bytes", 1024, 1 << 20, "1KB to 1MB" },
		{ "max_body_bytes", 1024, 1 << 30, "1KB to 1GB" },
		{ "max_connections", 1, 100000, "1 to 100000" },
		{ "request_timeout", 0.001, 31536000, "0.001 to 31536000 seconds" },
		{ "idle_timeout", 0.001, 31536000, "0.001 to 31536000 seconds" },
	};
	double v = d->type == T_SECONDS ? *(double *)f : (double)((struct v_int *)f)->v;
	for (size_t i = 0; i < NELEM(lim); i++) {
		if (strcmp(lim[i].key, d->key) != 0) continue;
		if (v >= lim[i].lo && v <= lim[i].hi) return 0;
		*err = xasprintf("Invalid %s value %s (refd accepts %s)", d->key, rd->text, lim[i].range);
		return -1;
	}
	return 0;
}

#define SRV(k, t, x, fl, d, f) { k, t, x, 0, fl, d, NULL, NULL, offsetof(struct srv_vals, f), NULL }
#define LIMITS \
	{ "max_header_bytes", T_BYTES, X_E, 0, 0, "16KB", NULL, "Invalid max_header_bytes value %s", \
	  offsetof(struct srv_vals, max_header_bytes), check_limit }, \
	{ "max_body_bytes", T_BYTES, X_E, 0, 0, "1MB", NULL, "Invalid max_body_bytes value %s", \
	  offsetof(struct srv_vals, max_body_bytes), check_limit }, \
	{ "max_connections", T_INT, X_E, 0, 0, "256", NULL, "Invalid max_connections value %s", \
	  offsetof(struct srv_vals, max_connections), check_limit }, \
	{ "request_timeout", T_SECONDS, X_E, 0, 0, "30", NULL, "Invalid request_timeout value %s", \
	  offsetof(struct srv_vals, request_timeout), check_limit }, \
	{ "idle_timeout", T_SECONDS, X_E, 0, 0, "1800", NULL, "Invalid idle_timeout value %s", \
	  offsetof(struct srv_vals, idle_timeout), check_limit }

static const struct optdef inet_tab[] = {
	SRV("username", T_STR, X_E, 0, NULL, username),
	SRV("password", T_STR, X_E, 0, NULL, password),
	{ NULL, T_NONE, X_E, 0, 0, NULL, NULL, NULL, 0, check_auth },
	{ "port", T_PORT, X_E, 0, F_REQUIRED, NULL, "section [%s] has no port value", NULL,
	  offsetof(struct srv_vals, port), NULL },
	LIMITS,
};

static const struct optdef unix_tab[] = {
	{ "file", T_SOCKFILE, X_EH, 0, F_REQUIRED, NULL, "section [%s] has no file value", NULL,
	  offsetof(struct srv_vals, file), NULL },
	SRV("username", T_STR, X_E, 0, NULL, username),
	SRV("password", T_STR, X_E, 0, NULL, password),
	{ NULL, T_NONE, X_E, 0, 0, NULL, NULL, NULL, 0, check_auth },
	{ "chown", T_USERGROUP, X_E, 0, 0, NULL, NULL, "Invalid sockchown value %s",
	  offsetof(struct srv_vals, chown), NULL },
	{ "chmod", T_OCTAL, X_E, 0, 0, NULL, NULL, "Invalid chmod value %s",
	  offsetof(struct srv_vals, chmod), NULL },
	LIMITS,
};

static int build_servers(struct ld *ld)
{
	int ret = 0;
	for (int unixs = 0; unixs < 2; unixs++) {
		const char *prefix = unixs ? "unix_http_server" : "inet_http_server";
		const struct optdef *tab = unixs ? unix_tab : inet_tab;
		size_t ntab = unixs ? NELEM(unix_tab) : NELEM(inet_tab);
		for (size_t i = 0; i < ld->ini.n; i++) {
			struct ini_sect *s = ld->ini.v[i];
			if (strncmp(s->name, prefix, 16) != 0) continue;
			struct sview v = { s, NULL, s->name, s->file };
			struct srv_vals sv;
			memset(&sv, 0, sizeof sv);
			struct xnames nm[X_COUNT];
			struct rd rd = { .ld = ld, .v = &v, .dst = &sv, .tab = tab, .ntab = ntab };
			plain_names(ld, nm, rd.names);
			if (read_stage(&rd, 0) != 0) {
				free_vals(tab, ntab, &sv);
				ret = -1;
				if (!ld->check_all) return -1;
				continue;
			}
			struct conf *c = ld->c;
			c->servers = xrealloc(c->servers, (c->n_servers + 1) * sizeof *c->servers);
			struct conf_server *sr = &c->servers[c->n_servers++];
			memset(sr, 0, sizeof *sr);
			sr->is_unix = unixs;
			sr->section = xstrdup(s->name);
			if (unixs) {
				sr->file = sv.file;
				sv.file = NULL;
				sr->chmod = rd_has(&rd, "chmod") ? (int)(sv.chmod.v & 07777) : 0700;
				if (rd_has(&rd, "chown")) {
					sr->has_chown = true;
					sr->chown_uid = sv.chown.uid;
					sr->chown_gid = sv.chown.gid;
				}
			} else {
				sr->host = sv.port.host;
				sv.port.host = NULL;
				sr->port = sv.port.port;
			}
			sr->username = sv.username;
			sr->password = sv.password;
			sv.username = sv.password = NULL;
			sr->limits.max_header_bytes = (size_t)sv.max_header_bytes.v;
			sr->limits.max_body_bytes = (size_t)sv.max_body_bytes.v;
			sr->limits.max_connections = (int)sv.max_connections.v;
			sr->limits.request_timeout = sv.request_timeout;
			sr->limits.idle_timeout = sv.idle_timeout;
			free_vals(tab, ntab, &sv);
		}
	}
	return ret;
}

/* [supervisorctl]: read by the client only; supervisord never rejects it,
 * so neither does refd: what cannot be expanded is kept as written. */
static char *ctl_get(struct ld *ld, const struct ini_sect *s, const char *key, const char *dflt,
                     bool here)
{
	const struct ini_opt *o = ini_get(&ld->ini, s, key);
	const char *raw = o ? o->val.p : dflt;
	if (!raw) return NULL;
	struct xnames nm = { .env = ld->env, .here = here ? ld->here : NULL };
	char *err = NULL;
	char *x = xp_expand(raw, &nm, "supervisorctl", &err);
	free(err);
	return x ? x : xstrdup(raw);
}

static void build_ctl(struct ld *ld)
{
	struct ini_sect *s = ini_section(&ld->ini, "supervisorctl");
	struct conf_ctl *ctl = &ld->c->ctl;
	ctl->present = s != NULL;
	ctl->serverurl = s ? ctl_get(ld, s, "serverurl", "http://localhost:9001", true)
	                   : xstrdup("http://localhost:9001");
	if (strncmp(ctl->serverurl, "unix://", 7) == 0) {
		char *p = py_normalize_path(ctl->serverurl + 7, ld->home, ld->cwd);
		free(ctl->serverurl);
		ctl->serverurl = xasprintf("unix://%s", p);
		free(p);
	}
	ctl->prompt = s ? ctl_get(ld, s, "prompt", "supervisor", false) : xstrdup("supervisor");
	if (!s) return;
	ctl->username = ctl_get(ld, s, "username", NULL, false);
	ctl->password = ctl_get(ld, s, "password", NULL, false);
	char *h = ctl_get(ld, s, "history_file", NULL, true);
	if (h && *h) ctl->history_file = py_normalize_path(h, ld->home, ld->cwd);
	free(h);
}

/* ---- the command line, then realize() ------------------------------------- */

static int cli_value(struct ld *ld, const char *opt, const char *val, char **err,
                     int (*parse)(struct ld *, const char *, void *, char **), void *out)
{
	char *reason = NULL;
	if (parse(ld, val, out, &reason) == 0) return 0;
	struct buf b = BUF_INIT;
	buf_printf(&b, "invalid value for %s ", opt);
	py_repr(&b, val, strlen(val));
	buf_printf(&b, ": %s", reason);
	free(reason);
	*err = buf_steal(&b);
	return -1;
}

static int p_dirpath(struct ld *ld, const char *s, void *o, char **e) { return conf_v_dirpath(s, ld->home, o, e); }
static int p_existdir(struct ld *ld, const char *s, void *o, char **e) { return conf_v_existing_dir(s, ld->home, o, e); }
static int p_bytes(struct ld *ld, const char *s, void *o, char **e) { (void)ld; return conf_v_byte_size(s, o, e); }
static int p_int(struct ld *ld, const char *s, void *o, char **e) { (void)ld; return conf_v_int(s, o, e); }
static int p_octal(struct ld *ld, const char *s, void *o, char **e) { (void)ld; return conf_v_octal(s, o, e); }
static int p_level(struct ld *ld, const char *s, void *o, char **e) { (void)ld; return conf_v_loglevel(s, o, e); }

static int apply_cli(struct ld *ld)
{
	const struct conf_cli *cli = ld->cli;
	struct conf_supervisord *sd = &ld->c->sd;
	char *err = NULL;
	char *sv;
	long long ll;
	int lv;
#define STR_OPT(field, opt, fn) \
	if (cli->field) { \
		if (cli_value(ld, opt, cli->field, &err, fn, &sv) != 0) goto fail; \
		free(sd->field); \
		sd->field = sv; \
	}
	if (cli) {
		STR_OPT(logfile, "--logfile", p_dirpath)
		STR_OPT(pidfile, "--pidfile", p_dirpath)
		STR_OPT(childlogdir, "--childlogdir", p_existdir)
		STR_OPT(directory, "--directory", p_existdir)
		if (cli->identifier) {
			free(sd->identifier);
			sd->identifier = xstrdup(cli->identifier);
		}
		if (cli->user) {
			free(sd->user);
			sd->user = xstrdup(cli->user);
		}
		if (cli->logfile_maxbytes) {
			if (cli_value(ld, "--logfile_maxbytes", cli->logfile_maxbytes, &err, p_bytes, &ll) != 0) goto fail;
			sd->logfile_maxbytes = ll;
		}
		if (cli->logfile_backups) {
			if (cli_value(ld, "--logfile_backups", cli->logfile_backups, &err, p_int, &ll) != 0) goto fail;
			sd->logfile_backups = clamp_int(ll);
		}
		if (cli->loglevel) {
			if (cli_value(ld, "--loglevel", cli->loglevel, &err, p_level, &lv) != 0) goto fail;
			sd->loglevel = lv;
		}
		if (cli->umask) {
			if (cli_value(ld, "--umask", cli->umask, &err, p_octal, &ll) != 0) goto fail;
			sd->umask = (int)(ll & 0777);
		}
		if (cli->minfds) {
			if (cli_value(ld, "--minfds", cli->minfds, &err, p_int, &ll) != 0) goto fail;
			sd->minfds = ll;
		}
		if (cli->minprocs) {
			if (cli_value(ld, "--minprocs", cli->minprocs, &err, p_int, &ll) != 0) goto fail;
			sd->minprocs = ll;
		}
		sd->nodaemon |= cli->nodaemon;
		sd->silent |= cli->silent;
		sd->nocleanup |= cli->nocleanup;
		sd->strip_ansi |= cli->strip_ansi;
	}
#undef STR_OPT
	if (sd->user) {
		if (ld_user(ld, sd->user, &sd->uid, &sd->gid, &err) != 0) {
			struct ini_sect *s = ini_section(&ld->ini, "supervisord");
			if (cli && cli->user) {
				char *d = xasprintf("command line: -u/--user %s", cli->user);
				ld_error_at(ld, err, NULL, 0, NULL, "user", d);
				free(d);
			} else {
				struct sview v = { s, NULL, "supervisord", s->file };
				ld_error(ld, err, &v, "user");
			}
			free(err);
			return -1;
		}
		sd->has_uid = true;
	}
	if (strcmp(sd->logfile, "syslog") != 0) {
		char *p = py_normalize_path(sd->logfile, ld->home, ld->cwd);
		free(sd->logfile);
		sd->logfile = p;
	}
	char *p = py_normalize_path(sd->pidfile, ld->home, ld->cwd);
	free(sd->pidfile);
	sd->pidfile = p;
	return 0;
fail:
	ld_error_at(ld, err, NULL, 0, NULL, NULL, "command line");
	free(err);
	return -1;
}

/* ---- the whole configuration --------------------------------------------- */

static int cmp_group(const void *a, const void *b)
{
	const struct conf_group *x = *(struct conf_group *const *)a, *y = *(struct conf_group *const *)b;
	if (x->priority != y->priority) return x->priority < y->priority ? -1 : 1;
	int c = strcmp(x->name, y->name);
	if (c) return c;
	return (x->refs > y->refs) - (x->refs < y->refs);   /* refs holds the input order here */
}

int ld_build(struct ld *ld)
{
	struct ini_sect *sd = ini_section(&ld->ini, "supervisord");
	if (!sd) {
		char *d = xasprintf("%s: the file has no [supervisord] section", ld->path);
		ld_error_at(ld, ".ini file does not include supervisord section", ld->path, 0, NULL, NULL, d);
		free(d);
		return -1;
	}
	int ret = 0;
	if (build_supervisord(ld) != 0) {
		ret = -1;
		if (!ld->check_all) return -1;
	}
	if (build_rpcinterfaces(ld) != 0) {
		ret = -1;
		if (!ld->check_all) return -1;
	}
	if (ld_build_groups(ld) != 0) {
		ret = -1;
		if (!ld->check_all) return -1;
	}
	if (build_servers(ld) != 0) {
		ret = -1;
		if (!ld->check_all) return -1;
	}
	if (ret != 0) return -1;
	build_ctl(ld);
	if (apply_cli(ld) != 0) return -1;
	/* Python's sort is stable: equal (priority, name) keep their order */
	struct conf *c = ld->c;
	for (size_t i = 0; i < c->n_groups; i++) c->groups[i]->refs = (int)i;
	if (c->n_groups) qsort(c->groups, c->n_groups, sizeof *c->groups, cmp_group);
	for (size_t i = 0; i < c->n_groups; i++) c->groups[i]->refs = 1;
	return 0;
}

char *conf_default_serverurl(const struct conf *c)
{
	for (size_t i = 0; i < c->n_servers; i++)
		if (c->servers[i].is_unix) return xasprintf("unix://%s", c->servers[i].file);
	const struct conf_server *last = NULL;
	for (size_t i = 0; i < c->n_servers; i++)
		if (!c->servers[i].is_unix) last = &c->servers[i];
	if (!last) return NULL;
	return xasprintf("http://%s:%d", *last->host ? last->host : "localhost", last->port);
}
