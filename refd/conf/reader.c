/* reader.c — one parser per value type, and the reader that walks an
 * option table: look the option up (the section, then [DEFAULT], then the
 * default), expand it with the names the table allows, parse it, check it
 * (see reader.h). */
#include "reader.h"
#include "evtypes.h"
#include "path.h"
#include "shlex.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/unicode.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Was the entry named key given (or defaulted)? */
bool rd_has(const struct rd *rd, const char *key)
{
	for (size_t i = 0; i < rd->ntab; i++)
		if (rd->tab[i].key && strcmp(rd->tab[i].key, key) == 0)
			return (((const struct vals *)rd->dst)->has >> i) & 1;
	return false;
}

const void *rd_field(const struct rd *rd, const char *key)
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

void free_vals(const struct optdef *tab, size_t n, void *dst)
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

void rd_fail(struct rd *rd, const char *msg, const char *option)
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
int charge(struct ld *ld, size_t n, char **err)
{
	ld->expanded += n;
	if (ld->expanded <= CONF_MAX_EXPANDED) return 0;
	*err = xasprintf("configuration too large: its values add up to more than %llu bytes",
	                 (unsigned long long)CONF_MAX_EXPANDED);
	return -1;
}

char *rd_expand(struct rd *rd, const char *text, const struct xnames *nm,
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
int read_stage(struct rd *rd, int stage)
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

int clamp_int(long long v)
{
	return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

/* the xnames sets of a section that is not a program */
void plain_names(struct ld *ld, struct xnames nm[X_COUNT], const struct xnames *p[X_COUNT])
{
	memset(nm, 0, X_COUNT * sizeof *nm);
	for (int i = 0; i < X_COUNT; i++) {
		nm[i].env = ld->env;
		p[i] = &nm[i];
	}
	nm[X_EH].here = nm[X_EHP].here = nm[X_PROG].here = nm[X_INST].here = ld->here;
}

char *suffix_for(const struct sview *v)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, " in section ");
	py_repr(&b, v->name, strlen(v->name));
	buf_puts(&b, " (file: ");
	py_repr(&b, v->file, strlen(v->file));
	buf_putc(&b, ')');
	return buf_steal(&b);
}

int resolve_factory(const char *spec, const char *section, char **err)
{
	return resolve_spec(spec, section, factories, NELEM(factories), err);
}
