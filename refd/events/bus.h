/* bus.h — the event bus: who subscribes to which event types, the global
 * serial, and the TICK clock (events.md §1-4, §8).
 *
 * Publishing an event hands it to every subscription whose type set
 * matches it (a set matches a type or any of its ancestors), in the order
 * the subscriptions were made, once each. The event receives its global
 * serial just before the first subscriber sees it, so events no one
 * subscribes to consume no number. The counter lives as long as the bus:
 * main keeps one bus across restarts, as supervisord keeps its serial.
 *
 * TICK_5/60/3600 exist only while some subscription matches one of them:
 * then one wall-clock-aligned timer runs at the shortest period wanted
 * (5, 60 or 3600 s; each divides the next), and an idle refd never wakes
 * for ticks no one receives.
 *
 * The bus owns nothing of its subscribers; a subscriber unsubscribes
 * before it goes away. */
#ifndef REFD_EVENTS_BUS_H
#define REFD_EVENTS_BUS_H

#include <stdbool.h>

struct ev_loop;
struct event;
struct evbus;

typedef void (*evbus_fn)(void *ctx, struct event *ev);

/* One subscription, embedded in its owner. */
struct evbus_sub {
	struct evbus_sub *next, *prev;
	unsigned long long types;   /* EVTYPE_BIT()s, conf/evtypes.h */
	evbus_fn fn;
	void *ctx;
	bool active;
};

/* loop may be NULL (no ticks; tests drive evbus_tick themselves). */
struct evbus *evbus_new(struct ev_loop *loop);
/* All subscriptions must be gone. */
void evbus_free(struct evbus *b);

void evbus_subscribe(struct evbus *b, struct evbus_sub *sub, unsigned long long types,
                     evbus_fn fn, void *ctx);
void evbus_unsubscribe(struct evbus *b, struct evbus_sub *sub);

/* Does any subscription receive concrete type t? (Skip rendering if not.) */
bool evbus_wants(const struct evbus *b, int t);
/* Deliver ev and drop the caller's reference. */
void evbus_publish(struct evbus *b, struct event *ev);

/* The TICK clock at wall time now: for each period in order 5, 60, 3600
 * whose slice (now rounded down to a multiple of the period) differs from
 * the one recorded, record it and publish TICK_<period> with when:<slice>.
 * The timer calls this; tests call it with their own clock. */
void evbus_tick(struct evbus *b, double now);
/* Record the current slices without publishing (the clock's first look). */
void evbus_tick_reset(struct evbus *b, double now);
/* The period of the running tick timer, 0 when none runs. */
int evbus_tick_period(const struct evbus *b);

/* The next global serial: 0, 1, ... wrapping to 0 after 2^63-1. */
long long evbus_serial_peek(const struct evbus *b);

#endif
