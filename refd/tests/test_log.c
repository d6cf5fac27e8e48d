/* test_log.c — the rotating writer (rotation boundary, backups, maxbytes=0),
 * the read/tail offset arithmetic, the main log's record format, and a
 * child channel's capture mode and strip_ansi. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/mem.h"
#include "log/childlog.h"
#include "log/mainlog.h"
#include "log/readlog.h"
#include "log/rotfile.h"
#include "log/watch.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/refd-test-log-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return xstrdup(d);
}

static void rmtree(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static long long size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	struct buf b = BUF_INIT;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_append(&b, tmp, n);
	fclose(f);
	return buf_steal(&b);
}

static void test_rotation_boundary_and_backups(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *path = xasprintf("%s/w.out", dir);
	struct rotfile f;
	rotfile_init(&f);
	assert_int_equal(rotfile_open(&f, path, 200, 2, NULL), 0);
	/* 39-byte lines with maxbytes 200: each file gets 6 lines (234 bytes):
	 * it rotates after the write that reaches the limit. */
	const char line[] = "01234567890123456789012345678901234567\n";   /* 39 bytes */
	assert_int_equal(sizeof line - 1, 39);
	for (int i = 0; i < 6 * 4; i++) assert_int_equal(rotfile_write(&f, line, 39, NULL), 0);
	char *b1 = xasprintf("%s.1", path), *b2 = xasprintf("%s.2", path), *b3 = xasprintf("%s.3", path);
	assert_int_equal(size_of(path), 0);          /* just rotated */
	assert_int_equal(size_of(b1), 234);
	assert_int_equal(size_of(b2), 234);
	assert_int_equal(size_of(b3), -1);           /* backups=2 keeps two */
	assert_int_equal(rotfile_write(&f, "x\n", 2, NULL), 0);
	assert_int_equal(size_of(path), 2);
	rotfile_free(&f);
	rmtree(dir);
	free(path); free(b1); free(b2); free(b3); free(dir);
}

static void test_no_backups_truncates(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *path = xasprintf("%s/t.log", dir);
	struct rotfile f;
	rotfile_init(&f);
	assert_int_equal(rotfile_open(&f, path, 10, 0, NULL), 0);
	assert_int_equal(rotfile_write(&f, "abcdefghijk", 11, NULL), 0);    /* over: truncated */
	assert_int_equal(size_of(path), 0);
	char *b1 = xasprintf("%s.1", path);
	assert_int_equal(size_of(b1), -1);
	rotfile_free(&f);
	rmtree(dir);
	free(path); free(b1); free(dir);
}

static void test_maxbytes_zero_never_rotates(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *path = xasprintf("%s/n.log", dir);
	struct rotfile f;
	rotfile_init(&f);
	assert_int_equal(rotfile_open(&f, path, 0, 5, NULL), 0);
	char chunk[1000];
	memset(chunk, 'z', sizeof chunk);
	for (int i = 0; i < 100; i++) assert_int_equal(rotfile_write(&f, chunk, sizeof chunk, NULL), 0);
	assert_int_equal(size_of(path), 100000);
	rotfile_free(&f);
	/* A non-seekable target works with maxbytes 0. */
	int p[2];
	assert_int_equal(pipe(p), 0);
	char *dev = xasprintf("/proc/self/fd/%d", p[1]);
	rotfile_init(&f);
	assert_int_equal(rotfile_open(&f, dev, 0, 0, NULL), 0);
	assert_int_equal(rotfile_write(&f, "pipe\n", 5, NULL), 0);
	char got[8] = {0};
	assert_int_equal(read(p[0], got, sizeof got), 5);
	assert_string_equal(got, "pipe\n");
	rotfile_free(&f);
	close(p[0]);
	close(p[1]);
	rmtree(dir);
	free(dev); free(path); free(dir);
}

static int notified;
static void on_change(struct logwatch *w) { notified++; }

static void test_watchers_hear_appends_and_rotations(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *path = xasprintf("%s/w.log", dir);
	struct logwatch_hub hub;
	logwatch_hub_init(&hub);
	struct logwatch w, other;
	logwatch_add(&hub, &w, path, on_change);
	logwatch_add(&hub, &other, "/elsewhere", on_change);
	struct rotfile f;
	rotfile_init(&f);
	assert_int_equal(rotfile_open(&f, path, 0, 0, &hub), 0);
	notified = 0;
	rotfile_write(&f, "a", 1, NULL);
	rotfile_write(&f, "b", 1, NULL);
	assert_int_equal(notified, 2);
	rotfile_rotate(&f);
	assert_int_equal(notified, 3);
	logwatch_remove(&hub, &w);
	rotfile_write(&f, "c", 1, NULL);
	assert_int_equal(notified, 3);
	logwatch_remove(&hub, &other);
	assert_null(hub.head);
	rotfile_free(&f);
	rmtree(dir);
	free(path); free(dir);
}

static char *file_with(const char *text)
{
	char *dir = tmpdir();
	char *path = xasprintf("%s/f", dir);
	FILE *f = fopen(path, "wb");
	fputs(text, f);
	fclose(f);
	free(dir);
	return path;
}

static void check_read(const char *path, long long off, long long len, int want_rc, const char *want)
{
	struct buf b = BUF_INIT;
	assert_int_equal(readlog_read(path, off, len, &b), want_rc);
	if (want) assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static void test_read_arithmetic(void **state)
{
	(void)state;
	char *path = file_with("abcdefghij");
	check_read(path, 0, 0, 0, "abcdefghij");
	check_read(path, 3, 0, 0, "defghij");
	check_read(path, 3, 4, 0, "defg");
	check_read(path, 8, 5, 0, "ij");
	check_read(path, 10, 5, 0, "");
	check_read(path, 20, 5, 0, "");
	check_read(path, -3, 0, 0, "hij");
	check_read(path, -20, 0, 0, "abcdefghij");
	check_read(path, -3, 2, READLOG_BAD_ARGUMENTS, NULL);
	check_read(path, 3, -1, READLOG_BAD_ARGUMENTS, NULL);
	check_read(path, 0, 1LL << 62, 0, "abcdefghij");      /* no overflow */
	check_read("/nonexistent/file", 0, 0, READLOG_FAILED, NULL);
	unlink(path);
	free(path);
}

static void check_tail(const char *path, long long off, long long len, const char *want,
                       long long want_off, bool want_over)
{
	struct buf b = BUF_INIT;
	long long o;
	bool over;
	assert_int_equal(readlog_tail(path, off, len, &b, &o, &over), 0);
	assert_string_equal(buf_cstr(&b), want);
	assert_int_equal(o, want_off);
	assert_int_equal(over, want_over);
	buf_free(&b);
}

static void test_tail_arithmetic(void **state)
{
	(void)state;
	char *path = file_with("abcdefghij");
	/* xmlrpc-api.md §9.2, every row */
	check_tail(path, 0, 0, "", 10, true);
	check_tail(path, 0, 3, "hij", 10, true);
	check_tail(path, 0, 10, "abcdefghij", 10, false);
	check_tail(path, 0, 20, "abcdefghij", 10, false);
	check_tail(path, 5, 3, "hij", 10, true);
	check_tail(path, 5, 5, "fghij", 10, false);
	check_tail(path, 5, 10, "abcdefghij", 10, false);
	check_tail(path, 10, 5, "", 10, false);
	check_tail(path, 15, 5, "", 10, false);
	check_tail(path, -5, 3, "hij", 10, true);
	check_tail(path, 3, -1, "", 10, true);
	check_tail(path, 9, 0, "", 10, true);
	check_tail(path, 9, 1, "j", 10, false);
	check_tail(path, 100, 0, "", 10, false);
	unlink(path);
	free(path);
}

static void test_mainlog_format_and_levels(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *path = xasprintf("%s/main.log", dir);
	struct mainlog l;
	mainlog_init(&l, LVL_INFO);
	mainlog_log(&l, LVL_CRIT, "queued before open");
	mainlog_log(&l, LVL_DEBG, "dropped: below the level");
	assert_int_equal(mainlog_open(&l, path, 0, 0, false, NULL), 0);
	mainlog_log(&l, LVL_WARN, "a %s", "warning");
	mainlog_write(&l, LVL_INFO, "two\nlines", 9);
	char *text = slurp(path);
	/* "YYYY-MM-DD HH:MM:SS,mmm CODE message" */
	const char *p = text;
	for (int i = 0; i < 3; i++) {
		assert_true(strlen(p) > 24);
		assert_true(p[4] == '-' && p[7] == '-' && p[10] == ' ' && p[13] == ':' && p[16] == ':' && p[19] == ',');
		assert_true(p[23] == ' ');
		p = strchr(p, '\n') + 1;
		if (i == 2) break;
	}
	assert_non_null(strstr(text, " CRIT queued before open\n"));
	assert_null(strstr(text, "dropped"));
	assert_non_null(strstr(text, " WARN a warning\n"));
	assert_non_null(strstr(text, " INFO two\nlines\n"));
	assert_int_equal(mainlog_level_from_code("erro"), LVL_ERRO);
	assert_int_equal(mainlog_level_from_code("ERROR"), -1);
	assert_string_equal(mainlog_level_code(LVL_BLAT), "BLAT");
	free(text);
	mainlog_close(&l);
	rmtree(dir);
	free(path); free(dir);
}

static int logged_calls, captured_calls;
static struct buf captured;
static void hook_logged(void *ctx, int ch, const char *d, size_t n) { logged_calls++; }
static void hook_captured(void *ctx, int ch, const char *d, size_t n)
{
	captured_calls++;
	buf_append(&captured, d, n);
}

static void test_capture_mode_and_strip(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *path = xasprintf("%s/c.log", dir);
	struct mainlog ml;
	mainlog_init(&ml, LVL_CRIT);
	struct childlog c;
	struct childlog_config cfg = {.procname = "talker", .channel = CHAN_STDOUT, .path = path,
	                              .capture_maxbytes = 1024, .strip_ansi = true};
	struct childlog_hooks hooks = {hook_logged, hook_captured, NULL};
	buf_init(&captured);
	assert_int_equal(childlog_open(&c, &cfg, &ml, NULL, &hooks), 0);
	/* Tokens split across chunks, an escape stripped, the tail flushed at EOF. */
	const char *chunks[] = {"hello\npre<!--XSUPER", "VISOR:BEGIN-->capt\x1b[31mured", " data<!--XSUPERVISOR:EN",
	                        "D-->post\n"};
	for (size_t i = 0; i < 4; i++) childlog_feed(&c, chunks[i], strlen(chunks[i]));
	childlog_close(&c);
	char *text = slurp(path);
	assert_string_equal(text, "hello\npre" "post\n");
	assert_int_equal(captured_calls, 1);
	assert_string_equal(buf_cstr(&captured), "captured data");
	assert_true(logged_calls >= 3);
	free(text);
	buf_free(&captured);
	mainlog_close(&ml);
	rmtree(dir);
	free(path); free(dir);
}

static void test_strip_ansi_rule(void **state)
{
	(void)state;
	char s1[] = "line \x1b[31mred\x1b[0m x";
	assert_int_equal(childlog_strip_ansi(s1, strlen(s1)), strlen("line red x"));
	s1[strlen("line red x")] = '\0';
	assert_string_equal(s1, "line red x");
	char s2[] = "keep \x1b]0;title\x07 this";      /* ESC ] is not stripped */
	size_t n2 = childlog_strip_ansi(s2, strlen(s2));
	assert_int_equal(n2, strlen(s2));
	char s3[] = "cut \x1b[12";                       /* no final byte: the rest goes */
	size_t n3 = childlog_strip_ansi(s3, strlen(s3));
	assert_int_equal(n3, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotation_boundary_and_backups),
		cmocka_unit_test(test_no_backups_truncates),
		cmocka_unit_test(test_maxbytes_zero_never_rotates),
		cmocka_unit_test(test_watchers_hear_appends_and_rotations),
		cmocka_unit_test(test_read_arithmetic),
		cmocka_unit_test(test_tail_arithmetic),
		cmocka_unit_test(test_mainlog_format_and_levels),
		cmocka_unit_test(test_capture_mode_and_strip),
		cmocka_unit_test(test_strip_ansi_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
