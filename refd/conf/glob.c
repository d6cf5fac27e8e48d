/* glob.c — glob.glob() and fnmatch.translate() of Python 3.11, iterative
 * (a pattern with many magic directories cannot exhaust the stack). */
#include "glob.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/unicode.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- fnmatch --------------------------------------------------------- */

enum { G_LIT, G_ANY, G_STAR, G_SET, G_NEVER };

struct gset { bool neg; size_t n; uint32_t (*r)[2]; };
struct gtok { int kind; uint32_t ch; struct gset set; };

/* Decode s into code points (an invalid byte is one unit). */
static uint32_t *decode(const char *s, size_t *n)
{
	size_t len = strlen(s);
	uint32_t *v = xmalloc((len + 1) * sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t l = u8_decode(s + i, len - i, &cp);
		if (!l) { cp = 0xdc00 + (unsigned char)s[i]; l = 1; }  /* surrogateescape */
		v[k++] = cp;
		i += l;
	}
	*n = k;
	return v;
}

static void set_add(struct gset *s, uint32_t lo, uint32_t hi)
{
	s->r = xrealloc(s->r, (s->n + 1) * sizeof *s->r);
	s->r[s->n][0] = lo;
	s->r[s->n][1] = hi;
	s->n++;
}

/* A class body as sre parses it: items, 'a-b' ranges, '\x' escapes.
 * Returns false where Python's re would raise (reversed range). */
static bool parse_class(const uint32_t *c, size_t n, struct gset *s)
{
	size_t i = 0;
	while (i < n) {
		uint32_t lo = c[i];
		if (lo == '\\' && i + 1 < n) lo = c[++i];
		i++;
		if (i + 1 < n && c[i] == '-') {
			/* a range unless the '-' is the last character */
			size_t j = i + 1;
			uint32_t hi = c[j];
			if (hi == '\\' && j + 1 < n) hi = c[++j];
			if (hi < lo) return false;
			set_add(s, lo, hi);
			i = j + 1;
		} else {
			set_add(s, lo, lo);
		}
	}
	return true;
}

/* Compile a bracket expression stuff = pat[i:j] (after '['), following
 * fnmatch.translate. */
static void compile_set(const uint32_t *pat, size_t i, size_t j, struct gtok *t)
{
	memset(t, 0, sizeof *t);
	t->kind = G_SET;
	uint32_t *body = NULL;
	size_t nb = 0;
	bool has_dash = false;
	for (size_t k = i; k < j; k++) if (pat[k] == '-') has_dash = true;
	/* body: a sequence of (char, escaped?) encoded as code points with
	 * escapes written as '\\' + char */
	body = xmalloc(((j - i) * 2 + 4) * sizeof *body);
	if (!has_dash) {
		for (size_t k = i; k < j; k++) {
			if (pat[k] == '\\') body[nb++] = '\\';
			body[nb++] = pat[k];
		}
	} else {
		/* chunks split at range dashes */
		size_t cap = 8, nc = 0;
		uint32_t **cs = xmalloc(cap * sizeof *cs);
		size_t *cl = xmalloc(cap * sizeof *cl);
		size_t ci = i;
		size_t k = pat[i] == '!' ? i + 2 : i + 1;
		for (;;) {
			size_t f = k;
			while (f < j && pat[f] != '-') f++;
			if (f >= j || k > j) break;
			if (nc == cap) {
				cap *= 2;
				cs = xrealloc(cs, cap * sizeof *cs);
				cl = xrealloc(cl, cap * sizeof *cl);
			}
			cl[nc] = f - ci;
			cs[nc] = xmalloc((cl[nc] + 1) * sizeof **cs);
			memcpy(cs[nc], pat + ci, cl[nc] * sizeof **cs);
			nc++;
			ci = f + 1;
			k = f + 3;
		}
		if (ci < j) {
			if (nc == cap) {
				cap *= 2;
				cs = xrealloc(cs, cap * sizeof *cs);
				cl = xrealloc(cl, cap * sizeof *cl);
			}
			cl[nc] = j - ci;
			cs[nc] = xmalloc((cl[nc] + 1) * sizeof **cs);
			memcpy(cs[nc], pat + ci, cl[nc] * sizeof **cs);
			nc++;
		} else {
			cs[nc - 1] = xrealloc(cs[nc - 1], (cl[nc - 1] + 2) * sizeof **cs);
			cs[nc - 1][cl[nc - 1]++] = '-';
		}
		/* drop empty (reversed) ranges */
		for (size_t q = nc - 1; q > 0; q--) {
			if (cl[q - 1] && cl[q] && cs[q - 1][cl[q - 1] - 1] > cs[q][0]) {
				size_t nl = cl[q - 1] - 1 + cl[q] - 1;
				uint32_t *m = xmalloc((nl + 1) * sizeof *m);
				memcpy(m, cs[q - 1], (cl[q - 1] - 1) * sizeof *m);
				memcpy(m + cl[q - 1] - 1, cs[q] + 1, (cl[q] - 1) * sizeof *m);
				free(cs[q - 1]);
				free(cs[q]);
				cs[q - 1] = m;
				cl[q - 1] = nl;
				memmove(cs + q, cs + q + 1, (nc - q - 1) * sizeof *cs);
				memmove(cl + q, cl + q + 1, (nc - q - 1) * sizeof *cl);
				nc--;
			}
		}
		size_t total = 0;
		for (size_t q = 0; q < nc; q++) total += cl[q] * 2 + 1;
		body = xrealloc(body, (total + 4) * sizeof *body);
		for (size_t q = 0; q < nc; q++) {
			if (q) body[nb++] = '-';
			for (size_t x = 0; x < cl[q]; x++) {
				if (cs[q][x] == '\\' || cs[q][x] == '-') body[nb++] = '\\';
				body[nb++] = cs[q][x];
			}
			free(cs[q]);
		}
		free(cs);
		free(cl);
	}
	if (nb == 0) t->kind = G_NEVER;
	else if (nb == 1 && body[0] == '!') t->kind = G_ANY;
	else {
		size_t start = 0;
		if (body[0] == '!') { t->set.neg = true; start = 1; }
		if (!parse_class(body + start, nb - start, &t->set)) t->kind = G_NEVER;
	}
	free(body);
}

static struct gtok *compile(const char *p, size_t *ntok)
{
	size_t n;
	uint32_t *pat = decode(p, &n);
	struct gtok *t = xmalloc((n + 1) * sizeof *t);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		uint32_t c = pat[i++];
		if (c == '*') {
			if (!k || t[k - 1].kind != G_STAR) { memset(&t[k], 0, sizeof t[k]); t[k++].kind = G_STAR; }
		} else if (c == '?') {
			memset(&t[k], 0, sizeof t[k]);
			t[k++].kind = G_ANY;
		} else if (c == '[') {
			size_t j = i;
			if (j < n && pat[j] == '!') j++;
			if (j < n && pat[j] == ']') j++;
			while (j < n && pat[j] != ']') j++;
			if (j >= n) {
				memset(&t[k], 0, sizeof t[k]);
				t[k].kind = G_LIT;
				t[k++].ch = '[';
			} else {
				compile_set(pat, i, j, &t[k++]);
				i = j + 1;
			}
		} else {
			memset(&t[k], 0, sizeof t[k]);
			t[k].kind = G_LIT;
			t[k++].ch = c;
		}
	}
	free(pat);
	*ntok = k;
	return t;
}

static void free_toks(struct gtok *t, size_t n)
{
	for (size_t i = 0; i < n; i++) free(t[i].set.r);
	free(t);
}

static bool tok_match(const struct gtok *t, uint32_t c)
{
	switch (t->kind) {
	case G_LIT: return t->ch == c;
	case G_ANY: return true;
	case G_SET: {
		bool in = false;
		for (size_t i = 0; i < t->set.n && !in; i++)
			in = c >= t->set.r[i][0] && c <= t->set.r[i][1];
		return in != t->set.neg;
	}
	default: return false;
	}
}

static bool match_toks(const struct gtok *t, size_t nt, const uint32_t *s, size_t ns)
{
	size_t ti = 0, si = 0, star_t = SIZE_MAX, star_s = 0;
	while (si < ns) {
		if (ti < nt && t[ti].kind == G_STAR) {
			star_t = ti++;
			star_s = si;
		} else if (ti < nt && tok_match(&t[ti], s[si])) {
			ti++;
			si++;
		} else if (star_t != SIZE_MAX) {
			ti = star_t + 1;
			si = ++star_s;
		} else {
			return false;
		}
	}
	while (ti < nt && t[ti].kind == G_STAR) ti++;
	return ti == nt;
}

bool py_fnmatch(const char *name, const char *pat)
{
	size_t nt, ns;
	struct gtok *t = compile(pat, &nt);
	uint32_t *s = decode(name, &ns);
	bool r = match_toks(t, nt, s, ns);
	free(s);
	free_toks(t, nt);
	return r;
}

/* ---- glob --------------------------------------------------------------- */

static bool has_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* os.path.split */
static void split(const char *p, char **head, char **tail)
{
	const char *slash = strrchr(p, '/');
	size_t i = slash ? (size_t)(slash - p) + 1 : 0;
	*tail = xstrdup(p + i);
	size_t k = i;
	while (k && p[k - 1] == '/') k--;
	*head = k ? xstrndup(p, k) : xstrndup(p, i);
}

static char *join(const char *a, const char *b)
{
	if (b[0] == '/') return xstrdup(b);
	size_t al = strlen(a);
	if (!al || a[al - 1] == '/') return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

struct strv { char **v; size_t n, cap; };

static void strv_push(struct strv *sv, char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof *sv->v);
	}
	sv->v[sv->n++] = s;
}

static void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++) free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof *sv);
}

static bool lexists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static bool isdir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* _glob1: names in dir matching pat. */
static void glob1(const char *dir, const char *pat, bool dironly, struct strv *out)
{
	DIR *d = opendir(*dir ? dir : ".");
	if (!d) return;
	size_t nt;
	struct gtok *t = compile(pat, &nt);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *nm = e->d_name;
		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) continue;
		if (pat[0] != '.' && nm[0] == '.') continue;
		if (dironly) {
			char *full = join(*dir ? dir : ".", nm);
			bool ok = isdir(full);
			free(full);
			if (!ok) continue;
		}
		size_t ns;
		uint32_t *s = decode(nm, &ns);
		bool m = match_toks(t, nt, s, ns);
		free(s);
		if (m) strv_push(out, xstrdup(nm));
	}
	closedir(d);
	free_toks(t, nt);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int py_glob(const char *pattern, char ***paths, size_t *n)
{
	struct strv res = { 0 };
	if (!has_magic(pattern)) {
		char *head, *tail;
		split(pattern, &head, &tail);
		if (*tail ? lexists(pattern) : isdir(head)) strv_push(&res, xstrdup(pattern));
		free(head);
		free(tail);
		*paths = res.v;
		*n = res.n;
		return 0;
	}
	/* the chain of dirnames up to the first one without magic */
	struct strv levels = { 0 };     /* basenames, innermost last */
	char *cur = xstrdup(pattern);
	for (;;) {
		char *head, *tail;
		split(cur, &head, &tail);
		strv_push(&levels, tail);
		bool stop = !*head || strcmp(head, cur) == 0 || !has_magic(head);
		free(cur);
		cur = head;
		if (stop) break;
	}
	struct strv dirs = { 0 };
	strv_push(&dirs, cur);          /* the base, not checked (as Python) */
	for (size_t lv = levels.n; lv-- > 0;) {
		const char *base = levels.v[lv];
		bool dironly = lv != 0;
		struct strv next = { 0 };
		for (size_t k = 0; k < dirs.n; k++) {
			const char *dir = dirs.v[k];
			struct strv names = { 0 };
			if (has_magic(base)) {
				glob1(dir, base, dironly, &names);
			} else if (*base) {
				char *full = join(dir, base);
				if (lexists(full)) strv_push(&names, xstrdup(base));
				free(full);
			} else if (isdir(*dir ? dir : ".")) {
				strv_push(&names, xstrdup(""));
			}
			for (size_t q = 0; q < names.n; q++)
				strv_push(&next, *dir ? join(dir, names.v[q]) : xstrdup(names.v[q]));
			strv_free(&names);
		}
		strv_free(&dirs);
		dirs = next;
	}
	strv_free(&levels);
	if (dirs.n) qsort(dirs.v, dirs.n, sizeof *dirs.v, cmp_str);
	*paths = dirs.v;
	*n = dirs.n;
	return 0;
}
