/* test_conf_expand.c — %(name)s expansion against Python's own `fmt % dict`.
 * The table below was produced by Python 3.11 with the same dictionary;
 * kind 0 = the result, 1 = KeyError(name), 2 = any other error's text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/expand.h"
#include "lib/buf.h"
#include "lib/mem.h"

static const struct { const char *fmt; int kind; const char *want; } cases[] = {
	{ "plain", 0, "plain" },
	{ "%%", 0, "%" },
	{ "100%%", 0, "100%" },
	{ "%(program_name)s", 0, "xyz" },
	{ "%(here)s/x", 0, "/h/x" },
	{ "%(ENV_A)s", 0, "1 2" },
	{ "%(ENV_Q)r", 0, "\"it's\"" },
	{ "%(group_name)r", 0, "'\xc3""\xa9""\xc3""\xa8""'" },
	{ "%(group_name)a", 0, "'\\xe9\\xe8'" },
	{ "%(process_num)d", 0, "7" },
	{ "%(process_num)02d", 0, "07" },
	{ "%(process_num)5d|", 0, "    7|" },
	{ "%(process_num)-5d|", 0, "7    |" },
	{ "%(process_num)+d", 0, "+7" },
	{ "%(process_num) d", 0, " 7" },
	{ "%(process_num)#x", 0, "0x7" },
	{ "%(process_num)#o", 0, "0o7" },
	{ "%(process_num)#X", 0, "0X7" },
	{ "%(process_num).3d", 0, "007" },
	{ "%(process_num)#5.3x", 0, "0x007" },
	{ "%(process_num)#08.3X", 0, "0X000007" },
	{ "%(process_num)e", 0, "7.000000e+00" },
	{ "%(process_num)E", 0, "7.000000E+00" },
	{ "%(process_num)f", 0, "7.000000" },
	{ "%(process_num)F", 0, "7.000000" },
	{ "%(process_num)g", 0, "7" },
	{ "%(process_num)#g", 0, "7.00000" },
	{ "%(process_num)#.3g", 0, "7.00" },
	{ "%(process_num)10.4f", 0, "    7.0000" },
	{ "%(process_num)-010.2f|", 0, "7.00      |" },
	{ "%(process_num)+#10.2e", 0, " +7.00e+00" },
	{ "%(process_num)c", 0, "\x07""" },
	{ "%(process_num)s", 0, "7" },
	{ "%(process_num)r", 0, "7" },
	{ "%(numprocs)05d", 0, "-0007" },
	{ "%(numprocs) 05d", 0, "-0007" },
	{ "%(numprocs).3d", 0, "-007" },
	{ "%(numprocs)#x", 0, "-0x7" },
	{ "%(numprocs)#08x", 0, "-0x00007" },
	{ "%(numprocs)+08x", 0, "-0000007" },
	{ "%(numprocs) 8x|", 0, "      -7|" },
	{ "%(numprocs)5s", 0, "   -7" },
	{ "%(numprocs)05s", 0, "   -7" },
	{ "%(program_name)-5s|", 0, "xyz  |" },
	{ "%(program_name).1s", 0, "x" },
	{ "%(program_name)05s", 0, "  xyz" },
	{ "%(program_name)+5s", 0, "  xyz" },
	{ "%(group_name)5s|", 0, "   \xc3""\xa9""\xc3""\xa8""|" },
	{ "%(group_name).1s", 0, "\xc3""\xa9""" },
	{ "%(program_name)ls", 0, "xyz" },
	{ "%(program_name)hs", 0, "xyz" },
	{ "%(process_num)ld", 0, "7" },
	{ "%(program_name)10.2s|", 0, "        xy|" },
	{ "%(program_name)#s", 0, "xyz" },
	{ "%(process_num)i", 0, "7" },
	{ "%(process_num)u", 0, "7" },
	{ "%(nosuch)s", 1, "nosuch" },
	{ "%()s", 1, "" },
	{ "%(a(b)s", 2, "incomplete format key" },
	{ "%(program_name)", 2, "incomplete format" },
	{ "%(program_name)5", 2, "incomplete format" },
	{ "%(program_name", 2, "incomplete format key" },
	{ "%", 2, "incomplete format" },
	{ "x%", 2, "incomplete format" },
	{ "%(program_name)q", 2, "unsupported format character 'q' (0x71) at index 15" },
	{ "%(program_name)\xc3""\xa9""", 2, "unsupported format character '?' (0xe9) at index 15" },
	{ "\xc3""\xa9""%q", 2, "unsupported format character 'q' (0x71) at index 2" },
	{ "%(program_name)d", 2, "%d format: a real number is required, not str" },
	{ "%(program_name)i", 2, "%i format: a real number is required, not str" },
	{ "%(program_name)x", 2, "%x format: an integer is required, not str" },
	{ "%(program_name)o", 2, "%o format: an integer is required, not str" },
	{ "%(program_name)e", 2, "must be real number, not str" },
	{ "%(program_name)G", 2, "must be real number, not str" },
	{ "%(program_name)c", 2, "%c requires int or char" },
	{ "%(program_name)*s", 2, "* wants int" },
	{ "%(program_name).*s", 2, "* wants int" },
	{ "%5%", 2, "unsupported format character '%' (0x25) at index 2" },
	{ "%(program_name)%", 2, "unsupported format character '%' (0x25) at index 15" },
	{ "%d", 2, "%d format: a real number is required, not dict" },
	{ "%x", 2, "%x format: an integer is required, not dict" },
	{ "%e", 2, "must be real number, not dict" },
	{ "%c", 2, "%c requires int or char" },
	{ "%q", 2, "unsupported format character 'q' (0x71) at index 1" },
	{ "%*d", 2, "* wants int" },
	{ "%(program_name)99999999999999999999s", 2, "width too big" },
	{ "%(program_name).99999999999999999999s", 2, "precision too big" },
	{ "%(nosuch)q", 1, "nosuch" },
	{ "%(nosuch", 2, "incomplete format key" },
};

static struct conf_kv env;
static struct xnames names;

static int setup(void **state)
{
	(void)state;
	conf_kv_set(&env, "ENV_A", "1 2");
	conf_kv_set(&env, "ENV_Q", "it's");
	names.here = "/h";
	names.host_node_name = "node";
	names.program_name = "xyz";
	names.group_name = "\xc3\xa9\xc3\xa8";
	names.has_nums = true;
	names.process_num = 7;
	names.numprocs = -7;
	names.env = &env;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	conf_kv_free(&env);
	return 0;
}

static void test_python_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf out = BUF_INIT, reason = BUF_INIT;
		char *key = NULL;
		enum xp_status st = xp_format(&out, cases[i].fmt, &names, &key, &reason);
		const char *got = st == XP_OK ? buf_cstr(&out) : st == XP_KEY ? key : buf_cstr(&reason);
		if ((int)st != cases[i].kind || strcmp(got, cases[i].want) != 0)
			fail_msg("'%s': got %d '%s', want %d '%s'", cases[i].fmt, st, got, cases[i].kind, cases[i].want);
		free(key);
		buf_free(&out);
		buf_free(&reason);
	}
}

static void test_messages(void **state)
{
	(void)state;
	char *err = NULL;
	char *r = xp_expand("/bin/echo %(foo)s", &names, "program:pct.command", &err);
	assert_null(r);
	assert_string_equal(err, "Format string '/bin/echo %(foo)s' for 'program:pct.command' contains "
	                         "names ('foo') which cannot be expanded. Available names: ENV_A, ENV_Q, "
	                         "group_name, here, host_node_name, numprocs, process_num, program_name");
	free(err);
	r = xp_expand("/bin/echo 100%", &names, "program:pct2.command", &err);
	assert_null(r);
	assert_string_equal(err, "Format string '/bin/echo 100%' for 'program:pct2.command' is badly "
	                         "formatted: incomplete format");
	free(err);
	/* a value without '%' is returned as it is */
	r = xp_expand("no percent", &names, "x", &err);
	assert_string_equal(r, "no percent");
	free(r);
	/* only the names a section allows are available */
	struct xnames few = { .here = "/h" };
	r = xp_expand("%(program_name)s", &few, "supervisord.logfile", &err);
	assert_null(r);
	assert_string_equal(err, "Format string '%(program_name)s' for 'supervisord.logfile' contains "
	                         "names ('program_name') which cannot be expanded. Available names: here");
	free(err);
	/* the program's ENV_ names win over the global ones, and both are listed once */
	struct conf_kv penv = { 0 };
	conf_kv_set(&penv, "ENV_A", "own");
	struct xnames withp = names;
	withp.penv = &penv;
	r = xp_expand("%(ENV_A)s", &withp, "x", &err);
	assert_string_equal(r, "own");
	free(r);
	r = xp_expand("%(zz)s", &withp, "x", &err);
	assert_non_null(strstr(err, "Available names: ENV_A, ENV_Q, group_name"));
	free(err);
	conf_kv_free(&penv);
}

/* refd's deliberate differences (docs/compat.md) */
static void test_refd_limits(void **state)
{
	(void)state;
	char *err = NULL;
	/* Python formats the whole dict for an unnamed %s */
	char *r = xp_expand("printf %s", &names, "program:p.command", &err);
	assert_null(r);
	assert_string_equal(err, "Format string 'printf %s' for 'program:p.command' is badly formatted: "
	                         "unnamed conversion '%s' (write '%%s' for a literal '%s')");
	free(err);
	r = xp_expand("%(program_name)10001s", &names, "x", &err);
	assert_null(r);
	assert_non_null(strstr(err, "width too big"));
	free(err);
	r = xp_expand("%(program_name)10000s", &names, "x", &err);
	assert_int_equal(strlen(r), 10000);
	free(r);
	/* results are bounded */
	struct buf big = BUF_INIT;
	for (int i = 0; i < 500; i++) buf_puts(&big, "%(here)9999s");
	r = xp_expand(big.p, &names, "x", &err);
	assert_null(r);
	assert_non_null(strstr(err, "result longer than"));
	free(err);
	buf_free(&big);
	/* a NUL character cannot be passed on to a process */
	struct xnames zero = names;
	zero.process_num = 0;
	r = xp_expand("%(process_num)c", &zero, "x", &err);
	assert_null(r);
	assert_non_null(strstr(err, "is not a valid character"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_python_table),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_refd_limits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
