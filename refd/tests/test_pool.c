/* test_pool.c — the listener pool state machine (events.md §4, §6, §7)
 * with a fake world: subscriptions and serials, buffering and overflow,
 * who gets an event, results, rejection and redelivery, dying listeners,
 * EPIPE, and the STDIN: result handler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "core/group.h"
#include "core/pool.h"
#include "core/proc.h"
#include "events/bus.h"
#include "events/event.h"
#include "events/evproto.h"
#include "lib/buf.h"
#include "log/mainlog.h"

#define MAXP 3

/* The world: what was sent to whom, what was logged. */
struct world {
	struct buf log;
	struct buf sent[MAXP];      /* per listener */
	int send_rc[MAXP];
	struct buf target;          /* STDIN: writes, as "group:proc=<data>;" */
	int wakes;
	struct pool_world w;
};

/* One pool of up to MAXP listeners on a bus. */
struct fx {
	struct world world;
	struct evbus *bus;
	struct conf_group cg;
	struct conf_proc cp[MAXP];
	struct pgroup g;
	struct proc procs[MAXP];
	struct proc *pp[MAXP];
	struct pool *pool;
};

static int w_send(void *ctx, struct proc *p, const char *data, size_t n)
{
	struct world *w = ctx;
	struct fx *x = (struct fx *)((char *)w - offsetof(struct fx, world));
	int i = (int)(p - x->procs);
	if (w->send_rc[i]) return w->send_rc[i];
	buf_append(&w->sent[i], data, n);
	return 0;
}

static void w_target(void *ctx, const struct event *ev, const char *data, size_t n)
{
	struct world *w = ctx;
	buf_printf(&w->target, "%s:%s=", ev->groupname, ev->procname);
	buf_append(&w->target, data, n);
	buf_putc(&w->target, ';');
}

static void w_log(void *ctx, int level, const char *msg)
{
	struct world *w = ctx;
	buf_printf(&w->log, "%s %s\n", mainlog_level_code(level), msg);
}

static void w_wake(void *ctx, struct pool *pl)
{
	struct world *w = ctx;
	w->wakes++;
}

static const char *w_server(void *ctx) { return "srv"; }

static void fx_group(struct fx *x, const char *name, int nprocs, unsigned long long events, int bufsize,
                     enum conf_result_handler rh)
{
	x->cg.kind = CONF_GROUP_LISTENER;
	x->cg.name = (char *)name;
	x->cg.events = events;
	x->cg.buffer_size = bufsize;
	x->cg.result_handler = rh;
	x->g.cfg = &x->cg;
	x->g.name = (char *)name;
	x->g.kind = CONF_GROUP_LISTENER;
	x->g.procs = x->pp;
	x->g.n_procs = (size_t)nprocs;
	static const char *names[MAXP] = {"l0", "l1", "l2"};
	for (int i = 0; i < nprocs; i++) {
		x->cp[i].name = (char *)names[i];
		x->procs[i].cfg = &x->cp[i];
		x->procs[i].group = &x->g;
		x->procs[i].state = PROC_STOPPED;
		x->pp[i] = &x->procs[i];
	}
	x->world.w = (struct pool_world){w_send, w_target, w_log, w_wake, w_server, &x->world};
	x->pool = pool_new(&x->g, x->bus, &x->world.w);
}

static struct fx *fx_new(const char *name, int nprocs, unsigned long long events, int bufsize,
                         enum conf_result_handler rh)
{
	struct fx *x = calloc(1, sizeof *x);
	x->bus = evbus_new(NULL);
	fx_group(x, name, nprocs, events, bufsize, rh);
	return x;
}

static void fx_free(struct fx *x)
{
	pool_free(x->pool);
	evbus_free(x->bus);
	buf_free(&x->world.log);
	buf_free(&x->world.target);
	for (int i = 0; i < MAXP; i++) buf_free(&x->world.sent[i]);
	free(x);
}

/* The log since the last look. */
static void expect_log(struct fx *x, const char *want)
{
	assert_string_equal(buf_cstr(&x->world.log), want);
	buf_reset(&x->world.log);
}

static void expect_sent(struct fx *x, int i, const char *want)
{
	assert_string_equal(buf_cstr(&x->world.sent[i]), want);
	buf_reset(&x->world.sent[i]);
}

static void set_state(struct fx *x, int i, enum proc_state s)
{
	int old = x->procs[i].state;
	x->procs[i].state = s;
	if (s == PROC_STARTING) x->procs[i].pid = 100 + i;
	pool_proc_state(x->pool, &x->procs[i], old);
}

static void say(struct fx *x, int i, const char *s)
{
	pool_output(x->pool, &x->procs[i], s, strlen(s));
}

/* Listener i spawned, reached RUNNING and said READY. */
static void ready(struct fx *x, int i)
{
	set_state(x, i, PROC_STARTING);
	set_state(x, i, PROC_RUNNING);
	say(x, i, "READY\n");
}

static void publish_group(struct fx *x, const char *g)
{
	evbus_publish(x->bus, event_group(EV_PROCESS_GROUP_ADDED, g));
}

#define ALL EVTYPE_BIT(EV_EVENT)

static void test_serials_and_subscriptions(void **state)
{
	struct fx *x = fx_new("lis", 1, EVTYPE_BIT(EV_PROCESS_GROUP), 10, CONF_RH_DEFAULT);
	/* A second pool on the same bus that only wants remote communication. */
	struct fx *y = calloc(1, sizeof *y);
	y->bus = x->bus;
	fx_group(y, "other", 1, EVTYPE_BIT(EV_REMOTE_COMMUNICATION) | EVTYPE_BIT(EV_PROCESS_GROUP_ADDED), 10,
	         CONF_RH_DEFAULT);
	evbus_publish(x->bus, event_sup_state(EV_SUPERVISOR_STATE_CHANGE_RUNNING)); /* nobody: no serial */
	assert_int_equal(evbus_serial_peek(x->bus), 0);
	publish_group(x, "a");                      /* both: serial 0, poolserials 0 and 0 */
	evbus_publish(x->bus, event_remote_comm("t", 1, "d", 1));   /* y: serial 1, poolserial 1 */
	publish_group(x, "b");                      /* both: serial 2, poolserials 1 and 2 */
	assert_int_equal(pool_buffered(x->pool), 2);
	assert_int_equal(pool_buffered(y->pool), 3);
	ready(x, 0);
	pool_dispatch(x->pool);
	expect_sent(x, 0, "ver:3.0 server:srv serial:0 pool:lis poolserial:0 eventname:PROCESS_GROUP_ADDED len:12\n"
	                  "groupname:a\n");
	say(x, 0, "RESULT 2\nOKREADY\n");
	pool_dispatch(x->pool);
	expect_sent(x, 0, "ver:3.0 server:srv serial:2 pool:lis poolserial:1 eventname:PROCESS_GROUP_ADDED len:12\n"
	                  "groupname:b\n");
	ready(y, 0);
	pool_dispatch(y->pool);
	say(y, 0, "RESULT 2\nOKREADY\n");
	pool_dispatch(y->pool);
	say(y, 0, "RESULT 2\nOKREADY\n");
	pool_dispatch(y->pool);
	assert_string_equal(buf_cstr(&y->world.sent[0]),
	                    "ver:3.0 server:srv serial:0 pool:other poolserial:0 eventname:PROCESS_GROUP_ADDED len:12\n"
	                    "groupname:a\n"
	                    "ver:3.0 server:srv serial:1 pool:other poolserial:1 eventname:REMOTE_COMMUNICATION len:8\n"
	                    "type:t\nd"
	                    "ver:3.0 server:srv serial:2 pool:other poolserial:2 eventname:PROCESS_GROUP_ADDED len:12\n"
	                    "groupname:b\n");
	pool_free(y->pool);
	buf_free(&y->world.log);
	buf_free(&y->world.sent[0]);
	free(y);
	fx_free(x);
}

static void test_overlapping_types_deliver_once(void **state)
{
	/* supervisord delivers twice to a pool subscribed to EVENT and
	 * PROCESS_GROUP; refd once (docs/compat.md). */
	struct fx *x = fx_new("lis", 1, ALL | EVTYPE_BIT(EV_PROCESS_GROUP), 10, CONF_RH_DEFAULT);
	publish_group(x, "a");
	assert_int_equal(pool_buffered(x->pool), 1);
	fx_free(x);
}

static void test_overflow_drops_oldest(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 2, CONF_RH_DEFAULT);
	publish_group(x, "a");
	publish_group(x, "b");
	expect_log(x, "");
	publish_group(x, "c");
	expect_log(x, "ERRO pool lis event buffer overflowed, discarding event 0\n");
	assert_int_equal(pool_buffered(x->pool), 2);
	ready(x, 0);
	pool_dispatch(x->pool);
	expect_sent(x, 0, "ver:3.0 server:srv serial:1 pool:lis poolserial:1 eventname:PROCESS_GROUP_ADDED len:12\n"
	                  "groupname:b\n");
	fx_free(x);
}

static void test_only_running_ready_listeners_get_events(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 10, CONF_RH_DEFAULT);
	publish_group(x, "a");
	publish_group(x, "b");
	set_state(x, 0, PROC_STARTING);
	say(x, 0, "READY\n");                       /* READY but still STARTING */
	expect_log(x, "DEBG l0: ACKNOWLEDGED -> READY\n");
	assert_int_equal(x->world.wakes, 0);
	pool_dispatch(x->pool);
	expect_sent(x, 0, "");
	set_state(x, 0, PROC_RUNNING);              /* now a pass is wanted */
	assert_int_equal(x->world.wakes, 1);
	pool_dispatch(x->pool);
	/* One event per listener; the next goes back to the head, and says so. */
	expect_log(x, "DEBG event 0 sent to listener l0\n"
	              "DEBG rebuffering event 1 for pool lis (buf size=0, max=10)\n");
	assert_int_equal(pool_buffered(x->pool), 1);
	assert_int_equal(x->procs[0].listener_state, EVP_BUSY);
	fx_free(x);
}

static void test_result_ok_and_fail(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 10, CONF_RH_DEFAULT);
	ready(x, 0);
	publish_group(x, "a");
	assert_int_equal(x->world.wakes, 1);
	pool_dispatch(x->pool);
	const char *env = "ver:3.0 server:srv serial:0 pool:lis poolserial:0 eventname:PROCESS_GROUP_ADDED len:12\n"
	                  "groupname:a\n";
	expect_sent(x, 0, env);
	buf_reset(&x->world.log);
	say(x, 0, "RESULT 4\nFAIL");
	expect_log(x, "WARN l0: event was rejected\n"
	              "DEBG l0: BUSY -> ACKNOWLEDGED\n"
	              "DEBG rebuffering event 0 for pool lis (buf size=0, max=10)\n");
	assert_int_equal(pool_buffered(x->pool), 1);
	say(x, 0, "READY\n");
	pool_dispatch(x->pool);
	expect_sent(x, 0, env);                     /* the same serials again */
	buf_reset(&x->world.log);
	say(x, 0, "RESULT 2\nOK");
	expect_log(x, "DEBG l0: event was processed\nDEBG l0: BUSY -> ACKNOWLEDGED\n");
	assert_int_equal(pool_buffered(x->pool), 0);
	fx_free(x);
}

static void test_listener_dies_while_busy(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 10, CONF_RH_DEFAULT);
	ready(x, 0);
	publish_group(x, "a");
	publish_group(x, "b");
	pool_dispatch(x->pool);
	buf_reset(&x->world.log);
	buf_reset(&x->world.sent[0]);
	set_state(x, 0, PROC_EXITED);
	/* Back at the head, before b. */
	expect_log(x, "DEBG rebuffering event 0 for pool lis (buf size=1, max=10)\n");
	assert_int_equal(pool_buffered(x->pool), 2);
	/* The new process starts over: nothing is sent until READY. */
	set_state(x, 0, PROC_STARTING);
	assert_int_equal(x->procs[0].listener_state, EVP_ACKNOWLEDGED);
	set_state(x, 0, PROC_RUNNING);
	pool_dispatch(x->pool);
	expect_sent(x, 0, "");
	say(x, 0, "READY\n");
	pool_dispatch(x->pool);
	assert_non_null(strstr(buf_cstr(&x->world.sent[0]), "serial:0 pool:lis poolserial:0"));
	fx_free(x);
}

static void test_epipe_tries_next_listener(void **state)
{
	struct fx *x = fx_new("lis", 2, ALL, 10, CONF_RH_DEFAULT);
	ready(x, 0);
	ready(x, 1);
	buf_reset(&x->world.log);
	x->world.send_rc[0] = -1;
	publish_group(x, "a");
	pool_dispatch(x->pool);
	expect_log(x, "DEBG epipe occurred while sending event 0 to listener l0, listener state unchanged\n"
	              "DEBG event 0 sent to listener l1\n");
	assert_int_equal(x->procs[0].listener_state, EVP_READY);
	assert_int_equal(x->procs[1].listener_state, EVP_BUSY);
	/* Nobody can take the next one: it stays, with its serial. */
	x->world.send_rc[0] = -2;
	publish_group(x, "b");
	pool_dispatch(x->pool);
	expect_log(x, "DEBG stdin of listener l0 is full, event 1 not sent\n"
	              "DEBG rebuffering event 1 for pool lis (buf size=0, max=10)\n");
	assert_int_equal(pool_buffered(x->pool), 1);
	fx_free(x);
}

static void test_first_ready_listener_in_order(void **state)
{
	struct fx *x = fx_new("lis", 3, ALL, 10, CONF_RH_DEFAULT);
	ready(x, 2);
	ready(x, 1);
	publish_group(x, "a");
	publish_group(x, "b");
	publish_group(x, "c");
	pool_dispatch(x->pool);
	assert_non_null(strstr(buf_cstr(&x->world.sent[1]), "groupname:a"));
	assert_non_null(strstr(buf_cstr(&x->world.sent[2]), "groupname:b"));
	assert_int_equal(pool_buffered(x->pool), 1);
	fx_free(x);
}

static void test_bad_result_line(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 10, CONF_RH_DEFAULT);
	ready(x, 0);
	publish_group(x, "a");
	pool_dispatch(x->pool);
	buf_reset(&x->world.log);
	say(x, 0, "RESULT \x88\n");
	expect_log(x, "WARN l0: bad result line: 'Undecodable: b'RESULT \\x88''\n"
	              "DEBG l0: BUSY -> UNKNOWN\n"
	              "WARN l0: has entered the UNKNOWN state and will no longer receive events, this usually "
	              "indicates the process violated the eventlistener protocol\n"
	              "DEBG rebuffering event 0 for pool lis (buf size=0, max=10)\n");
	say(x, 0, "READY\n");
	expect_log(x, "");
	fx_free(x);
}

static void test_rebuffer_into_full_buffer(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 2, CONF_RH_DEFAULT);
	ready(x, 0);
	publish_group(x, "a");
	pool_dispatch(x->pool);                     /* a is out */
	publish_group(x, "b");
	publish_group(x, "c");
	buf_reset(&x->world.log);
	say(x, 0, "RESULT 4\nFAIL");                /* a comes back to a full buffer */
	expect_log(x, "WARN l0: event was rejected\n"
	              "DEBG l0: BUSY -> ACKNOWLEDGED\n"
	              "DEBG rebuffering event 0 for pool lis (buf size=2, max=2)\n"
	              "ERRO pool lis event buffer overflowed, discarding event 1\n");
	say(x, 0, "READY\n");
	pool_dispatch(x->pool);
	assert_non_null(strstr(buf_cstr(&x->world.sent[0]), "groupname:a"));
	fx_free(x);
}

static void test_rejection_stays_in_its_pool(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 10, CONF_RH_DEFAULT);
	struct fx *y = calloc(1, sizeof *y);
	y->bus = x->bus;
	fx_group(y, "other", 1, EVTYPE_BIT(EV_REMOTE_COMMUNICATION), 10, CONF_RH_DEFAULT);
	ready(x, 0);
	publish_group(x, "a");
	pool_dispatch(x->pool);
	say(x, 0, "RESULT 4\nFAIL");
	assert_int_equal(pool_buffered(x->pool), 1);
	assert_int_equal(pool_buffered(y->pool), 0);   /* supervisord: 1 (equal priority) */
	pool_free(y->pool);
	free(y);
	fx_free(x);
}

static void test_stdin_handler(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 10, CONF_RH_TWIDDLER_STDIN);
	struct event_proc about = {"cat", "grp", 42, 0, false};
	ready(x, 0);
	evbus_publish(x->bus, event_proc_comm(EV_PROCESS_COMMUNICATION_STDOUT, &about, "hi", 2));
	pool_dispatch(x->pool);
	buf_reset(&x->world.log);
	say(x, 0, "RESULT 12\nSTDIN:hello\n");
	assert_string_equal(buf_cstr(&x->world.target), "grp:cat=hello\n;");
	expect_log(x, "DEBG l0: event was processed\nDEBG l0: BUSY -> ACKNOWLEDGED\n");
	/* An empty STDIN: is still a write. */
	buf_reset(&x->world.target);
	say(x, 0, "READY\n");
	evbus_publish(x->bus, event_proc_comm(EV_PROCESS_COMMUNICATION_STDOUT, &about, "hi", 2));
	pool_dispatch(x->pool);
	say(x, 0, "RESULT 6\nSTDIN:");
	assert_string_equal(buf_cstr(&x->world.target), "grp:cat=;");
	/* An event about no process: processed, nothing written. */
	buf_reset(&x->world.target);
	say(x, 0, "READY\n");
	publish_group(x, "a");
	pool_dispatch(x->pool);
	buf_reset(&x->world.log);
	say(x, 0, "RESULT 8\nSTDIN:x\n");
	assert_string_equal(buf_cstr(&x->world.target), "");
	expect_log(x, "DEBG l0: event was processed\nDEBG l0: BUSY -> ACKNOWLEDGED\n");
	/* OK is processed, anything else rejected. */
	say(x, 0, "READY\n");
	publish_group(x, "b");
	pool_dispatch(x->pool);
	say(x, 0, "RESULT 2\nOK");
	assert_int_equal(pool_buffered(x->pool), 0);
	say(x, 0, "READY\n");
	publish_group(x, "c");
	pool_dispatch(x->pool);
	buf_reset(&x->world.log);
	say(x, 0, "RESULT 5\nstdin");
	assert_int_equal(pool_buffered(x->pool), 1);
	assert_string_equal(buf_cstr(&x->world.target), "");
	fx_free(x);
}

static void test_default_handler_is_exact(void **state)
{
	struct fx *x = fx_new("lis", 1, ALL, 10, CONF_RH_DEFAULT);
	static const char *rejected[] = {"RESULT 3\nOK\n", "RESULT 2\nok", "RESULT 8\nSTDIN:x\n", "RESULT 0\n"};
	ready(x, 0);
	publish_group(x, "a");
	for (size_t i = 0; i < sizeof rejected / sizeof *rejected; i++) {
		pool_dispatch(x->pool);
		buf_reset(&x->world.log);
		say(x, 0, rejected[i]);
		assert_non_null(strstr(buf_cstr(&x->world.log), "WARN l0: event was rejected\n"));
		assert_int_equal(pool_buffered(x->pool), 1);
		say(x, 0, "READY\n");
	}
	fx_free(x);
}

static void test_buffered_events_freed_with_pool(void **state)
{
	/* Run under valgrind/ASan: nothing leaks when a pool goes with
	 * buffered and current events. */
	struct fx *x = fx_new("lis", 2, ALL, 10, CONF_RH_DEFAULT);
	ready(x, 0);
	for (int i = 0; i < 5; i++) publish_group(x, "g");
	pool_dispatch(x->pool);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serials_and_subscriptions),
		cmocka_unit_test(test_overlapping_types_deliver_once),
		cmocka_unit_test(test_overflow_drops_oldest),
		cmocka_unit_test(test_only_running_ready_listeners_get_events),
		cmocka_unit_test(test_result_ok_and_fail),
		cmocka_unit_test(test_listener_dies_while_busy),
		cmocka_unit_test(test_epipe_tries_next_listener),
		cmocka_unit_test(test_first_ready_listener_in_order),
		cmocka_unit_test(test_bad_result_line),
		cmocka_unit_test(test_rebuffer_into_full_buffer),
		cmocka_unit_test(test_rejection_stays_in_its_pool),
		cmocka_unit_test(test_stdin_handler),
		cmocka_unit_test(test_default_handler_is_exact),
		cmocka_unit_test(test_buffered_events_freed_with_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
