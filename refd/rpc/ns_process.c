/* ns_process.c — process information and control (xmlrpc-api.md §4, §7,
 * §10): getProcessInfo, start/stop/signal in their single, group and all
 * forms, sendProcessStdin, sendRemoteCommEvent.
 *
 * Waited starts and stops defer their reply and complete from a process
 * state watch, never by polling. Bulk operations follow supervisord's
 * make_allfunc: targets in priority order, results of those that finished
 * at once first, then the waited ones in the order they complete. */
#include "handlers.h"
#include "rpc.h"
#include "fault.h"
#include "xmlw.h"
#include "conf/config.h"
#include "core/spawn.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/signames.h"
#include "lib/timefmt.h"

#include <ev.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- shared ------------------------------------------------------------------- */

int rpc_resolve(struct rpc_call *c, const char *name, struct pgroup **g, struct proc **p)
{
	int r = sup_find(rpc_sup(c->rpc), name, g, p);
	if (r < 0) rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	return r;
}

void rpc_write_result(struct rpc_call *c, const struct proc *p, int status, const char *description)
{
	xw_struct_begin(c->out);
	xw_member_string(c->out, "name", p->cfg->name);
	xw_member_string(c->out, "group", p->group->name);
	xw_member_int(c->out, "status", status);
	xw_member_string(c->out, "description", description);
	xw_struct_end(c->out);
}

static long long capped(double t)
{
	return t > 2147483647.0 ? 2147483647LL : t < 0 ? 0 : (long long)t;
}

void rpc_process_description(struct buf *desc, const struct proc *p, long long nowc)
{
	long long start = capped(p->laststart), stop = capped(p->laststop);
	const char *spawnerr = p->spawnerr ? p->spawnerr : "";
	switch (p->state) {
	case PROC_RUNNING:
		buf_printf(desc, "pid %d, uptime ", (int)p->pid);
		time_uptime(desc, nowc - start);
		break;
	case PROC_BACKOFF:
	case PROC_FATAL:
		if (*spawnerr) buf_puts(desc, spawnerr);
		else buf_printf(desc, "unknown error (try \"tail %s\")", p->cfg->name);
		break;
	case PROC_STOPPED:
	case PROC_EXITED:
		if (start) time_stop_desc(desc, (time_t)stop);
		else buf_puts(desc, "Not started");
		break;
	default:
		break;
	}
}

static void write_process_info(struct buf *out, const struct proc *p, time_t now)
{
	long long start = capped(p->laststart), stop = capped(p->laststop), nowc = capped((double)now);
	const char *spawnerr = p->spawnerr ? p->spawnerr : "";
	const char *outlog = sup_proc_logfile(p, 0), *errlog = sup_proc_logfile(p, 1);
	struct buf desc = BUF_INIT;
	rpc_process_description(&desc, p, nowc);
	xw_struct_begin(out);
	xw_lit_member_string(out, "name", p->cfg->name);
	xw_lit_member_string(out, "group", p->group->name);
	xw_lit_member_int(out, "start", start);
	xw_lit_member_int(out, "stop", stop);
	xw_lit_member_int(out, "now", nowc);
	xw_lit_member_int(out, "state", p->state);
	xw_lit_member_string(out, "statename", proc_state_name(p->state));
	xw_lit_member_string(out, "spawnerr", spawnerr);
	xw_lit_member_int(out, "exitstatus", p->has_exitstatus ? p->exitstatus : 0);
	xw_lit_member_string(out, "logfile", outlog ? outlog : "");
	xw_lit_member_string(out, "stdout_logfile", outlog ? outlog : "");
	xw_lit_member_string(out, "stderr_logfile", errlog ? errlog : "");
	xw_lit_member_int(out, "pid", p->pid);
	xw_lit_member_string(out, "description", buf_cstr(&desc));
	xw_struct_end(out);
	buf_free(&desc);
}

HANDLER(h_get_process_info)
{
	const char *name;
	struct pgroup *g;
	struct proc *p;
	if (!rpc_arg_string(c, a[0], &name)) return RPC_DONE;
	int r = rpc_resolve(c, name, &g, &p);
	if (r < 0) return RPC_DONE;
	if (r == 0) return rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	write_process_info(c->out, p, time(NULL));
	return RPC_DONE;
}

static int lexical_cmp(const void *a, const void *b)
{
	const struct proc *x = *(struct proc *const *)a, *y = *(struct proc *const *)b;
	int r = strcmp(x->group->name, y->group->name);
	return r ? r : strcmp(x->cfg->name, y->cfg->name);
}

HANDLER(h_get_all_process_info)
{
	struct sup *s = rpc_sup(c->rpc);
	size_t total = 0;
	for (size_t i = 0; i < sup_group_count(s); i++) total += sup_group_at(s, i)->n_procs;
	struct proc **v = xmalloc((total ? total : 1) * sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < sup_group_count(s); i++) {
		struct pgroup *g = sup_group_at(s, i);
		for (size_t j = 0; j < g->n_procs; j++) v[k++] = g->procs[j];
	}
	qsort(v, total, sizeof *v, lexical_cmp);
	time_t now = time(NULL);
	buf_reserve(c->out, total * 1400);   /* ~1250 bytes each: one allocation */
	xw_array_begin(c->out);
	for (size_t i = 0; i < total; i++) write_process_info(c->out, v[i], now);
	xw_array_end(c->out);
	free(v);
	return RPC_DONE;
}

/* ---- one process: start and stop ----------------------------------------------
 * Each returns OP_DONE (success), OP_FAULT (code and text set) or OP_WAIT
 * (not finished: evaluate again after the next state change). */

enum op_result { OP_DONE, OP_FAULT, OP_WAIT };
enum op_kind { OP_START, OP_STOP };

struct op_fault {
	int code;
	char *text;     /* the full faultString */
};

static enum op_result fault(struct op_fault *f, int code, const char *detail)
{
	f->code = code;
	struct buf b = BUF_INIT;
	buf_puts(&b, fault_name(code));
	if (detail) buf_printf(&b, ": %s", detail);
	f->text = buf_steal(&b);
	return OP_FAULT;
}

/* The condition a waited start waits for (xmlrpc-api.md §7.1 step 8). */
static enum op_result start_check(struct proc *p, const char *name, struct op_fault *f)
{
	if (p->spawnerr) return fault(f, FAULT_SPAWN_ERROR, name);
	if (p->state != PROC_STARTING && p->state != PROC_RUNNING)
		return fault(f, FAULT_ABNORMAL_TERMINATION, name);
	return p->state == PROC_RUNNING ? OP_DONE : OP_WAIT;
}

static enum op_result start_one(struct proc *p, const char *name, bool wait, struct op_fault *f)
{
	struct spawn_cmd cmd;
	char *why = NULL;
	enum spawn_check chk = spawn_resolve(p->cfg, &cmd, &why);
	if (chk != SPAWN_OK) {
		enum op_result r = fault(f, chk == SPAWN_NO_FILE ? FAULT_NO_FILE : FAULT_NOT_EXECUTABLE, why);
		free(why);
		return r;
	}
	spawn_cmd_free(&cmd);
	if (proc_state_running(p->state)) return fault(f, FAULT_ALREADY_STARTED, name);
	if (p->state == PROC_UNKNOWN) {
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s is in an unknown process state", name);
		enum op_result r = fault(f, FAULT_FAILED, b.p);
		buf_free(&b);
		return r;
	}
	free(proc_handle(p, PE_START, NULL));
	if (p->spawnerr) return fault(f, FAULT_SPAWN_ERROR, name);
	if (!wait || p->state == PROC_RUNNING) return OP_DONE;
	return start_check(p, name, f);
}

static enum op_result stop_check(struct proc *p)
{
	return proc_state_stopped(p->state) ? OP_DONE : OP_WAIT;
}

static enum op_result stop_one(struct proc *p, const char *name, bool wait, struct op_fault *f)
{
	if (!proc_state_running(p->state)) return fault(f, FAULT_NOT_RUNNING, name);
	char *msg = proc_handle(p, PE_STOP, NULL);
	if (msg) {
		enum op_result r = fault(f, FAULT_FAILED, msg);
		free(msg);
		return r;
	}
	if (!wait) return OP_DONE;
	return stop_check(p);
}

/* ---- deferred operations ------------------------------------------------------------ */

struct op_item {
	struct proc *p;
	char *name;                 /* namespec, for fault texts */
	bool pending;
	/* The process has been where the operation takes it (RUNNING for a
	 * start, a stopped state for a stop) since the call began: it is
	 * finished even if another client has moved the process on before
	 * the loop looks (a waited stop would otherwise wait for a stop that
	 * another client's start has undone). */
	bool reached;
};

struct op {
	struct rpc_call *c;
	enum op_kind kind;
	bool bulk;                  /* write result structs into an array */
	struct op_item *items;
	size_t n, n_pending;
	struct sup_watch watch;
	ev_idle check;              /* single: look at the pending item once the loop is idle */
	ev_timer batch;             /* bulk: look at the pending items 50 ms after a change */
	ev_timer report;            /* stop waits: "waiting for x to stop" every 2 s */
	struct ev_loop *loop;
};

static void op_free(struct op *op)
{
	sup_watch_remove(rpc_sup(op->c->rpc), &op->watch);
	ev_idle_stop(op->loop, &op->check);
	ev_timer_stop(op->loop, &op->batch);
	ev_timer_stop(op->loop, &op->report);
	for (size_t i = 0; i < op->n; i++) free(op->items[i].name);
	free(op->items);
	free(op);
}

static void op_cancel(struct rpc_call *c)
{
	op_free(c->state);
	c->state = NULL;
}

/* Write what a finished item produced. Single ops write true or fault. */
static void op_emit(struct op *op, struct op_item *it, enum op_result r, struct op_fault *f)
{
	struct rpc_call *c = op->c;
	if (op->bulk) {
		if (r == OP_FAULT) rpc_write_result(c, it->p, f->code, f->text);
		else rpc_write_result(c, it->p, FAULT_SUCCESS, "OK");
	} else {
		if (r == OP_FAULT) rpc_fault_raw(c, f->code, f->text);
		else xw_bool(c->out, true);
	}
	free(f->text);
	f->text = NULL;
}

static void op_finish(struct op *op)
{
	struct rpc_call *c = op->c;
	if (op->bulk) xw_array_end(c->out);
	c->state = NULL;
	c->cancel = NULL;
	op_free(op);
	rpc_finish(c);
}

/* Pending items are examined in target order. A bulk operation waits
 * 50 ms after the first change so that processes finishing together are
 * reported in priority order, as supervisord's 50 ms polling reports
 * them; a single operation answers as soon as the loop is idle. */
static void op_check(struct op *op)
{
	for (size_t i = 0; i < op->n; i++) {
		struct op_item *it = &op->items[i];
		if (!it->pending) continue;
		struct op_fault f = {0, NULL};
		enum op_result r;
		if (it->reached) r = OP_DONE;
		else if (!it->p) r = fault(&f, FAULT_BAD_NAME, it->name);    /* removed meanwhile */
		else if (op->kind == OP_START) r = start_check(it->p, it->name, &f);
		else r = stop_check(it->p);
		if (r == OP_WAIT) continue;
		it->pending = false;
		op->n_pending--;
		op_emit(op, it, r, &f);
	}
	if (op->n_pending == 0) op_finish(op);
}

static void op_check_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	ev_idle_stop(loop, w);
	op_check(w->data);
}

static void op_batch_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	op_check(w->data);
}

/* Would op_check still find this item waiting? (start_check, stop_check) */
static bool item_waiting(const struct op *op, const struct op_item *it)
{
	if (it->reached || !it->p) return false;
	if (op->kind == OP_START) return !it->p->spawnerr && it->p->state == PROC_STARTING;
	return !proc_state_stopped(it->p->state);
}

static bool all_finished(const struct op *op)
{
	for (size_t i = 0; i < op->n; i++)
		if (op->items[i].pending && item_waiting(op, &op->items[i])) return false;
	return true;
}

/* When the change finishes the last pending item of a bulk operation, the
 * answer goes out at once: the 50 ms batch would report exactly the same
 * items in the same (target) order, only later — a stopAllProcesses of
 * 100 would otherwise always take 50 ms more than its processes do. */
static void op_watch(struct sup_watch *w, struct proc *p, int old)
{
	struct op *op = (struct op *)((char *)w - offsetof(struct op, watch));
	bool mine = false;
	for (size_t i = 0; i < op->n; i++) {
		struct op_item *it = &op->items[i];
		if (!it->pending || it->p != p) continue;
		if (old == PROC_REMOVED) it->p = NULL;
		else if (op->kind == OP_START ? p->state == PROC_RUNNING : proc_state_stopped(p->state))
			it->reached = true;
		mine = true;
	}
	if (!mine) return;
	if (!op->bulk) {
		ev_idle_start(op->loop, &op->check);
	} else if (all_finished(op)) {
		ev_timer_stop(op->loop, &op->batch);
		ev_idle_start(op->loop, &op->check);
	} else if (!ev_is_active(&op->batch)) {
		ev_timer_start(op->loop, &op->batch);
	}
}

static void report_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct op *op = w->data;
	for (size_t i = 0; i < op->n; i++)
		if (op->items[i].pending && !op->items[i].reached && op->items[i].p) proc_stop_report(op->items[i].p);
}

static struct op *op_new(struct rpc_call *c, enum op_kind kind, bool bulk, size_t n)
{
	struct op *op = xcalloc(1, sizeof *op);
	op->c = c;
	op->kind = kind;
	op->bulk = bulk;
	op->loop = sup_loop(rpc_sup(c->rpc));
	op->items = xcalloc(n ? n : 1, sizeof *op->items);
	ev_timer_init(&op->report, report_cb, 2.0, 2.0);
	ev_idle_init(&op->check, op_check_cb);
	ev_timer_init(&op->batch, op_batch_cb, rpc_bulk_delay(c->rpc), 0);
	op->report.data = op->check.data = op->batch.data = op;
	return op;
}

static struct op_item *op_add(struct op *op, struct proc *p, const char *name)
{
	struct op_item *it = &op->items[op->n++];
	it->p = p;
	it->name = name ? xstrdup(name) : sup_namespec(p);
	return it;
}

static void op_wait_for(struct op *op, struct op_item *it)
{
	it->pending = true;
	op->n_pending++;
	if (op->kind == OP_STOP) proc_stop_report(it->p);
}

/* Park the call until every pending item has finished. */
static enum rpc_status op_defer(struct op *op)
{
	struct rpc_call *c = op->c;
	sup_watch_add(rpc_sup(c->rpc), &op->watch, op_watch);
	if (op->kind == OP_STOP) ev_timer_start(op->loop, &op->report);
	c->state = op;
	c->cancel = op_cancel;
	return RPC_DEFER;
}

/* Run kind over targets, writing an array of result structs. */
static enum rpc_status run_bulk(struct rpc_call *c, enum op_kind kind, struct proc **targets,
                                size_t n, bool wait)
{
	struct op *op = op_new(c, kind, true, n);
	xw_array_begin(c->out);
	for (size_t i = 0; i < n; i++) {
		struct op_item *it = op_add(op, targets[i], NULL);
		struct op_fault f = {0, NULL};
		enum op_result r = kind == OP_START ? start_one(it->p, it->name, wait, &f)
		                                    : stop_one(it->p, it->name, wait, &f);
		if (r == OP_WAIT) op_wait_for(op, it);
		else op_emit(op, it, r, &f);
	}
	if (op->n_pending == 0) {
		xw_array_end(c->out);
		op_free(op);
		return RPC_DONE;
	}
	return op_defer(op);
}

/* The targets of a bulk operation, in priority order (xmlrpc-api.md §4.4). */
static struct proc **targets_of(struct sup *s, struct pgroup *only, enum op_kind kind, size_t *n)
{
	size_t ng = 1;
	struct pgroup **gs = only ? NULL : sup_groups_by_priority(s, &ng);
	struct proc **v = NULL;
	size_t k = 0;
	for (size_t i = 0; i < ng; i++) {
		struct pgroup *g = only ? only : gs[i];
		size_t np;
		struct proc **ps = sup_procs_by_priority(g, &np);
		v = xrealloc(v, (k + np + 1) * sizeof *v);
		for (size_t j = 0; j < np; j++) {
			bool running = proc_state_running(ps[j]->state);
			if (kind == OP_START ? !running : running) v[k++] = ps[j];
		}
		free(ps);
	}
	free(gs);
	*n = k;
	return v;
}

static bool arg_wait(xmlrpc_value **a, int n, int i)
{
	return n > i ? rpc_arg_truth(a[i]) : true;
}

static enum rpc_status group_op(struct rpc_call *c, struct pgroup *g, enum op_kind kind, bool wait)
{
	size_t n;
	struct proc **v = targets_of(rpc_sup(c->rpc), g, kind, &n);
	enum rpc_status st = run_bulk(c, kind, v, n, wait);
	free(v);
	return st;
}

static enum rpc_status named_group_op(struct rpc_call *c, xmlrpc_value **a, int n, enum op_kind kind)
{
	const char *name;
	if (!rpc_arg_string(c, a[0], &name)) return RPC_DONE;
	struct pgroup *g = sup_group(rpc_sup(c->rpc), name);
	if (!g) return rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	return group_op(c, g, kind, arg_wait(a, n, 1));
}

static enum rpc_status single_op(struct rpc_call *c, xmlrpc_value **a, int n, enum op_kind kind)
{
	const char *name;
	struct pgroup *g;
	struct proc *p;
	if (!rpc_arg_string(c, a[0], &name)) return RPC_DONE;
	int r = rpc_resolve(c, name, &g, &p);
	if (r < 0) return RPC_DONE;
	bool wait = arg_wait(a, n, 1);
	if (r == 0) return group_op(c, g, kind, wait);
	/* The single form reports faults as faults, with the name as given. */
	struct op_fault f = {0, NULL};
	enum op_result res = kind == OP_START ? start_one(p, name, wait, &f) : stop_one(p, name, wait, &f);
	if (res == OP_FAULT) {
		rpc_fault_raw(c, f.code, f.text);
		free(f.text);
		return RPC_DONE;
	}
	if (res == OP_DONE) {
		xw_bool(c->out, true);
		return RPC_DONE;
	}
	struct op *op = op_new(c, kind, false, 1);
	op_wait_for(op, op_add(op, p, name));
	return op_defer(op);
}

HANDLER(h_start_process) { return single_op(c, a, n, OP_START); }
HANDLER(h_stop_process) { return single_op(c, a, n, OP_STOP); }
HANDLER(h_start_process_group) { return named_group_op(c, a, n, OP_START); }
HANDLER(h_stop_process_group) { return named_group_op(c, a, n, OP_STOP); }

static enum rpc_status all_op(struct rpc_call *c, xmlrpc_value **a, int n, enum op_kind kind)
{
	size_t k;
	struct proc **v = targets_of(rpc_sup(c->rpc), NULL, kind, &k);
	enum rpc_status st = run_bulk(c, kind, v, k, arg_wait(a, n, 0));
	free(v);
	return st;
}

HANDLER(h_start_all_processes) { return all_op(c, a, n, OP_START); }
HANDLER(h_stop_all_processes) { return all_op(c, a, n, OP_STOP); }

/* ---- signals ------------------------------------------------------------------------- */

/* supervisord's signal_number(): int() first, then a name (§7.4). Returns
 * the number, -1 for a bad signal, -2 for a value that is neither. */
static int parse_signal(xmlrpc_value *v, struct buf *as_given)
{
	rpc_value_str(as_given, v);
	long long num;
	if (rpc_value_int(v, &num)) return sig_valid_number(num) ? (int)num : -1;
	if (!rpc_is_string(v)) {
		xmlrpc_type t = xmlrpc_value_type(v);
		/* A number that int() refuses (inf, nan) is a bad signal; other
		 * types are not signals at all. */
		return t == XMLRPC_TYPE_DOUBLE ? -1 : -2;
	}
	int sig = sig_from_name(buf_cstr(as_given));
	return sig >= 0 && sig_valid_number(sig) ? sig : -1;
}

/* Signal one process; OP_DONE or OP_FAULT. */
static enum op_result signal_one(struct proc *p, const char *name, int sig, const char *given,
                                 struct op_fault *f)
{
	if (sig < 0) return fault(f, FAULT_BAD_SIGNAL, given);
	if (!proc_state_signallable(p->state)) return fault(f, FAULT_NOT_RUNNING, name);
	char *msg = proc_signal(p, sig);
	if (msg) {
		enum op_result r = fault(f, FAULT_FAILED, msg);
		free(msg);
		return r;
	}
	return OP_DONE;
}

static enum rpc_status signal_bulk(struct rpc_call *c, struct pgroup *only, xmlrpc_value *sigv)
{
	struct buf given = BUF_INIT;
	int sig = parse_signal(sigv, &given);
	if (sig == -2) {
		buf_free(&given);
		return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	}
	struct sup *s = rpc_sup(c->rpc);
	size_t ng = 1;
	struct pgroup **gs = only ? NULL : sup_groups_by_priority(s, &ng);
	xw_array_begin(c->out);
	for (size_t i = 0; i < ng; i++) {
		size_t np;
		struct proc **ps = sup_procs_by_priority(only ? only : gs[i], &np);
		for (size_t j = 0; j < np; j++) {
			struct proc *p = ps[j];
			if (!proc_state_signallable(p->state)) continue;
			char *ns = sup_namespec(p);
			struct op_fault f = {0, NULL};
			if (signal_one(p, ns, sig, buf_cstr(&given), &f) == OP_FAULT) {
				rpc_write_result(c, p, f.code, f.text);
				free(f.text);
			} else {
				rpc_write_result(c, p, FAULT_SUCCESS, "OK");
			}
			free(ns);
		}
		free(ps);
	}
	free(gs);
	xw_array_end(c->out);
	buf_free(&given);
	return RPC_DONE;
}

HANDLER(h_signal_process)
{
	const char *name;
	struct pgroup *g;
	struct proc *p;
	if (!rpc_arg_string(c, a[0], &name)) return RPC_DONE;
	int r = rpc_resolve(c, name, &g, &p);
	if (r < 0) return RPC_DONE;
	if (r == 0) return signal_bulk(c, g, a[1]);
	struct buf given = BUF_INIT;
	int sig = parse_signal(a[1], &given);
	if (sig == -2) {
		buf_free(&given);
		return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	}
	struct op_fault f = {0, NULL};
	if (signal_one(p, name, sig, buf_cstr(&given), &f) == OP_FAULT) {
		rpc_fault_raw(c, f.code, f.text);
		free(f.text);
	} else {
		xw_bool(c->out, true);
	}
	buf_free(&given);
	return RPC_DONE;
}

HANDLER(h_signal_process_group)
{
	const char *name;
	if (!rpc_arg_string(c, a[0], &name)) return RPC_DONE;
	struct pgroup *g = sup_group(rpc_sup(c->rpc), name);
	if (!g) return rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	return signal_bulk(c, g, a[1]);
}

HANDLER(h_signal_all_processes)
{
	return signal_bulk(c, NULL, a[0]);
}

/* ---- stdin and remote communication ------------------------------------------------- */

HANDLER(h_send_process_stdin)
{
	/* The type of chars is checked before the name is resolved (§10). */
	if (!rpc_is_string(a[1])) {
		if (xmlrpc_value_type(a[1]) == XMLRPC_TYPE_NIL)
			return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
		struct buf s = BUF_INIT;
		rpc_value_str(&s, a[1]);
		rpc_fault(c, FAULT_INCORRECT_PARAMETERS, "%s", buf_cstr(&s));
		buf_free(&s);
		return RPC_DONE;
	}
	const char *name, *chars;
	size_t len;
	struct pgroup *g;
	struct proc *p;
	if (!rpc_arg_string(c, a[0], &name) || !rpc_arg_string_n(c, a[1], &chars, &len)) return RPC_DONE;
	int r = rpc_resolve(c, name, &g, &p);
	if (r < 0) return RPC_DONE;
	if (r == 0) return rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	if (!p->pid || p->killing) return rpc_fault(c, FAULT_NOT_RUNNING, "%s", name);
	int rc = sup_proc_stdin(p, chars, len);
	if (rc == -1) return rpc_fault(c, FAULT_NO_FILE, "%s", name);
	if (rc == -2) return rpc_fault(c, FAULT_FAILED, "stdin buffer full");
	xw_bool(c->out, true);
	return RPC_DONE;
}

HANDLER(h_send_remote_comm_event)
{
	struct buf type = BUF_INIT, data = BUF_INIT;
	rpc_value_str(&type, a[0]);
	rpc_value_str(&data, a[1]);
	sup_remote_comm(rpc_sup(c->rpc), buf_cstr(&type), buf_cstr(&data));
	buf_free(&type);
	buf_free(&data);
	xw_bool(c->out, true);
	return RPC_DONE;
}
