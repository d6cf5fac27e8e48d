/* Unit tests: the session grammar, directives and sidecars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session.h"

static struct session *S(const char *doc)
{
    struct session *s = session_parse("doc", doc, strlen(doc));
    assert_non_null(s);
    return s;
}

static int has_error(const struct session *s, int line, const char *part)
{
    for (size_t i = 0; i < s->nerrors; i++)
        if ((line == 0 || s->errors[i].line == line) && strstr(s->errors[i].msg, part))
            return 1;
    return 0;
}

static void test_fenced_case(void **state)
{
    (void)state;
    struct session *s = S(
        "# title\n"
        "\n"
        "<!-- id: a.b; tags: x, y; level: should -->\n"
        "Some prose.\n"
        "\n"
        "```python\n"
        ">>> s.supervisor.getState()\n"
        "{'statecode': 1,\n"
        " 'statename': 'RUNNING'}\n"
        ">>> s.supervisor.startProcess('a',\n"
        "...     False)  # conform: wait: 5; type: pid\n"
        "True\n"
        ">>> s.supervisor.getProcessInfo('nosuch')\n"
        "Traceback (most recent call last):\n"
        "  File \"<stdin>\", line 1, in <module>\n"
        "xmlrpc.client.Fault: <Fault 10: \"BAD_NAME: it's\">\n"
        "```\n");
    assert_int_equal(s->nerrors, 0);
    assert_int_equal(s->ncases, 1);
    struct scase *c = &s->cases[0];
    assert_string_equal(c->id, "a.b");
    assert_true(c->id_explicit);
    assert_true(tags_has(c->tags, "x") && tags_has(c->tags, "y"));
    assert_int_equal(c->level, LEVEL_SHOULD);
    assert_int_equal(c->nsteps, 3);
    assert_int_equal(c->steps[0].line, 7);
    assert_string_equal(c->steps[0].method, "supervisor.getState");
    assert_int_equal(c->steps[0].expect, EXPECT_VALUE);
    assert_int_equal(c->steps[0].exp_value->type, PV_DICT);
    struct step *st = &c->steps[1];
    assert_string_equal(st->var, "s");
    assert_int_equal(st->args->len, 2);
    assert_int_equal(st->args->items[1]->type, PV_BOOL);
    assert_true(st->opts.wait == 5.0);
    assert_string_equal(st->opts.type_only[0], "pid");
    st = &c->steps[2];
    assert_int_equal(st->expect, EXPECT_FAULT);
    assert_int_equal(st->fault_code, 10);
    assert_string_equal(st->fault_string, "BAD_NAME: it's");
    session_free(s);
}

static void test_indented_doctest_and_implicit_ids(void **state)
{
    (void)state;
    struct session *s = S(
        "Prose.\n"
        "\n"
        "    >>> import xmlrpclib\n"
        "    >>> s = xmlrpclib.ServerProxy('http://localhost:9001')\n"
        "\n"
        "More prose.\n"
        "\n"
        "    >>> s.twiddler.getAPIVersion()\n"
        "    '0.1'\n"
        "    >>> s.supervisor.readProcessLog('x', 0, 50)\n"
        "    'total 0\n"
        "    drwxr-xr-x  9 a b'\n"
        "    >>> s.supervisor.getState()\n"
        "    >>> s.supervisor.getState()['statename']\n"
        "    'RUNNING'\n");
    assert_int_equal(s->nerrors, 0);
    assert_int_equal(s->ncases, 4);
    assert_true(s->cases[0].setup);
    assert_int_equal(s->cases[0].steps[1].kind, STEP_PROXY);
    assert_false(s->cases[0].steps[1].proxy_unix);
    assert_string_equal(s->cases[1].id, "doc.twiddler.getAPIVersion");
    assert_string_equal(s->cases[2].id, "doc.supervisor.readProcessLog");
    assert_int_equal(s->cases[2].steps[0].expect, EXPECT_TEXT);
    assert_string_equal(s->cases[2].steps[0].expected_text, "'total 0\ndrwxr-xr-x  9 a b'");
    /* an unchecked call joins the next checked one */
    assert_int_equal(s->cases[3].nsteps, 2);
    assert_int_equal(s->cases[3].steps[0].expect, EXPECT_NONE);
    assert_int_equal(s->cases[3].steps[1].nsubscripts, 1);
    session_free(s);
}

static void test_duplicate_implicit_ids_get_hashes(void **state)
{
    (void)state;
    struct session *s = S(">>> s.a.b(1)\n1\n\n>>> s.a.b(2)\n2\n");
    assert_int_equal(s->ncases, 2);
    assert_string_not_equal(s->cases[0].id, s->cases[1].id);
    assert_int_equal(strncmp(s->cases[0].id, "doc.a.b.", 8), 0);
    session_free(s);
    s = S("<!-- id: same -->\n```\n>>> s.a.b()\n1\n```\n<!-- id: same -->\n```\n>>> s.a.c()\n1\n```\n");
    assert_true(has_error(s, 0, "duplicate case id 'same'"));
    session_free(s);
}

static void test_config_and_file_directives(void **state)
{
    (void)state;
    struct session *s = S(
        "<!-- file-tags: f1 -->\n"
        "<!-- auth: user pw -->\n"
        "<!-- config\n"
        "[supervisord]\n"
        "logfile={tmp}/x.log\n"
        "-->\n"
        "<!-- an ordinary comment that is not a directive -->\n"
        "<!-- id: c1; needs: c0; only: refd; except: other; requires: twiddler; skip: later -->\n"
        "```\n>>> s.x.y()\n1\n```\n");
    assert_int_equal(s->nerrors, 0);
    assert_string_equal(s->config, "[supervisord]\nlogfile={tmp}/x.log\n");
    assert_string_equal(s->auth_user, "user");
    assert_string_equal(s->auth_password, "pw");
    assert_true(tags_has(s->file_tags, "f1"));
    struct scase *c = &s->cases[0];
    assert_string_equal(c->needs[0], "c0");
    assert_string_equal(c->only[0], "refd");
    assert_string_equal(c->except[0], "other");
    assert_string_equal(c->requires[0], "twiddler");
    assert_string_equal(c->skip, "later");
    session_free(s);
}

static void test_errors_name_lines(void **state)
{
    (void)state;
    struct session *s = S("text\n<!-- id: x; level: sometimes -->\n```\n>>> s.a.b()\n1\n```\n");
    assert_true(has_error(s, 2, "level"));
    session_free(s);
    s = S("```python\n>>> s.a.b()\n");
    assert_true(has_error(s, 1, "unterminated code fence"));
    session_free(s);
    s = S("<!-- id: x; colour: red -->\n```\n>>> s.a.b()\n1\n```\n");
    assert_true(has_error(s, 1, "unknown directive 'colour'"));
    session_free(s);
    s = S("\n\n>>> s.a.b(1, =)\n1\n");
    assert_true(has_error(s, 3, "argument"));
    session_free(s);
    s = S(">>> s.a.b()  # conform: id: x\n1\n");
    assert_true(has_error(s, 1, "not a step directive"));
    session_free(s);
    s = S(">>> s.a.b(x=1)\n1\n");
    assert_true(has_error(s, 1, "keyword"));
    session_free(s);
    s = S(">>> s.a.b()\nxmlrpc.client.Fault: <Fault ten: 'x'>\n");
    assert_true(has_error(s, 1, "malformed fault"));
    session_free(s);
    s = S("<!-- id: x\n");
    assert_true(has_error(s, 1, "unterminated HTML comment"));
    session_free(s);
}

static void test_http_block(void **state)
{
    (void)state;
    struct session *s = S(
        "<!-- id: h; via: unix -->\n"
        "```http\n"
        "> POST /RPC2 HTTP/1.1\n"
        "> Content-Length: {length}\n"
        ">\n"
        "> <body/>\n"
        "< HTTP/1.1 400 Bad ...\n"
        "< Content-Type: text/html\n"
        "< !Connection\n"
        "<\n"
        "< ...Error...\n"
        "< (closed)\n"
        "\n"
        "> GET / HTTP/1.1\n"
        "< (no response)\n"
        "```\n");
    assert_int_equal(s->nerrors, 0);
    assert_int_equal(s->ncases, 1);
    struct scase *c = &s->cases[0];
    assert_int_equal(c->nsteps, 2);
    struct step *st = &c->steps[0];
    assert_int_equal(st->kind, STEP_HTTP);
    assert_string_equal(st->http_request,
                        "POST /RPC2 HTTP/1.1\r\nContent-Length: {length}\r\n\r\n<body/>");
    assert_int_equal(st->http.status, 400);
    assert_string_equal(st->http.reason, "Bad ...");
    assert_int_equal(st->http.nhdrs, 2);
    assert_null(st->http.hdr_values[1]);
    assert_string_equal(st->http.body, "...Error...");
    assert_int_equal(st->http.after, 1);
    assert_string_equal(st->via, "unix");
    assert_true(c->steps[1].http.no_response);
    session_free(s);
    s = S("```http\n> GET / HTTP/1.1\n```\n");
    assert_true(has_error(s, 0, "response line"));
    session_free(s);
    s = S("```http\n> GET / HTTP/1.1\n< 200 OK\n```\n");
    assert_true(has_error(s, 3, "status line"));
    session_free(s);
}

static void test_fence_languages(void **state)
{
    (void)state;
    /* only Python (or bare) fences are replayed; others are shown */
    struct session *s = S("```sh\n>>> s.a.b()\n1\n```\n~~~text\n>>> s.a.c()\n1\n~~~\n"
                          "```pycon\n>>> s.a.d()\n1\n```\n````\n>>> s.a.e()\n1\n````\n");
    assert_int_equal(s->nerrors, 0);
    assert_int_equal(s->ncases, 2);
    assert_string_equal(s->cases[0].steps[0].method, "a.d");
    assert_string_equal(s->cases[1].steps[0].method, "a.e");
    session_free(s);
}

static void test_protocol_error_and_text(void **state)
{
    (void)state;
    struct session *s = S(
        ">>> s.a.b(42)\n"
        "Traceback (most recent call last):\n"
        "  ...\n"
        "xmlrpc.client.ProtocolError: <ProtocolError for localhost/RPC2: 500 Internal Server Error>\n"
        "\n"
        ">>> s.a.c()\n"
        "not a literal\n");
    assert_int_equal(s->cases[0].steps[0].expect, EXPECT_PROTOCOL_ERROR);
    assert_int_equal(s->cases[0].steps[0].http_status, 500);
    assert_int_equal(s->cases[1].steps[0].expect, EXPECT_TEXT);
    assert_non_null(s->cases[1].steps[0].expect_error);
    session_free(s);
}

static void test_sidecar(void **state)
{
    (void)state;
    const char *doc =
        "# thing\n"
        "    >>> s = xmlrpclib.ServerProxy('http://127.0.0.1/x', SupervisorTransport('', '', 'unix:///p.sock'))\n"
        "\n"
        "text\n"
        "\n"
        "    >>> s.supervisor.addThing('a', 'b',\n"
        "    ... {'c': 'd'})\n"
        "    True\n"
        "    >>> s.supervisor.readProcessLog('a', 0, 50)\n"
        "    'x\n"
        "    y'\n";
    const char *side =
        "# comment\n"
        "match: # thing\n"
        "match: addThing\n"
        "tags: seed\n"
        "requires: supervisor\n"
        "\n"
        "[step s.supervisor.addThing('a', 'b', ...)]\n"
        "id: seed.add\n"
        "level: info\n"
        "\n"
        "[step s.supervisor.readProcessLog('a', 0, 50)]\n"
        "id: seed.read\n"
        "illustrative: str\n"
        "wait: 10\n"
        "until: nonempty\n";
    struct session_error *errs;
    size_t nerrs;
    struct sidecar *sc = sidecar_parse(side, strlen(side), &errs, &nerrs);
    assert_int_equal(nerrs, 0);
    free(errs);
    assert_true(sidecar_matches(sc, doc, strlen(doc)));
    assert_false(sidecar_matches(sc, "other", 5));
    struct session *s = S(doc);
    assert_true(s->cases[0].setup);
    assert_true(s->cases[0].steps[0].proxy_unix);
    sidecar_apply(sc, s);
    assert_int_equal(s->nerrors, 0);
    assert_string_equal(s->cases[1].id, "seed.add");
    assert_int_equal(s->cases[1].level, LEVEL_INFO);
    assert_true(tags_has(s->cases[1].tags, "seed"));
    assert_string_equal(s->cases[1].requires[0], "supervisor");
    struct step *rd = &s->cases[2].steps[0];
    assert_string_equal(s->cases[2].id, "seed.read");
    assert_true(rd->opts.illustrative);
    assert_int_equal(rd->opts.illus_type, PV_STR);
    assert_true(rd->opts.wait == 10.0);
    assert_int_equal(rd->opts.until, UNTIL_NONEMPTY);
    session_free(s);
    sidecar_free(sc);

    sc = sidecar_parse("match: x\n[step nothing.matches()]\nid: z\n[bogus]\n", 42, &errs, &nerrs);
    assert_int_equal(nerrs, 1);
    free(errs[0].msg);
    free(errs);
    s = S(">>> s.a.b()\n1\n");
    sidecar_apply(sc, s);
    assert_true(has_error(s, 2, "matches no step"));
    session_free(s);
    sidecar_free(sc);
}

/* Found by the sanitizer build: a status line that ends the document was
 * read with atoi past the end of the (unterminated) buffer. */
static void test_status_line_at_end(void **state)
{
    (void)state;
    static const char doc[] = "```http\n> GET / HTTP/1.1\n< HTTP/1.1 200";
    char *exact = malloc(sizeof doc - 1);
    assert_non_null(exact);
    memcpy(exact, doc, sizeof doc - 1);
    struct session *s = session_parse("eof", exact, sizeof doc - 1);
    assert_non_null(s);
    session_free(s);
    free(exact);
}

/* Found by fuzz_session: "ellipsis: <value>" compared the value's length of
 * bytes of "off" and "no", reading past them for a longer value (and taking
 * any prefix of them, "o" or "n", for off). */
static void test_ellipsis_values(void **state)
{
    (void)state;
    struct session *s = S(">>> s.a.b()  # conform: ellipsis: off\n1\n"
                          ">>> s.a.c()  # conform: ellipsis: no\n1\n"
                          ">>> s.a.d()  # conform: ellipsis: o\n1\n"
                          ">>> s.a.e()  # conform: ellipsis: offbeat-and-longer\n1\n");
    int want[] = {0, 0, 1, 1}, k = 0;
    for (size_t i = 0; i < s->ncases; i++)
        for (size_t j = 0; j < s->cases[i].nsteps && k < 4; j++)
            assert_int_equal(s->cases[i].steps[j].opts.ellipsis, want[k++]);
    assert_int_equal(k, 4);
    session_free(s);
    static const char side[] = "match:p\nellipsis:.mpy-and-more";
    char *exact = malloc(sizeof side - 1);
    assert_non_null(exact);
    memcpy(exact, side, sizeof side - 1);
    struct session_error *errs;
    size_t nerrs;
    struct sidecar *sc = sidecar_parse(exact, sizeof side - 1, &errs, &nerrs);
    for (size_t i = 0; i < nerrs; i++)
        free(errs[i].msg);
    free(errs);
    s = S("p\n");
    sidecar_apply(sc, s);
    session_free(s);
    sidecar_free(sc);
    free(exact);
}

/* Garbage never crashes the parser (a cheap stand-in for the fuzzer). */
static void test_garbage(void **state)
{
    (void)state;
    static const char *const bits[] = {
        ">>> ", "... ", "```", "```http\n", "<!-- ", "-->", "id: x;", "config\n", "'", "\"",
        "[", "]", "{", "}", "(", ")", "\\", "\n", "  ", "> ", "< ", "HTTP/1.1 200 OK",
        "Traceback (most recent call last):\n", "xmlrpc.client.Fault: <Fault 1: '", "s.a.b(",
        "...", "# conform: wait: 1", "\x00", "\xff", "type: [*]", "r'", "0x", "1e", "-",
    };
    uint32_t seed = 12345;
    char buf[512];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        int pieces = (int)(seed % 24) + 1;
        for (int k = 0; k < pieces; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *b = bits[(seed >> 8) % (sizeof(bits) / sizeof(bits[0]))];
            size_t bl = b[0] ? strlen(b) : 1;
            if (len + bl >= sizeof(buf))
                break;
            memcpy(buf + len, b, bl);
            len += bl;
        }
        struct session *s = session_parse("fuzz", buf, len);
        assert_non_null(s);
        session_free(s);
        struct session_error *errs;
        size_t nerrs;
        struct sidecar *sc = sidecar_parse(buf, len, &errs, &nerrs);
        for (size_t i = 0; i < nerrs; i++)
            free(errs[i].msg);
        free(errs);
        sidecar_free(sc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fenced_case),
        cmocka_unit_test(test_indented_doctest_and_implicit_ids),
        cmocka_unit_test(test_duplicate_implicit_ids_get_hashes),
        cmocka_unit_test(test_config_and_file_directives),
        cmocka_unit_test(test_errors_name_lines),
        cmocka_unit_test(test_http_block),
        cmocka_unit_test(test_fence_languages),
        cmocka_unit_test(test_protocol_error_and_text),
        cmocka_unit_test(test_sidecar),
        cmocka_unit_test(test_status_line_at_end),
        cmocka_unit_test(test_ellipsis_values),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
