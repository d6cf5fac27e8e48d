/* test_form.c — the web UI's form fields, URL quoting and HTML escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "http/form.h"
#include "lib/buf.h"

static void check_value(const char *query, const char *body, const char *key, const char *want)
{
	char *v = form_value(query, body, body ? strlen(body) : 0, key);
	if (!want) {
		assert_null(v);
	} else {
		assert_non_null(v);
		assert_string_equal(v, want);
	}
	free(v);
}

static void test_form_value(void **state)
{
	check_value("processname=cat&action=start", NULL, "action", "start");
	check_value("processname=grp%3Aa", NULL, "processname", "grp:a");
	check_value("message=a+b%20c", NULL, "message", "a b c");
	/* parse_qs: the query's first value; blank values and bare names dropped */
	check_value("action=refresh&action=stopall", NULL, "action", "refresh");
	check_value("action=&action=stop", NULL, "action", "stop");
	check_value("processname=", NULL, "processname", NULL);
	check_value("processname", NULL, "processname", NULL);
	check_value("", NULL, "action", NULL);
	check_value("&&=&a=1", NULL, "a", "1");
	/* the body wins, and its last value does */
	check_value("action=stopall", "action=refresh&action=restartall", "action", "restartall");
	check_value("action=stopall", "other=1", "action", "stopall");
	/* odd escapes stay as they are; invalid UTF-8 becomes U+FFFD */
	check_value("m=%zz%4", NULL, "m", "%zz%4");
	check_value("m=%00", NULL, "m", "%00");
	check_value("m=%ff", NULL, "m", "\xef\xbf\xbd");
	check_value("m=%e2%82%ac", NULL, "m", "\xe2\x82\xac");
	check_value("pro%63essname=x", NULL, "processname", "x");
}

static void test_body_not_terminated(void **state)
{
	const char body[] = {'a', '=', '1', '&', 'b', '=', '2'};
	char *v = form_value(NULL, body, sizeof body, "b");
	assert_string_equal(v, "2");
	free(v);
}

static void test_url_quote(void **state)
{
	struct buf b = BUF_INIT;
	url_quote(&b, "Process grp:a started/ok_-.~*\xe2\x82\xac\r\n");
	assert_string_equal(buf_cstr(&b), "Process%20grp%3Aa%20started/ok_-.~%2A%E2%82%AC%0D%0A");
	buf_free(&b);
}

static void test_html_escape(void **state)
{
	struct buf b = BUF_INIT;
	html_escape_str(&b, "<a href=\"x\">'&'</a>\x01\xff");
	assert_string_equal(buf_cstr(&b),
	                    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\xef\xbf\xbd\xef\xbf\xbd");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_value),
		cmocka_unit_test(test_body_not_terminated),
		cmocka_unit_test(test_url_quote),
		cmocka_unit_test(test_html_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
