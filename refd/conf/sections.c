/* sections.c — from the merged INI to typed configs: one option table per
 * section kind, one parser per value type, walked in supervisord 4.2.5's
 * order (config.md §6, §7) so that the first error is the same. The
 * program table also serves twiddler's addProgramToGroup (no files). */
#include "config.h"
#include "evtypes.h"
#include "internal.h"
#include "path.h"
#include "shlex.h"
#include "value.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/unicode.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- value types ---------------------------------------------------------- */

enum vtype {
	T_NONE,         /* no value: the entry only runs its check */
	T_STR, T_INT, T_BOOL, T_BYTES, T_OCTAL, T_SIGNAL, T_EXITCODES, T_LOGLEVEL,
	T_AUTORESTART, T_DIRPATH, T_EXISTDIR, T_USER, T_USERGROUP, T_PORT, T_LIST,
	T_LOGFILE, T_NAME, T_SECONDS, T_EVENTS, T_HANDLER, T_SDENV, T_SOCKFILE,
};

/* Which %(name)s set an option is expanded with (config.md §3.1). */
enum xset {
	X_RAW,          /* not expanded */
	X_E,            /* ENV_ names */
	X_EH,           /* + here */
	X_EHP,          /* + here, program_name (fcgi socket) */
	X_PROG,         /* + here, program_name, group_name, host_node_name */
	X_INST,         /* + process_num, numprocs and the program's ENV_ names */
	X_COUNT
};

enum {
	F_REQUIRED = 1,         /* absent -> req message */
	F_EMPTY_MISSING = 2,    /* "" counts as absent (Python's `if not x`) */
	F_DFLT_STOPASGROUP = 4, /* default is the stopasgroup value */
	F_DFLT_TMPDIR = 8,      /* default is tempfile.gettempdir() */
	F_TWICE = 16,           /* expanded a second time, ctx = the key */
};

struct v_int { long long v; char *text; };
struct v_codes { int *v; size_t n; };
struct v_id { uid_t uid; gid_t gid; char *text; };
struct v_port { char *host; int port; };
struct v_list { char **v; size_t n; };
struct v_log { enum conf_logname kind; char *path; };

struct rd;
struct optdef;
typedef int (*check_fn)(struct rd *rd, const struct optdef *d, void *field, char **err);

struct optdef {
	const char *key;
	unsigned char type;     /* enum vtype */
	unsigned char names;    /* enum xset */
	unsigned char stage;
	unsigned char flags;
	const char *dflt;       /* default text; NULL = none */
	const char *req;        /* F_REQUIRED: message, %s = section name */
	const char *wrap;       /* a type error becomes this, %s = the value */
	size_t off;             /* field offset in the section's value struct */
	check_fn check;         /* after parsing (or, for T_NONE, always) */
};

/* Every value struct starts with the set of entries that were given. */
struct vals { unsigned long long has; };

struct rd {
	struct ld *ld;
	const struct sview *v;
	const struct xnames *names[X_COUNT];
	void *dst;
	const struct optdef *tab;
	size_t ntab;
	bool suffix;            /* messages get " in section ... (file: ...)" */
	bool keep_going;        /* record an error and go on (check_all) */
	int failed;
	const char *text;       /* the expanded text of the current option */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Was the entry named key given (or defaulted)? */
static bool rd_has(const struct rd *rd, const char *key)
{
	for (size_t i = 0; i < rd->ntab; i++)
		if (rd->tab[i].key && strcmp(rd->tab[i].key, key) == 0)
			return (((const struct vals *)rd->dst)->has >> i) & 1;
	return false;
}

static const void *rd_field(const struct rd *rd, const char *key)
{
	for (size_t i = 0; i < rd->ntab; i++)
		if (rd->tab[i].key && strcmp(rd->tab[i].key, key) == 0)
			return (const char *)rd->dst + rd->tab[i].off;
	return NULL;
}

static void free_typed(int type, void *f)
{
	switch (type) {
	case T_STR: case T_DIRPATH: case T_EXISTDIR: case T_NAME: case T_SOCKFILE:
		free(*(char **)f);
		*(char **)f = NULL;
		break;
	case T_INT: case T_BYTES: case T_OCTAL:
		free(((struct v_int *)f)->text);
		((struct v_int *)f)->text = NULL;
		break;
	case T_EXITCODES:
		free(((struct v_codes *)f)->v);
		memset(f, 0, sizeof(struct v_codes));
		break;
	case T_USER: case T_USERGROUP:
		free(((struct v_id *)f)->text);
		((struct v_id *)f)->text = NULL;
		break;
	case T_PORT:
		free(((struct v_port *)f)->host);
		((struct v_port *)f)->host = NULL;
		break;
	case T_LIST:
		conf_strlist_free(((struct v_list *)f)->v, ((struct v_list *)f)->n);
		memset(f, 0, sizeof(struct v_list));
		break;
	case T_LOGFILE:
		free(((struct v_log *)f)->path);
		((struct v_log *)f)->path = NULL;
		break;
	case T_SDENV:
		conf_kv_free((struct conf_kv *)f);
		break;
	default:
		break;
	}
}

static void free_vals(const struct optdef *tab, size_t n, void *dst)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].type != T_NONE) free_typed(tab[i].type, (char *)dst + tab[i].off);
}

/* import_spec() of an entry point "module:attr [extras]": returns the
 * module and attribute, or -1 when pkg_resources rejects the format. */
static bool is_word(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	    || c == '_' || c == '.' || (c >= 0x80 && !uc_isspace(c));
}

static size_t word_len(const char *p)
{
	size_t i = 0, n = strlen(p);
	while (i < n) {
		uint32_t cp;
		size_t l = u8_decode(p + i, n - i, &cp);
		if (!l || !is_word(cp)) break;
		i += l;
	}
	return i;
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* pkg_resources checks "[extras]" as the extras of a requirement "x[...]":
 * identifiers separated by commas. When they are not, it fails with
 * pyparsing's message at the place it stopped. */
static bool bad_extras(const char *ex, char **err)
{
	size_t n = strlen(ex), i = 1;
	size_t ok_end = 0;           /* offset in ex after a valid group */
	while (i < n && uc_space_at(ex + i, n - i)) i += uc_space_at(ex + i, n - i);
	bool valid = true, first = true;
	for (;;) {
		if (i < n && ex[i] == ']') { ok_end = i + 1; break; }
		if (!first) {
			if (i >= n || ex[i] != ',') { valid = false; break; }
			i++;
			while (i < n && uc_space_at(ex + i, n - i)) i += uc_space_at(ex + i, n - i);
		}
		if (i >= n || !alnum(ex[i])) { valid = false; break; }
		size_t j = i;
		while (j < n && (alnum(ex[j]) || ex[j] == '.' || ex[j] == '_' || ex[j] == '-')) j++;
		while (j > i + 1 && !alnum(ex[j - 1])) j--;
		i = j;
		while (i < n && uc_space_at(ex + i, n - i)) i += uc_space_at(ex + i, n - i);
		first = false;
	}
	size_t loc = valid ? ok_end : 0;
	while (loc < n && uc_space_at(ex + loc, n - loc)) loc += uc_space_at(ex + loc, n - loc);
	if (loc >= n) return false;
	/* Parse error at "<repr of 8 characters>": Expected string_end */
	size_t e = loc;
	for (int k = 0; k < 8 && e < n; k++) {
		uint32_t cp;
		size_t l = u8_decode(ex + e, n - e, &cp);
		e += l ? l : 1;
	}
	struct buf b = BUF_INIT;
	buf_puts(&b, "Parse error at \"");
	py_repr(&b, ex + loc, e - loc);
	buf_puts(&b, "\": Expected string_end");
	*err = buf_steal(&b);
	return true;
}

static int parse_entry_point(const char *spec, char **module, char **attr, char **extras_err)
{
	const char *p = spec;
	size_t n = strlen(p);
	uc_lstrip(&p, &n);
	size_t ml = word_len(p);
	if (!ml) return -1;
	*module = xstrndup(p, ml);
	*attr = NULL;
	p += ml;
	n = strlen(p);
	uc_lstrip(&p, &n);
	if (*p == ':') {
		p++;
		n = strlen(p);
		uc_lstrip(&p, &n);
		size_t al = word_len(p);
		if (!al) goto bad;
		*attr = xstrndup(p, al);
		p += al;
		n = strlen(p);
		uc_lstrip(&p, &n);
	}
	if (*p == '[') {
		const char *close = memrchr(p, ']', n);
		if (!close) goto bad;
		char *ex = xstrndup(p, (size_t)(close - p) + 1);
		p = close + 1;
		n = strlen(p);
		uc_lstrip(&p, &n);
		if (!*p && bad_extras(ex, extras_err)) {
			free(ex);
			free(*module);
			free(*attr);
			*module = *attr = NULL;
			return -2;
		}
		free(ex);
	}
	if (*p) goto bad;
	return 0;
bad:
	free(*module);
	free(*attr);
	*module = *attr = NULL;
	return -1;
}

/* The handful of Python factories refd implements; -1 = none of them, with
 * *err = supervisord's message for the spec. */
static int resolve_spec(const char *spec, const char *section, const char *const known[][2],
                        size_t nknown, char **err)
{
	char *module, *attr;
	int pe = parse_entry_point(spec, &module, &attr, err);
	if (pe == -2) return -1;
	if (pe != 0) {
		struct buf b = BUF_INIT;
		char *x = xasprintf("x=%s", spec);
		buf_puts(&b, "(\"EntryPoint must be in 'name=module:attrs [extras]' format\", ");
		py_repr(&b, x, strlen(x));
		buf_putc(&b, ')');
		free(x);
		*err = buf_steal(&b);
		return -1;
	}
	int r = -1;
	for (size_t i = 0; i < nknown; i++)
		if (strcmp(module, known[i][0]) == 0 && attr && strcmp(attr, known[i][1]) == 0) r = (int)i;
	free(module);
	free(attr);
	if (r < 0) *err = xasprintf("%s cannot be resolved within [%s]", spec, section);
	return r;
}

static const char *const handlers[][2] = {
	{ "supervisor.dispatchers", "default_handler" },
	{ "supervisor_twiddler.resulthandler", "stdin_write_handler" },
};
static const char *const factories[][2] = {
	{ "supervisor.rpcinterface", "make_main_rpcinterface" },
	{ "supervisor_twiddler.rpcinterface", "make_twiddler_rpcinterface" },
};

static int parse_seconds(const char *s, double *out)
{
	char *end;
	const char *p = s;
	size_t n = strlen(p);
	uc_strip(&p, &n);
	char *t = xstrndup(p, n);
	double v = strtod(t, &end);
	bool ok = *t && *end == '\0' && isfinite(v);
	free(t);
	if (!ok) return -1;
	*out = v;
	return 0;
}

/* Parse text as d's type into field. */
static int parse_typed(struct rd *rd, const struct optdef *d, const char *text, void *f, char **err)
{
	struct ld *ld = rd->ld;
	switch (d->type) {
	case T_STR:
		*(char **)f = xstrdup(text);
		return 0;
	case T_INT: case T_BYTES: case T_OCTAL: {
		struct v_int *vi = f;
		int r = d->type == T_INT ? conf_v_int(text, &vi->v, err)
		      : d->type == T_BYTES ? conf_v_byte_size(text, &vi->v, err)
		      : conf_v_octal(text, &vi->v, err);
		if (r == 0) vi->text = xstrdup(text);
		return r;
	}
	case T_BOOL:
		return conf_v_bool(text, (bool *)f, err);
	case T_SIGNAL:
		return conf_v_signal(text, (int *)f, err);
	case T_EXITCODES: {
		struct v_codes *c = f;
		return conf_v_exitcodes(text, &c->v, &c->n, err);
	}
	case T_LOGLEVEL:
		return conf_v_loglevel(text, (int *)f, err);
	case T_AUTORESTART: {
		enum conf_autorestart ar;
		if (conf_v_autorestart(text, &ar, err) != 0) return -1;
		*(int *)f = (int)ar;
		return 0;
	}
	case T_DIRPATH:
		return conf_v_dirpath(text, ld->home, (char **)f, err);
	case T_EXISTDIR:
		return conf_v_existing_dir(text, ld->home, (char **)f, err);
	case T_USER: {
		struct v_id *id = f;
		if (ld_user(ld, text, &id->uid, &id->gid, err) != 0) return -1;
		id->text = xstrdup(text);
		return 0;
	}
	case T_USERGROUP: {
		struct v_id *id = f;
		if (conf_v_usergroup(text, &id->uid, &id->gid, err) != 0) return -1;
		id->text = xstrdup(text);
		return 0;
	}
	case T_PORT: {
		struct v_port *p = f;
		return conf_v_inet_address(text, &p->host, &p->port, err);
	}
	case T_LIST: {
		struct v_list *l = f;
		conf_v_strlist(text, &l->v, &l->n);
		return 0;
	}
	case T_LOGFILE: {
		struct v_log *l = f;
		return conf_v_logfile(text, ld->home, &l->kind, &l->path, err);
	}
	case T_NAME:
		return conf_v_name(text, (char **)f, err);
	case T_SECONDS:
		if (parse_seconds(text, (double *)f) == 0) return 0;
		*err = xasprintf("%s is not a number of seconds", text);
		return -1;
	case T_EVENTS: {
		char **items;
		size_t n;
		conf_v_strlist(text, &items, &n);
		unsigned long long set = 0;
		int r = 0;
		if (n == 0) {
			*err = xasprintf("[%s] section requires an \"events\" line", rd->v->name);
			r = -1;
		}
		for (size_t i = 0; i < n && r == 0; i++) {
			char *up = uc_upper_dup(items[i]);
			int t = evtype_from_name(up);
			if (t < 0) {
				*err = xasprintf("Unknown event type %s in [%s] events", up, rd->v->name);
				r = -1;
			} else {
				set |= EVTYPE_BIT(t);
			}
			free(up);
		}
		conf_strlist_free(items, n);
		if (r == 0) *(unsigned long long *)f = set;
		return r;
	}
	case T_HANDLER: {
		int h = resolve_spec(text, rd->v->name, handlers, NELEM(handlers), err);
		if (h < 0) return -1;
		*(int *)f = h;
		return 0;
	}
	case T_SDENV: {
		/* 4.2.5 expands [supervisord] environment a second time, now with
		 * host_node_name (config.md §14) */
		struct xnames nm = { .here = ld->here, .host_node_name = ld->host, .env = ld->env };
		char *e = xp_expand(text, &nm, "environment", err);
		if (!e) return -1;
		struct conf_kv *kv = f;
		int r = conf_parse_kv_pairs(e, kv, err);
		free(e);
		if (r != 0) conf_kv_free(kv);
		return r;
	}
	case T_SOCKFILE: {
		char *st = uc_strip_dup(text);
		*(char **)f = py_normalize_path(st, ld->home, ld->cwd);
		free(st);
		return 0;
	}
	default:
		return 0;
	}
}

/* ---- reading a section ---------------------------------------------------- */

const char *sv_raw(const struct ld *ld, const struct sview *v, const char *key,
                   const char **file, int *line, bool *from_default)
{
	*from_default = false;
	if (v->kv) {
		*file = NULL;
		*line = 0;
		return conf_kv_get(v->kv, key);
	}
	const struct ini_opt *o = v->sect ? ini_own(v->sect, key) : NULL;
	if (!o) {
		o = ini_own(&ld->ini.defaults, key);
		if (o) *from_default = true;
	}
	if (!o) return NULL;
	*file = o->file;
	*line = o->line;
	return o->val.p ? o->val.p : "";
}

static char *suffix_for(const struct sview *v);

static void rd_fail(struct rd *rd, const char *msg, const char *option)
{
	if (rd->suffix) {
		char *sfx = suffix_for(rd->v);
		char *m = xasprintf("%s%s", msg, sfx);
		ld_error(rd->ld, m, rd->v, option);
		free(m);
		free(sfx);
	} else {
		ld_error(rd->ld, msg, rd->v, option);
	}
	rd->failed++;
}

/* Every value refd keeps is charged to the load, so that a small file
 * (numprocs = 100000, long values) cannot make it build gigabytes. */
static int charge(struct ld *ld, size_t n, char **err)
{
	ld->expanded += n;
	if (ld->expanded <= CONF_MAX_EXPANDED) return 0;
	*err = xasprintf("configuration too large: its values add up to more than %llu bytes",
	                 (unsigned long long)CONF_MAX_EXPANDED);
	return -1;
}

static char *rd_expand(struct rd *rd, const char *text, const struct xnames *nm,
                       const char *ctx, char **err)
{
	char *r = xp_expand(text, nm, ctx, err);
	if (!r) return NULL;
	if (charge(rd->ld, strlen(r), err) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

static char *tmpdir(struct ld *ld);

/* Read every entry of the table with this stage. Returns 0, or -1 after
 * recording the (first) error. */
static int read_stage(struct rd *rd, int stage)
{
	struct ld *ld = rd->ld;
	int errors = 0;
	for (size_t i = 0; i < rd->ntab; i++) {
		const struct optdef *d = &rd->tab[i];
		if (d->stage != stage) continue;
		void *field = (char *)rd->dst + d->off;
		char *err = NULL;
		if (d->type == T_NONE) {
			if (d->check && d->check(rd, d, field, &err) != 0) goto fail;
			continue;
		}
		const char *file;
		int line;
		bool dflt;
		const char *raw = sv_raw(ld, rd->v, d->key, &file, &line, &dflt);
		char *text = NULL;
		bool charged = false;           /* rd_expand charged the result */
		if (!raw && (d->flags & F_DFLT_STOPASGROUP)) {
			/* a Python bool default is not a string: no expansion */
			const bool *sg = rd_field(rd, "stopasgroup");
			text = xstrdup(sg && *sg ? "true" : "false");
		} else {
			char *owned = NULL;
			if (!raw && (d->flags & F_DFLT_TMPDIR)) raw = owned = tmpdir(ld);
			if (!raw) raw = d->dflt;
			if (!raw) {
				if (d->flags & F_REQUIRED) {
					err = xasprintf(d->req, rd->v->name);
					goto fail;
				}
				continue;
			}
			if (d->names == X_RAW || !strchr(raw, '%')) {
				text = xstrdup(raw);
			} else {
				char *ctx = xasprintf("%s.%s", rd->v->name, d->key);
				text = rd_expand(rd, raw, rd->names[d->names], ctx, &err);
				free(ctx);
				charged = true;
			}
			free(owned);
			if (!text) goto fail;
			if ((d->flags & F_TWICE) && strchr(text, '%')) {
				char *t2 = rd_expand(rd, text, rd->names[d->names], d->key, &err);
				free(text);
				text = t2;
				if (!text) goto fail;
			}
		}
		if (!charged) {
			/* not charged by an expansion: charge the copy */
			if (charge(ld, strlen(text), &err) != 0) {
				free(text);
				goto fail;
			}
		}
		if ((d->flags & F_EMPTY_MISSING) && !*text && (d->flags & F_REQUIRED)) {
			free(text);
			err = xasprintf(d->req, rd->v->name);
			goto fail;
		}
		free_typed(d->type, field);
		rd->text = text;
		if (parse_typed(rd, d, text, field, &err) != 0) {
			if (d->wrap) {
				free(err);
				err = xasprintf(d->wrap, text);
			}
			free(text);
			goto fail;
		}
		((struct vals *)rd->dst)->has |= 1ULL << i;
		if (d->check && d->check(rd, d, field, &err) != 0) {
			free(text);
			goto fail;
		}
		free(text);
		rd->text = NULL;
		continue;
fail:
		rd->text = NULL;
		rd_fail(rd, err, d->key);
		free(err);
		errors++;
		if (!rd->keep_going) return -1;
	}
	return errors ? -1 : 0;
}

/* tempfile.gettempdir(): $TMPDIR, $TEMP, $TMP, /tmp, /var/tmp, /usr/tmp,
 * the cwd; the first writable directory, made absolute. */
static char *tmpdir(struct ld *ld)
{
	extern char **environ;
	char **env = ld->src && ld->src->environ ? ld->src->environ : environ;
	const char *cand[7];
	size_t n = 0;
	static const char *const vars[] = { "TMPDIR", "TEMP", "TMP" };
	for (size_t i = 0; i < 3; i++) {
		size_t vl = strlen(vars[i]);
		for (char **e = env; e && *e; e++)
			if (strncmp(*e, vars[i], vl) == 0 && (*e)[vl] == '=') { cand[n++] = *e + vl + 1; break; }
	}
	cand[n++] = "/tmp";
	cand[n++] = "/var/tmp";
	cand[n++] = "/usr/tmp";
	for (size_t i = 0; i < n; i++) {
		if (!*cand[i]) continue;
		char *abs = py_abspath(cand[i], ld->cwd);
		if (py_isdir(abs) && access(abs, W_OK | X_OK) == 0) return abs;
		free(abs);
	}
	return xstrdup(ld->cwd);
}

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

static int clamp_int(long long v)
{
	return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

/* the xnames sets of a section that is not a program */
static void plain_names(struct ld *ld, struct xnames nm[X_COUNT], const struct xnames *p[X_COUNT])
{
	memset(nm, 0, X_COUNT * sizeof *nm);
	for (int i = 0; i < X_COUNT; i++) {
		nm[i].env = ld->env;
		p[i] = &nm[i];
	}
	nm[X_EH].here = nm[X_EHP].here = nm[X_PROG].here = nm[X_INST].here = ld->here;
}

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
		kind = resolve_spec(spec, s->name, factories, NELEM(factories), &err);
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

/* ---- programs: [program:x], [eventlistener:x], [fcgi-program:x] ------------ */

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

static char *suffix_for(const struct sview *v)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, " in section ");
	py_repr(&b, v->name, strlen(v->name));
	buf_puts(&b, " (file: ");
	py_repr(&b, v->file, strlen(v->file));
	buf_putc(&b, ')');
	return buf_steal(&b);
}

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
		        "process_name");
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

static int build_groups(struct ld *ld)
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
	if (build_groups(ld) != 0) {
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
