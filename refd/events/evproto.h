/* evproto.h — the listener side of the event-listener protocol (events.md
 * §7): what a listener writes to its stdout, parsed as a state machine.
 *
 *   ACKNOWLEDGED --"READY\n"--> READY --(pool sends an event)--> BUSY
 *   BUSY --"RESULT <len>\n<len bytes>"--> (result handler) --> ACKNOWLEDGED
 *   anything unexpected --> UNKNOWN (until the process is spawned again)
 *
 * A pure function over bytes: no I/O, no globals, no allocation beyond the
 * struct's own bounded buffers. What the bytes mean is reported through
 * callbacks, in supervisord's order (a bad result line: bad_line, then the
 * state change, then reject). Callbacks must not call back into the parser.
 *
 * Where supervisord is lax, refd is strict (docs/compat.md): the header
 * line must start with "RESULT ", its length must be an integer from 0 to
 * 2^63-1 (Python's int() syntax otherwise: spaces, a sign, underscores),
 * a header longer than EVPROTO_MAX_LINE bytes is a bad result line, and
 * "RESULT 0\n" completes at once instead of waiting for the next byte.
 * A body longer than the cap given to evproto_init is counted, not kept:
 * the handler sees its first cap bytes and is told it was truncated. */
#ifndef REFD_EVENTS_EVPROTO_H
#define REFD_EVENTS_EVPROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

/* Listener states with supervisord's codes. */
enum evproto_state {
	EVP_READY = 10,
	EVP_BUSY = 20,
	EVP_ACKNOWLEDGED = 30,
	EVP_UNKNOWN = 40,
};

/* What a result handler decided (supervisord: returned, RejectEvent,
 * another exception). */
enum evproto_verdict {
	EVP_PROCESSED,              /* -> ACKNOWLEDGED */
	EVP_REJECTED,               /* -> ACKNOWLEDGED, the event is rejected */
	EVP_ERROR,                  /* -> UNKNOWN, the event is rejected */
};

#define EVPROTO_MAX_LINE 4096

struct evproto_ops {
	/* Every state change the bytes cause (not those of evproto_reset and
	 * evproto_busy, which supervisord does not log). */
	void (*state)(void *ctx, int from, int to);
	/* The header line (without its \n) is not "RESULT <len>". */
	void (*bad_line)(void *ctx, const char *line, size_t n);
	/* A complete result body; returns the handler's verdict. */
	enum evproto_verdict (*result)(void *ctx, const char *body, size_t n, bool truncated);
	/* The current event is rejected (after the state change). */
	void (*reject)(void *ctx);
};

struct evproto {
	int state;
	size_t cap;                 /* body bytes kept */
	char hold[6];               /* ACKNOWLEDGED: the bytes of a token so far */
	size_t n_hold;
	struct buf line;            /* BUSY: the header line so far, <= EVPROTO_MAX_LINE */
	bool have_len;
	unsigned long long want;    /* declared body length */
	unsigned long long got;     /* body bytes seen */
	struct buf body;            /* the first min(want, cap) bytes */
};

/* A parser in ACKNOWLEDGED that keeps at most cap bytes of a body. */
void evproto_init(struct evproto *p, size_t cap);
void evproto_fini(struct evproto *p);
/* The process was spawned: ACKNOWLEDGED, everything pending dropped. */
void evproto_reset(struct evproto *p);
/* An event was sent: READY -> BUSY. Returns false in any other state. */
bool evproto_busy(struct evproto *p);
/* Bytes the listener wrote. */
void evproto_feed(struct evproto *p, const char *data, size_t n, const struct evproto_ops *ops,
                  void *ctx);

const char *evproto_state_name(int state);

#endif
