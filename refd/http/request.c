/* request.c — HTTP request head parser (see request.h). */
#include "request.h"
#include "lib/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

char *http_percent_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n) {
			int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
			if (hi >= 0 && lo >= 0 && (hi | lo)) {
				*o++ = (char)(hi << 4 | lo);
				i += 2;
				continue;
			}
		}
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

int http_request_line_version(const char *data, size_t len)
{
	size_t i = 0;
	while (i < len && (data[i] == '\r' || data[i] == '\n')) i++;
	const char *line = data + i;
	const char *eol = memchr(line, '\r', len - i);
	size_t n = eol ? (size_t)(eol - line) : len - i;
	return n >= 9 && memcmp(line + n - 9, " HTTP/1.1", 9) == 0 ? 11 : 10;
}

void http_request_free(struct http_request *r)
{
	free(r->method);
	free(r->uri);
	free(r->path);
	free(r->query);
	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	memset(r, 0, sizeof *r);
}

const char *http_request_header(const struct http_request *r, const char *name)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
	return NULL;
}

static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
	return xstrndup(s, n);
}

/* Does the comma-separated header value list contain token? */
static bool has_token(const char *v, const char *token)
{
	size_t tl = strlen(token);
	const char *p = v;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',') p++;
		const char *start = p;
		while (*p && *p != ',') p++;
		const char *end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
		if ((size_t)(end - start) == tl && strncasecmp(start, token, tl) == 0) return true;
	}
	return false;
}

static int parse_request_line(struct http_request *r, const char *line, size_t n)
{
	/* METHOD SP URI [SP HTTP/x.y]: no spaces inside METHOD or URI. */
	const char *sp1 = memchr(line, ' ', n);
	if (!sp1 || sp1 == line) return -1;
	const char *uri = sp1 + 1;
	size_t rest = n - (size_t)(uri - line);
	const char *sp2 = memchr(uri, ' ', rest);
	size_t urilen = sp2 ? (size_t)(sp2 - uri) : rest;
	if (urilen == 0) return -1;
	for (const char *p = line; p < line + n; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) return -1;
	if (sp2) {
		const char *ver = sp2 + 1;
		size_t vlen = n - (size_t)(ver - line);
		if (vlen < 6 || memcmp(ver, "HTTP/", 5) != 0 || vlen - 5 >= sizeof r->version_text) return -1;
		for (size_t i = 5; i < vlen; i++)
			if (!isdigit((unsigned char)ver[i]) && ver[i] != '.') return -1;
		memcpy(r->version_text, ver + 5, vlen - 5);
		r->version_text[vlen - 5] = '\0';
		r->version = strcmp(r->version_text, "1.1") == 0 ? 11 : 10;
	} else {
		r->version = 9;
		r->version_text[0] = '\0';
	}
	r->method = xstrndup(line, (size_t)(sp1 - line));
	r->uri = xstrndup(uri, urilen);
	const char *q = memchr(uri, '?', urilen);
	size_t plen = q ? (size_t)(q - uri) : urilen;
	r->path = memchr(uri, '%', plen) ? http_percent_decode(uri, plen) : xstrndup(uri, plen);
	r->query = q ? xstrndup(q + 1, urilen - plen - 1) : xstrdup("");
	return 0;
}

static int parse_content_length(struct http_request *r, const char *v)
{
	const char *p = v;
	if (!*p) return -1;
	long long n = 0;
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p)) return -1;
		if (n > (1LL << 50)) return -1;        /* absurd: reject before overflow */
		n = n * 10 + (*p - '0');
	}
	if (r->content_length >= 0 && r->content_length != n) return -1;
	r->content_length = n;
	return 0;
}

int http_request_parse(struct http_request *r, const char *data, size_t len,
                       size_t max_head, int *status)
{
	memset(r, 0, sizeof *r);
	r->content_length = -1;
	size_t start = 0;
	while (start < len && (data[start] == '\r' || data[start] == '\n')) start++;
	/* Find the end of the head. */
	const char *head = data + start;
	size_t avail = len - start;
	const char *end = NULL;
	for (size_t i = 0; i + 3 < avail; i++) {
		if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n') {
			end = head + i;
			break;
		}
	}
	if (!end) {
		if (avail > max_head || start > max_head) { *status = 431; return HTTP_PARSE_ERROR; }
		return HTTP_PARSE_MORE;
	}
	size_t hlen = (size_t)(end - head);
	if (hlen + 4 > max_head) { *status = 431; return HTTP_PARSE_ERROR; }
	r->head_len = start + hlen + 4;

	const char *p = head, *stop = end;
	const char *eol = memchr(p, '\r', (size_t)(stop - p));
	if (!eol) eol = stop;
	if (parse_request_line(r, p, (size_t)(eol - p)) < 0) goto bad;
	p = eol < stop ? eol + 2 : stop;
	while (p < stop) {
		eol = memchr(p, '\r', (size_t)(stop - p));
		if (!eol) eol = stop;
		size_t ln = (size_t)(eol - p);
		if (eol + 1 < stop && eol[1] != '\n') goto bad;      /* a bare CR */
		if (ln && (*p == ' ' || *p == '\t')) {
			/* Continuation of the previous header's value. */
			if (r->n_headers) {
				struct http_header *h = &r->headers[r->n_headers - 1];
				char *more = trimmed(p, ln);
				char *joined = xasprintf("%s %s", h->value, more);
				free(more);
				free(h->value);
				h->value = joined;
			}
		} else if (ln) {
			const char *colon = memchr(p, ':', ln);
			if (colon && colon > p) {
				if (r->n_headers == HTTP_MAX_HEADERS) { *status = 431; goto fail; }
				struct http_header *h = &r->headers[r->n_headers++];
				h->name = trimmed(p, (size_t)(colon - p));
				h->value = trimmed(colon + 1, ln - (size_t)(colon + 1 - p));
			}
		}
		p = eol < stop ? eol + 2 : stop;
	}
	for (size_t i = 0; i < r->n_headers; i++) {
		struct http_header *h = &r->headers[i];
		if (strcasecmp(h->name, "Content-Length") == 0) {
			if (parse_content_length(r, h->value) < 0) goto bad;
		} else if (strcasecmp(h->name, "Transfer-Encoding") == 0) {
			if (has_token(h->value, "chunked")) r->chunked = true;
		} else if (strcasecmp(h->name, "Connection") == 0) {
			if (has_token(h->value, "close")) r->conn_close = true;
			if (has_token(h->value, "keep-alive")) r->conn_keep_alive = true;
		}
	}
	/* A chunked body cannot be framed by us: it is answered 411 as if the
	 * length were missing (http.md §5), never read as the next request. */
	if (r->chunked) r->content_length = -1;
	return HTTP_PARSE_DONE;
bad:
	*status = 400;
fail:
	http_request_free(r);
	return HTTP_PARSE_ERROR;
}
