/* Unit tests: URL parsing, base64, the reply pre-check, and HTTP response
 * reading against a canned server on a socketpair-like loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rclient.h"

static void test_url(void **state)
{
    (void)state;
    struct rc_url u;
    char err[200];
    assert_int_equal(rc_url_parse("http://127.0.0.1:9001", &u, err, sizeof(err)), 0);
    assert_int_equal(u.scheme, RC_SCHEME_HTTP);
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.port, 9001);
    assert_string_equal(u.path, "/RPC2");
    assert_int_equal(rc_url_parse("http://localhost/custom", &u, err, sizeof(err)), 0);
    assert_int_equal(u.port, 80);
    assert_string_equal(u.path, "/custom");
    assert_int_equal(rc_url_parse("http://[::1]:8080/", &u, err, sizeof(err)), 0);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 8080);
    assert_int_equal(rc_url_parse("unix:///run/supervisor.sock", &u, err, sizeof(err)), 0);
    assert_int_equal(u.scheme, RC_SCHEME_UNIX);
    assert_string_equal(u.sock, "/run/supervisor.sock");
    char out[600];
    rc_url_format(&u, out, sizeof(out));
    assert_string_equal(out, "unix:///run/supervisor.sock");
    assert_int_equal(rc_url_parse("unix://relative.sock", &u, err, sizeof(err)), -1);
    assert_int_equal(rc_url_parse("ftp://x", &u, err, sizeof(err)), -1);
    assert_int_equal(rc_url_parse("http://:80", &u, err, sizeof(err)), -1);
    assert_int_equal(rc_url_parse("http://h:0", &u, err, sizeof(err)), -1);
    assert_int_equal(rc_url_parse("http://h:65536", &u, err, sizeof(err)), -1);
    assert_int_equal(rc_url_parse("http://h:12x", &u, err, sizeof(err)), -1);
    assert_int_equal(rc_url_parse("http://u:p@h:1", &u, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--user"));
}

static void test_base64(void **state)
{
    (void)state;
    char out[32];
    rc_base64("user:123", 8, out);
    assert_string_equal(out, "dXNlcjoxMjM=");
    rc_base64("ab", 2, out);
    assert_string_equal(out, "YWI=");
    rc_base64("abc", 3, out);
    assert_string_equal(out, "YWJj");
    rc_base64("", 0, out);
    assert_string_equal(out, "");
}

static void test_precheck(void **state)
{
    (void)state;
    char err[100];
    const char *ok = "<?xml version='1.0'?><!-- c --><methodResponse><params><param>"
                     "<value><string><![CDATA[<x>]]></string></value></param></params></methodResponse>";
    assert_int_equal(rc_xml_precheck(ok, strlen(ok), 10, err, sizeof(err)), 0);
    assert_int_equal(rc_xml_precheck(ok, strlen(ok), 4, err, sizeof(err)), -1);
    const char *dt = "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><methodResponse/>";
    assert_int_equal(rc_xml_precheck(dt, strlen(dt), 10, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "DOCTYPE"));
    const char *self = "<a><b/><b/><c attr='>'/></a>";
    assert_int_equal(rc_xml_precheck(self, strlen(self), 2, err, sizeof(err)), 0);
    assert_int_equal(rc_xml_precheck("<a", 2, 10, err, sizeof(err)), -1);
    /* xmlrpc-c 1.33.14 crashes on these */
    const char *i8[] = { "<i8>12x</i8>", "<ex:i8>9223372036854775808</ex:i8>", "<i8 >1 </i8>", "<i8>1&#50;</i8>" };
    for (size_t i = 0; i < sizeof(i8) / sizeof(i8[0]); i++) {
        assert_int_equal(rc_xml_precheck(i8[i], strlen(i8[i]), 10, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "i8"));
    }
    const char *i8ok[] = { "<i8>-9223372036854775808</i8>", "<ex:i8>+7</ex:i8>", "<i8/>", "<i8x>y</i8x>" };
    for (size_t i = 0; i < sizeof(i8ok) / sizeof(i8ok[0]); i++)
        assert_int_equal(rc_xml_precheck(i8ok[i], strlen(i8ok[i]), 10, err, sizeof(err)), 0);
}

/* A one-shot server: writes canned bytes to the first client on a unix
 * socket, reads whatever the client sends, then closes. */
static pid_t serve(const char *path, const char *reply, size_t len, int hold_ms)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    unlink(path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 1), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int c = accept(fd, NULL, NULL);
        char buf[4096];
        ssize_t n = read(c, buf, sizeof(buf));
        (void)n;
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(c, reply + off, len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (hold_ms)
            usleep((useconds_t)hold_ms * 1000);
        close(c);
        _exit(0);
    }
    close(fd);
    return pid;
}

static struct rc_conn *conn_to(const char *path)
{
    struct rc_url u;
    char url[200];
    snprintf(url, sizeof(url), "unix://%s", path);
    assert_int_equal(rc_url_parse(url, &u, NULL, 0), 0);
    return rc_conn_new(&u, 2000, 1 << 20);
}

static void test_http_framings(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/rclient-test-%d.sock", (int)getpid());
    struct {
        const char *reply;
        int status;
        const char *body;
        int chunked, closed;
    } cases[] = {
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello", 200, "hello", 0, 0 },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nT: x\r\n\r\n",
          200, "abcde", 1, 0 },
        { "HTTP/1.0 404 Not Found\r\n\r\nnot here", 404, "not here", 0, 1 },
        { "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\nxy", 500, "xy", 0, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pid_t pid = serve(path, cases[i].reply, strlen(cases[i].reply), 0);
        struct rc_conn *c = conn_to(path);
        struct rc_response r;
        assert_int_equal(rc_request(c, "GET", "/x", NULL, NULL, 0, &r), 0);
        assert_int_equal(r.status, cases[i].status);
        assert_int_equal(r.body_len, strlen(cases[i].body));
        assert_memory_equal(r.body, cases[i].body, r.body_len);
        assert_int_equal(r.chunked, cases[i].chunked);
        assert_int_equal(r.closed, cases[i].closed);
        if (i == 0)
            assert_string_equal(rc_response_header(&r, "x-a"), "b");
        rc_response_free(&r);
        rc_conn_free(c);
        waitpid(pid, NULL, 0);
    }
    /* an endless chunked stream is cut at the stream bound */
    const char *stream = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ntick\r\n";
    pid_t pid = serve(path, stream, strlen(stream), 1500);
    struct rc_conn *c = conn_to(path);
    const char *req = "GET /logtail/x HTTP/1.1\r\n\r\n";
    assert_int_equal(rc_conn_send(c, req, strlen(req)), 0);
    struct rc_response r;
    assert_int_equal(rc_conn_read_response(c, &r, 0, 300), 0);
    assert_true(r.timed_out);
    assert_string_equal(r.body, "tick");
    rc_response_free(&r);
    rc_conn_free(c);
    waitpid(pid, NULL, 0);
    /* a body larger than the limit is refused */
    const char *big = "HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n";
    pid = serve(path, big, strlen(big), 0);
    c = conn_to(path);
    assert_int_equal(rc_request(c, "GET", "/", NULL, NULL, 0, &r), -1);
    assert_non_null(strstr(rc_conn_error(c), "limit"));
    rc_response_free(&r);
    rc_conn_free(c);
    waitpid(pid, NULL, 0);
    /* no server at all */
    unlink(path);
    c = conn_to(path);
    assert_int_equal(rc_request(c, "GET", "/", NULL, NULL, 0, &r), -1);
    assert_non_null(strstr(rc_conn_error(c), "connect"));
    rc_response_free(&r);
    rc_conn_free(c);
}

static void test_rpc_reply(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/rclient-rpc-%d.sock", (int)getpid());
    rc_rpc_init(64 << 20);
    const char *body = "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n"
                       "<member><name>faultCode</name><value><int>10</int></value></member>\n"
                       "<member><name>faultString</name><value><string>BAD_NAME: x</string></value></member>\n"
                       "</struct></value>\n</fault>\n</methodResponse>\n";
    char reply[1024];
    snprintf(reply, sizeof(reply), "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    pid_t pid = serve(path, reply, strlen(reply), 0);
    struct rc_conn *c = conn_to(path);
    struct rc_rpc_result res;
    assert_int_equal(rc_rpc_call(c, "supervisor.getProcessInfo", NULL, &res), 0);
    assert_true(res.is_fault);
    assert_int_equal(res.fault_code, 10);
    assert_string_equal(res.fault_string, "BAD_NAME: x");
    rc_rpc_result_free(&res);
    rc_conn_free(c);
    waitpid(pid, NULL, 0);
    /* a reply nested deeper than the pre-check allows never reaches xmlrpc-c */
    size_t depth = 5000;
    struct {
        char *p;
        size_t n;
    } deep = { malloc(depth * 40 + 200), 0 };
    deep.n = (size_t)sprintf(deep.p, "<?xml version='1.0'?><methodResponse><params><param>");
    for (size_t i = 0; i < depth; i++)
        deep.n += (size_t)sprintf(deep.p + deep.n, "<value><array><data>");
    char *full = malloc(deep.n + 200);
    int hl = sprintf(full, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", deep.n);
    memcpy(full + hl, deep.p, deep.n);
    pid = serve(path, full, (size_t)hl + deep.n, 0);
    c = conn_to(path);
    assert_int_equal(rc_rpc_call(c, "x.y", NULL, &res), -1);
    assert_non_null(res.fault_string);
    assert_non_null(strstr(res.fault_string, "deeper"));
    rc_rpc_result_free(&res);
    rc_conn_free(c);
    waitpid(pid, NULL, 0);
    free(deep.p);
    free(full);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_precheck),
        cmocka_unit_test(test_http_framings),
        cmocka_unit_test(test_rpc_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
