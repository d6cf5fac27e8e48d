/* fuzz_form.c — the web UI's text work (http/form.c): a form field read
 * from a query string and a POST body as supervisord's web UI reads them,
 * then written back into a URL and into HTML.
 *
 * Input: one byte choosing the field's name, the query string up to the
 * first newline, then the POST body (absent when there is no newline).
 *
 * Beyond crashes it checks what the pages rely on: a field is absent or a
 * non-empty, valid UTF-8 string; a quoted URL holds only unreserved bytes
 * and %XX; escaped HTML is valid UTF-8 with no markup character left. */
#include "harness.h"
#include "http/form.h"
#include "lib/buf.h"
#include "lib/utf8.h"

#include <ctype.h>
#include <string.h>

static const char *const keys[] = { "processname", "action", "limit", "message", "", "a b" };

static void check_quoted(const struct buf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->p[i];
		if (c == '%') {
			check(i + 2 < b->len);
			check(isxdigit((unsigned char)b->p[i + 1]) && isxdigit((unsigned char)b->p[i + 2]));
			i += 2;
			continue;
		}
		check(isalnum(c) || strchr("_.-~/", c) != NULL);
	}
}

static void check_html(const struct buf *b)
{
	check(utf8_valid(b->p ? b->p : "", b->len));
	for (size_t i = 0; i < b->len; i++) check(b->p[i] != '\0' && !strchr("<>\"'", b->p[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1) return 0;
	const char *key = keys[data[0] % (sizeof keys / sizeof keys[0])];
	const char *rest = (const char *)data + 1;
	size_t n = size - 1;
	const char *nl = memchr(rest, '\n', n);
	size_t qlen = nl ? (size_t)(nl - rest) : n;
	char *query = malloc(qlen + 1);
	if (!query) return 0;
	memcpy(query, rest, qlen);
	query[qlen] = '\0';             /* a NUL inside ends the query early */
	const char *body = nl ? nl + 1 : NULL;
	size_t body_len = nl ? n - qlen - 1 : 0;

	char *value = form_value(query, body, body_len, key);
	struct buf out = BUF_INIT;
	if (value) {
		check(value[0] != '\0');
		check(utf8_valid(value, strlen(value)));
		url_quote(&out, value);
		check_quoted(&out);
		buf_reset(&out);
		html_escape_str(&out, value);
		check_html(&out);
		buf_reset(&out);
	}
	html_escape(&out, rest, n);
	check_html(&out);
	buf_free(&out);
	free(value);
	free(query);
	return 0;
}
