/* test_evproto.c — the listener protocol parser (events.md §7): every
 * state's rule, the callbacks' order, refd's stricter result lines, and
 * that chunking never changes what the bytes mean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "events/evproto.h"
#include "lib/buf.h"

/* Records the callbacks as text: S<from>><to> for a state change,
 * B[line] for a bad line, R[body] (R+[...] when truncated), J for reject. */
struct trace {
	struct buf t;
	enum evproto_verdict verdict;
};

static void t_state(void *ctx, int from, int to)
{
	struct trace *tr = ctx;
	buf_printf(&tr->t, "S%d>%d;", from, to);
}

static void t_bad(void *ctx, const char *line, size_t n)
{
	struct trace *tr = ctx;
	buf_puts(&tr->t, "B[");
	buf_append(&tr->t, line, n);
	buf_puts(&tr->t, "];");
}

static enum evproto_verdict t_result(void *ctx, const char *body, size_t n, bool truncated)
{
	struct trace *tr = ctx;
	buf_puts(&tr->t, truncated ? "R+[" : "R[");
	buf_append(&tr->t, body, n);
	buf_puts(&tr->t, "];");
	return tr->verdict;
}

static void t_reject(void *ctx)
{
	struct trace *tr = ctx;
	buf_puts(&tr->t, "J;");
}

static const struct evproto_ops ops = {t_state, t_bad, t_result, t_reject};

struct fx {
	struct evproto p;
	struct trace tr;
};

static int setup(void **state)
{
	static struct fx x;
	memset(&x, 0, sizeof x);
	evproto_init(&x.p, 64);
	x.tr.verdict = EVP_PROCESSED;
	*state = &x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	evproto_fini(&x->p);
	buf_free(&x->tr.t);
	return 0;
}

static void feed(struct fx *x, const char *s)
{
	evproto_feed(&x->p, s, strlen(s), &ops, &x->tr);
}

static void feedn(struct fx *x, const char *s, size_t n)
{
	evproto_feed(&x->p, s, n, &ops, &x->tr);
}

static void expect(struct fx *x, const char *want)
{
	assert_string_equal(buf_cstr(&x->tr.t), want);
	buf_reset(&x->tr.t);
}

/* READY, then BUSY as the pool sends an event. */
static void to_busy(struct fx *x)
{
	feed(x, "READY\n");
	expect(x, "S30>10;");
	assert_true(evproto_busy(&x->p));
	assert_int_equal(x->p.state, EVP_BUSY);
}

static void test_ready_result_ok(void **state)
{
	struct fx *x = *state;
	assert_int_equal(x->p.state, EVP_ACKNOWLEDGED);
	to_busy(x);
	feed(x, "RESULT 2\nOK");
	expect(x, "R[OK];S20>30;");
	assert_int_equal(x->p.state, EVP_ACKNOWLEDGED);
	to_busy(x);
}

static void test_tokens_in_one_write(void **state)
{
	struct fx *x = *state;
	to_busy(x);
	feed(x, "RESULT 2\nOKREADY\n");
	expect(x, "R[OK];S20>30;S30>10;");
	assert_int_equal(x->p.state, EVP_READY);
}

static void test_ack_waits_for_six_bytes(void **state)
{
	struct fx *x = *state;
	feed(x, "REA");
	feed(x, "DY");
	expect(x, "");
	assert_int_equal(x->p.state, EVP_ACKNOWLEDGED);
	feed(x, "\n");
	expect(x, "S30>10;");
	/* Six bytes that are not READY\n, even when the first already differ. */
	teardown(state);
	setup(state);
	x = *state;
	feed(x, "X");
	expect(x, "");
	feed(x, "YZZZZ and more");
	expect(x, "S30>40;");
	feed(x, "READY\nRESULT 2\nOK");             /* deaf from now on */
	expect(x, "");
	assert_false(evproto_busy(&x->p));
}

static void test_ready_is_strict(void **state)
{
	struct fx *x = *state;
	feed(x, "READY\n");
	feed(x, "\n");
	expect(x, "S30>10;S10>40;");
	assert_int_equal(x->p.state, EVP_UNKNOWN);
}

static void test_result_rejected_and_error(void **state)
{
	struct fx *x = *state;
	to_busy(x);
	x->tr.verdict = EVP_REJECTED;
	feed(x, "RESULT 4\nFAIL");
	expect(x, "R[FAIL];S20>30;J;");
	to_busy(x);
	x->tr.verdict = EVP_ERROR;
	feed(x, "RESULT 2\nOKREADY\n");
	expect(x, "R[OK];S20>40;J;");           /* the rest is discarded */
	assert_int_equal(x->p.state, EVP_UNKNOWN);
}

static void bad(void **state, const char *line, const char *shown)
{
	setup(state);
	struct fx *x = *state;
	to_busy(x);
	feed(x, line);
	char want[256];
	snprintf(want, sizeof want, "B[%s];S20>40;J;", shown);
	expect(x, want);
	feed(x, "READY\n");
	expect(x, "");
	teardown(state);
}

static void test_bad_result_lines(void **state)
{
	bad(state, "RESULTX 2\nOK", "RESULTX 2");       /* refd: the prefix is checked */
	bad(state, "RESULT\t2\nOK", "RESULT\t2");
	bad(state, "RESULT abc\n", "RESULT abc");
	bad(state, "RESULT \n", "RESULT ");
	bad(state, "RESULT -1\n", "RESULT -1");        /* refd: no negative length */
	bad(state, "RESULT 99999999999999999999\n", "RESULT 99999999999999999999");
	bad(state, "RESULT 0x10\n", "RESULT 0x10");
	bad(state, "RESULT 1__0\n", "RESULT 1__0");
	bad(state, "RESULT 2 OK\n", "RESULT 2 OK");
	bad(state, "READY\n", "READY");                /* READY while BUSY */
	bad(state, "result 2\nOK", "result 2");
}

static void good_len(void **state, const char *line, const char *body, const char *want)
{
	setup(state);
	struct fx *x = *state;
	to_busy(x);
	feed(x, line);
	feed(x, body);
	expect(x, want);
	teardown(state);
}

static void test_result_length_syntax(void **state)
{
	/* Python's int(): whitespace around, a sign, underscores, leading zeros. */
	good_len(state, "RESULT  2 \n", "OK", "R[OK];S20>30;");
	good_len(state, "RESULT 2\r\n", "OK", "R[OK];S20>30;");
	good_len(state, "RESULT +2\n", "OK", "R[OK];S20>30;");
	good_len(state, "RESULT 0_2\n", "OK", "R[OK];S20>30;");
	good_len(state, "RESULT 002\n", "OK", "R[OK];S20>30;");
	good_len(state, "RESULT \v2\f\n", "OK", "R[OK];S20>30;");
	/* refd: an empty result completes at once. */
	good_len(state, "RESULT 0\n", "", "R[];S20>30;");
	good_len(state, "RESULT -0\n", "", "R[];S20>30;");
}

static void test_header_line_bounded(void **state)
{
	struct fx *x = *state;
	to_busy(x);
	char line[EVPROTO_MAX_LINE];
	memset(line, '7', sizeof line);
	memcpy(line, "RESULT ", 7);
	feedn(x, line, sizeof line);               /* exactly the limit: still waiting */
	expect(x, "");
	feed(x, "7");
	const char *t = buf_cstr(&x->tr.t);
	assert_int_equal(strncmp(t, "B[RESULT 777", 12), 0);
	assert_int_equal(strlen(t), 2 + EVPROTO_MAX_LINE + strlen("];S20>40;J;"));
	assert_int_equal(x->p.state, EVP_UNKNOWN);
}

static void test_body_truncated(void **state)
{
	struct fx *x = *state;                      /* cap 64 */
	to_busy(x);
	feed(x, "RESULT 100\n");
	char body[100];
	memset(body, 'b', sizeof body);
	feedn(x, body, 50);
	expect(x, "");
	feedn(x, body, 50);
	char want[128];
	snprintf(want, sizeof want, "R+[%.*s];S20>30;", 64, body);
	expect(x, want);
}

static void test_body_with_nul_and_newlines(void **state)
{
	struct fx *x = *state;
	to_busy(x);
	feedn(x, "RESULT 5\nS\0\n\nx", 14);
	assert_int_equal(x->tr.t.len, 2 + 5 + strlen("];S20>30;"));
	assert_memory_equal(x->tr.t.p, "R[S\0\n\nx];", 9);
}

static void test_reset_drops_pending(void **state)
{
	struct fx *x = *state;
	to_busy(x);
	feed(x, "RESULT 10\nabc");
	evproto_reset(&x->p);
	expect(x, "");                              /* silent, as supervisord */
	assert_int_equal(x->p.state, EVP_ACKNOWLEDGED);
	feed(x, "READY\n");
	expect(x, "S30>10;");
	/* A listener in UNKNOWN is heard again after a reset. */
	feed(x, "x");
	expect(x, "S10>40;");
	evproto_reset(&x->p);
	feed(x, "READY\n");
	expect(x, "S30>10;");
}

static void test_busy_only_from_ready(void **state)
{
	struct fx *x = *state;
	assert_false(evproto_busy(&x->p));
	feed(x, "READY\n");
	assert_true(evproto_busy(&x->p));
	assert_false(evproto_busy(&x->p));
	assert_string_equal(evproto_state_name(EVP_ACKNOWLEDGED), "ACKNOWLEDGED");
	assert_string_equal(evproto_state_name(EVP_BUSY), "BUSY");
	assert_string_equal(evproto_state_name(EVP_READY), "READY");
	assert_string_equal(evproto_state_name(EVP_UNKNOWN), "UNKNOWN");
}

/* Feeding a conversation in chunks of any size gives the same trace. The
 * pool makes the listener BUSY whenever it says READY and more follows,
 * so no chunk runs past a READY\n. */
static void test_chunking_invariant(void **state)
{
	static const char conv[] = "READY\nRESULT 4\nFAILREADY\nRESULT 2\nOKREADY\nxx";
	size_t n = sizeof conv - 1;
	for (size_t k = 1; k <= n; k++) {
		struct evproto p;
		struct trace tr = {BUF_INIT, EVP_REJECTED};
		evproto_init(&p, 64);
		for (size_t at = 0; at < n;) {
			size_t end = at + k < n ? at + k : n;
			for (size_t e = at + 1; e <= end; e++)
				if (e >= 6 && memcmp(conv + e - 6, "READY\n", 6) == 0) {
					end = e;
					break;
				}
			evproto_feed(&p, conv + at, end - at, &ops, &tr);
			at = end;
			if (p.state == EVP_READY && conv[at] == 'R') evproto_busy(&p);
		}
		assert_string_equal(buf_cstr(&tr.t),
		                    "S30>10;R[FAIL];S20>30;J;S30>10;R[OK];S20>30;J;S30>10;S10>40;");
		evproto_fini(&p);
		buf_free(&tr.t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ready_result_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens_in_one_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_waits_for_six_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ready_is_strict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_result_rejected_and_error, setup, teardown),
		cmocka_unit_test(test_bad_result_lines),
		cmocka_unit_test(test_result_length_syntax),
		cmocka_unit_test_setup_teardown(test_header_line_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_body_with_nul_and_newlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_drops_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_only_from_ready, setup, teardown),
		cmocka_unit_test(test_chunking_invariant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
