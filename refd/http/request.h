/* request.h — the HTTP/1.x request head parser (http.md §2).
 *
 * Pure: bytes in, a parsed head out, no I/O and no global state (the fuzz
 * harness calls it directly). The parser is tolerant where the original
 * is strict about spacing, and strict where sloppiness would let a client
 * desynchronise the connection (Content-Length). */
#ifndef REFD_HTTP_REQUEST_H
#define REFD_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_HEADERS 100

struct http_header {
	char *name;                 /* as sent */
	char *value;                /* trimmed; continuation lines joined by a space */
};

struct http_request {
	char *method;
	char *uri;                  /* as sent */
	char *path;                 /* the part before '?', percent-decoded */
	char *query;                /* after '?', raw; "" when none */
	int version;                /* 10 or 11; 9 for a line with no version */
	char version_text[12];      /* "1.1", "1.0", or "" */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t n_headers;
	long long content_length;   /* -1 = no Content-Length */
	bool chunked;               /* Transfer-Encoding: chunked */
	bool conn_close;            /* Connection: close */
	bool conn_keep_alive;       /* Connection: keep-alive */
	size_t head_len;            /* bytes of input the head used, blank lines before it included */
};

enum {
	HTTP_PARSE_MORE = 0,        /* the head is not complete yet */
	HTTP_PARSE_DONE = 1,
	HTTP_PARSE_ERROR = -1,      /* *status says what to answer */
};

/* Parse the head at the start of data[0..len). Blank lines before the
 * request line are skipped (supervisorctl sends an extra CRLF after its
 * streaming request). Errors: 400 malformed, 431 head over max_head or
 * too many headers. On DONE the caller owns r and frees it with
 * http_request_free. */
int http_request_parse(struct http_request *r, const char *data, size_t len,
                       size_t max_head, int *status);
void http_request_free(struct http_request *r);
/* The first header of that name (case-insensitive), or NULL. */
const char *http_request_header(const struct http_request *r, const char *name);
/* The version a request line names (11 for "HTTP/1.1", else 10), for
 * answering a request whose head is malformed further down. */
int http_request_line_version(const char *data, size_t len);
/* Percent-decode s[0..n) into a new string; "%00" stays as it is. */
char *http_percent_decode(const char *s, size_t n);

#endif
