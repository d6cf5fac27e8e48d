/* test_lib.c — buf, Python repr()/int() and the signal table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/signames.h"

static void test_buf_basic(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_string_equal(buf_cstr(&b), "");
	buf_puts(&b, "hello");
	buf_putc(&b, ' ');
	buf_printf(&b, "%d-%s", 42, "x");
	assert_string_equal(b.p, "hello 42-x");
	assert_int_equal(b.len, 10);
	buf_consume(&b, 6);
	assert_string_equal(b.p, "42-x");
	buf_truncate(&b, 2);
	assert_string_equal(b.p, "42");
	char big[1000];
	memset(big, 'a', sizeof big);
	buf_printf(&b, "%.*s", (int)sizeof big, big);   /* beyond the stack fast path */
	assert_int_equal(b.len, 1002);
	assert_int_equal(b.p[1001], 'a');
	assert_int_equal(b.p[1002], '\0');
	char *s = buf_steal(&b);
	assert_null(b.p);
	assert_int_equal(strlen(s), 1002);
	free(s);
	buf_free(&b);
}

static void check_repr(const char *in, const char *want)
{
	char *got = py_repr_str(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_repr(void **state)
{
	(void)state;
	check_repr("abc", "'abc'");
	check_repr("it's", "\"it's\"");
	check_repr("a'b\"c", "'a\\'b\"c'");
	check_repr("tab\tnl\ncr\r", "'tab\\tnl\\ncr\\r'");
	check_repr("back\\slash", "'back\\\\slash'");
	check_repr("\x01\x7f", "'\\x01\\x7f'");
	check_repr("caf\xc3\xa9", "'caf\xc3\xa9'");       /* printable non-ASCII kept */
	check_repr("\xc2\xa0", "'\\xa0'");                /* NBSP is not printable */
	check_repr("\xe2\x80\xa8", "'\\u2028'");
	check_repr("", "''");
}

static void check_bytes_repr(const char *in, size_t n, const char *want)
{
	struct buf b = BUF_INIT;
	py_bytes_repr(&b, in, n);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

/* Python 3: repr(b'...') as supervisord's listener echo and Undecodable
 * payloads show it. */
static void test_bytes_repr(void **state)
{
	(void)state;
	check_bytes_repr("READY\n", 6, "b'READY\\n'");
	check_bytes_repr("x\x88\n", 3, "b'x\\x88\\n'");
	check_bytes_repr("it's", 4, "b\"it's\"");
	check_bytes_repr("a'b\"c", 5, "b'a\\'b\"c'");
	check_bytes_repr("\0\t\r\\\x7f", 5, "b'\\x00\\t\\r\\\\\\x7f'");
	check_bytes_repr("caf\xc3\xa9", 5, "b'caf\\xc3\\xa9'");
	check_bytes_repr("", 0, "b''");
}

static void test_int(void **state)
{
	(void)state;
	long long v;
	assert_int_equal(py_int("42", &v), 0); assert_int_equal(v, 42);
	assert_int_equal(py_int("  -7 ", &v), 0); assert_int_equal(v, -7);
	assert_int_equal(py_int("+1_000", &v), 0); assert_int_equal(v, 1000);
	assert_int_equal(py_int("007", &v), 0); assert_int_equal(v, 7);
	assert_int_equal(py_int("1__0", &v), -1);
	assert_int_equal(py_int("_1", &v), -1);
	assert_int_equal(py_int("1_", &v), -1);
	assert_int_equal(py_int("0x10", &v), -1);
	assert_int_equal(py_int("1.5", &v), -1);
	assert_int_equal(py_int("", &v), -1);
	assert_int_equal(py_int("-", &v), -1);
	assert_int_equal(py_int("9223372036854775807", &v), 0); assert_true(v == LLONG_MAX);
	assert_int_equal(py_int("-9223372036854775808", &v), 0); assert_true(v == LLONG_MIN);
	assert_int_equal(py_int("9223372036854775808", &v), -2);
	struct buf b = BUF_INIT;
	py_int_error(&b, "5x");
	assert_string_equal(b.p, "invalid literal for int() with base 10: '5x'");
	buf_free(&b);
}

static void test_signals(void **state)
{
	(void)state;
	assert_int_equal(sig_from_name("HUP"), 1);
	assert_int_equal(sig_from_name("hup"), 1);
	assert_int_equal(sig_from_name("SIGHUP"), 1);
	assert_int_equal(sig_from_name(" usr1 "), 10);
	assert_int_equal(sig_from_name("sigterm"), 15);
	assert_int_equal(sig_from_name("IOT"), 6);
	assert_int_equal(sig_from_name("RTMAX"), 64);
	assert_int_equal(sig_from_name("SIG_IGN"), 1);
	assert_int_equal(sig_from_name("FOO"), -1);
	assert_int_equal(sig_from_name(""), -1);
	assert_int_equal(sig_from_name("RTMIN+1"), -1);
	assert_true(sig_valid_number(0));
	assert_true(sig_valid_number(31));
	assert_true(sig_valid_number(34));
	assert_true(sig_valid_number(64));
	assert_false(sig_valid_number(32));
	assert_false(sig_valid_number(35));
	assert_false(sig_valid_number(65));
	assert_false(sig_valid_number(-1));
	assert_string_equal(sig_name(6), "SIGABRT");
	assert_string_equal(sig_name(17), "SIGCHLD");
	assert_string_equal(sig_name(29), "SIGPOLL");
	assert_string_equal(sig_name(9), "SIGKILL");
	assert_null(sig_name(40));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_basic),
		cmocka_unit_test(test_repr),
		cmocka_unit_test(test_bytes_repr),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_signals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
