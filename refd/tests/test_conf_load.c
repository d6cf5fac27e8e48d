/* test_conf_load.c — whole configurations: the INI rules, [include] through
 * an in-memory file system, errors and their formatting, every error at
 * once (--check-config), twiddler's program path, reloadConfig's
 * equality, the built-in configs, and the sample and Debian configs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/config.h"
#include "conf/evtypes.h"
#include "conf/glob.h"
#include "lib/buf.h"
#include "lib/mem.h"

/* ---- an in-memory file system for the loader's hooks ------------------ */

struct memfile { const char *path, *text; };
struct memfs { const struct memfile *files; size_t n; };

static int mem_read(void *ctx, const char *path, char **data, size_t *len)
{
	const struct memfs *fs = ctx;
	for (size_t i = 0; i < fs->n; i++) {
		if (strcmp(fs->files[i].path, path) != 0) continue;
		if (!fs->files[i].text) {           /* exists but cannot be read */
			errno = EACCES;
			return -1;
		}
		*len = strlen(fs->files[i].text);
		*data = xstrdup(fs->files[i].text);
		return 0;
	}
	errno = ENOENT;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int mem_glob(void *ctx, const char *pattern, char ***paths, size_t *n)
{
	const struct memfs *fs = ctx;
	char **v = xcalloc(fs->n + 1, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (py_fnmatch(fs->files[i].path, pattern)) v[k++] = xstrdup(fs->files[i].path);
	qsort(v, k, sizeof *v, cmp_str);
	*paths = v;
	*n = k;
	return 0;
}

static char *env_home[] = { "HOME=/home/t", "TMPDIR=/tmp", "FOO=bar", NULL };

static struct conf *load_fs(const struct memfile *files, size_t n, const char *main,
                            bool check_all, struct conf_errors *errs)
{
	static struct memfs fs;
	fs.files = files;
	fs.n = n;
	struct conf_env_src src = { mem_read, mem_glob, &fs, env_home, "testhost", "/work", NULL };
	return conf_load(main, NULL, &src, check_all, errs);
}

static struct conf *load_text(const char *text, struct conf_errors *errs)
{
	struct conf_env_src src = { NULL, NULL, NULL, env_home, "testhost", "/tmp", NULL };
	return conf_load_text("test.conf", text, strlen(text), NULL, &src, false, errs);
}

static const struct conf_group *group(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_groups; i++)
		if (strcmp(c->groups[i]->name, name) == 0) return c->groups[i];
	fail_msg("no group %s", name);
	return NULL;
}

static const char *first_error(const struct conf_errors *e)
{
	return e->n ? e->v[0].message : "(no error)";
}

#define SD "[supervisord]\nlogfile=/tmp/refd-test.log\npidfile=/tmp/refd-test.pid\nchildlogdir=/tmp\n"

static void expect_error(const char *text, const char *want)
{
	struct conf_errors errs = { 0 };
	struct conf *c = load_text(text, &errs);
	assert_null(c);
	if (strcmp(first_error(&errs), want) != 0)
		fail_msg("got '%s'\nwant '%s'", first_error(&errs), want);
	assert_int_equal(errs.n, 1);
	conf_errors_free(&errs);
}

/* ---- INI rules --------------------------------------------------------- */

static void test_comments(void **state)
{
	(void)state;
	struct conf_errors errs = { 0 };
	struct conf *c = load_text(SD
		"[program:a]\ncommand = x;y ;z\n"
		"[program:b]\ncommand = a;b ;c #d\n"            /* prefixes advance in rounds */
		"[program:c]\ncommand = bash -c 'a ; b'\n"
		"[program:d]\ncommand = x\t#tab\n"
		"# full line\n  ; indented full line\n"
		"[program:e]\ncommand = x#y\n", &errs);
	assert_non_null(c);
	assert_string_equal(group(c, "a")->procs[0]->command, "x;y");
	assert_string_equal(group(c, "b")->procs[0]->command, "a;b ;c");
	assert_string_equal(group(c, "c")->procs[0]->command, "bash -c 'a");
	assert_string_equal(group(c, "d")->procs[0]->command, "x");
	assert_string_equal(group(c, "e")->procs[0]->command, "x#y");
	conf_free(c);
}

static void test_continuation(void **state)
{
	(void)state;
	struct conf_errors errs = { 0 };
	struct conf *c = load_text(SD
		"[program:a]\ncommand = /bin/sh\n  -c\n\n  ; comment\n  last   \n\n\n"
		"environment = A=1,\n\tB=2\n"
		"[program:b]\ncommand = one\n [program:swallowed]\nautostart = false\n", &errs);
	assert_non_null(c);
	const struct conf_proc *a = group(c, "a")->procs[0];
	assert_string_equal(a->command, "/bin/sh\n-c\n\nlast");
	assert_string_equal(conf_kv_get(&a->env, "B"), "2");
	const struct conf_proc *b = group(c, "b")->procs[0];
	assert_string_equal(b->command, "one\n[program:swallowed]");
	assert_false(b->autostart);
	assert_int_equal(c->n_groups, 2);
	conf_free(c);
}

static void test_default_and_case(void **state)
{
	(void)state;
	struct conf_errors errs = { 0 };
	struct conf *c = load_text("[DEFAULT]\nautostart = false\nstartsecs = 7\n" SD
		"[program:a]\nCOMMAND = /bin/a\n"
		"[program:b]\ncommand = /bin/b\nautostart = TRUE\n"
		"[Program:ignored]\ncommand = /bin/x\n"
		"[program:a]\nStartSecs = 9\n", &errs);
	assert_non_null(c);
	assert_int_equal(c->n_groups, 2);
	const struct conf_proc *a = group(c, "a")->procs[0];
	assert_false(a->autostart);
	assert_int_equal(a->startsecs, 9);            /* the re-opened section merged */
	assert_true(group(c, "b")->procs[0]->autostart);
	assert_int_equal(group(c, "b")->procs[0]->startsecs, 7);
	conf_free(c);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("command = x\n[supervisord]\n",
	             "File contains no section headers.\nfile: 'test.conf', line: 1\n'command = x\\n'");
	expect_error(SD "[program:a]\ncommand = x\nbogus\n=v\n",
	             "Source contains parsing errors: 'test.conf'\n\t[line  7]: 'bogus\\n'\n\t[line  8]: '=v\\n'");
	expect_error("[program:a]\ncommand = x\n", ".ini file does not include supervisord section");
	/* CR LF and a lone CR both end lines */
	struct conf_errors errs = { 0 };
	struct conf *c = load_text("[supervisord]\r\nlogfile=/tmp/x.log\r[program:a]\r\ncommand = a\r\n", &errs);
	assert_non_null(c);
	assert_string_equal(group(c, "a")->procs[0]->command, "a");
	conf_free(c);
}

static void test_value_errors(void **state)
{
	(void)state;
	expect_error(SD "[program:foo]\ncommand = x\nstopsignal = FOO\n",
	             "value 'FOO' is not a valid signal name in section 'program:foo' (file: 'test.conf')");
	expect_error(SD "[program:foo]\ncommand = x\npriority = high\n",
	             "invalid literal for int() with base 10: 'high'");
	expect_error(SD "[program:foo]\n", "program section program:foo does not specify a command "
	                                   "in section 'program:foo' (file: 'test.conf')");
	expect_error(SD "[program:foo]\ncommand = x\nnumprocs = 2\n",
	             "%(process_num) must be present within process_name when numprocs > 1 "
	             "in section 'program:foo' (file: 'test.conf')");
	expect_error(SD "[program:foo]\ncommand = x\nstopasgroup = true\nkillasgroup = false\n",
	             "Cannot set stopasgroup=true and killasgroup=false in section 'program:foo' (file: 'test.conf')");
	expect_error(SD "[program:a b]\ncommand = x\n", "Invalid name: 'a b' because of character: ' '");
	expect_error(SD "[eventlistener:l]\ncommand = x\n", "[eventlistener:l] section requires an \"events\" line");
	expect_error(SD "[eventlistener:l]\ncommand = x\nevents = TICK_5,nope\n",
	             "Unknown event type NOPE in [eventlistener:l] events");
	expect_error(SD "[fcgi-program:f]\ncommand = x\nsocket = unix://rel\n",
	             "('Unix socket path %s is not an absolute path', 'rel') in [fcgi-program:f] socket");
	expect_error(SD "[group:g]\nprograms = a,zz\n[program:a]\ncommand = x\n",
	             "[program:a] names unknown program or fcgi-program zz");
	expect_error(SD "[inet_http_server]\nport = 9001\npassword = p\n",
	             "Section [inet_http_server] contains incomplete authentication: If a username or a "
	             "password is specified, both the username and password must be specified");
	expect_error(SD "[rpcinterface:x]\nsupervisor.rpcinterface_factory = my.mod:make\n",
	             "my.mod:make cannot be resolved within [rpcinterface:x]");
	expect_error(SD "[include]\n", ".ini file has [include] section, but no files setting");
	expect_error("[supervisord]\nlogfile = /nonexistent/x.log\n",
	             "The directory named as part of the path /nonexistent/x.log does not exist");
	expect_error(SD "environment = A=%(host_node_name)s\n",
	             "Format string 'A=%(host_node_name)s' for 'supervisord.environment' contains names "
	             "('host_node_name') which cannot be expanded. Available names: ENV_FOO, ENV_HOME, "
	             "ENV_TMPDIR, here");
	/* refd's limits */
	expect_error(SD "[program:p]\ncommand = x\nprocess_name = p%(process_num)d\nnumprocs = 100001\n",
	             "numprocs 100001 is more than refd allows (100000) in section 'program:p' (file: 'test.conf')");
	expect_error(SD "[unix_http_server]\nfile = /tmp/s\nmax_body_bytes = 10\n",
	             "Invalid max_body_bytes value 10 (refd accepts 1KB to 1GB)");
}

static void test_error_format(void **state)
{
	(void)state;
	struct conf_errors errs = { 0 };
	struct conf *c = load_text("[DEFAULT]\nstopsignal = FOO\n" SD "[program:web]\ncommand = x\n", &errs);
	assert_null(c);
	assert_int_equal(errs.n, 1);
	const struct conf_error *e = &errs.v[0];
	assert_string_equal(e->file, "test.conf");
	assert_int_equal(e->line, 2);
	assert_string_equal(e->section, "program:web");
	assert_string_equal(e->option, "stopsignal");
	char *t = conf_error_format(e);
	assert_string_equal(t, "value 'FOO' is not a valid signal name in section 'program:web' "
	                       "(file: 'test.conf')\n"
	                       "test.conf:2: [program:web] stopsignal = FOO (from [DEFAULT])\n");
	free(t);
	conf_errors_free(&errs);
	c = load_text(SD "[program:web]\nautostart = false\n", &errs);
	t = conf_error_format(&errs.v[0]);
	assert_non_null(strstr(t, "\ntest.conf:5: [program:web] command: not set\n"));
	free(t);
	conf_errors_free(&errs);
}

/* ---- every error at once ------------------------------------------------ */

static void test_check_all(void **state)
{
	(void)state;
	static const struct memfile files[] = {
		{ "/etc/s.conf", SD "[program:a]\ncommand = x\nbogus one\n"
		                 "[include]\nfiles = conf.d/*.conf\n" },
		{ "/etc/conf.d/1.conf", "[program:b]\nbogus two\n" },
		{ "/etc/conf.d/2.conf", "[program:c]\ncommand = y\n" },
		{ "/etc/conf.d/3.conf", "no header\n" },
	};
	struct conf_errors errs = { 0 };
	struct conf *c = load_fs(files, 4, "/etc/s.conf", true, &errs);
	assert_null(c);
	assert_int_equal(errs.n, 3);
	assert_string_equal(errs.v[0].message, "Source contains parsing errors: '/etc/s.conf'\n\t[line  7]: 'bogus one\\n'");
	assert_string_equal(errs.v[1].message, "Source contains parsing errors: '/etc/conf.d/1.conf'\n\t[line  2]: 'bogus two\\n'");
	assert_string_equal(errs.v[2].file, "/etc/conf.d/3.conf");
	conf_errors_free(&errs);
	/* without check_all: the first one only, as supervisord */
	c = load_fs(files, 4, "/etc/s.conf", false, &errs);
	assert_int_equal(errs.n, 1);
	conf_errors_free(&errs);
	/* semantic errors: one per section, and in [supervisord] one per option */
	static const struct memfile f2[] = {
		{ "/etc/s.conf", "[supervisord]\nlogfile = /nonexistent/a\nloglevel = loud\numask = 9\n"
		                 "[program:a]\ncommand = x\nstartsecs = soon\nautostart = maybe\n"
		                 "[program:b]\n"
		                 "[program:ok]\ncommand = fine\n"
		                 "[inet_http_server]\n" },
	};
	c = load_fs(f2, 1, "/etc/s.conf", true, &errs);
	assert_null(c);
	assert_int_equal(errs.n, 6);
	assert_string_equal(errs.v[0].message, "9 can not be converted to an octal type");
	assert_string_equal(errs.v[1].message, "The directory named as part of the path /nonexistent/a does not exist");
	assert_string_equal(errs.v[2].message, "bad logging level name 'loud'");
	assert_string_equal(errs.v[3].option, "autostart");     /* read before startsecs */
	assert_string_equal(errs.v[4].section, "program:b");
	assert_string_equal(errs.v[5].message, "section [inet_http_server] has no port value");
	conf_errors_free(&errs);
}

/* ---- [include] ------------------------------------------------------------ */

static void test_include(void **state)
{
	(void)state;
	static const struct memfile files[] = {
		{ "/etc/main.conf", "[DEFAULT]\ndirectory = %(here)s\n" SD
		                    "[include]\nfiles = conf.d/*.conf /abs/one.conf nomatch/*.conf\n"
		                    "[program:main]\ncommand = %(here)s/main\n" },
		{ "/etc/conf.d/b.conf", "[program:b]\ncommand = %(here)s/b\n[include]\nfiles = /etc/never.conf\n" },
		{ "/etc/conf.d/a.conf", "[program:a]\ncommand = /bin/a\n" },
		{ "/etc/conf.d/unreadable.conf", NULL },
		{ "/abs/one.conf", "[program:one]\ncommand = %(here)s/one\n" },
		{ "/etc/never.conf", "[program:never]\ncommand = x\n" },
	};
	struct conf_errors errs = { 0 };
	struct conf *c = load_fs(files, 6, "/etc/main.conf", false, &errs);
	if (!c) fail_msg("%s", first_error(&errs));
	assert_int_equal(c->n_groups, 4);
	assert_string_equal(group(c, "main")->procs[0]->command, "/etc/main");
	assert_string_equal(group(c, "b")->procs[0]->command, "/etc/conf.d/b");
	assert_string_equal(group(c, "one")->procs[0]->command, "/abs/one");
	/* %(here)s in [DEFAULT] means the directory of the file each section is in */
	assert_string_equal(group(c, "main")->procs[0]->directory, "/etc");
	assert_string_equal(group(c, "a")->procs[0]->directory, "/etc/conf.d");
	assert_string_equal(group(c, "one")->procs[0]->directory, "/abs");
	assert_string_equal(group(c, "a")->file, "/etc/conf.d/a.conf");
	assert_string_equal(group(c, "main")->file, "/etc/main.conf");
	/* messages: warnings first, then the files in sorted order */
	assert_int_equal(c->n_msgs, 5);
	assert_string_equal(c->msgs[0].text, "No file matches via include \"/etc/nomatch/*.conf\"");
	assert_int_equal(c->msgs[0].level, 30);
	assert_string_equal(c->msgs[1].text, "Included extra file \"/etc/conf.d/a.conf\" during parsing");
	assert_string_equal(c->msgs[2].text, "Included extra file \"/etc/conf.d/b.conf\" during parsing");
	assert_string_equal(c->msgs[3].text, "Included extra file \"/etc/conf.d/unreadable.conf\" during parsing");
	assert_string_equal(c->msgs[4].text, "Included extra file \"/abs/one.conf\" during parsing");
	assert_int_equal(c->msgs[4].level, 20);
	conf_free(c);
}

static void test_include_errors(void **state)
{
	(void)state;
	static const struct memfile files[] = {
		{ "/etc/main.conf", SD "[include]\nfiles = conf.d/*.conf\n" },
		{ "/etc/conf.d/x.conf", "[program:x]\ncommand = y\nstopsignal = NOPE\n" },
		{ "/etc/missing.conf", NULL },
	};
	struct conf_errors errs = { 0 };
	struct conf *c = load_fs(files, 2, "/etc/main.conf", false, &errs);
	assert_null(c);
	assert_string_equal(first_error(&errs), "value 'NOPE' is not a valid signal name in section "
	                                         "'program:x' (file: '/etc/conf.d/x.conf')");
	assert_int_equal(errs.v[0].line, 3);
	conf_errors_free(&errs);
	c = load_fs(files, 3, "/etc/nosuch.conf", false, &errs);
	assert_string_equal(first_error(&errs), "could not find config file /etc/nosuch.conf");
	conf_errors_free(&errs);
	c = load_fs(files, 3, "/etc/missing.conf", false, &errs);
	assert_string_equal(first_error(&errs), "could not read config file /etc/missing.conf");
	conf_errors_free(&errs);
}

/* ---- twiddler's addProgramToGroup ------------------------------------------ */

static void test_program_from_kv(void **state)
{
	(void)state;
	struct conf_errors errs = { 0 };
	struct conf *c = load_text(SD "environment = GLOBAL=1\n", &errs);
	assert_non_null(c);
	struct conf_kv opts = { 0 };
	conf_kv_set(&opts, "command", "/bin/echo %(program_name)s %(group_name)s %(process_num)d %(ENV_HOME)s %(here)s");
	conf_kv_set(&opts, "NumProcs", "2");
	conf_kv_set(&opts, "process_name", "w_%(process_num)d");
	conf_kv_set(&opts, "environment", "A=\"x y\",B=2");
	conf_kv_set(&opts, "no_such_option", "ignored");
	struct conf_proc **procs;
	size_t n;
	char *err = NULL;
	assert_int_equal(conf_program_from_kv(c, "dyn", " w ", &opts, &procs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(procs[0]->name, "w_0");
	assert_string_equal(procs[1]->command, "/bin/echo w dyn 1 /home/t /tmp");
	assert_string_equal(conf_kv_get(&procs[0]->env, "A"), "x y");
	assert_string_equal(conf_kv_get(&procs[0]->env, "GLOBAL"), "1");
	assert_int_equal(procs[0]->refs, 1);
	for (size_t i = 0; i < n; i++) conf_proc_unref(procs[i]);
	free(procs);
	conf_kv_free(&opts);
	/* errors: the reason with supervisord's suffix */
	static const char *const bad[][3] = {
		{ "autostart", "maybe", "not a valid boolean value: 'maybe' in section 'program:x' (file: 'test.conf')" },
		{ "command", "/bin/echo 100%", "Format string '/bin/echo 100%' for 'program:x.command' is badly "
		                               "formatted: incomplete format in section 'program:x' (file: 'test.conf')" },
		{ "numprocs", "3", "%(process_num) must be present within process_name when numprocs > 1 "
		                   "in section 'program:x' (file: 'test.conf')" },
		{ "stdout_logfile", "x", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct conf_kv o = { 0 };
		if (strcmp(bad[i][0], "command") != 0) conf_kv_set(&o, "command", "/bin/cat");
		conf_kv_set(&o, bad[i][0], bad[i][1]);
		int r = conf_program_from_kv(c, "g", "x", &o, &procs, &n, &err);
		if (bad[i][2]) {
			assert_int_equal(r, -1);
			assert_string_equal(err, bad[i][2]);
			free(err);
		} else {
			assert_int_equal(r, 0);
			conf_proc_unref(procs[0]);
			free(procs);
		}
		conf_kv_free(&o);
	}
	struct conf_kv o = { 0 };
	assert_int_equal(conf_program_from_kv(c, "g", "x", &o, &procs, &n, &err), -1);
	assert_string_equal(err, "program section program:x does not specify a command in section 'program:x' (file: 'test.conf')");
	free(err);
	conf_kv_set(&o, "command", "x");
	assert_int_equal(conf_program_from_kv(c, "g", "a:b", &o, &procs, &n, &err), -1);
	assert_string_equal(err, "Invalid name: 'a:b' because of character: ':' in section 'program:a:b' (file: 'test.conf')");
	free(err);
	conf_kv_free(&o);
	conf_free(c);
}

/* ---- reloadConfig's equality and references ------------------------------- */

static struct conf *text_conf(const char *text)
{
	struct conf_errors errs = { 0 };
	struct conf *c = load_text(text, &errs);
	if (!c) fail_msg("%s", first_error(&errs));
	return c;
}

static void test_group_equal(void **state)
{
	(void)state;
	const char *base = SD "[program:p]\ncommand = x\n[eventlistener:l]\ncommand = l\nevents = TICK_5\n"
	                      "[group:g]\nprograms = q\n[program:q]\ncommand = q\n";
	struct conf *a = text_conf(base), *b = text_conf(base);
	for (size_t i = 0; i < a->n_groups; i++) assert_true(conf_group_equal(a->groups[i], b->groups[i]));
	conf_free(b);
	b = text_conf(SD "[program:p]\ncommand = y\n[eventlistener:l]\ncommand = l\nevents = TICK_60\n"
	                 "[program:g]\ncommand = q\nprocess_name = q\n");
	assert_false(conf_group_equal(group(a, "p"), group(b, "p")));
	assert_false(conf_group_equal(group(a, "l"), group(b, "l")));
	/* [group:g] holding q equals a [program:g] whose process is q, as in supervisord */
	assert_true(conf_group_equal(group(a, "g"), group(b, "g")));
	conf_free(b);
	/* an AUTO log file on either side is not compared; the global environment is */
	b = text_conf(SD "environment = X=1\n[program:p]\ncommand = x\nstdout_logfile = /tmp/p.log\n");
	struct conf *c = text_conf(SD "[program:p]\ncommand = x\nstdout_logfile = /tmp/p.log\n");
	assert_true(conf_group_equal(group(a, "p"), group(c, "p")));
	assert_false(conf_group_equal(group(b, "p"), group(c, "p")));
	/* a group outlives its configuration while referenced */
	struct conf_group *kept = conf_group_ref(a->groups[0]);
	struct conf_proc *proc = conf_proc_ref(kept->procs[0]);
	conf_free(a);
	assert_non_null(proc->name);
	conf_group_unref(kept);
	conf_proc_unref(proc);
	conf_free(b);
	conf_free(c);
}

/* ---- the configs refd ships and the ones people have ------------------------- */

static void test_builtin_and_sample(void **state)
{
	(void)state;
	char *t = conf_builtin_text("/tmp");
	struct conf *c = text_conf(t);
	free(t);
	assert_true(c->sd.nodaemon);
	assert_string_equal(c->sd.logfile, "/tmp/refd.log");
	assert_int_equal(c->n_servers, 2);
	assert_int_equal(c->n_rpcifs, 2);
	assert_int_equal(c->rpcifs[1].kind, CONF_RPCIF_TWIDDLER);
	assert_string_equal(c->ctl.serverurl, "unix:///tmp/refd.sock");
	char *url = conf_default_serverurl(c);
	assert_string_equal(url, "unix:///tmp/refd.sock");
	free(url);
	conf_free(c);
	t = conf_sample_text();
	c = text_conf(t);
	free(t);
	assert_int_equal(c->n_groups, 0);
	assert_int_equal(c->servers[0].limits.max_body_bytes, 1 << 20);
	assert_int_equal(c->servers[0].limits.max_connections, 256);
	conf_free(c);
	/* what echo_supervisord_conf prints */
	struct conf_errors errs = { 0 };
	c = conf_load(REFD_TEST_DATA "/conf/sample.conf", NULL, NULL, false, &errs);
	if (!c) fail_msg("%s", first_error(&errs));
	assert_string_equal(c->servers[0].file, "/tmp/supervisor.sock");
	assert_int_equal(c->rpcifs[0].kind, CONF_RPCIF_SUPERVISOR);
	conf_free(c);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct buf b = BUF_INIT;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_append(&b, tmp, n);
	fclose(f);
	return buf_steal(&b);
}

static void test_debian(void **state)
{
	(void)state;
	struct stat st;
	if (stat("/var/log/supervisor", &st) != 0) {
		/* Debian's file names this directory; the supervisor package makes it */
		skip();
	}
	char *main = slurp(REFD_TEST_DATA "/conf/debian.conf");
	char *web = slurp(REFD_TEST_DATA "/conf/debian-conf.d/web.conf");
	char *workers = slurp(REFD_TEST_DATA "/conf/debian-conf.d/workers.conf");
	const struct memfile files[] = {
		{ "/etc/supervisor/supervisord.conf", main },
		{ "/etc/supervisor/conf.d/web.conf", web },
		{ "/etc/supervisor/conf.d/workers.conf", workers },
	};
	struct conf_errors errs = { 0 };
	struct conf *c = load_fs(files, 3, "/etc/supervisor/supervisord.conf", false, &errs);
	if (!c) fail_msg("%s", first_error(&errs));
	assert_string_equal(c->sd.logfile, "/var/log/supervisor/supervisord.log");
	assert_string_equal(c->sd.childlogdir, "/var/log/supervisor");
	assert_int_equal(c->n_groups, 2);
	const struct conf_group *w = group(c, "worker");
	assert_int_equal(w->n_procs, 2);
	assert_string_equal(w->procs[1]->name, "worker_01");
	assert_string_equal(conf_kv_get(&w->procs[0]->env, "HERE"), "/etc/supervisor/conf.d");
	const struct conf_proc *web_p = group(c, "web")->procs[0];
	assert_int_equal(web_p->autorestart, CONF_AR_TRUE);
	assert_int_equal(web_p->err.kind, CONF_LOG_NONE);
	assert_string_equal(c->servers[0].file, "/var/run/supervisor.sock");
	assert_string_equal(c->ctl.serverurl, "unix:///var/run/supervisor.sock");
	conf_free(c);
	free(main);
	free(web);
	free(workers);
}

/* ---- the command line, the environment, hostile input ---------------------- */

static void test_cli(void **state)
{
	(void)state;
	struct conf_cli cli;
	memset(&cli, 0, sizeof cli);
	cli.nodaemon = true;
	cli.loglevel = "debug";
	cli.logfile = "rel.log";
	cli.user = "root";
	struct conf_env_src src = { NULL, NULL, NULL, env_home, "h", "/srv", NULL };
	struct conf_errors errs = { 0 };
	const char *text = SD "loglevel = warn\n";
	struct conf *c = conf_load_text("t.conf", text, strlen(text), &cli, &src, false, &errs);
	assert_non_null(c);
	assert_true(c->sd.nodaemon);
	assert_int_equal(c->sd.loglevel, 10);
	assert_string_equal(c->sd.logfile, "/srv/rel.log");
	assert_true(c->sd.has_uid);
	assert_int_equal(c->sd.uid, 0);
	conf_free(c);
	cli.user = "nosuchuser";
	c = conf_load_text("t.conf", text, strlen(text), &cli, &src, false, &errs);
	assert_null(c);
	assert_string_equal(first_error(&errs), "Invalid user name nosuchuser");
	conf_errors_free(&errs);
}

static void test_env_names(void **state)
{
	(void)state;
	/* the ENV_ names of a previous load stay (reloadConfig, config.md §3.1) */
	struct conf_kv old = { 0 };
	conf_kv_set(&old, "ENV_OLD", "kept");
	struct conf_env_src src = { NULL, NULL, NULL, env_home, "h", "/tmp", &old };
	struct conf_errors errs = { 0 };
	const char *text = SD "[program:p]\ncommand = %(ENV_OLD)s\n";
	struct conf *c = conf_load_text("t.conf", text, strlen(text), NULL, &src, false, &errs);
	assert_non_null(c);
	assert_string_equal(c->groups[0]->procs[0]->command, "kept");
	conf_free(c);
	conf_kv_free(&old);
}

static void test_hostile(void **state)
{
	(void)state;
	struct conf_errors errs = { 0 };
	struct buf b = BUF_INIT;
	/* deep parentheses in a key, a huge line, many sections */
	buf_puts(&b, SD "[program:p]\ncommand = %");
	for (int i = 0; i < 100000; i++) buf_putc(&b, '(');
	buf_putc(&b, '\n');
	struct conf *c = load_text(b.p, &errs);
	assert_null(c);
	assert_non_null(strstr(first_error(&errs), "incomplete format key"));
	conf_errors_free(&errs);
	buf_reset(&b);
	buf_puts(&b, SD);
	for (int i = 0; i < 3000; i++) buf_printf(&b, "[program:p%d]\ncommand = /bin/p%d\n", i, i);
	c = load_text(b.p, &errs);
	assert_non_null(c);
	assert_int_equal(c->n_groups, 3000);
	conf_free(c);
	buf_reset(&b);
	buf_puts(&b, SD "[program:p]\ncommand = x\nenvironment = ");
	for (int i = 0; i < 20000; i++) buf_puts(&b, "\"");
	c = load_text(b.p, &errs);
	assert_null(c);
	conf_errors_free(&errs);
	buf_free(&b);
	/* a NUL byte */
	static const char nul[] = "[supervisord]\nlogfile=/tmp/x\0y\n";
	struct conf_env_src src = { NULL, NULL, NULL, env_home, "h", "/tmp", NULL };
	c = conf_load_text("nul.conf", nul, sizeof nul - 1, NULL, &src, false, &errs);
	assert_null(c);
	assert_string_equal(first_error(&errs), "could not read config file nul.conf: NUL byte on line 2");
	conf_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_default_and_case),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_check_all),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_errors),
		cmocka_unit_test(test_program_from_kv),
		cmocka_unit_test(test_group_equal),
		cmocka_unit_test(test_builtin_and_sample),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_env_names),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
