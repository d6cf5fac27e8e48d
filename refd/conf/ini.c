/* ini.c — RawConfigParser._read of Python 3.11 with supervisord's options:
 * inline comments ';' and '#' (after whitespace), full-line comments,
 * continuation by deeper indentation, strict=False, empty lines kept in
 * values. The algorithm follows CPython's line by line, quirks included
 * (see config.md §2). */
#include "ini.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/unicode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void ini_init(struct ini *ini)
{
	memset(ini, 0, sizeof *ini);
	ini->defaults.name = xstrdup("DEFAULT");
}

static void sect_free(struct ini_sect *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->opts[i].name);
		buf_free(&s->opts[i].val);
	}
	free(s->opts);
	free(s->name);
}

void ini_free(struct ini *ini)
{
	sect_free(&ini->defaults);
	for (size_t i = 0; i < ini->n; i++) {
		sect_free(ini->v[i]);
		free(ini->v[i]);
	}
	free(ini->v);
	strmap_free(&ini->index);
	for (size_t i = 0; i < ini->nfiles; i++) free(ini->files[i]);
	free(ini->files);
	free(ini->pending);
	memset(ini, 0, sizeof *ini);
}

void ini_err_free(struct ini_err *e)
{
	free(e->message);
	for (size_t i = 0; i < e->nbad; i++) {
		free(e->bad[i].section);
		free(e->bad[i].raw);
	}
	free(e->bad);
	memset(e, 0, sizeof *e);
}

struct ini_sect *ini_section(const struct ini *ini, const char *name)
{
	return strmap_get(&ini->index, name);
}

static ssize_t own_index(const struct ini_sect *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->opts[i].name, name) == 0) return (ssize_t)i;
	return -1;
}

struct ini_opt *ini_own(const struct ini_sect *s, const char *name)
{
	ssize_t i = own_index(s, name);
	return i < 0 ? NULL : &s->opts[i];
}

const struct ini_opt *ini_get(const struct ini *ini, const struct ini_sect *s, const char *name)
{
	const struct ini_opt *o = s ? ini_own(s, name) : NULL;
	return o ? o : ini_own(&ini->defaults, name);
}

/* The option name in s, created empty at the end when new. */
static size_t opt_slot(struct ini_sect *s, const char *name)
{
	ssize_t i = own_index(s, name);
	if (i >= 0) return (size_t)i;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->opts = xrealloc(s->opts, s->cap * sizeof *s->opts);
	}
	struct ini_opt *o = &s->opts[s->n];
	memset(o, 0, sizeof *o);
	o->name = xstrdup(name);
	return s->n++;
}

static void pend(struct ini *ini, struct ini_sect *s, size_t i)
{
	struct ini_opt *o = &s->opts[i];
	/* [DEFAULT] keeps its literal text; ini_expand_here scans it */
	if (s == &ini->defaults) return;
	if (o->here_pending || !o->val.p || !strstr(o->val.p, "%(here)s")) return;
	o->here_pending = true;
	if (ini->npending == ini->cappending) {
		ini->cappending = ini->cappending ? ini->cappending * 2 : 16;
		ini->pending = xrealloc(ini->pending, ini->cappending * sizeof *ini->pending);
	}
	ini->pending[ini->npending].s = s;
	ini->pending[ini->npending].i = i;
	ini->npending++;
}

void ini_set(struct ini *ini, struct ini_sect *s, const char *name, const char *value,
             const char *file, int line)
{
	size_t i = opt_slot(s, name);
	struct ini_opt *o = &s->opts[i];
	buf_reset(&o->val);
	buf_puts(&o->val, value);
	o->file = file;
	o->line = line;
	pend(ini, s, i);
}

static struct ini_sect *new_section(struct ini *ini, const char *name, const char *file, int line)
{
	struct ini_sect *s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	s->file = file;
	s->line = line;
	s->gen = ini->gen;
	if (ini->n == ini->cap) {
		ini->cap = ini->cap ? ini->cap * 2 : 16;
		ini->v = xrealloc(ini->v, ini->cap * sizeof *ini->v);
	}
	ini->v[ini->n++] = s;
	strmap_put(&ini->index, s->name, s);
	return s;
}

/* Python's str.isspace() for the character ending just before line[i]. */
static bool space_before(const char *line, size_t i)
{
	size_t k = u8_prev_len(line, i);
	return uc_space_at(line + i - k, k) == k;
}

/* Index (in characters) of the first non-whitespace character, 0 if none. */
static size_t indent_of(const char *line, size_t len)
{
	size_t chars = 0, i = 0, k;
	while (i < len && (k = uc_space_at(line + i, len - i)) != 0) {
		i += k;
		chars++;
	}
	return i < len ? chars : 0;
}

struct touched { struct ini_sect *s; size_t i; };

struct reader {
	struct ini *ini;
	const char *fname;
	struct ini_err *err;
	struct touched *t;
	size_t nt, capt;
	struct buf msg;
	bool bad;
};

static void touch(struct reader *r, struct ini_sect *s, size_t i)
{
	if (r->nt == r->capt) {
		r->capt = r->capt ? r->capt * 2 : 64;
		r->t = xrealloc(r->t, r->capt * sizeof *r->t);
	}
	r->t[r->nt].s = s;
	r->t[r->nt].i = i;
	r->nt++;
}

static void bad_line(struct reader *r, int lineno, const char *line, size_t len,
                     const struct ini_sect *cur)
{
	if (!r->bad) {
		buf_puts(&r->msg, "Source contains parsing errors: ");
		py_repr(&r->msg, r->fname, strlen(r->fname));
		r->bad = true;
	}
	buf_printf(&r->msg, "\n\t[line %2d]: ", lineno);
	py_repr(&r->msg, line, len);
	struct ini_err *e = r->err;
	e->bad = xrealloc(e->bad, (e->nbad + 1) * sizeof *e->bad);
	struct ini_badline *b = &e->bad[e->nbad++];
	b->line = lineno;
	b->section = cur ? xstrdup(cur->name) : NULL;
	size_t rl = len;
	if (rl && line[rl - 1] == '\n') rl--;
	b->raw = xstrndup(line, rl);
}

int ini_read(struct ini *ini, const char *fname, const char *data, size_t len, struct ini_err *err)
{
	memset(err, 0, sizeof *err);
	ini->files = xrealloc(ini->files, (ini->nfiles + 1) * sizeof *ini->files);
	char *file = ini->files[ini->nfiles++] = xstrdup(fname);
	ini->gen++;
	ini->read_first = ini->n;
	ini->defaults_touched = false;

	struct reader r = { .ini = ini, .fname = fname, .err = err };
	struct ini_sect *cursect = NULL;
	ssize_t optidx = -1;              /* the open option of cursect */
	bool optname_set = false;         /* Python's `optname` is truthy */
	size_t indent_level = 0;
	struct buf line = BUF_INIT;
	int lineno = 0;
	int ret = 0;

	for (size_t pos = 0; pos < len;) {
		/* one line, universal newlines: \n, \r\n and \r all end it as \n */
		size_t e = pos;
		while (e < len && data[e] != '\n' && data[e] != '\r') e++;
		buf_reset(&line);
		buf_append(&line, data + pos, e - pos);
		if (e < len) {
			buf_putc(&line, '\n');
			if (data[e] == '\r' && e + 1 < len && data[e + 1] == '\n') e++;
			e++;
		}
		pos = e;
		lineno++;
		const char *ln = line.p;
		size_t ll = line.len;

		/* inline comments: each round advances both prefixes once */
		size_t comment_start = SIZE_MAX;
		static const char prefixes[2] = { ';', '#' };
		ssize_t idx[2] = { -1, -1 };
		bool active[2] = { true, true };
		while (comment_start == SIZE_MAX && (active[0] || active[1])) {
			for (int k = 0; k < 2; k++) {
				if (!active[k]) continue;
				size_t from = (size_t)(idx[k] + 1);
				const char *f = from < ll ? memchr(ln + from, prefixes[k], ll - from) : NULL;
				if (!f) { active[k] = false; continue; }
				idx[k] = f - ln;
				if (idx[k] == 0 || space_before(ln, (size_t)idx[k]))
					if ((size_t)idx[k] < comment_start) comment_start = (size_t)idx[k];
			}
		}
		/* full-line comments */
		{
			const char *s = ln;
			size_t n = ll;
			uc_strip(&s, &n);
			if (n && (s[0] == '#' || s[0] == ';')) comment_start = 0;
		}
		const char *value = ln;
		size_t vlen = comment_start == SIZE_MAX ? ll : comment_start;
		uc_strip(&value, &vlen);
		if (vlen == 0) {
			if (comment_start == SIZE_MAX && cursect && optname_set && optidx >= 0) {
				buf_putc(&cursect->opts[optidx].val, '\n');
				touch(&r, cursect, (size_t)optidx);
			}
			continue;
		}
		size_t cur_indent = indent_of(ln, ll);
		if (cursect && optname_set && cur_indent > indent_level) {
			struct buf *v = &cursect->opts[optidx].val;
			buf_putc(v, '\n');
			buf_append(v, value, vlen);
			touch(&r, cursect, (size_t)optidx);
			continue;
		}
		indent_level = cur_indent;
		/* a section header: [ then at least one character then a ] */
		const char *close = vlen >= 3 && value[0] == '[' ? memrchr(value, ']', vlen) : NULL;
		if (close && close - value >= 2) {
			char *name = xstrndup(value + 1, (size_t)(close - value - 1));
			struct ini_sect *s = ini_section(ini, name);
			if (s) cursect = s;
			else if (strcmp(name, "DEFAULT") == 0) cursect = &ini->defaults;
			else cursect = new_section(ini, name, file, lineno);
			free(name);
			optname_set = false;
			optidx = -1;
			continue;
		}
		if (!cursect) {
			struct buf m = BUF_INIT;
			buf_puts(&m, "File contains no section headers.\nfile: ");
			py_repr(&m, fname, strlen(fname));
			buf_printf(&m, ", line: %d\n", lineno);
			py_repr(&m, ln, ll);
			err->message = buf_steal(&m);
			err->bad = xcalloc(1, sizeof *err->bad);
			err->nbad = 1;
			err->bad[0].line = lineno;
			err->bad[0].raw = xstrndup(ln, ll && ln[ll - 1] == '\n' ? ll - 1 : ll);
			ret = -1;
			goto out;
		}
		/* an option: name, then the first '=' or ':' */
		size_t d = 0;
		while (d < vlen && value[d] != '=' && value[d] != ':') d++;
		if (d == vlen) {
			bad_line(&r, lineno, ln, ll, cursect);
			continue;
		}
		if (d == 0) {
			/* an empty name is an error, but Python still opens the
			 * option (as ""); it is never read, so it is not kept */
			bad_line(&r, lineno, ln, ll, cursect);
			optname_set = false;
			optidx = -1;
			continue;
		}
		const char *nm = value;
		size_t nl = d;
		uc_rstrip(&nm, &nl);
		const char *ov = value + d + 1;
		size_t ol = vlen - d - 1;
		uc_strip(&ov, &ol);
		struct buf lname = BUF_INIT;
		uc_lower(&lname, nm, nl);
		size_t i = opt_slot(cursect, buf_cstr(&lname));
		buf_free(&lname);
		struct ini_opt *o = &cursect->opts[i];
		buf_reset(&o->val);
		buf_append(&o->val, ov, ol);
		if (!o->val.p) buf_append(&o->val, "", 0);
		o->file = file;
		o->line = lineno;
		optidx = (ssize_t)i;
		optname_set = true;
		if (cursect == &ini->defaults) ini->defaults_touched = true;
		touch(&r, cursect, i);
	}
out:
	/* join: each value set in this read loses trailing whitespace */
	for (size_t k = 0; k < r.nt; k++) {
		struct ini_opt *o = &r.t[k].s->opts[r.t[k].i];
		const char *s = o->val.p ? o->val.p : "";
		size_t n = o->val.len;
		uc_rstrip(&s, &n);
		buf_truncate(&o->val, n);
		pend(ini, r.t[k].s, r.t[k].i);
	}
	free(r.t);
	buf_free(&line);
	if (ret == 0 && r.bad) {
		err->message = buf_steal(&r.msg);
		ret = -1;
	}
	buf_free(&r.msg);
	return ret;
}

void ini_expand_here(struct ini *ini, const char *here)
{
	/* [DEFAULT] options holding %(here)s become own options of every
	 * section that lacks them (Python's items() + set()). Sections seen by
	 * an earlier call already have them, unless [DEFAULT] changed since:
	 * only the last read's new sections need looking at. */
	size_t first = ini->defaults_touched ? 0 : ini->read_first;
	for (size_t d = 0; d < ini->defaults.n; d++) {
		struct ini_opt *dop = &ini->defaults.opts[d];
		if (!dop->val.p || !strstr(dop->val.p, "%(here)s")) continue;
		for (size_t k = first; k < ini->n; k++) {
			struct ini_sect *s = ini->v[k];
			if (ini_own(s, dop->name)) continue;
			ini_set(ini, s, dop->name, dop->val.p, dop->file, dop->line);
		}
	}
	size_t n = ini->npending;
	struct ini_ref *list = ini->pending;
	ini->pending = NULL;
	ini->npending = ini->cappending = 0;
	for (size_t k = 0; k < n; k++) {
		struct ini_sect *s = list[k].s;
		struct ini_opt *o = &s->opts[list[k].i];
		o->here_pending = false;
		if (!o->val.p || !strstr(o->val.p, "%(here)s")) continue;
		struct buf b = BUF_INIT;
		const char *p = o->val.p;
		const char *hit;
		while ((hit = strstr(p, "%(here)s")) != NULL) {
			buf_append(&b, p, (size_t)(hit - p));
			buf_puts(&b, here);
			p = hit + 8;
		}
		buf_puts(&b, p);
		buf_free(&o->val);
		o->val = b;
		pend(ini, s, list[k].i);
	}
	free(list);
}

const char **ini_option_names(const struct ini *ini, const struct ini_sect *s, size_t *n)
{
	const char **v = xmalloc((s->n + ini->defaults.n + 1) * sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) v[k++] = s->opts[i].name;
	for (size_t i = 0; i < ini->defaults.n; i++)
		if (!ini_own(s, ini->defaults.opts[i].name)) v[k++] = ini->defaults.opts[i].name;
	*n = k;
	return v;
}
