/* evproto.c — the listener protocol parser (see evproto.h). */
#include "evproto.h"

#include <limits.h>
#include <string.h>

static const char READY_TOKEN[6] = {'R', 'E', 'A', 'D', 'Y', '\n'};
static const char RESULT_PREFIX[] = "RESULT ";

const char *evproto_state_name(int state)
{
	switch (state) {
	case EVP_READY: return "READY";
	case EVP_BUSY: return "BUSY";
	case EVP_ACKNOWLEDGED: return "ACKNOWLEDGED";
	case EVP_UNKNOWN: return "UNKNOWN";
	}
	return "UNKNOWN";
}

static void clear_pending(struct evproto *p)
{
	p->n_hold = 0;
	p->have_len = false;
	p->want = p->got = 0;
	/* Keep small buffers for the next result; give back a large body. */
	buf_reset(&p->line);
	if (p->body.cap > 65536) buf_free(&p->body);
	else buf_reset(&p->body);
}

void evproto_init(struct evproto *p, size_t cap)
{
	memset(p, 0, sizeof *p);
	buf_init(&p->line);
	buf_init(&p->body);
	p->cap = cap;
	p->state = EVP_ACKNOWLEDGED;
}

void evproto_fini(struct evproto *p)
{
	buf_free(&p->line);
	buf_free(&p->body);
}

void evproto_reset(struct evproto *p)
{
	clear_pending(p);
	/* A long body or line needs no room once the process is gone. */
	buf_free(&p->line);
	buf_free(&p->body);
	p->state = EVP_ACKNOWLEDGED;
}

bool evproto_busy(struct evproto *p)
{
	if (p->state != EVP_READY) return false;
	clear_pending(p);
	p->state = EVP_BUSY;
	return true;
}

static void set_state(struct evproto *p, int to, const struct evproto_ops *ops, void *ctx)
{
	int from = p->state;
	p->state = to;
	if (to == EVP_UNKNOWN) clear_pending(p);
	if (ops->state) ops->state(ctx, from, to);
}

static bool is_space(unsigned char c)
{
	/* Python's int() on bytes skips ASCII whitespace only. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The length after "RESULT ": Python's int() syntax (surrounding
 * whitespace, a sign, digits with single underscores between them), and
 * refd's bounds, 0 to LLONG_MAX. */
static bool parse_len(const char *s, size_t n, unsigned long long *out)
{
	size_t i = 0;
	while (i < n && is_space((unsigned char)s[i])) i++;
	bool neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
	if (i >= n || s[i] < '0' || s[i] > '9') return false;
	unsigned long long v = 0;
	bool overflow = false;
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			unsigned d = (unsigned)(s[i] - '0');
			if (v > ((unsigned long long)LLONG_MAX - d) / 10) overflow = true;
			else v = v * 10 + d;
		} else if (s[i] == '_' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
			continue;
		} else {
			break;
		}
	}
	while (i < n && is_space((unsigned char)s[i])) i++;
	if (i != n || overflow) return false;
	if (neg && v != 0) return false;
	*out = v;
	return true;
}

static bool parse_line(const struct buf *line, unsigned long long *len)
{
	size_t plen = sizeof RESULT_PREFIX - 1;
	if (line->len < plen || memcmp(line->p, RESULT_PREFIX, plen) != 0) return false;
	return parse_len(line->p + plen, line->len - plen, len);
}

static void bad_line(struct evproto *p, const struct evproto_ops *ops, void *ctx)
{
	if (ops->bad_line) ops->bad_line(ctx, buf_cstr(&p->line), p->line.len);
	set_state(p, EVP_UNKNOWN, ops, ctx);
	if (ops->reject) ops->reject(ctx);
}

static void finish_result(struct evproto *p, const struct evproto_ops *ops, void *ctx)
{
	enum evproto_verdict v = EVP_REJECTED;
	if (ops->result) v = ops->result(ctx, buf_cstr(&p->body), p->body.len, p->want > p->body.len);
	clear_pending(p);
	set_state(p, v == EVP_ERROR ? EVP_UNKNOWN : EVP_ACKNOWLEDGED, ops, ctx);
	if (v != EVP_PROCESSED && ops->reject) ops->reject(ctx);
}

void evproto_feed(struct evproto *p, const char *data, size_t n, const struct evproto_ops *ops,
                  void *ctx)
{
	size_t i = 0;
	while (i < n) {
		switch (p->state) {
		case EVP_UNKNOWN:
			return;                     /* deaf until spawned again */
		case EVP_READY:
			/* Nothing is expected from a READY listener. */
			set_state(p, EVP_UNKNOWN, ops, ctx);
			return;
		case EVP_ACKNOWLEDGED: {
			size_t take = sizeof READY_TOKEN - p->n_hold;
			if (take > n - i) take = n - i;
			memcpy(p->hold + p->n_hold, data + i, take);
			p->n_hold += take;
			i += take;
			if (p->n_hold < sizeof READY_TOKEN) return;
			p->n_hold = 0;
			if (memcmp(p->hold, READY_TOKEN, sizeof READY_TOKEN) != 0) {
				set_state(p, EVP_UNKNOWN, ops, ctx);
				return;
			}
			set_state(p, EVP_READY, ops, ctx);
			break;
		}
		case EVP_BUSY:
			if (!p->have_len) {
				const char *nl = memchr(data + i, '\n', n - i);
				size_t upto = nl ? (size_t)(nl - (data + i)) : n - i;
				if (p->line.len + upto > EVPROTO_MAX_LINE) {
					buf_append(&p->line, data + i, EVPROTO_MAX_LINE - p->line.len);
					bad_line(p, ops, ctx);
					return;
				}
				buf_append(&p->line, data + i, upto);
				i += upto;
				if (!nl) return;
				i++;                    /* the \n */
				unsigned long long len;
				if (!parse_line(&p->line, &len)) {
					bad_line(p, ops, ctx);
					return;
				}
				buf_reset(&p->line);
				p->have_len = true;
				p->want = len;
				p->got = 0;
			} else {
				unsigned long long left = p->want - p->got;
				size_t take = left < (unsigned long long)(n - i) ? (size_t)left : n - i;
				size_t keep = p->body.len < p->cap ? p->cap - p->body.len : 0;
				if (keep > take) keep = take;
				buf_append(&p->body, data + i, keep);
				p->got += take;
				i += take;
			}
			/* Complete: at once even for "RESULT 0\n" with nothing after it. */
			if (p->have_len && p->got == p->want) finish_result(p, ops, ctx);
			break;
		}
	}
}
