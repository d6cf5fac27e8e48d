/* test_http.c — the request head parser and Basic authentication. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http/auth.h"
#include "http/request.h"
#include "lib/base64.h"
#include "lib/buf.h"

static int parse(const char *s, struct http_request *r, int *status)
{
	*status = 0;
	return http_request_parse(r, s, strlen(s), 16384, status);
}

static void test_simple_post(void **state)
{
	(void)state;
	struct http_request r;
	int st;
	const char *req = "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\nbody";
	assert_int_equal(parse(req, &r, &st), HTTP_PARSE_DONE);
	assert_string_equal(r.method, "POST");
	assert_string_equal(r.path, "/RPC2");
	assert_string_equal(r.query, "");
	assert_int_equal(r.version, 11);
	assert_int_equal(r.content_length, 12);
	assert_int_equal(r.head_len, strlen(req) - 4);
	assert_string_equal(http_request_header(&r, "host"), "x");
	assert_null(http_request_header(&r, "Authorization"));
	http_request_free(&r);
}

static void test_incomplete_and_limits(void **state)
{
	(void)state;
	struct http_request r;
	int st;
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: x\r\n", &r, &st), HTTP_PARSE_MORE);
	char big[20000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "GET /", 5);
	assert_int_equal(parse(big, &r, &st), HTTP_PARSE_ERROR);
	assert_int_equal(st, 431);
}

static void test_leading_blank_lines(void **state)
{
	(void)state;
	struct http_request r;
	int st;
	/* supervisorctl's tail client sends an extra CRLF after its head. */
	const char *req = "\r\n\r\nGET /logtail/foo HTTP/1.1\r\n\r\n";
	assert_int_equal(parse(req, &r, &st), HTTP_PARSE_DONE);
	assert_string_equal(r.path, "/logtail/foo");
	assert_int_equal(r.head_len, strlen(req));
	assert_int_equal(r.content_length, -1);
	http_request_free(&r);
}

static void test_versions_and_connection(void **state)
{
	(void)state;
	struct http_request r;
	int st;
	assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r, &st), HTTP_PARSE_DONE);
	assert_int_equal(r.version, 10);
	assert_true(r.conn_keep_alive);
	assert_false(r.conn_close);
	http_request_free(&r);
	assert_int_equal(parse("GET /\r\n\r\n", &r, &st), HTTP_PARSE_DONE);
	assert_int_equal(r.version, 9);
	http_request_free(&r);
	assert_int_equal(parse("GET / HTTP/1.1\r\nconnection: close\r\n\r\n", &r, &st), HTTP_PARSE_DONE);
	assert_true(r.conn_close);
	http_request_free(&r);
}

static void test_malformed(void **state)
{
	(void)state;
	struct http_request r;
	int st;
	assert_int_equal(parse("garbage line here with spaces\r\n\r\n", &r, &st), HTTP_PARSE_ERROR);
	assert_int_equal(st, 400);
	assert_int_equal(parse("GET / HTTP/x\r\n\r\n", &r, &st), HTTP_PARSE_ERROR);
	assert_int_equal(parse("POST /RPC2 HTTP/1.1\r\nContent-Length: abc\r\n\r\n", &r, &st), HTTP_PARSE_ERROR);
	assert_int_equal(st, 400);
	assert_int_equal(parse("POST /RPC2 HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", &r, &st),
	                 HTTP_PARSE_ERROR);
	assert_int_equal(parse("POST /RPC2 HTTP/1.1\r\nContent-Length: -1\r\n\r\n", &r, &st), HTTP_PARSE_ERROR);
	assert_int_equal(parse("POST /RPC2 HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", &r, &st),
	                 HTTP_PARSE_ERROR);
}

static void test_tolerant_headers(void **state)
{
	(void)state;
	struct http_request r;
	int st;
	/* No space after the colon: supervisord misses it (411), refd reads it. */
	assert_int_equal(parse("POST /RPC2 HTTP/1.1\r\nContent-Length:88\r\nX-A: one\r\n  two\r\n\r\n", &r, &st),
	                 HTTP_PARSE_DONE);
	assert_int_equal(r.content_length, 88);
	assert_string_equal(http_request_header(&r, "x-a"), "one two");
	http_request_free(&r);
	assert_int_equal(parse("POST /RPC2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r, &st), HTTP_PARSE_DONE);
	assert_true(r.chunked);
	assert_int_equal(r.content_length, -1);
	http_request_free(&r);
}

static void test_path_decoding(void **state)
{
	(void)state;
	struct http_request r;
	int st;
	assert_int_equal(parse("GET /logtail/grp%3Afoo/stderr?x=%41 HTTP/1.1\r\n\r\n", &r, &st), HTTP_PARSE_DONE);
	assert_string_equal(r.path, "/logtail/grp:foo/stderr");
	assert_string_equal(r.query, "x=%41");
	http_request_free(&r);
	char *d = http_percent_decode("a%00b%zz%4", 10);
	assert_string_equal(d, "a%00b%zz%4");
	free(d);
}

static void test_too_many_headers(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_puts(&b, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < HTTP_MAX_HEADERS + 1; i++) buf_printf(&b, "X-%d: v\r\n", i);
	buf_puts(&b, "\r\n");
	struct http_request r;
	int st = 0;
	assert_int_equal(http_request_parse(&r, b.p, b.len, 65536, &st), HTTP_PARSE_ERROR);
	assert_int_equal(st, 431);
	buf_free(&b);
}

static char *basic(const char *userpass)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "Basic ");
	base64_encode(&b, userpass, strlen(userpass));
	return buf_steal(&b);
}

static void test_auth(void **state)
{
	(void)state;
	char *ok = basic("user:secret"), *bad = basic("user:wrong"), *nocolon = basic("usersecret");
	char *colon_in_pw = basic("user:se:cret");
	assert_int_equal(http_auth_check("user", "secret", ok), 0);
	assert_int_equal(http_auth_check("user", "secret", bad), 401);
	assert_int_equal(http_auth_check("user", "secret", NULL), 401);
	assert_int_equal(http_auth_check("user", "secret", nocolon), 401);
	assert_int_equal(http_auth_check("user", "se:cret", colon_in_pw), 0);
	assert_int_equal(http_auth_check("other", "secret", ok), 401);
	assert_int_equal(http_auth_check("user", "secret", "Digest abc"), 401);
	assert_int_equal(http_auth_check("user", "secret", "Basic"), 401);
	assert_int_equal(http_auth_check("user", "secret", "Basic a"), 400);   /* a lone symbol */
	/* scheme is case-insensitive */
	char *lower = basic("user:secret");
	memcpy(lower, "basic", 5);
	assert_int_equal(http_auth_check("user", "secret", lower), 0);
	/* {SHA}: the SHA-1 of "secret" */
	const char *sha = "{SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4";
	assert_int_equal(http_auth_check("user", sha, ok), 0);
	char *hash_as_pw = basic("user:e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4");
	assert_int_equal(http_auth_check("user", sha, hash_as_pw), 401);
	free(ok); free(bad); free(nocolon); free(colon_in_pw); free(lower); free(hash_as_pw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_post),
		cmocka_unit_test(test_incomplete_and_limits),
		cmocka_unit_test(test_leading_blank_lines),
		cmocka_unit_test(test_versions_and_connection),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_tolerant_headers),
		cmocka_unit_test(test_path_decoding),
		cmocka_unit_test(test_too_many_headers),
		cmocka_unit_test(test_auth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
