/* Unit tests: report escaping and the three report formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "report.h"

static void test_json_escape(void **state)
{
    (void)state;
    struct sbuf sb = {0};
    json_escape(&sb, "a\"b\\c\n\t\x01\x7f caf\xc3\xa9 \xff");
    assert_string_equal(sb_str(&sb), "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f caf\xc3\xa9 \\ufffd\"");
    sb_free(&sb);
    json_escape(&sb, NULL);
    assert_string_equal(sb_str(&sb), "\"\"");
    sb_free(&sb);
}

static void test_xml_escape(void **state)
{
    (void)state;
    struct sbuf sb = {0};
    xml_escape(&sb, "<a & \"b\">\r\x1b\xc3");
    assert_string_equal(sb_str(&sb), "&lt;a &amp; &quot;b&quot;&gt;&#13;\xef\xbf\xbd\xef\xbf\xbd");
    sb_free(&sb);
}

static struct results sample(void)
{
    struct results r = {0};
    r.n = 3;
    r.v = calloc(3, sizeof(struct case_result));
    const char *ids[] = { "a.pass", "a.fail", "a.skip" };
    enum verdict vs[] = { V_PASS, V_FAIL, V_SKIP };
    for (int i = 0; i < 3; i++) {
        struct case_result *c = &r.v[i];
        c->file = strdup("f.md");
        c->id = strdup(ids[i]);
        c->tags = calloc(2, sizeof(char *));
        c->tags[0] = strdup("t#1");
        c->verdict = vs[i];
        c->level = LEVEL_MUST;
        c->expected = strdup("'x'");
        c->actual = strdup(i == 1 ? "'y\x1b'" : "'x'");
        c->message = i ? strdup(i == 1 ? "expected 'x', got 'y'" : "no twiddler") : NULL;
        c->gating = i == 1;
        c->request = i == 1 ? strdup("POST /RPC2 HTTP/1.1\r\n\r\n<x/>") : NULL;
        c->response = i == 1 ? strdup("HTTP/1.1 200 OK\r\n\r\n") : NULL;
    }
    return r;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_formats(void **state)
{
    (void)state;
    struct results r = sample();
    struct report_meta m = { .target_name = "t", .target_spec = "cmd {config}" };
    char path[64];
    snprintf(path, sizeof(path), "/tmp/report-test-%d", (int)getpid());
    assert_int_equal(report_junit(path, &r, &m), 0);
    char *x = slurp(path);
    assert_non_null(strstr(x, "<testsuites name=\"refd-conform\" tests=\"3\" failures=\"1\" skipped=\"1\""));
    assert_non_null(strstr(x, "<failure message=\"expected 'x', got 'y'\" type=\"fail\">"));
    assert_non_null(strstr(x, "<skipped message=\"no twiddler\"/>"));
    assert_null(strchr(x, '\x1b'));
    assert_int_equal(report_json(path, &r, &m), 0);
    x = slurp(path);
    assert_non_null(strstr(x, "\"summary\":{\"total\":3,\"pass\":1,\"fail\":1"));
    assert_non_null(strstr(x, "\"http\":{\"request\":\"POST /RPC2 HTTP/1.1\\r\\n\\r\\n<x/>\""));
    assert_non_null(strstr(x, "\"tags\":[\"t#1\"]"));
    unlink(path);
    FILE *f = tmpfile();
    report_tap_cases(f, &r, 0);
    report_tap_plan(f, r.n);
    rewind(f);
    char tap[4096];
    size_t n = fread(tap, 1, sizeof(tap) - 1, f);
    tap[n] = '\0';
    fclose(f);
    assert_non_null(strstr(tap, "ok 1 - a.pass\n"));
    assert_non_null(strstr(tap, "not ok 2 - a.fail\n  ---\n"));
    assert_non_null(strstr(tap, "ok 3 - a.skip # SKIP no twiddler\n"));
    assert_non_null(strstr(tap, "1..3\n"));
    results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_xml_escape),
        cmocka_unit_test(test_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
