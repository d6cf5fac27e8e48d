/* pystr.c — Python-compatible repr() and int() (see pystr.h). */
#include "pystr.h"
#include "buf.h"
#include "mem.h"
#include "unicode.h"
#include "utf8.h"

#include <limits.h>
#include <string.h>

bool py_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
	    || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x1f;
}

/* Python's str.isprintable(), from the generated Unicode tables. */
static bool py_printable(unsigned cp)
{
	return uc_isprintable(cp);
}

void py_repr(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	bool has_sq = memchr(s, '\'', n) != NULL;
	bool has_dq = memchr(s, '"', n) != NULL;
	char q = (has_sq && !has_dq) ? '"' : '\'';
	buf_putc(out, q);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_seq(u + i, n - i, &cp);
		if (len == 0) {            /* not text: show the byte */
			buf_printf(out, "\\x%02x", u[i]);
			i++;
			continue;
		}
		if (cp == (unsigned char)q || cp == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, (char)cp);
		} else if (cp == '\n') buf_puts(out, "\\n");
		else if (cp == '\r') buf_puts(out, "\\r");
		else if (cp == '\t') buf_puts(out, "\\t");
		else if (!py_printable(cp)) {
			if (cp < 0x100) buf_printf(out, "\\x%02x", cp);
			else if (cp < 0x10000) buf_printf(out, "\\u%04x", cp);
			else buf_printf(out, "\\U%08x", cp);
		} else {
			buf_append(out, s + i, len);
		}
		i += len;
	}
	buf_putc(out, q);
}

void py_bytes_repr(struct buf *out, const char *s, size_t n)
{
	bool has_sq = memchr(s, '\'', n) != NULL, has_dq = memchr(s, '"', n) != NULL;
	char q = has_sq && !has_dq ? '"' : '\'';
	buf_putc(out, 'b');
	buf_putc(out, q);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\\' || ch == (unsigned char)q) {
			buf_putc(out, '\\');
			buf_putc(out, (char)ch);
		} else if (ch == '\n') buf_puts(out, "\\n");
		else if (ch == '\r') buf_puts(out, "\\r");
		else if (ch == '\t') buf_puts(out, "\\t");
		else if (ch < 0x20 || ch >= 0x7f) buf_printf(out, "\\x%02x", ch);
		else buf_putc(out, (char)ch);
	}
	buf_putc(out, q);
}

char *py_repr_str(const char *s)
{
	struct buf b = BUF_INIT;
	py_repr(&b, s, strlen(s));
	return buf_steal(&b);
}

int py_int(const char *s, long long *out)
{
	const char *p = s;
	while (*p && py_isspace((unsigned char)*p)) p++;
	bool neg = false;
	if (*p == '+' || *p == '-') neg = (*p++ == '-');
	if (*p < '0' || *p > '9') return -1;
	unsigned long long v = 0;
	bool overflow = false;
	const unsigned long long lim = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	while (1) {
		if (*p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p - '0');
			if (v > (lim - d) / 10) overflow = true;
			else v = v * 10 + d;
			p++;
		} else if (*p == '_' && p[1] >= '0' && p[1] <= '9') {
			p++;
		} else break;
	}
	while (*p && py_isspace((unsigned char)*p)) p++;
	if (*p) return -1;
	if (overflow) return -2;
	if (neg) *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	else *out = (long long)v;
	return 0;
}

void py_int_error(struct buf *out, const char *s)
{
	buf_puts(out, "invalid literal for int() with base 10: ");
	py_repr(out, s, strlen(s));
}

char *py_strip(const char *s)
{
	while (*s && py_isspace((unsigned char)*s)) s++;
	size_t n = strlen(s);
	while (n && py_isspace((unsigned char)s[n - 1])) n--;
	return xstrndup(s, n);
}
