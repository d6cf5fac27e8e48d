/* fuzz_evproto.c — the event-listener protocol parser (events/evproto.h)
 * against arbitrary listener output.
 *
 * Input: byte 0 picks the body cap (0..63, so truncation is reached),
 * byte 1 the result handler's verdicts (one bit per result). The rest is a
 * sequence of chunks, each a length byte and that many bytes of listener
 * output; between chunks the harness plays the pool. A length byte L:
 * 0..127 makes a READY listener BUSY (an event was sent) and feeds L
 * bytes; 128..254 feeds L-128 bytes without sending anything; 255 is a
 * respawn (evproto_reset). The callbacks check the protocol's
 * invariants: only the transitions of events.md §7 happen, a result or a
 * bad line comes only while BUSY, a reject only right after one, and no
 * body is longer than the cap. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/evproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	struct evproto *p;
	unsigned verdicts;
	unsigned n_results;
	bool may_reject;            /* set by a result or bad line, cleared by reject */
	bool in_busy;               /* the state before the current transition */
};

static void require(bool ok)
{
	if (!ok) abort();
}

static void c_state(void *ctx, int from, int to)
{
	struct check *c = ctx;
	require(from != to);
	require(c->p->state == to);
	bool ok = (from == EVP_ACKNOWLEDGED && (to == EVP_READY || to == EVP_UNKNOWN))
	       || (from == EVP_READY && to == EVP_UNKNOWN)
	       || (from == EVP_BUSY && (to == EVP_ACKNOWLEDGED || to == EVP_UNKNOWN));
	require(ok);
	/* Each state has a name of its own for the main log. */
	require((strcmp(evproto_state_name(to), "UNKNOWN") == 0) == (to == EVP_UNKNOWN));
}

static void c_bad(void *ctx, const char *line, size_t n)
{
	struct check *c = ctx;
	require(c->p->state == EVP_BUSY);
	require(n <= EVPROTO_MAX_LINE);
	c->may_reject = true;
}

static enum evproto_verdict c_result(void *ctx, const char *body, size_t n, bool truncated)
{
	struct check *c = ctx;
	require(c->p->state == EVP_BUSY);
	require(n <= c->p->cap);
	require(!truncated || n == c->p->cap);
	enum evproto_verdict v = (enum evproto_verdict)((c->verdicts >> (c->n_results++ % 8 * 2)) & 3);
	if (v > EVP_ERROR) v = EVP_PROCESSED;
	if (v != EVP_PROCESSED) c->may_reject = true;
	return v;
}

static void c_reject(void *ctx)
{
	struct check *c = ctx;
	require(c->may_reject);
	require(c->p->state == EVP_ACKNOWLEDGED || c->p->state == EVP_UNKNOWN);
	c->may_reject = false;
}

static const struct evproto_ops ops = {c_state, c_bad, c_result, c_reject};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2) return 0;
	struct evproto p;
	evproto_init(&p, data[0] % 64);
	struct check c = {&p, data[1], 0, false, false};
	size_t i = 2;
	while (i < size) {
		size_t len = data[i++];
		if (len == 255) {
			evproto_reset(&p);
			require(p.state == EVP_ACKNOWLEDGED);
			continue;
		}
		bool send = len < 128;
		if (!send) len -= 128;
		if (len > size - i) len = size - i;
		if (send && p.state == EVP_READY) require(evproto_busy(&p));
		evproto_feed(&p, (const char *)data + i, len, &ops, &c);
		require(!c.may_reject);
		i += len;
	}
	evproto_fini(&p);
	return 0;
}
