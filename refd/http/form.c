/* form.c — form fields, URL quoting and HTML escaping for the web UI. */
#include "form.h"
#include "lib/buf.h"
#include "lib/utf8.h"

#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* unquote_plus(s[0..n)) into out (raw bytes). */
static void unquote_plus(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+') {
			buf_putc(out, ' ');
		} else if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			char v = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			if (v == 0) buf_append(out, s + i, 3);      /* a C string cannot hold it */
			else buf_putc(out, v);
			i += 2;
		} else if (c == '\0') {
			buf_append(out, "%00", 3);
		} else {
			buf_putc(out, c);
		}
	}
}

/* Scan s[0..n) for key; first (or last) non-empty value into *val. */
static int scan(const char *s, size_t n, const char *key, int want_last, struct buf *val)
{
	int found = 0;
	size_t i = 0;
	struct buf name = BUF_INIT;
	while (i <= n && !(found && !want_last)) {
		size_t end = i;
		while (end < n && s[end] != '&') end++;
		const char *eq = memchr(s + i, '=', end - i);
		if (eq && (size_t)(s + end - eq) > 1) {     /* has '=' and a non-empty value */
			buf_reset(&name);
			unquote_plus(&name, s + i, (size_t)(eq - (s + i)));
			if (strcmp(buf_cstr(&name), key) == 0 && name.len == strlen(key)) {
				buf_reset(val);
				unquote_plus(val, eq + 1, (size_t)(s + end - eq - 1));
				found = 1;
			}
		}
		i = end + 1;
	}
	buf_free(&name);
	return found;
}

char *form_value(const char *query, const char *body, size_t body_len, const char *key)
{
	struct buf raw = BUF_INIT;
	int found = 0;
	if (body && body_len) found = scan(body, body_len, key, 1, &raw);
	if (!found && query) found = scan(query, strlen(query), key, 0, &raw);
	if (!found) {
		buf_free(&raw);
		return NULL;
	}
	struct buf out = BUF_INIT;
	utf8_sanitize(&out, buf_cstr(&raw), raw.len);
	buf_free(&raw);
	if (out.len == 0) buf_puts(&out, "");
	return buf_steal(&out);
}

void url_quote(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		    || c == '_' || c == '.' || c == '-' || c == '~' || c == '/') {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}

void html_escape(struct buf *out, const char *s, size_t n)
{
	struct buf t = BUF_INIT;
	utf8_xml_escape(&t, s, n);          /* & < > and the unsafe code points */
	for (size_t i = 0; i < t.len; i++) {
		if (t.p[i] == '"') buf_puts(out, "&quot;");
		else if (t.p[i] == '\'') buf_puts(out, "&#39;");
		else buf_putc(out, t.p[i]);
	}
	buf_free(&t);
}

void html_escape_str(struct buf *out, const char *s)
{
	html_escape(out, s, strlen(s));
}
