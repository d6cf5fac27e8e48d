/* Unit tests: Python literal parsing, repr() and the matching rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pyval.h"

static struct pv *P(const char *text)
{
    struct pv_error err;
    struct pv *v = pv_parse(text, strlen(text), &err);
    if (!v)
        fail_msg("parse failed for %s: %s at %zu", text, err.msg, err.offset);
    return v;
}

static void assert_parse_error(const char *text, const char *msg_part)
{
    struct pv_error err;
    struct pv *v = pv_parse(text, strlen(text), &err);
    if (v)
        fail_msg("%s parsed but should not", text);
    if (msg_part && !strstr(err.msg, msg_part))
        fail_msg("error for %s was '%s', wanted '%s'", text, err.msg, msg_part);
}

/* repr(parse(text)) == want */
static void assert_roundtrip(const char *text, const char *want)
{
    struct pv *v = P(text);
    char *r = pv_repr_str(v);
    assert_string_equal(r, want);
    free(r);
    pv_free(v);
}

static void test_strings(void **state)
{
    (void)state;
    struct pv *v = P("'a\\tb\\n'");
    assert_int_equal(v->type, PV_STR);
    assert_int_equal(v->len, 4);
    assert_memory_equal(v->s, "a\tb\n", 4);
    pv_free(v);
    v = P("\"x\\x41\\101\\u00e9\\U0001F600\"");
    assert_string_equal(v->s, "xAA\xc3\xa9\xf0\x9f\x98\x80");
    pv_free(v);
    v = P("r'\\n'");
    assert_string_equal(v->s, "\\n");
    pv_free(v);
    v = P("'a' \"b\"  'c'");
    assert_string_equal(v->s, "abc");
    pv_free(v);
    v = P("'''two\nlines'''");
    assert_string_equal(v->s, "two\nlines");
    pv_free(v);
    v = P("'keep \\q'");
    assert_string_equal(v->s, "keep \\q");
    pv_free(v);
    v = P("b'\\x00\\xff'");
    assert_int_equal(v->type, PV_BYTES);
    assert_int_equal(v->len, 2);
    pv_free(v);
    v = P("'\\x00'");
    assert_int_equal(v->len, 1);
    pv_free(v);
    assert_parse_error("'unterminated", "unterminated");
    assert_parse_error("'total 0\ndrwx'", "newline");
    assert_parse_error("'\\x4'", "\\xXX");
    assert_parse_error("'a' b'b'", "mix");
}

static void test_numbers(void **state)
{
    (void)state;
    struct pv *v = P("-42");
    assert_int_equal(v->type, PV_INT);
    assert_int_equal(v->i, -42);
    pv_free(v);
    v = P("0x1F");
    assert_int_equal(v->i, 31);
    pv_free(v);
    v = P("1_000");
    assert_int_equal(v->i, 1000);
    pv_free(v);
    v = P("9223372036854775807");
    assert_int_equal(v->i, INT64_MAX);
    pv_free(v);
    v = P("-9223372036854775808");
    assert_true(v->i == INT64_MIN);
    pv_free(v);
    v = P("1.5e3");
    assert_int_equal(v->type, PV_FLOAT);
    assert_true(v->f == 1500.0);
    pv_free(v);
    v = P(".5");
    assert_true(v->f == 0.5);
    pv_free(v);
    assert_parse_error("012", "leading zeros");
    assert_parse_error("99999999999999999999", "range");
    assert_parse_error("1j", "complex");
    assert_parse_error("12abc", "malformed");
}

static void test_containers(void **state)
{
    (void)state;
    struct pv *v = P("[1, (2,), (3), {'a': [True, None]}, ]");
    assert_int_equal(v->type, PV_LIST);
    assert_int_equal(v->len, 4);
    assert_int_equal(v->items[1]->type, PV_TUPLE);
    assert_int_equal(v->items[2]->type, PV_INT);
    assert_int_equal(v->items[3]->type, PV_DICT);
    pv_free(v);
    v = P("{'a': 1, ...}");
    assert_int_equal(v->open, 1);
    assert_int_equal(v->len, 1);
    pv_free(v);
    v = P("[..., 'x']");
    assert_int_equal(v->items[0]->type, PV_ELLIPSIS);
    pv_free(v);
    v = P("  {  }  # comment");
    assert_int_equal(v->type, PV_DICT);
    pv_free(v);
    assert_parse_error("[1, 2", "unterminated list");
    assert_parse_error("{'a' 1}", "':'");
    assert_parse_error("[1] [2]", "unexpected text");
    assert_parse_error("foo", "expected a Python literal");
    assert_parse_error("", "end of the text");
}

static void test_depth_limit(void **state)
{
    (void)state;
    size_t n = 100000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    assert_parse_error(deep, "too deeply");
    free(deep);
}

static void test_repr(void **state)
{
    (void)state;
    assert_roundtrip("'plain'", "'plain'");
    assert_roundtrip("\"it's\"", "\"it's\"");
    assert_roundtrip("'both \\' and \"'", "'both \\' and \"'");
    assert_roundtrip("'\\x1b[0m\\r\\n\\t\\\\'", "'\\x1b[0m\\r\\n\\t\\\\'");
    assert_roundtrip("'caf\\u00e9 \\u2713'", "'caf\xc3\xa9 \xe2\x9c\x93'");
    assert_roundtrip("'\\u00a0'", "'\\xa0'");
    assert_roundtrip("b'a\\x00'", "b'a\\x00'");
    assert_roundtrip("1.0", "1.0");
    assert_roundtrip("0.1", "0.1");
    assert_roundtrip("1e16", "1e+16");
    assert_roundtrip("1e-05", "1e-05");
    assert_roundtrip("0.0001", "0.0001");
    assert_roundtrip("123456789.0", "123456789.0");
    assert_roundtrip("-2.5", "-2.5");
    assert_roundtrip("(1,)", "(1,)");
    assert_roundtrip("()", "()");
    assert_roundtrip("[True, False, None]", "[True, False, None]");
    assert_roundtrip("{'a': 1, 'b': [2, 3]}", "{'a': 1, 'b': [2, 3]}");
    assert_roundtrip("{'a': 1, ...}", "{'a': 1, ...}");
}

static int M(const char *exp, const char *act, const struct pv_match_opts *o, char **why)
{
    struct pv *e = P(exp), *a = P(act);
    struct sbuf sb = {0};
    int ok = pv_match(e, a, o, &sb);
    if (why)
        *why = sb_steal(&sb);
    else
        sb_free(&sb);
    pv_free(e);
    pv_free(a);
    return ok;
}

static void test_match(void **state)
{
    (void)state;
    char *why;
    assert_true(M("{'a': 1, 'b': 2}", "{'b': 2, 'a': 1}", NULL, NULL));
    assert_false(M("[1, 2]", "[2, 1]", NULL, NULL));
    assert_false(M("True", "1", NULL, &why));
    assert_string_equal(why, "expected True (bool), got 1 (int)");
    free(why);
    assert_false(M("1", "1.0", NULL, NULL));
    assert_false(M("{'a': 1}", "{'a': 1, 'b': 2}", NULL, &why));
    assert_string_equal(why, "unexpected key 'b'");
    free(why);
    assert_true(M("{'a': 1, ...}", "{'a': 1, 'b': 2}", NULL, NULL));
    assert_false(M("{'a': 1, 'c': 3}", "{'a': 1, 'b': 2}", NULL, &why));
    assert_string_equal(why, "missing key 'c'");
    free(why);
    assert_false(M("[{'x': [1, 'a']}]", "[{'x': [1, 'b']}]", NULL, &why));
    assert_string_equal(why, "at [0]['x'][1]: expected 'a', got 'b'");
    free(why);
    assert_true(M("[..., 3]", "[1, 2, 3]", NULL, NULL));
    assert_true(M("[1, ..., 3]", "[1, 3]", NULL, NULL));
    assert_true(M("[...]", "[]", NULL, NULL));
    assert_false(M("[1, ..., 4]", "[1, 2, 3]", NULL, NULL));
    assert_true(M("{'pid': ...}", "{'pid': 77}", NULL, NULL));
    /* ellipsis inside strings only when asked */
    struct pv_match_opts el = { .ellipsis = 1 };
    assert_false(M("'pid ..., uptime ...'", "'pid 7, uptime 0:00:01'", NULL, NULL));
    assert_true(M("'pid ..., uptime ...'", "'pid 7, uptime 0:00:01'", &el, NULL));
    /* type-only paths */
    const char *paths[] = { "pid", NULL };
    struct pv_match_opts to = { .type_only = paths };
    assert_true(M("{'pid': 1, 'n': 'x'}", "{'pid': 999, 'n': 'x'}", &to, NULL));
    assert_true(M("[{'pid': 1}]", "[{'pid': 2}]", &to, NULL));
    assert_false(M("{'pid': 1}", "{'pid': 'x'}", &to, NULL));
    const char *idx[] = { "[*]['now']", NULL };
    struct pv_match_opts ti = { .type_only = idx };
    assert_true(M("[{'now': 1}, {'now': 2}]", "[{'now': 5}, {'now': 6}]", &ti, NULL));
    assert_false(M("{'now': 1}", "{'now': 5}", &ti, NULL));
    const char *whole[] = { ".", NULL };
    struct pv_match_opts tw = { .type_only = whole };
    assert_true(M("'help'", "'other help'", &tw, NULL));
    assert_true(M("[1]", "[1, 2, 3]", &tw, NULL));
    assert_false(M("'x'", "1", &tw, NULL));
}

static void test_ellipsis_text(void **state)
{
    (void)state;
#define EM(p, s) pv_ellipsis_match(p, strlen(p), s, strlen(s))
    assert_true(EM("abc", "abc"));
    assert_false(EM("abc", "abcd"));
    assert_true(EM("a...", "abcd"));
    assert_true(EM("...d", "abcd"));
    assert_true(EM("a...c...e", "abcde"));
    assert_false(EM("a...c...e", "abde"));
    assert_true(EM("...", ""));
    assert_false(EM("ab...ba", "aba"));
#undef EM
}

static void test_to_xmlrpc(void **state)
{
    (void)state;
    struct pv *v = P("['a\\r\\n<&>', 1, 3000000000, True, None, 1.5, {'k': b'hi'}]");
    struct sbuf sb = {0};
    assert_int_equal(pv_to_xmlrpc(v, &sb), 0);
    assert_string_equal(sb_str(&sb),
        "<value><array><data><value><string>a&#13;\n&lt;&amp;&gt;</string></value>"
        "<value><int>1</int></value><value><i8>3000000000</i8></value>"
        "<value><boolean>1</boolean></value><value><nil/></value>"
        "<value><double>1.5</double></value>"
        "<value><struct><member><name>k</name><value><base64>aGk=</base64></value></member></struct></value>"
        "</data></array></value>");
    sb_free(&sb);
    pv_free(v);
    v = P("...");
    assert_int_equal(pv_to_xmlrpc(v, &sb), -1);
    sb_free(&sb);
    pv_free(v);
}

/* Found by fuzzing: repr() shows an undecodable byte as \udcXX, and
 * reading that back must give the byte again, so that repr and parse are
 * inverses; and a dict literal with a repeated key keeps the last value,
 * as Python's does, instead of holding the key twice. */
static void test_fuzz_regressions(void **state)
{
    (void)state;
    assert_roundtrip("['in\xd3']", "['in\\udcd3']");
    assert_roundtrip("'\\udcd3'", "'\\udcd3'");
    struct pv *v = P("'\\udcff'");
    assert_int_equal(v->len, 1);
    assert_int_equal((unsigned char)v->s[0], 0xff);
    pv_free(v);
    assert_roundtrip("{1: 2, 1: 3}", "{1: 3}");
    struct pv *a = P("{'a': 1, 'b': 2, 'a': 3}"), *b = P("{'b': 2, 'a': 3}");
    assert_int_equal(a->len, 2);
    assert_true(pv_equal(a, b));
    pv_free(a);
    pv_free(b);
}

static void test_equal_and_clone(void **state)
{
    (void)state;
    struct pv *v = P("{'a': [1, 2.5, 'x', b'y', None, (True,)], 'b': {}}");
    struct pv *c = pv_clone(v);
    assert_true(pv_equal(v, c));
    c->vals[0]->items[0]->i = 2;
    assert_false(pv_equal(v, c));
    const struct pv *b = pv_dict_get(v, "b");
    assert_non_null(b);
    assert_null(pv_dict_get(v, "zz"));
    pv_free(c);
    pv_free(v);
    assert_int_equal(pv_type_from_name("str", 3), PV_STR);
    assert_int_equal(pv_type_from_name("nope", 4), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_containers),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_repr),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_ellipsis_text),
        cmocka_unit_test(test_to_xmlrpc),
        cmocka_unit_test(test_equal_and_clone),
        cmocka_unit_test(test_fuzz_regressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
