/* utf8.c — UTF-8 validation and XML-safe escaping (see utf8.h). */
#include "utf8.h"
#include "buf.h"

#define REPLACEMENT "\xef\xbf\xbd"

size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n == 0) return 0;
	unsigned c = s[0];
	if (c < 0x80) { *cp = c; return 1; }
	size_t len;
	unsigned min;
	if (c >= 0xc2 && c <= 0xdf) { len = 2; c &= 0x1f; min = 0x80; }
	else if ((c & 0xf0) == 0xe0) { len = 3; c &= 0x0f; min = 0x800; }
	else if (c >= 0xf0 && c <= 0xf4) { len = 4; c &= 0x07; min = 0x10000; }
	else return 0;
	if (len > n) return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
	*cp = c;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		if (u[i] < 0x80) { i++; continue; }
		size_t len = utf8_seq(u + i, n - i, &cp);
		if (!len) return false;
		i += len;
	}
	return true;
}

/* Bytes that go out as they are: printable ASCII but & < >, and tab, LF, CR. */
#define P16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,     /* & */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,     /* < > */
	P16, P16, P16, P16,
};
#undef P16

void utf8_xml_escape(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	buf_reserve(out, n + n / 8);
	size_t run = 0;         /* start of the pending run of plain bytes */
	size_t i = 0;
	while (i < n) {
		unsigned char c = u[i];
		if (plain[c]) { i++; continue; }
		buf_append(out, s + run, i - run);
		if (c == '&') { buf_puts(out, "&amp;"); i++; }
		else if (c == '<') { buf_puts(out, "&lt;"); i++; }
		else if (c == '>') { buf_puts(out, "&gt;"); i++; }
		else if (c < 0x80) { buf_puts(out, REPLACEMENT); i++; }
		else {
			unsigned cp;
			size_t len = utf8_seq(u + i, n - i, &cp);
			if (!len || cp == 0xfffe || cp == 0xffff) {
				buf_puts(out, REPLACEMENT);
				i += len ? len : 1;
			} else {
				buf_append(out, s + i, len);
				i += len;
			}
		}
		run = i;
	}
	buf_append(out, s + run, n - run);
}

void utf8_sanitize(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t run = 0, i = 0;
	while (i < n) {
		if (u[i] < 0x80) { i++; continue; }
		unsigned cp;
		size_t len = utf8_seq(u + i, n - i, &cp);
		if (len) { i += len; continue; }
		buf_append(out, s + run, i - run);
		buf_puts(out, REPLACEMENT);
		i++;
		run = i;
	}
	buf_append(out, s + run, n - run);
}
