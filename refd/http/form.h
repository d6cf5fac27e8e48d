/* form.h — the text work of the web UI: reading form fields the way
 * supervisord's does, and writing URLs and HTML safely (http.md §8).
 * Pure: strings in, strings out. */
#ifndef REFD_HTTP_FORM_H
#define REFD_HTTP_FORM_H

#include <stddef.h>

struct buf;

/* The value of field key, as supervisord's web UI sees it: the query
 * string's first non-empty value (Python's parse_qs), overridden by the
 * POST body's last non-empty value (parse_qsl, later pairs win). '+' is a
 * space, %XX a byte (an invalid escape stays as it is, %00 too), and the
 * result is UTF-8 with invalid sequences replaced by U+FFFD. Returns NULL
 * when the field is absent or empty; the caller frees. body may be NULL. */
char *form_value(const char *query, const char *body, size_t body_len, const char *key);

/* Python's urllib.parse.quote(s) (safe "/"): everything but letters,
 * digits, "_.-~" and "/" becomes %XX of its UTF-8 bytes. */
void url_quote(struct buf *out, const char *s);

/* s[0..n) as HTML text or attribute value: & < > " ' escaped, invalid
 * UTF-8 and control characters other than TAB, LF and CR replaced by
 * U+FFFD. */
void html_escape(struct buf *out, const char *s, size_t n);
void html_escape_str(struct buf *out, const char *s);

#endif
