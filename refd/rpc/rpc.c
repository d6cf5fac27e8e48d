/* rpc.c — request decoding, the method registry, dispatch and deferral. */
#include "rpc.h"
#include "call.h"
#include "fault.h"
#include "xmlw.h"
#include "conf/config.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "log/mainlog.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rpc_entry {
	char *fullname;
	const struct rpc_method *method;
	const struct conf_rpcif *rpcif;
};

struct rpc_req {
	struct rpc *rpc;
	struct rpc_req *next, *prev;   /* pending list */
	struct rpc_sink *sink;         /* NULL for a local call */
	rpc_local_fn local;
	void *local_ctx;
	struct rpc_call call;
	struct buf body;
	char *method_name;
	xmlrpc_value *params;
};

struct rpc {
	struct sup *sup;
	const struct conf *conf;
	struct rpc_entry *entries;     /* sorted by fullname */
	size_t n_entries;
	struct rpc_req *pending;
	double bulk_delay;
};

/* ---- registry ---------------------------------------------------------- */

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rpc_entry *)a)->fullname, ((const struct rpc_entry *)b)->fullname);
}

static void add_namespace(struct rpc *rpc, const char *ns, const struct rpc_method *table,
                          const struct conf_rpcif *rpcif)
{
	for (const struct rpc_method *m = table; m->name; m++) {
		rpc->entries = xrealloc(rpc->entries, (rpc->n_entries + 1) * sizeof *rpc->entries);
		struct rpc_entry *e = &rpc->entries[rpc->n_entries++];
		e->fullname = xasprintf("%s.%s", ns, m->name);
		e->method = m;
		e->rpcif = rpcif;
	}
}

/* xmlrpc-c's own limits are process-wide: the body limit the HTTP layer
 * already enforces (the largest of any listener), and its default nesting
 * limit, stated here rather than assumed. Bodies deeper than
 * RPC_MAX_XML_DEPTH never reach it (body_acceptable). */
static void set_xmlrpc_limits(const struct conf *conf)
{
	size_t max = 1024 * 1024;
	for (size_t i = 0; conf && i < conf->n_servers; i++)
		if (conf->servers[i].limits.max_body_bytes > max) max = conf->servers[i].limits.max_body_bytes;
	xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, max);
	xmlrpc_limit_set(XMLRPC_NESTING_LIMIT_ID, 64);
}

struct rpc *rpc_new(struct sup *sup, const struct conf *conf)
{
	set_xmlrpc_limits(conf);
	struct rpc *rpc = xcalloc(1, sizeof *rpc);
	rpc->sup = sup;
	rpc->conf = conf;
	rpc->bulk_delay = 0.05;
	add_namespace(rpc, "system", rpc_system_methods, NULL);
	for (size_t i = 0; conf && i < conf->n_rpcifs; i++) {
		const struct conf_rpcif *r = &conf->rpcifs[i];
		if (strcmp(r->name, "system") == 0) continue;   /* system is built in */
		add_namespace(rpc, r->name, r->kind == CONF_RPCIF_TWIDDLER
		              ? rpc_twiddler_methods : rpc_supervisor_methods, r);
	}
	qsort(rpc->entries, rpc->n_entries, sizeof *rpc->entries, entry_cmp);
	/* A later duplicate namespace would shadow nothing useful: drop repeats. */
	size_t w = 0;
	for (size_t i = 0; i < rpc->n_entries; i++) {
		if (w && strcmp(rpc->entries[w - 1].fullname, rpc->entries[i].fullname) == 0) {
			free(rpc->entries[i].fullname);
			continue;
		}
		rpc->entries[w++] = rpc->entries[i];
	}
	rpc->n_entries = w;
	return rpc;
}

static void req_free(struct rpc_req *req);

void rpc_free(struct rpc *rpc)
{
	if (!rpc) return;
	while (rpc->pending) rpc_req_cancel(rpc->pending);
	for (size_t i = 0; i < rpc->n_entries; i++) free(rpc->entries[i].fullname);
	free(rpc->entries);
	free(rpc);
}

size_t rpc_method_count(const struct rpc *rpc) { return rpc->n_entries; }
const char *rpc_method_fullname(const struct rpc *rpc, size_t i) { return rpc->entries[i].fullname; }
struct sup *rpc_sup(const struct rpc *rpc) { return rpc->sup; }
const struct conf *rpc_conf(const struct rpc *rpc) { return rpc->conf; }
double rpc_bulk_delay(const struct rpc *rpc) { return rpc->bulk_delay; }
void rpc_set_bulk_delay(struct rpc *rpc, double seconds) { rpc->bulk_delay = seconds; }

const struct rpc_method *rpc_lookup(const struct rpc *rpc, const char *fullname,
                                    const struct conf_rpcif **rpcif)
{
	size_t lo = 0, hi = rpc->n_entries;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(rpc->entries[mid].fullname, fullname);
		if (c == 0) {
			if (rpcif) *rpcif = rpc->entries[mid].rpcif;
			return rpc->entries[mid].method;
		}
		if (c < 0) lo = mid + 1;
		else hi = mid;
	}
	return NULL;
}

/* ---- calls ---------------------------------------------------------------- */

void rpc_call_init(struct rpc_call *c, struct rpc *rpc, struct buf *out)
{
	memset(c, 0, sizeof *c);
	c->rpc = rpc;
	c->out = out;
	c->mark = out->len;
}

void rpc_call_reset(struct rpc_call *c)
{
	free(c->fault_string);
	c->fault_string = NULL;
	c->fault_code = 0;
	for (size_t i = 0; i < c->n_allocs; i++) free(c->allocs[i]);
	free(c->allocs);
	c->allocs = NULL;
	c->n_allocs = 0;
	c->cancel = NULL;
	c->state = NULL;
	c->finished = false;
	c->in_handler = false;
}

void *rpc_keep(struct rpc_call *c, void *p)
{
	c->allocs = xrealloc(c->allocs, (c->n_allocs + 1) * sizeof *c->allocs);
	c->allocs[c->n_allocs++] = p;
	return p;
}

enum rpc_status rpc_fault_raw(struct rpc_call *c, int code, const char *string)
{
	free(c->fault_string);
	c->fault_code = code;
	c->fault_string = xstrdup(string);
	buf_truncate(c->out, c->mark);
	return RPC_DONE;
}

enum rpc_status rpc_fault(struct rpc_call *c, int code, const char *detail_fmt, ...)
{
	struct buf s = BUF_INIT;
	buf_puts(&s, fault_name(code));
	if (detail_fmt) {
		buf_puts(&s, ": ");
		va_list ap;
		va_start(ap, detail_fmt);
		buf_vprintf(&s, detail_fmt, ap);
		va_end(ap);
	}
	rpc_fault_raw(c, code, buf_cstr(&s));
	buf_free(&s);
	return RPC_DONE;
}

void rpc_finish(struct rpc_call *c)
{
	c->cancel = NULL;
	if (c->in_handler) {        /* the handler has not returned yet */
		c->finished = true;
		return;
	}
	if (c->done) c->done(c);
}

static bool whitelisted(const struct conf_rpcif *r, const char *method)
{
	if (!r || r->n_whitelist == 0) return true;
	for (size_t i = 0; i < r->n_whitelist; i++)
		if (strcmp(r->whitelist[i], method) == 0) return true;
	return false;
}

/* Arity, the daemon-state gate, the whitelist, then the handler. */
static enum rpc_status run_method(struct rpc_call *c, const struct rpc_method *m,
                                  const struct conf_rpcif *rpcif, xmlrpc_value *params)
{
	c->method = m;
	c->rpcif = rpcif;
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	int nargs = params ? xmlrpc_array_size(&env, params) : 0;
	if (env.fault_occurred || nargs < m->min_args || nargs > m->max_args) {
		xmlrpc_env_clean(&env);
		return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	}
	xmlrpc_value *argv[RPC_MAX_ARGS];
	for (int i = 0; i < nargs; i++) xmlrpc_array_read_item(&env, params, i, &argv[i]);
	xmlrpc_env_clean(&env);

	enum rpc_status st;
	int state = sup_state(c->rpc->sup);
	if ((m->gate == GATE_SUPERVISOR && state != SUP_RUNNING)
	    || (m->gate == GATE_TWIDDLER && state == SUP_SHUTDOWN)) {
		st = rpc_fault(c, FAULT_SHUTDOWN_STATE, NULL);
	} else if (m->gate == GATE_TWIDDLER && !whitelisted(rpcif, m->name)) {
		struct buf s = BUF_INIT;
		buf_printf(&s, "UNKNOWN: %s", m->name);
		st = rpc_fault_raw(c, FAULT_NOT_IN_WHITELIST, buf_cstr(&s));
		buf_free(&s);
	} else {
		c->in_handler = true;
		st = m->fn(c, argv, nargs);
		c->in_handler = false;
		if (st == RPC_DEFER && c->finished) st = RPC_DONE;
	}
	for (int i = 0; i < nargs; i++) xmlrpc_DECREF(argv[i]);
	return st;
}

enum rpc_status rpc_dispatch(struct rpc_call *c, const char *name, xmlrpc_value *params)
{
	struct mainlog *log = sup_log(c->rpc->sup);
	/* Resolution: exactly namespace.method, no leading underscore. */
	const char *dot = strchr(name, '.');
	const struct conf_rpcif *rpcif = NULL;
	const struct rpc_method *m = NULL;
	if (dot && !strchr(dot + 1, '.') && dot[1] != '_')
		m = rpc_lookup(c->rpc, name, &rpcif);
	if (mainlog_enabled(log, LVL_TRAC))
		mainlog_log(log, LVL_TRAC, "XML-RPC method called: %s()", name);
	if (!m) return rpc_fault(c, FAULT_UNKNOWN_METHOD, NULL);
	enum rpc_status st = run_method(c, m, rpcif, params);
	if (mainlog_enabled(log, LVL_TRAC)) {
		if (st == RPC_DONE && c->fault_code)
			mainlog_log(log, LVL_TRAC, "XML-RPC method %s() returned fault: [%d] %s",
			            name, c->fault_code, c->fault_string);
		else
			mainlog_log(log, LVL_TRAC, "XML-RPC method %s() returned successfully", name);
	}
	return st;
}

/* ---- requests ------------------------------------------------------------- */

/* The end of the construct opened at p[i] by open, or n when it does not
 * end (the parser then rejects the body). */
static size_t skip_past(const char *p, size_t n, size_t i, const char *close)
{
	const char *end = memmem(p + i, n - i, close, strlen(close));
	return end ? (size_t)(end - p) + strlen(close) - 1 : n;
}

/* Is s[0..n) a 64-bit integer as xmlrpc-c reads one: [+-]digits, in range? */
static bool i8_text_ok(const char *s, size_t n)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
	if (i == n) return false;
	unsigned long long v = 0, limit = neg ? 9223372036854775808ULL : 9223372036854775807ULL;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10) return false;
		v = v * 10 + d;
	}
	return true;
}

/* xmlrpc-c 1.33.14 crashes on an <i8> (or <ex:i8>) whose text is not a
 * 64-bit integer ("12x", "1e3", one past the range, a trailing space): its
 * fault message is formatted with an argument missing. It would answer such
 * a body with a fault, so refuse it here with the 400 that fault means. The
 * text must be written plainly: one built from character references, CDATA
 * or comments, which xmlrpc-c would join before reading, is refused too.
 * p[i] is a '<' that opens an element. */
static bool i8_acceptable(const char *p, size_t n, size_t i)
{
	size_t name = i + 1, end = name;
	while (end < n && !strchr(" \t\r\n/>", p[end])) end++;
	size_t len = end - name;
	if (!((len == 2 && memcmp(p + name, "i8", 2) == 0) || (len == 5 && memcmp(p + name, "ex:i8", 5) == 0)))
		return true;
	/* the end of the start tag; attribute values may hold '>' */
	char quote = 0;
	for (; end < n; end++) {
		if (quote) { if (p[end] == quote) quote = 0; }
		else if (p[end] == '"' || p[end] == '\'') quote = p[end];
		else if (p[end] == '>') break;
	}
	if (end >= n) return true;              /* unterminated: xmlrpc-c refuses it */
	if (p[end - 1] == '/') return true;     /* <i8/>: empty, a fault */
	const char *text = p + end + 1;
	const char *lt = memchr(text, '<', n - (size_t)(text - p));
	if (!lt || (size_t)(lt - p) + 1 >= n || lt[1] != '/') return false;
	return i8_text_ok(text, (size_t)(lt - text));
}

/* XML-RPC never needs a DOCTYPE, and xmlrpc-c expands internal entities
 * without limit (DESIGN.md): refuse any markup declaration. Its parser also
 * recurses per element before checking nesting, so bound the depth here.
 * And refuse the <i8> texts that crash it (i8_acceptable). */
static bool body_acceptable(const char *p, size_t n)
{
	int depth = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '<') continue;
		char c = p[i + 1];
		/* Comments, CDATA sections and processing instructions hold
		 * text, not tags: a "</a>" inside one must not buy depth. */
		if (c == '!') {
			if (i + 3 < n && p[i + 2] == '-' && p[i + 3] == '-') {
				i = skip_past(p, n, i + 4, "-->");
				continue;
			}
			if (i + 8 < n && memcmp(p + i + 2, "[CDATA[", 7) == 0) {
				i = skip_past(p, n, i + 9, "]]>");
				continue;
			}
			return false;       /* <!DOCTYPE, <!ENTITY, <!ELEMENT ... */
		}
		if (c == '?') {
			i = skip_past(p, n, i + 2, "?>");
			continue;
		}
		if (c == '/') depth--;
		else if (++depth > RPC_MAX_XML_DEPTH || !i8_acceptable(p, n, i)) return false;
	}
	/* Self-closing tags are counted as opened: a bound, not an exact depth. */
	return true;
}

static void req_unlink(struct rpc_req *req)
{
	struct rpc *rpc = req->rpc;
	if (req->prev) req->prev->next = req->next;
	else if (rpc->pending == req) rpc->pending = req->next;
	if (req->next) req->next->prev = req->prev;
	req->next = req->prev = NULL;
}

static void req_free(struct rpc_req *req)
{
	rpc_call_reset(&req->call);
	buf_free(&req->body);
	free(req->method_name);
	if (req->params) xmlrpc_DECREF(req->params);
	free(req);
}

/* The call is complete: wrap its value or fault and hand it to the sink. */
static void req_complete(struct rpc_req *req)
{
	struct rpc_call *c = &req->call;
	if (c->fault_code) {
		buf_reset(&req->body);
		xw_fault_response(&req->body, c->fault_code, c->fault_string);
	} else {
		xw_response_end(&req->body);
	}
	if (req->local) {
		req->local(req->local_ctx, c->fault_code, c->fault_code ? c->fault_string : NULL);
		return;
	}
	struct rpc_sink *sink = req->sink;
	sink->reply(sink, &req->body);
}

static void req_done(struct rpc_call *c)
{
	struct rpc_req *req = c->done_ctx;
	req_unlink(req);
	req_complete(req);
	req_free(req);
}

static struct rpc_req *rpc_start(struct rpc *rpc, char *method, xmlrpc_value *params,
                                 struct rpc_sink *sink);

static void log_bad_request(struct rpc *rpc, const char *body, size_t len, const char *why)
{
	struct mainlog *log = sup_log(rpc->sup);
	if (!mainlog_enabled(log, LVL_ERRO)) return;
	struct buf r = BUF_INIT;
	const size_t cap = 65536;   /* a hostile body must not flood the log */
	py_repr(&r, body, len < cap ? len : cap);
	mainlog_log(log, LVL_ERRO, "XML-RPC request data %s%s is invalid: %s",
	            buf_cstr(&r), len > cap ? "..." : "", why);
	buf_free(&r);
}

static void req_park(struct rpc *rpc, struct rpc_req *req)
{
	req->next = rpc->pending;
	if (rpc->pending) rpc->pending->prev = req;
	rpc->pending = req;
}

/* The call that Python's xmlrpc.client (so supervisorctl) sends for a
 * method without parameters, byte for byte, with a plain method name.
 * xmlrpc-c would decode it to (name, no parameters); recognising it here
 * saves creating an expat parser per request, about a seventh of what a
 * getState costs (docs/performance.md). Anything else goes to xmlrpc-c. */
static char *plain_call(const char *p, size_t n)
{
	static const char pre[] = "<?xml version='1.0'?>\n<methodCall>\n<methodName>";
	static const char post[] = "</methodName>\n<params>\n</params>\n</methodCall>\n";
	const size_t lpre = sizeof pre - 1, lpost = sizeof post - 1;
	if (n <= lpre + lpost || n > lpre + lpost + 128) return NULL;
	if (memcmp(p, pre, lpre) != 0 || memcmp(p + n - lpost, post, lpost) != 0) return NULL;
	const char *name = p + lpre;
	size_t k = n - lpre - lpost;
	for (size_t i = 0; i < k; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'))
			return NULL;
	}
	return xstrndup(name, k);
}

struct rpc_req *rpc_handle(struct rpc *rpc, const char *body, size_t len, struct rpc_sink *sink)
{
	char *plain = plain_call(body, len);
	if (plain) return rpc_start(rpc, plain, NULL, sink);
	if (!body_acceptable(body, len)) {
		log_bad_request(rpc, body, len, "unmarshallable");
		sink->fail(sink, 400);
		return NULL;
	}
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	const char *method = NULL;
	xmlrpc_value *params = NULL;
	xmlrpc_parse_call(&env, body, len, &method, &params);
	if (env.fault_occurred) {
		xmlrpc_env_clean(&env);
		log_bad_request(rpc, body, len, "unmarshallable");
		sink->fail(sink, 400);
		return NULL;
	}
	xmlrpc_env_clean(&env);
	if (!method || !*method) {
		free((char *)method);
		if (params) xmlrpc_DECREF(params);
		log_bad_request(rpc, body, len, "no method name");
		sink->fail(sink, 400);
		return NULL;
	}

	return rpc_start(rpc, (char *)method, params, sink);
}

/* Dispatch a decoded call; takes method and params. */
static struct rpc_req *rpc_start(struct rpc *rpc, char *method, xmlrpc_value *params,
                                 struct rpc_sink *sink)
{
	struct rpc_req *req = xcalloc(1, sizeof *req);
	req->rpc = rpc;
	req->sink = sink;
	req->method_name = method;
	req->params = params;
	xw_response_begin(&req->body);
	rpc_call_init(&req->call, rpc, &req->body);
	req->call.done = req_done;
	req->call.done_ctx = req;
	if (rpc_dispatch(&req->call, method, params) == RPC_DONE) {
		req_complete(req);
		req_free(req);
		return NULL;
	}
	req_park(rpc, req);
	return req;
}

struct rpc_req *rpc_call_local(struct rpc *rpc, const char *method, const char *const *args,
                               int nargs, rpc_local_fn done, void *ctx)
{
	const struct rpc_method *m = rpc_supervisor_methods;
	while (m->name && strcmp(m->name, method) != 0) m++;
	struct rpc_req *req = xcalloc(1, sizeof *req);
	req->rpc = rpc;
	req->local = done;
	req->local_ctx = ctx;
	req->method_name = xstrdup(method);
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	req->params = xmlrpc_array_new(&env);
	for (int i = 0; i < nargs && !env.fault_occurred; i++) {
		xmlrpc_value *v = xmlrpc_string_new(&env, args[i]);
		if (env.fault_occurred) break;
		xmlrpc_array_append_item(&env, req->params, v);
		xmlrpc_DECREF(v);
	}
	bool bad = env.fault_occurred;
	xmlrpc_env_clean(&env);
	xw_response_begin(&req->body);
	rpc_call_init(&req->call, rpc, &req->body);
	req->call.done = req_done;
	req->call.done_ctx = req;
	enum rpc_status st;
	if (!m->name) st = rpc_fault(&req->call, FAULT_UNKNOWN_METHOD, NULL);
	else if (bad) st = rpc_fault(&req->call, FAULT_INCORRECT_PARAMETERS, NULL);
	else st = run_method(&req->call, m, NULL, req->params);
	if (st == RPC_DONE) {
		req_complete(req);
		req_free(req);
		return NULL;
	}
	req_park(rpc, req);
	return req;
}

void rpc_req_cancel(struct rpc_req *req)
{
	if (req->call.cancel) req->call.cancel(&req->call);
	req_unlink(req);
	req_free(req);
}
