/* bus.c — subscriptions, serials and the TICK clock (see bus.h). */
#include "bus.h"
#include "event.h"
#include "lib/mem.h"

#include <ev.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

static const int tick_periods[3] = {5, 60, 3600};
static const int tick_types[3] = {EV_TICK_5, EV_TICK_60, EV_TICK_3600};

struct evbus {
	struct ev_loop *loop;
	struct evbus_sub *head, *tail;
	unsigned long long any;     /* union of every subscription's set */
	long long serial;           /* the last serial given, -1 before the first */
	ev_periodic tick;
	int tick_period;            /* of the running timer, 0 = stopped */
	long long slice[3];         /* the recorded slice per period */
};

static void tick_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	struct evbus *b = w->data;
	evbus_tick(b, ev_now(loop));
}

struct evbus *evbus_new(struct ev_loop *loop)
{
	struct evbus *b = xcalloc(1, sizeof *b);
	b->loop = loop;
	b->serial = -1;
	ev_periodic_init(&b->tick, tick_cb, 0, 5, NULL);
	b->tick.data = b;
	return b;
}

void evbus_free(struct evbus *b)
{
	if (!b) return;
	if (b->loop) ev_periodic_stop(b->loop, &b->tick);
	free(b);
}

static bool set_wants(unsigned long long set, int t) { return evtype_set_matches(set, t); }

/* The union matches t exactly when one of the sets does. */
bool evbus_wants(const struct evbus *b, int t) { return set_wants(b->any, t); }

/* Start, retune or stop the tick timer after the subscriptions changed. */
static void retune_ticks(struct evbus *b)
{
	int want = 0;
	for (int i = 0; i < 3 && !want; i++)
		if (set_wants(b->any, tick_types[i])) want = tick_periods[i];
	if (!b->loop || want == b->tick_period) return;
	ev_periodic_stop(b->loop, &b->tick);
	if (want) {
		/* A clock that starts looks first: the current slices are
		 * recorded, the first tick comes at the next boundary. When it
		 * only changes period, the slices recorded stay right: every
		 * boundary of a longer period is one of the shorter one. */
		if (!b->tick_period) evbus_tick_reset(b, ev_now(b->loop));
		ev_periodic_set(&b->tick, 0, want, NULL);
		ev_periodic_start(b->loop, &b->tick);
	}
	b->tick_period = want;
}

static void recompute(struct evbus *b)
{
	b->any = 0;
	for (struct evbus_sub *s = b->head; s; s = s->next) b->any |= s->types;
	retune_ticks(b);
}

void evbus_subscribe(struct evbus *b, struct evbus_sub *sub, unsigned long long types,
                     evbus_fn fn, void *ctx)
{
	sub->types = types;
	sub->fn = fn;
	sub->ctx = ctx;
	sub->next = NULL;
	sub->prev = b->tail;
	if (b->tail) b->tail->next = sub;
	else b->head = sub;
	b->tail = sub;
	sub->active = true;
	recompute(b);
}

void evbus_unsubscribe(struct evbus *b, struct evbus_sub *sub)
{
	if (!sub->active) return;
	if (sub->prev) sub->prev->next = sub->next;
	else b->head = sub->next;
	if (sub->next) sub->next->prev = sub->prev;
	else b->tail = sub->prev;
	sub->next = sub->prev = NULL;
	sub->active = false;
	recompute(b);
}

void evbus_publish(struct evbus *b, struct event *ev)
{
	if (set_wants(b->any, ev->type)) {
		for (struct evbus_sub *s = b->head; s;) {
			/* A subscriber only buffers the event; none unsubscribes
			 * while it is being told, but keep the cursor safe anyway. */
			struct evbus_sub *next = s->next;
			if (set_wants(s->types, ev->type)) {
				if (ev->serial < 0) {
					b->serial = b->serial == LLONG_MAX ? 0 : b->serial + 1;
					ev->serial = b->serial;
				}
				s->fn(s->ctx, ev);
			}
			s = next;
		}
	}
	event_unref(ev);
}

long long evbus_serial_peek(const struct evbus *b)
{
	return b->serial == LLONG_MAX ? 0 : b->serial + 1;
}

static long long slice_of(double now, int period)
{
	double t = floor(now);
	long long s = (long long)t;
	return s - (s % period + period) % period;
}

void evbus_tick_reset(struct evbus *b, double now)
{
	for (int i = 0; i < 3; i++) b->slice[i] = slice_of(now, tick_periods[i]);
}

void evbus_tick(struct evbus *b, double now)
{
	for (int i = 0; i < 3; i++) {
		long long s = slice_of(now, tick_periods[i]);
		if (s == b->slice[i]) continue;
		b->slice[i] = s;
		if (evbus_wants(b, tick_types[i])) evbus_publish(b, event_tick(tick_types[i], s));
	}
}

int evbus_tick_period(const struct evbus *b)
{
	return b->tick_period;
}
