/* expand.c — Python's %-formatting with a dict, as supervisord's expand()
 * uses it. The wording of every error is Python 3.11's, since it reaches
 * users inside supervisord's own messages. */
#include "expand.h"
#include "config.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/unicode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_LJUST = 1, F_SIGN = 2, F_BLANK = 4, F_ALT = 8, F_ZERO = 16 };

struct xv {
	bool is_int;
	const char *s;
	long long i;
};

static bool lookup(const struct xnames *n, const char *key, struct xv *v)
{
	v->is_int = false;
	v->s = NULL;
	if (n->has_nums && strcmp(key, "process_num") == 0) { v->is_int = true; v->i = n->process_num; return true; }
	if (n->has_nums && strcmp(key, "numprocs") == 0) { v->is_int = true; v->i = n->numprocs; return true; }
	if (n->here && strcmp(key, "here") == 0) v->s = n->here;
	else if (n->host_node_name && strcmp(key, "host_node_name") == 0) v->s = n->host_node_name;
	else if (n->program_name && strcmp(key, "program_name") == 0) v->s = n->program_name;
	else if (n->group_name && strcmp(key, "group_name") == 0) v->s = n->group_name;
	else if (strncmp(key, "ENV_", 4) == 0) {
		if (n->penv) v->s = conf_kv_get(n->penv, key);
		if (!v->s && n->env) v->s = conf_kv_get(n->env, key);
	}
	return v->s != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void xp_available(struct buf *out, const struct xnames *n)
{
	size_t cap = 8 + (n->env ? n->env->n : 0) + (n->penv ? n->penv->n : 0), k = 0;
	const char **v = xmalloc(cap * sizeof *v);
	if (n->here) v[k++] = "here";
	if (n->host_node_name) v[k++] = "host_node_name";
	if (n->program_name) v[k++] = "program_name";
	if (n->group_name) v[k++] = "group_name";
	if (n->has_nums) { v[k++] = "process_num"; v[k++] = "numprocs"; }
	if (n->env) for (size_t i = 0; i < n->env->n; i++) v[k++] = n->env->keys[i];
	if (n->penv) for (size_t i = 0; i < n->penv->n; i++) v[k++] = n->penv->keys[i];
	qsort(v, k, sizeof *v, cmp_str);
	bool first = true;
	for (size_t i = 0; i < k; i++) {
		if (i && strcmp(v[i], v[i - 1]) == 0) continue;
		if (!first) buf_puts(out, ", ");
		first = false;
		buf_puts(out, v[i]);
	}
	free(v);
}

/* ascii(): repr() with every non-ASCII character escaped. */
static void py_ascii(struct buf *out, const char *s)
{
	struct buf r = BUF_INIT;
	py_repr(&r, s, strlen(s));
	for (size_t i = 0; i < r.len;) {
		uint32_t cp;
		size_t len = u8_decode(r.p + i, r.len - i, &cp);
		if (len == 0) len = 1;
		if (cp < 0x80) buf_putc(out, (char)cp);
		else if (cp < 0x100) buf_printf(out, "\\x%02x", cp);
		else if (cp < 0x10000) buf_printf(out, "\\u%04x", cp);
		else buf_printf(out, "\\U%08x", cp);
		i += len;
	}
	buf_free(&r);
}

static const char *digits_lower = "0123456789abcdef";
static const char *digits_upper = "0123456789ABCDEF";

/* The body of an integer conversion: sign, 0x/0o prefix, digits padded to
 * prec (Python's _PyUnicode_FormatLong). */
static void format_long(struct buf *out, long long v, int flags, int prec, char ch)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	unsigned base = ch == 'o' ? 8 : (ch == 'x' || ch == 'X') ? 16 : 10;
	const char *dig = ch == 'X' ? digits_upper : digits_lower;
	char tmp[72];
	size_t n = 0;
	do {
		tmp[n++] = dig[u % base];
		u /= base;
	} while (u);
	if (v < 0) buf_putc(out, '-');
	if ((flags & F_ALT) && base != 10) {
		buf_putc(out, '0');
		buf_putc(out, ch);
	}
	for (long k = (long)n; k < prec; k++) buf_putc(out, '0');
	while (n) buf_putc(out, tmp[--n]);
}

static void format_float(struct buf *out, long long v, int flags, int prec, char ch)
{
	char spec[8];
	size_t k = 0;
	spec[k++] = '%';
	if (flags & F_ALT) spec[k++] = '#';
	spec[k++] = '.';
	spec[k++] = '*';
	spec[k++] = ch;
	spec[k] = '\0';
	buf_printf(out, spec, prec < 0 ? 6 : prec, (double)v);
}

/* Write body (n characters long) with width, flags and sign rules
 * (CPython's unicode_format_arg_output). */
static void output_arg(struct buf *out, const char *body, char ch, int flags,
                       long width, long prec, bool numeric)
{
	size_t blen = strlen(body);
	long len = (long)u8_count(body, blen);
	if ((width < 0 || width <= len) && (prec < 0 || prec >= len) && !(flags & (F_SIGN | F_BLANK))) {
		buf_append(out, body, blen);
		return;
	}
	if ((ch == 's' || ch == 'r' || ch == 'a') && prec >= 0 && len > prec) len = prec;
	const char *p = body;
	bool sign = numeric;
	char signchar = 0;
	if (sign) {
		if (*p == '-' || *p == '+') {
			signchar = *p++;
			len--;
		} else if (flags & F_SIGN) signchar = '+';
		else if (flags & F_BLANK) signchar = ' ';
		else sign = false;
	}
	if (width < len) width = len;
	char fill = (numeric && (flags & F_ZERO)) ? '0' : ' ';
	bool alt = (flags & F_ALT) && (ch == 'x' || ch == 'X' || ch == 'o');
	if (sign) {
		if (fill != ' ') buf_putc(out, signchar);
		if (width > len) width--;
	}
	if (alt) {
		if (fill != ' ') {
			buf_append(out, p, 2);
			p += 2;
		}
		width -= 2;
		if (width < 0) width = 0;
		len -= 2;
	}
	if (width > len && !(flags & F_LJUST)) {
		for (long k = 0; k < width - len; k++) buf_putc(out, fill);
		width = len;
	}
	if (fill == ' ') {
		if (sign) buf_putc(out, signchar);
		if (alt) {
			buf_append(out, p, 2);
			p += 2;
		}
	}
	/* copy len characters */
	size_t rem = blen - (size_t)(p - body), bytes = 0;
	for (long k = 0; k < len && bytes < rem; k++) {
		uint32_t cp;
		size_t l = u8_decode(p + bytes, rem - bytes, &cp);
		bytes += l ? l : 1;
	}
	buf_append(out, p, bytes);
	for (long k = len; k < width; k++) buf_putc(out, ' ');
}

enum xp_status xp_format(struct buf *out, const char *fmt, const struct xnames *names,
                         char **key, struct buf *reason)
{
	size_t n = strlen(fmt);
	size_t i = 0;
	struct buf body = BUF_INIT;
	enum xp_status st = XP_OK;
	while (i < n) {
		const char *pct = memchr(fmt + i, '%', n - i);
		if (!pct) {
			buf_append(out, fmt + i, n - i);
			break;
		}
		buf_append(out, fmt + i, (size_t)(pct - (fmt + i)));
		i = (size_t)(pct - fmt) + 1;
		if (i >= n) { buf_puts(reason, "incomplete format"); st = XP_BAD; goto done; }
		if (fmt[i] == '%') { buf_putc(out, '%'); i++; continue; }
		struct xv v = { false, NULL, 0 };
		bool named = false;
		if (fmt[i] == '(') {
			size_t ks = ++i;
			int depth = 1;
			while (i < n && depth > 0) {
				if (fmt[i] == ')') depth--;
				else if (fmt[i] == '(') depth++;
				i++;
			}
			if (depth > 0) { buf_puts(reason, "incomplete format key"); st = XP_BAD; goto done; }
			char *k = xstrndup(fmt + ks, i - 1 - ks);
			if (!lookup(names, k, &v)) {
				*key = k;
				st = XP_KEY;
				goto done;
			}
			free(k);
			named = true;
		}
		int flags = 0;
		for (; i < n; i++) {
			char c = fmt[i];
			if (c == '-') flags |= F_LJUST;
			else if (c == '+') flags |= F_SIGN;
			else if (c == ' ') flags |= F_BLANK;
			else if (c == '#') flags |= F_ALT;
			else if (c == '0') flags |= F_ZERO;
			else break;
		}
		long width = -1, prec = -1;
		if (i < n && fmt[i] == '*') { buf_puts(reason, "* wants int"); st = XP_BAD; goto done; }
		if (i < n && fmt[i] >= '0' && fmt[i] <= '9') {
			width = 0;
			for (; i < n && fmt[i] >= '0' && fmt[i] <= '9'; i++) {
				width = width * 10 + (fmt[i] - '0');
				if (width > XP_MAX_WIDTH) { buf_puts(reason, "width too big"); st = XP_BAD; goto done; }
			}
		}
		if (i < n && fmt[i] == '.') {
			i++;
			prec = 0;
			if (i < n && fmt[i] == '*') { buf_puts(reason, "* wants int"); st = XP_BAD; goto done; }
			for (; i < n && fmt[i] >= '0' && fmt[i] <= '9'; i++) {
				prec = prec * 10 + (fmt[i] - '0');
				if (prec > XP_MAX_WIDTH) { buf_puts(reason, "precision too big"); st = XP_BAD; goto done; }
			}
		}
		/* length modifiers are accepted and ignored */
		while (i < n && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L')) i++;
		if (i >= n) { buf_puts(reason, "incomplete format"); st = XP_BAD; goto done; }
		uint32_t ch;
		size_t chlen = u8_decode(fmt + i, n - i, &ch);
		if (chlen == 0) chlen = 1;
		size_t chpos = i;
		i += chlen;
		buf_reset(&body);
		bool numeric = false;
		switch (ch) {
		case 's': case 'r': case 'a':
			if (!named) {
				/* Python formats the whole dict here; nothing can rely on that */
				buf_printf(reason, "unnamed conversion '%%%c' (write '%%%%%c' for a literal '%%%c')",
				           (char)ch, (char)ch, (char)ch);
				st = XP_BAD;
				goto done;
			}
			if (v.is_int) buf_printf(&body, "%lld", v.i);
			else if (ch == 's') buf_puts(&body, v.s);
			else if (ch == 'r') py_repr(&body, v.s, strlen(v.s));
			else py_ascii(&body, v.s);
			break;
		case 'd': case 'i': case 'u':
		case 'o': case 'x': case 'X':
			if (!v.is_int) {
				buf_printf(reason, "%%%c format: %s is required, not %s", (char)ch,
				           (ch == 'o' || ch == 'x' || ch == 'X') ? "an integer" : "a real number",
				           named ? "str" : "dict");
				st = XP_BAD;
				goto done;
			}
			format_long(&body, v.i, flags, (int)prec, (char)ch);
			numeric = true;
			break;
		case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
			if (!v.is_int) {
				buf_printf(reason, "must be real number, not %s", named ? "str" : "dict");
				st = XP_BAD;
				goto done;
			}
			format_float(&body, v.i, flags, (int)prec, (char)ch);
			numeric = true;
			break;
		case 'c':
			if (v.is_int) {
				if (v.i < 0 || v.i > 0x10ffff) {
					buf_puts(reason, "%c arg not in range(0x110000)");
					st = XP_BAD;
					goto done;
				}
				if (v.i == 0 || (v.i >= 0xd800 && v.i <= 0xdfff)) {
					/* a NUL or a lone surrogate cannot be passed on */
					buf_puts(reason, "%c arg is not a valid character");
					st = XP_BAD;
					goto done;
				}
				char enc[4];
				buf_append(&body, enc, u8_encode((uint32_t)v.i, enc));
			} else if (named && u8_count(v.s, strlen(v.s)) == 1) {
				buf_puts(&body, v.s);
			} else {
				buf_puts(reason, "%c requires int or char");
				st = XP_BAD;
				goto done;
			}
			break;
		default: {
			size_t idx = u8_count(fmt, chpos);
			buf_printf(reason, "unsupported format character '%c' (0x%x) at index %zu",
			           (ch >= 32 && ch <= 126) ? (char)ch : '?', (unsigned)ch, idx);
			st = XP_BAD;
			goto done;
		}
		}
		output_arg(out, buf_cstr(&body), (char)ch, flags, width, prec, numeric);
		if (out->len > XP_MAX_RESULT) {
			buf_printf(reason, "result longer than %u bytes", XP_MAX_RESULT);
			st = XP_BAD;
			goto done;
		}
	}
	if (out->len > XP_MAX_RESULT) {
		buf_printf(reason, "result longer than %u bytes", XP_MAX_RESULT);
		st = XP_BAD;
	}
done:
	buf_free(&body);
	return st;
}

char *xp_expand(const char *value, const struct xnames *names, const char *ctx, char **err)
{
	if (!strchr(value, '%')) return xstrdup(value);
	struct buf out = BUF_INIT, reason = BUF_INIT;
	char *key = NULL;
	enum xp_status st = xp_format(&out, value, names, &key, &reason);
	if (st == XP_OK) {
		buf_free(&reason);
		if (!out.p) return xstrdup("");
		return buf_steal(&out);
	}
	struct buf e = BUF_INIT;
	buf_puts(&e, "Format string ");
	py_repr(&e, value, strlen(value));
	buf_puts(&e, " for ");
	py_repr(&e, ctx, strlen(ctx));
	if (st == XP_KEY) {
		buf_puts(&e, " contains names (");
		py_repr(&e, key, strlen(key));
		buf_puts(&e, ") which cannot be expanded. Available names: ");
		struct buf av = BUF_INIT;
		xp_available(&av, names);
		buf_append(&e, av.p ? av.p : "", av.len);
		buf_free(&av);
	} else {
		buf_puts(&e, " is badly formatted: ");
		buf_append(&e, reason.p ? reason.p : "", reason.len);
	}
	free(key);
	buf_free(&out);
	buf_free(&reason);
	*err = buf_steal(&e);
	return NULL;
}
