/* test_bus.c — the event bus (events.md §1-4, §8): type matching through
 * the hierarchy, subscription order, serials, payloads, and the TICK
 * clock's slices; with a real loop, that the tick timer runs only while
 * someone subscribes to a TICK type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ev.h>
#include <stdlib.h>
#include <string.h>

#include "events/bus.h"
#include "events/event.h"
#include "lib/buf.h"

/* A subscriber that writes "<name>:<serial>:<EVENTNAME>:<payload>;". */
struct rec {
	const char *name;
	struct buf *out;
	struct evbus_sub sub;
};

static void rec_fn(void *ctx, struct event *ev)
{
	struct rec *r = ctx;
	buf_printf(r->out, "%s:%lld:%s:", r->name, ev->serial, evtype_table[ev->type].name);
	buf_append(r->out, ev->payload, ev->len);
	buf_putc(r->out, ';');
}

static void test_matching_order_serials(void **state)
{
	struct buf out = BUF_INIT;
	struct evbus *b = evbus_new(NULL);
	struct rec a = {.name = "a", .out = &out}, c = {.name = "c", .out = &out};
	evbus_subscribe(b, &a.sub, EVTYPE_BIT(EV_PROCESS_STATE), rec_fn, &a);
	evbus_subscribe(b, &c.sub, EVTYPE_BIT(EV_EVENT), rec_fn, &c);
	assert_int_equal(evbus_serial_peek(b), 0);
	assert_true(evbus_wants(b, EV_TICK_5));
	struct event_proc p = {"web", "grp", 12, 3, true};
	evbus_publish(b, event_proc_state(EV_PROCESS_STATE_BACKOFF, &p, "STARTING"));
	evbus_publish(b, event_group(EV_PROCESS_GROUP_ADDED, "grp"));
	evbus_unsubscribe(b, &c.sub);
	assert_false(evbus_wants(b, EV_PROCESS_GROUP_ADDED));
	evbus_publish(b, event_group(EV_PROCESS_GROUP_ADDED, "grp"));    /* nobody: no serial */
	evbus_publish(b, event_proc_state(EV_PROCESS_STATE_EXITED, &p, "RUNNING"));
	assert_string_equal(buf_cstr(&out),
	    "a:0:PROCESS_STATE_BACKOFF:processname:web groupname:grp from_state:STARTING tries:3;"
	    "c:0:PROCESS_STATE_BACKOFF:processname:web groupname:grp from_state:STARTING tries:3;"
	    "c:1:PROCESS_GROUP_ADDED:groupname:grp\n;"
	    "a:2:PROCESS_STATE_EXITED:processname:web groupname:grp from_state:RUNNING expected:1 pid:12;");
	evbus_unsubscribe(b, &a.sub);
	evbus_free(b);
	buf_free(&out);
}

static void check_payload(struct event *ev, const char *want, size_t want_len)
{
	assert_int_equal(ev->len, want_len);
	assert_memory_equal(ev->payload, want, want_len);
	event_unref(ev);
}

static void test_payloads(void **state)
{
	struct event_proc p = {"talker", "talker", 10496, 0, false};
	check_payload(event_proc_state(EV_PROCESS_STATE_STARTING, &p, "STOPPED"),
	              "processname:talker groupname:talker from_state:STOPPED tries:0", 62);
	check_payload(event_proc_state(EV_PROCESS_STATE_RUNNING, &p, "STARTING"),
	              "processname:talker groupname:talker from_state:STARTING pid:10496", 65);
	check_payload(event_proc_state(EV_PROCESS_STATE_STOPPED, &p, "STOPPING"),
	              "processname:talker groupname:talker from_state:STOPPING pid:10496", 65);
	check_payload(event_proc_state(EV_PROCESS_STATE_EXITED, &p, "RUNNING"),
	              "processname:talker groupname:talker from_state:RUNNING expected:0 pid:10496", 75);
	check_payload(event_proc_state(EV_PROCESS_STATE_FATAL, &p, "BACKOFF"),
	              "processname:talker groupname:talker from_state:BACKOFF", 54);
	check_payload(event_proc_log(EV_PROCESS_LOG_STDOUT, &p, "hello\npre", 9),
	              "processname:talker groupname:talker pid:10496 channel:stdout\nhello\npre", 70);
	check_payload(event_proc_log(EV_PROCESS_LOG_STDERR, &p, "x\x88\n", 3),
	              "processname:talker groupname:talker pid:10496 channel:stderr\nUndecodable: b'x\\x88\\n'", 84);
	check_payload(event_proc_comm(EV_PROCESS_COMMUNICATION_STDOUT, &p, "captured data", 13),
	              "processname:talker groupname:talker pid:10496\ncaptured data", 59);
	check_payload(event_proc_log(EV_PROCESS_LOG_STDOUT, &p, "a\0b", 3),
	              "processname:talker groupname:talker pid:10496 channel:stdout\na\0b", 64);
	check_payload(event_remote_comm("mytype", 6, "my data\nline2", 13), "type:mytype\nmy data\nline2", 25);
	check_payload(event_sup_state(EV_SUPERVISOR_STATE_CHANGE_RUNNING), "", 0);
	check_payload(event_tick(EV_TICK_5, 1795826815), "when:1795826815", 15);
	check_payload(event_group(EV_PROCESS_GROUP_ADDED, "lis"), "groupname:lis\n", 14);
	/* The envelope counts bytes. */
	struct buf env = BUF_INIT;
	struct event *ev = event_remote_comm("t", 1, "caf\xc3\xa9", 5);
	ev->serial = 7;
	event_envelope(&env, ev, "evid", "lis", 3);
	assert_string_equal(buf_cstr(&env),
	    "ver:3.0 server:evid serial:7 pool:lis poolserial:3 eventname:REMOTE_COMMUNICATION len:12\n"
	    "type:t\ncaf\xc3\xa9");
	event_unref(ev);
	buf_free(&env);
}

static void test_tick_slices(void **state)
{
	struct buf out = BUF_INIT;
	struct evbus *b = evbus_new(NULL);
	struct rec r = {.name = "t", .out = &out};
	evbus_subscribe(b, &r.sub, EVTYPE_BIT(EV_TICK), rec_fn, &r);
	/* The first look records; the first tick is at the next boundary. */
	evbus_tick_reset(b, 1795826813.9);
	evbus_tick(b, 1795826814.99);
	assert_string_equal(buf_cstr(&out), "");
	evbus_tick(b, 1795826815.0);
	assert_string_equal(buf_cstr(&out), "t:0:TICK_5:when:1795826815;");
	buf_reset(&out);
	/* A boundary of 5 and 60 at once: TICK_5 first. */
	evbus_tick(b, 1795826820.4);
	assert_string_equal(buf_cstr(&out), "t:1:TICK_5:when:1795826820;t:2:TICK_60:when:1795826820;");
	buf_reset(&out);
	/* A stalled clock: one tick per period for all it missed. */
	evbus_tick(b, 1795830000.0);
	assert_string_equal(buf_cstr(&out),
	    "t:3:TICK_5:when:1795830000;t:4:TICK_60:when:1795830000;t:5:TICK_3600:when:1795827600;");
	evbus_unsubscribe(b, &r.sub);
	evbus_free(b);
	buf_free(&out);
}

static void test_tick_timer_only_while_subscribed(void **state)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct evbus *b = evbus_new(loop);
	struct buf out = BUF_INIT;
	struct rec r1 = {.name = "a", .out = &out}, r2 = {.name = "b", .out = &out}, r3 = {.name = "c", .out = &out};
	assert_int_equal(evbus_tick_period(b), 0);
	evbus_subscribe(b, &r1.sub, EVTYPE_BIT(EV_PROCESS_STATE), rec_fn, &r1);
	assert_int_equal(evbus_tick_period(b), 0);
	evbus_subscribe(b, &r2.sub, EVTYPE_BIT(EV_TICK_3600), rec_fn, &r2);
	assert_int_equal(evbus_tick_period(b), 3600);
	evbus_subscribe(b, &r3.sub, EVTYPE_BIT(EV_EVENT), rec_fn, &r3);    /* EVENT includes TICK_5 */
	assert_int_equal(evbus_tick_period(b), 5);
	evbus_unsubscribe(b, &r3.sub);
	assert_int_equal(evbus_tick_period(b), 3600);
	evbus_unsubscribe(b, &r2.sub);
	assert_int_equal(evbus_tick_period(b), 0);
	evbus_unsubscribe(b, &r1.sub);
	ev_run(loop, 0);                            /* returns at once: nothing is active */
	evbus_free(b);
	ev_loop_destroy(loop);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matching_order_serials),
		cmocka_unit_test(test_payloads),
		cmocka_unit_test(test_tick_slices),
		cmocka_unit_test(test_tick_timer_only_while_subscribed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
