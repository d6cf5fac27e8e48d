/* test_conf_values.c — the value types of supervisord.conf, the two shlex
 * tokenizers, Python's text rules, paths, globs and the event types. The
 * expected texts were produced by supervisor.datatypes of 4.2.5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/config.h"
#include "conf/evtypes.h"
#include "conf/glob.h"
#include "conf/path.h"
#include "conf/shlex.h"
#include "conf/value.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/unicode.h"

/* A parser's outcome as one string: "=<value>" or "!<error>". */
typedef char *(*run_fn)(const char *in);

static char *outcome(int r, char *val, char *err)
{
	char *s = r == 0 ? xasprintf("=%s", val) : xasprintf("!%s", err);
	free(val);
	free(err);
	return s;
}

static void check_cases(run_fn fn, const char *const (*cases)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = fn(cases[i][0]);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("input '%s': got '%s', want '%s'", cases[i][0], got, cases[i][1]);
		free(got);
	}
}

#define CHECK(fn, cases) check_cases(fn, cases, sizeof cases / sizeof cases[0])

static char *run_int(const char *in)
{
	long long v;
	char *err = NULL;
	int r = conf_v_int(in, &v, &err);
	return outcome(r, r == 0 ? xasprintf("%lld", v) : NULL, err);
}

static void test_int(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "42", "=42" }, { " -7 ", "=-7" }, { "+1_000", "=1000" },
		{ "1.5", "!invalid literal for int() with base 10: '1.5'" },
		{ "", "!invalid literal for int() with base 10: ''" },
		{ "0x10", "!invalid literal for int() with base 10: '0x10'" },
		{ "\xd9\xa3", "=3" },                          /* ARABIC-INDIC DIGIT THREE */
		{ "1__0", "!invalid literal for int() with base 10: '1__0'" },
		{ "\x1c" "5", "!invalid literal for int() with base 10: '\\x1c5'" },
		{ "\xc2\xa0" "5", "=5" },                      /* NBSP is stripped */
		{ "99999999999999999999", "=9223372036854775807" },  /* saturates */
		{ "-99999999999999999999", "=-9223372036854775808" },
	};
	CHECK(run_int, cases);
}

static char *run_bool(const char *in)
{
	bool v;
	char *err = NULL;
	int r = conf_v_bool(in, &v, &err);
	return outcome(r, r == 0 ? xstrdup(v ? "true" : "false") : NULL, err);
}

static void test_bool(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "yes", "=true" }, { "TRUE", "=true" }, { "On", "=true" }, { "1", "=true" },
		{ "no", "=false" }, { "False", "=false" }, { "OFF", "=false" }, { "0", "=false" },
		{ "maybe", "!not a valid boolean value: 'maybe'" },
		{ "", "!not a valid boolean value: ''" },
		{ "y", "!not a valid boolean value: 'y'" },
		{ " true", "!not a valid boolean value: ' true'" },
	};
	CHECK(run_bool, cases);
}

static char *run_bytes(const char *in)
{
	long long v;
	char *err = NULL;
	int r = conf_v_byte_size(in, &v, &err);
	return outcome(r, r == 0 ? xasprintf("%lld", v) : NULL, err);
}

static void test_byte_size(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "50MB", "=52428800" }, { "10kb", "=10240" }, { "1GB", "=1073741824" },
		{ "0", "=0" }, { "1024", "=1024" }, { "5 MB", "=5242880" }, { "-1MB", "=-1048576" },
		{ "50M", "!invalid literal for int() with base 10: '50m'" },
		{ "10MiB", "!invalid literal for int() with base 10: '10mib'" },
		{ "1.5MB", "!invalid literal for int() with base 10: '1.5'" },
		{ "100B", "!invalid literal for int() with base 10: '100b'" },
		{ "kb", "!invalid literal for int() with base 10: ''" },
		{ "MB", "!invalid literal for int() with base 10: ''" },
		{ "x", "!invalid literal for int() with base 10: 'x'" },
		{ "10\xe2\x84\xaa" "b", "=10240" },          /* KELVIN SIGN lowers to k */
		{ "99999999999GB", "=9223372036854775807" },
	};
	CHECK(run_bytes, cases);
}

static char *run_octal(const char *in)
{
	long long v;
	char *err = NULL;
	int r = conf_v_octal(in, &v, &err);
	return outcome(r, r == 0 ? xasprintf("%lld", v) : NULL, err);
}

static void test_octal(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "022", "=18" }, { "0o22", "=18" }, { "0O7", "=7" }, { "-7", "=-7" },
		{ "0o_7", "=7" }, { "1_0", "=8" }, { " 0777 ", "=511" },
		{ "8", "!8 can not be converted to an octal type" },
		{ "0x1", "!0x1 can not be converted to an octal type" },
		{ "", "! can not be converted to an octal type" },
		{ "0o", "!0o can not be converted to an octal type" },
	};
	CHECK(run_octal, cases);
}

static char *run_signal(const char *in)
{
	int v;
	char *err = NULL;
	int r = conf_v_signal(in, &v, &err);
	return outcome(r, r == 0 ? xasprintf("%d", v) : NULL, err);
}

static void test_signal(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "TERM", "=15" }, { "sigterm", "=15" }, { " hup ", "=1" }, { "9", "=9" },
		{ "0", "=0" }, { "31", "=31" }, { "34", "=34" }, { "64", "=64" },
		{ "SIG_DFL", "=0" }, { "iot", "=6" }, { "cld", "=17" }, { "rtmax", "=64" },
		{ "\xc5\xbf" "igterm", "=15" },                /* LATIN SMALL LONG S uppers to S */
		{ "32", "!value '32' is not a valid signal number" },
		{ "65", "!value '65' is not a valid signal number" },
		{ "-1", "!value '-1' is not a valid signal number" },
		{ "99999999999999999999", "!value '99999999999999999999' is not a valid signal number" },
		{ "FOO", "!value 'FOO' is not a valid signal name" },
		{ "RTMIN+1", "!value 'RTMIN+1' is not a valid signal name" },
		{ "", "!value '' is not a valid signal name" },
	};
	CHECK(run_signal, cases);
}

static char *run_exitcodes(const char *in)
{
	int *v;
	size_t n;
	char *err = NULL;
	int r = conf_v_exitcodes(in, &v, &n, &err);
	char *val = NULL;
	if (r == 0) {
		struct buf b = BUF_INIT;
		buf_putc(&b, '[');
		for (size_t i = 0; i < n; i++) buf_printf(&b, "%s%d", i ? "," : "", v[i]);
		buf_putc(&b, ']');
		val = buf_steal(&b);
		free(v);
	}
	return outcome(r, val, err);
}

static void test_exitcodes(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "0", "=[0]" }, { "0,2", "=[0,2]" }, { " 1 , 2 ", "=[1,2]" }, { "", "=[]" }, { "255", "=[255]" },
		{ "256", "!not a valid list of exit codes: '256'" },
		{ "-1", "!not a valid list of exit codes: '-1'" },
		{ "1,", "!not a valid list of exit codes: '1,'" },
		{ "a", "!not a valid list of exit codes: 'a'" },
		{ "0,,1", "!not a valid list of exit codes: '0,,1'" },
	};
	CHECK(run_exitcodes, cases);
}

static char *run_level(const char *in)
{
	int v;
	char *err = NULL;
	int r = conf_v_loglevel(in, &v, &err);
	return outcome(r, r == 0 ? xasprintf("%d", v) : NULL, err);
}

static void test_loglevel(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "info", "=20" }, { "INFO", "=20" }, { "warn", "=30" }, { "critical", "=50" },
		{ "blather", "=3" }, { "trace", "=5" }, { "debug", "=10" }, { "error", "=40" },
		{ "warning", "!bad logging level name 'warning'" },
		{ "", "!bad logging level name ''" },
		{ "__module__", "!bad logging level name '__module__'" },
	};
	CHECK(run_level, cases);
}

static char *run_autorestart(const char *in)
{
	enum conf_autorestart v;
	char *err = NULL;
	int r = conf_v_autorestart(in, &v, &err);
	return outcome(r, r == 0 ? xasprintf("%d", (int)v) : NULL, err);
}

static void test_autorestart(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "true", "=1" }, { "FALSE", "=0" }, { "unexpected", "=2" }, { "Unexpected", "=2" },
		{ "YES", "=1" }, { "off", "=0" },
		{ "Sometimes", "!invalid 'autorestart' value 'sometimes'" },
	};
	CHECK(run_autorestart, cases);
}

static char *run_inet(const char *in)
{
	char *host = NULL, *err = NULL;
	int port;
	int r = conf_v_inet_address(in, &host, &port, &err);
	char *val = r == 0 ? xasprintf("('%s', %d)", host, port) : NULL;
	free(host);
	return outcome(r, val, err);
}

static void test_inet_address(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "9001", "=('', 9001)" }, { "127.0.0.1:9001", "=('127.0.0.1', 9001)" },
		{ ":9001", "=('', 9001)" }, { "*:9001", "=('', 9001)" }, { "Host:80", "=('host', 80)" },
		{ "[::1]:9001", "=('[::1]', 9001)" },
		{ "h:", "!no port number specified in ''" },
		{ "h:0", "!0 is below lower bound (1)" },
		{ "h:-5", "!-5 is below lower bound (1)" },
		{ "h:70000", "!70000 is above upper bound (65535)" },
		{ "h:0070000", "!70000 is above upper bound (65535)" },
		{ "h:99999999999999999999", "!99999999999999999999 is above upper bound (65535)" },
		{ "abc", "!not a valid port number: 'abc' " },
		{ "0", "!not a valid port number: '0' " },
		{ "h:abc", "!invalid literal for int() with base 10: 'abc'" },
	};
	CHECK(run_inet, cases);
}

static char *run_name(const char *in)
{
	char *v = NULL, *err = NULL;
	int r = conf_v_name(in, &v, &err);
	return outcome(r, v, err);
}

static void test_name(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "web", "=web" }, { " sp ", "=sp" }, { "a\tb", "=a\tb" },
		{ "a b", "!Invalid name: 'a b' because of character: ' '" },
		{ "a:b", "!Invalid name: 'a:b' because of character: ':'" },
		{ "a/b", "!Invalid name: 'a/b' because of character: '/'" },
		{ "a b:c", "!Invalid name: 'a b:c' because of character: ' '" },
		{ " x:y ", "!Invalid name: ' x:y ' because of character: ':'" },
	};
	CHECK(run_name, cases);
}

static char *run_kv(const char *in)
{
	struct conf_kv kv = { 0 };
	char *err = NULL;
	int r = conf_parse_kv_pairs(in, &kv, &err);
	char *val = NULL;
	if (r == 0) {
		struct buf b = BUF_INIT;
		buf_putc(&b, '{');
		for (size_t i = 0; i < kv.n; i++) buf_printf(&b, "%s%s:%s", i ? "," : "", kv.keys[i], kv.vals[i]);
		buf_putc(&b, '}');
		val = buf_steal(&b);
	}
	conf_kv_free(&kv);
	return outcome(r, val, err);
}

static void test_kv_pairs(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "A=1", "={A:1}" }, { "A=\"x y\",B=2", "={A:x y,B:2}" }, { "A='q,r'", "={A:q,r}" },
		{ "A=1,", "={A:1}" }, { "A=1;B=2", "={A:1,B:2}" }, { "E=\"\"", "={E:}" },
		{ "A=1,B=2 3", "={A:1,B:2}" }, { "A=$HOME", "={A:$}" }, { "A=caf\xc3\xa9", "={A:caf}" },
		{ "S=foo#bar", "={S:foo}" }, { "A=\"x\"y", "={A:x}" }, { "A='\"q\"'", "={A:q}" },
		{ "K.1=/a/b:c+d(e)-f", "={K.1:/a/b:c+d(e)-f}" }, { "", "={}" },
		{ "A=1,A=2", "={A:2}" }, { "A=1,\n  B=2", "={A:1,B:2}" },
		{ "A=1 B=2", "!Unexpected end of key/value pairs in value 'A=1 B=2'" },
		{ "A=1,,B=2", "!Unexpected end of key/value pairs in value 'A=1,,B=2'" },
		{ "E=", "!Unexpected end of key/value pairs in value 'E='" },
		{ "A=x*y", "!Unexpected end of key/value pairs in value 'A=x*y'" },
		{ "N=a=b", "!Unexpected end of key/value pairs in value 'N=a=b'" },
		{ "M=x\\y", "!Unexpected end of key/value pairs in value 'M=x\\y'" },
		{ "A=1 B='2'", "!Unexpected end of key/value pairs in value 'A=1 B='2''" },
		{ "A=foo#c\nB=2", "!Unexpected end of key/value pairs in value 'A=foo#c\nB=2'" },
		{ "A=\"open", "!No closing quotation" },
	};
	CHECK(run_kv, cases);
}

static char *run_split(const char *in)
{
	char **argv;
	size_t argc;
	const char *err = NULL;
	int r = conf_shlex_split(in, &argv, &argc, &err);
	char *val = NULL;
	if (r == 0) {
		struct buf b = BUF_INIT;
		for (size_t i = 0; i < argc; i++) buf_printf(&b, "%s<%s>", i ? " " : "", argv[i]);
		assert_null(argv[argc]);
		val = b.p ? buf_steal(&b) : xstrdup("");
		conf_argv_free(argv);
	}
	return outcome(r, val, r ? xstrdup(err) : NULL);
}

/* Expected values from Python's shlex.split(). */
static void test_shlex_split(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "/bin/cat", "=</bin/cat>" }, { "  a   b\tc\nd  ", "=<a> <b> <c> <d>" }, { "", "=" },
		{ "'a b' c", "=<a b> <c>" }, { "\"a \\\"b\\\" \\\\ \\x\"", "=<a \"b\" \\ \\x>" },
		{ "a\\ b", "=<a b>" }, { "a'b c'd", "=<ab cd>" }, { "''", "=<>" }, { "a \"\" b", "=<a> <> <b>" },
		{ "x#y #z", "=<x#y> <#z>" }, { "'a\\b'", "=<a\\b>" }, { "a\\\\b", "=<a\\b>" },
		{ "sh -c 'echo $HOME; ls'", "=<sh> <-c> <echo $HOME; ls>" }, { "a\vb", "=<a\vb>" },
		{ "'open", "!No closing quotation" }, { "\"open", "!No closing quotation" },
		{ "end\\", "!No escaped character" }, { "\"a\\", "!No escaped character" }, { "'a\\", "!No closing quotation" },
	};
	CHECK(run_split, cases);
}

static char *run_strlist(const char *in)
{
	char **v;
	size_t n;
	conf_v_strlist(in, &v, &n);
	struct buf b = BUF_INIT;
	buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++) buf_printf(&b, "%s<%s>", i ? "," : "", v[i]);
	buf_putc(&b, ']');
	conf_strlist_free(v, n);
	return outcome(0, buf_steal(&b), NULL);
}

static void test_strlist(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "a,b", "=[<a>,<b>]" }, { " a , b ", "=[<a>,<b>]" }, { "", "=[]" },
		{ "a,", "=[<a>,<>]" }, { ",", "=[<>,<>]" },
	};
	CHECK(run_strlist, cases);
}

static void test_paths(void **state)
{
	(void)state;
	static const char *const norm[][2] = {
		{ "", "." }, { "/", "/" }, { "//", "//" }, { "///", "/" }, { "//a//b/", "//a/b" },
		{ "a/./b/../c", "a/c" }, { "../a", "../a" }, { "/../a", "/a" }, { "a/../..", ".." },
	};
	for (size_t i = 0; i < sizeof norm / sizeof norm[0]; i++) {
		char *g = py_normpath(norm[i][0]);
		assert_string_equal(g, norm[i][1]);
		free(g);
	}
	static const char *const dn[][2] = {
		{ "x", "" }, { "/x", "/" }, { "a/b/", "a/b" }, { "//x", "//" }, { "a//b", "a" },
	};
	for (size_t i = 0; i < sizeof dn / sizeof dn[0]; i++) {
		char *g = py_dirname(dn[i][0]);
		assert_string_equal(g, dn[i][1]);
		free(g);
	}
	char *g = py_expanduser("~/x", "/home/u/");
	assert_string_equal(g, "/home/u/x");
	free(g);
	g = py_expanduser("~", "/");
	assert_string_equal(g, "/");
	free(g);
	g = py_expanduser("~root/x", NULL);
	assert_string_equal(g, "/root/x");
	free(g);
	g = py_expanduser("~nosuchuser/x", NULL);
	assert_string_equal(g, "~nosuchuser/x");
	free(g);
	g = py_abspath("a/../b", "/srv");
	assert_string_equal(g, "/srv/b");
	free(g);
}

static void test_dirpaths(void **state)
{
	(void)state;
	char *out = NULL, *err = NULL;
	assert_int_equal(conf_v_dirpath("relative.log", NULL, &out, &err), 0);
	assert_string_equal(out, "relative.log");
	free(out);
	assert_int_equal(conf_v_dirpath("/tmp/x.log", NULL, &out, &err), 0);
	free(out);
	assert_int_equal(conf_v_dirpath("/nonexistent/x.log", NULL, &out, &err), -1);
	assert_string_equal(err, "The directory named as part of the path /nonexistent/x.log does not exist");
	free(err);
	assert_int_equal(conf_v_existing_dir("/nonexistent", NULL, &out, &err), -1);
	assert_string_equal(err, "/nonexistent is not an existing directory");
	free(err);
	enum conf_logname k;
	assert_int_equal(conf_v_logfile("Off", NULL, &k, &out, &err), 0);
	assert_int_equal(k, CONF_LN_NONE);
	assert_int_equal(conf_v_logfile("AUTO", NULL, &k, &out, &err), 0);
	assert_int_equal(k, CONF_LN_AUTO);
	assert_int_equal(conf_v_logfile("Syslog", NULL, &k, &out, &err), 0);
	assert_int_equal(k, CONF_LN_SYSLOG);
	assert_int_equal(conf_v_logfile("~/x", "/tmp", &k, &out, &err), 0);
	assert_int_equal(k, CONF_LN_PATH);
	assert_string_equal(out, "/tmp/x");
	free(out);
}

static void test_users(void **state)
{
	(void)state;
	uid_t uid;
	gid_t gid;
	char *err = NULL;
	assert_int_equal(conf_v_user("root", &uid, &gid, &err), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(conf_v_user(" 0 ", &uid, &gid, &err), 0);
	assert_int_equal(conf_v_user("nosuchuser", &uid, &gid, &err), -1);
	assert_string_equal(err, "Invalid user name nosuchuser");
	free(err);
	assert_int_equal(conf_v_user("99999", &uid, &gid, &err), -1);
	assert_string_equal(err, "Invalid user id 99999");
	free(err);
	assert_int_equal(conf_v_user("-1", &uid, &gid, &err), -1);
	assert_string_equal(err, "Invalid user id -1");
	free(err);
	assert_int_equal(conf_v_user("4294967295", &uid, &gid, &err), -1);
	free(err);
	assert_int_equal(conf_v_usergroup("root", &uid, &gid, &err), 0);
	assert_int_equal(gid, (gid_t)-1);
	assert_int_equal(conf_v_usergroup("root:0", &uid, &gid, &err), 0);
	assert_int_equal(gid, 0);
	assert_int_equal(conf_v_usergroup("root:nosuchgroup", &uid, &gid, &err), -1);
	assert_string_equal(err, "Invalid user:group definition root:nosuchgroup");
	free(err);
}

static void test_unicode(void **state)
{
	(void)state;
	char *s = uc_lower_dup("\xc3\x89T\xc3\x89 \xe2\x84\xaa");  /* ÉTÉ, KELVIN SIGN */
	assert_string_equal(s, "\xc3\xa9t\xc3\xa9 k");
	free(s);
	s = uc_upper_dup("stra\xc3\x9f" "e");                         /* ß -> SS */
	assert_string_equal(s, "STRASSE");
	free(s);
	s = uc_strip_dup("\xe3\x80\x80 x \xc2\xa0\t");
	assert_string_equal(s, "x");
	free(s);
	assert_true(uc_isspace(0x85));
	assert_false(uc_isspace(0x200b));
	assert_int_equal(uc_decimal(0x0663), 3);
	assert_int_equal(uc_decimal('x'), -1);
	char *msg;
	size_t avail;
	assert_false(u8_python_decode_error("caf\xc3\xa9", 5, &msg, &avail));
	assert_true(u8_python_decode_error("ab\xe9x", 4, &msg, &avail));
	assert_string_equal(msg, "'utf-8' codec can't decode byte 0xe9 in position 2: invalid continuation byte");
	free(msg);
	assert_true(u8_python_decode_error("ab\xe2\x82", 4, &msg, &avail));
	assert_string_equal(msg, "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data");
	assert_int_equal(avail, 2);
	free(msg);
	assert_true(u8_python_decode_error("\xff", 1, &msg, &avail));
	assert_string_equal(msg, "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte");
	free(msg);
	/* in the second 8192-byte read, positions restart */
	char *big = xmalloc(8200);
	memset(big, 'a', 8200);
	big[8195] = (char)0x80;
	assert_true(u8_python_decode_error(big, 8200, &msg, &avail));
	assert_string_equal(msg, "'utf-8' codec can't decode byte 0x80 in position 3: invalid start byte");
	assert_int_equal(avail, 8192);
	free(msg);
	free(big);
}

static void test_fnmatch(void **state)
{
	(void)state;
	static const struct { const char *name, *pat; bool m; } cases[] = {
		{ "a.conf", "*.conf", true }, { "a.conf", "?.conf", true }, { "ab.conf", "?.conf", false },
		{ "a", "[abc]", true }, { "d", "[abc]", false }, { "d", "[!abc]", true },
		{ "]", "[]]", true }, { "-", "[a-]", true }, { "b", "[a-c]", true }, { "b", "[c-a]", false },
		{ "[", "[", true }, { "[x", "[x", true }, { "^", "[^a]", true }, { "b", "[^a]", false },
		{ "x", "[!]", false }, { "!", "[!]", false }, { "\xc3\xa9", "?", true },
		{ "a.conf", "*", true }, { "", "*", true }, { "abc", "a*b*c", true }, { "abd", "a*b*c", false },
		{ "\\", "\\", true }, { "b", "[a-c-e]", true }, { "-", "[a-c-e]", true }, { "d", "[a-c-e]", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (py_fnmatch(cases[i].name, cases[i].pat) != cases[i].m)
			fail_msg("fnmatch('%s', '%s') != %d", cases[i].name, cases[i].pat, cases[i].m);
}

static void test_glob(void **state)
{
	(void)state;
	char dir[] = "/tmp/refd-glob-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *names[] = { "b.conf", "a.conf", ".hidden.conf", "c.ini", "sub/x.conf", "sub2/y.conf" };
	char *p;
	p = xasprintf("%s/sub", dir); mkdir(p, 0700); free(p);
	p = xasprintf("%s/sub2", dir); mkdir(p, 0700); free(p);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		p = xasprintf("%s/%s", dir, names[i]);
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		fclose(f);
		free(p);
	}
	char **v;
	size_t n;
	p = xasprintf("%s/*.conf", dir);
	assert_int_equal(py_glob(p, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_true(strstr(v[0], "/a.conf") && strstr(v[1], "/b.conf"));
	for (size_t i = 0; i < n; i++) free(v[i]);
	free(v);
	free(p);
	p = xasprintf("%s/s*/*.conf", dir);
	assert_int_equal(py_glob(p, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_true(strstr(v[0], "/sub/x.conf") && strstr(v[1], "/sub2/y.conf"));
	for (size_t i = 0; i < n; i++) free(v[i]);
	free(v);
	free(p);
	p = xasprintf("%s/.*.conf", dir);
	assert_int_equal(py_glob(p, &v, &n), 0);
	assert_int_equal(n, 1);
	for (size_t i = 0; i < n; i++) free(v[i]);
	free(v);
	free(p);
	p = xasprintf("%s/c.ini", dir);                   /* no magic: must exist */
	assert_int_equal(py_glob(p, &v, &n), 0);
	assert_int_equal(n, 1);
	free(v[0]);
	free(v);
	free(p);
	p = xasprintf("%s/nosuch.ini", dir);
	assert_int_equal(py_glob(p, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	free(p);
	p = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
	free(p);
}

static void test_evtypes(void **state)
{
	(void)state;
	assert_int_equal(evtype_from_name("PROCESS_STATE_RUNNING"), EV_PROCESS_STATE_RUNNING);
	assert_int_equal(evtype_from_name("process_state"), -1);   /* callers upper-case */
	assert_true(evtype_is_a(EV_TICK_5, EV_TICK));
	assert_true(evtype_is_a(EV_TICK_5, EV_EVENT));
	assert_false(evtype_is_a(EV_TICK, EV_TICK_5));
	unsigned long long set = EVTYPE_BIT(EV_PROCESS_STATE) | EVTYPE_BIT(EV_TICK_60);
	assert_true(evtype_set_matches(set, EV_PROCESS_STATE_EXITED));
	assert_true(evtype_set_matches(set, EV_TICK_60));
	assert_false(evtype_set_matches(set, EV_TICK_5));
	assert_true(evtype_set_matches(EVTYPE_BIT(EV_EVENT), EV_PROCESS_GROUP_ADDED));
	for (int t = 0; t < EV_COUNT; t++) assert_int_equal(evtype_from_name(evtype_table[t].name), t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_byte_size),
		cmocka_unit_test(test_octal),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_exitcodes),
		cmocka_unit_test(test_loglevel),
		cmocka_unit_test(test_autorestart),
		cmocka_unit_test(test_inet_address),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_kv_pairs),
		cmocka_unit_test(test_shlex_split),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_dirpaths),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_fnmatch),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_evtypes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
