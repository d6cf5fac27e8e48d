/* fuzz_http.c — the HTTP request head parser (http.md §2) and Basic
 * authentication (§4), as a connection meets them: requests one after
 * another in one buffer (pipelining), each body skipped by its
 * Content-Length, the Authorization header checked against a plain and a
 * {SHA} password.
 *
 * Beyond crashes it checks what keeps a connection in step with its
 * client: a head parses the same whatever follows it, and a strict prefix
 * of a head is never taken for a whole one. */
#include "harness.h"
#include "http/auth.h"
#include "http/request.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HEAD 1024           /* small, so that inputs reach the 431 paths */
#define MAX_REQUESTS 8

static int same_head(const struct http_request *a, const struct http_request *b)
{
	if (strcmp(a->method, b->method) || strcmp(a->uri, b->uri) || strcmp(a->path, b->path)
	    || strcmp(a->query, b->query) || a->version != b->version
	    || a->n_headers != b->n_headers || a->content_length != b->content_length
	    || a->chunked != b->chunked || a->conn_close != b->conn_close
	    || a->conn_keep_alive != b->conn_keep_alive || a->head_len != b->head_len)
		return 0;
	for (size_t i = 0; i < a->n_headers; i++)
		if (strcmp(a->headers[i].name, b->headers[i].name)
		    || strcmp(a->headers[i].value, b->headers[i].value))
			return 0;
	return 1;
}

/* One head at data[0..len): returns the bytes it and its body use, or 0
 * when the connection would stop here. */
static size_t one_request(const char *data, size_t len)
{
	struct http_request r;
	int status = 0;
	int rc = http_request_parse(&r, data, len, MAX_HEAD, &status);
	(void)http_request_line_version(data, len);
	if (rc == HTTP_PARSE_MORE) return 0;
	if (rc == HTTP_PARSE_ERROR) {
		check(status == 400 || status == 431);
		return 0;
	}
	check(rc == HTTP_PARSE_DONE && r.head_len <= len);
	check(r.version == 9 || r.version == 10 || r.version == 11);

	/* The same head alone parses the same; any shorter prefix does not
	 * make a head. */
	struct http_request again;
	check(http_request_parse(&again, data, r.head_len, MAX_HEAD, &status) == HTTP_PARSE_DONE);
	check(same_head(&r, &again));
	http_request_free(&again);
	struct http_request part;
	int prc = http_request_parse(&part, data, r.head_len - 1, MAX_HEAD, &status);
	check(prc != HTTP_PARSE_DONE);

	const char *authz = http_request_header(&r, "Authorization");
	int a1 = http_auth_check("user", "123", authz);
	int a2 = http_auth_check("user", "{SHA}40bd001563085fc35165329ea1ff5c5ecbdbbeef", authz);
	check(a1 == 0 || a1 == 400 || a1 == 401);
	check(a2 == 0 || a2 == 400 || a2 == 401);
	check((a1 == 400) == (a2 == 400));
	/* The query string is decoded the same way by the web UI. */
	free(http_percent_decode(r.query, strlen(r.query)));

	size_t used = r.head_len;
	if (r.content_length > 0) {
		if ((unsigned long long)r.content_length > len - used) used = 0;
		else used += (size_t)r.content_length;
	}
	http_request_free(&r);
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	for (int i = 0; i < MAX_REQUESTS && size; i++) {
		size_t used = one_request(p, size);
		if (!used) break;
		p += used;
		size -= used;
	}
	return 0;
}
