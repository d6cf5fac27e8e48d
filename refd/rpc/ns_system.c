/* ns_system.c — system.listMethods, methodHelp, methodSignature, multicall. */
#include "call.h"
#include "fault.h"
#include "xmlw.h"
#include "lib/buf.h"
#include "lib/mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static enum rpc_status list_methods(struct rpc_call *c, xmlrpc_value **args, int nargs)
{
	xw_array_begin(c->out);
	for (size_t i = 0; i < rpc_method_count(c->rpc); i++)
		xw_string(c->out, rpc_method_fullname(c->rpc, i));
	xw_array_end(c->out);
	return RPC_DONE;
}

static const struct rpc_method *named(struct rpc_call *c, xmlrpc_value *v)
{
	const char *name;
	if (!rpc_is_string(v) || !rpc_arg_string(c, v, &name)) {
		/* A name that is not a string matches no method. */
		rpc_fault(c, FAULT_SIGNATURE_UNSUPPORTED, NULL);
		return NULL;
	}
	const struct rpc_method *m = rpc_lookup(c->rpc, name, NULL);
	if (!m) rpc_fault(c, FAULT_SIGNATURE_UNSUPPORTED, NULL);
	return m;
}

static enum rpc_status method_help(struct rpc_call *c, xmlrpc_value **args, int nargs)
{
	const struct rpc_method *m = named(c, args[0]);
	if (m) xw_string(c->out, m->help);
	return RPC_DONE;
}

/* The type token of each "@param <type>" and the "@return <type>" line. */
static enum rpc_status method_signature(struct rpc_call *c, xmlrpc_value **args, int nargs)
{
	const struct rpc_method *m = named(c, args[0]);
	if (!m) return RPC_DONE;
	struct buf params = BUF_INIT, rtype = BUF_INIT;
	bool have_return = false;
	for (const char *line = m->help; *line;) {
		const char *end = strchr(line, '\n');
		if (!end) end = line + strlen(line);
		const char *p = line;
		while (p < end && isspace((unsigned char)*p)) p++;
		if (*p == '@') {
			const char *tag = p + 1, *q = tag;
			while (q < end && !isspace((unsigned char)*q)) q++;
			size_t taglen = (size_t)(q - tag);
			while (q < end && isspace((unsigned char)*q)) q++;
			const char *type = q;
			while (q < end && !isspace((unsigned char)*q)) q++;
			size_t typelen = (size_t)(q - type);
			if (taglen == 6 && memcmp(tag, "return", 6) == 0) {
				buf_reset(&rtype);
				xw_string_n(&rtype, type, typelen);
				have_return = true;
			} else if (taglen == 5 && memcmp(tag, "param", 5) == 0) {
				xw_string_n(&params, type, typelen);
			}
		}
		line = *end ? end + 1 : end;
	}
	if (!have_return) {
		rpc_fault(c, FAULT_SIGNATURE_UNSUPPORTED, NULL);
	} else {
		xw_array_begin(c->out);
		buf_append(c->out, rtype.p, rtype.len);
		buf_append(c->out, buf_cstr(&params), params.len);
		xw_array_end(c->out);
	}
	buf_free(&params);
	buf_free(&rtype);
	return RPC_DONE;
}

/* ---- multicall -------------------------------------------------------------
 * Members run strictly in order; a member that defers holds back the rest,
 * and the array is finished when the last one is. Each element is the
 * member's plain value, or a {faultCode, faultString} struct. */

struct multicall {
	xmlrpc_value *calls;
	int n, next;
	struct rpc_call member;
	bool running;               /* inside multicall_run's loop */
};

static void member_settle(struct rpc_call *c)
{
	struct multicall *mc = c->state;
	struct rpc_call *m = &mc->member;
	if (m->fault_code) {
		buf_truncate(c->out, m->mark);
		xw_fault_value(c->out, m->fault_code, m->fault_string);
	}
	rpc_call_reset(m);
}

/* Start member i; returns its status. */
static enum rpc_status member_start(struct rpc_call *c, int i)
{
	struct multicall *mc = c->state;
	struct rpc_call *m = &mc->member;
	void (*done)(struct rpc_call *) = m->done;
	void *ctx = m->done_ctx;
	rpc_call_init(m, c->rpc, c->out);
	m->done = done;
	m->done_ctx = ctx;

	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *call = NULL, *name = NULL, *params = NULL;
	xmlrpc_array_read_item(&env, mc->calls, i, &call);
	enum rpc_status st = RPC_DONE;
	if (!env.fault_occurred) {
		xmlrpc_struct_find_value(&env, call, "methodName", &name);
		if (!env.fault_occurred) xmlrpc_struct_find_value(&env, call, "params", &params);
	}
	const char *method;
	if (env.fault_occurred) {
		rpc_fault(m, FAULT_INCORRECT_PARAMETERS, NULL);
	} else if (!name) {
		rpc_fault(m, FAULT_INCORRECT_PARAMETERS, "No methodName");
	} else if (!rpc_is_string(name)) {
		rpc_fault(m, FAULT_FAILED, "methodName is not a string");
	} else if (!rpc_arg_string(m, name, &method)) {
		/* fault recorded */
	} else if (strcmp(method, "system.multicall") == 0) {
		rpc_fault(m, FAULT_INCORRECT_PARAMETERS, "Recursive system.multicall forbidden");
	} else if (params && xmlrpc_value_type(params) != XMLRPC_TYPE_ARRAY) {
		rpc_fault(m, FAULT_INCORRECT_PARAMETERS, NULL);
	} else {
		st = rpc_dispatch(m, method, params);
	}
	if (name) xmlrpc_DECREF(name);
	if (params) xmlrpc_DECREF(params);
	if (call) xmlrpc_DECREF(call);
	xmlrpc_env_clean(&env);
	return st;
}

static enum rpc_status multicall_run(struct rpc_call *c)
{
	struct multicall *mc = c->state;
	mc->running = true;
	while (mc->next < mc->n) {
		if (member_start(c, mc->next) == RPC_DEFER) {
			mc->running = false;
			return RPC_DEFER;
		}
		member_settle(c);
		mc->next++;
	}
	mc->running = false;
	xw_array_end(c->out);
	return RPC_DONE;
}

static void multicall_free(struct rpc_call *c)
{
	struct multicall *mc = c->state;
	if (!mc) return;
	rpc_call_reset(&mc->member);
	xmlrpc_DECREF(mc->calls);
	free(mc);
	c->state = NULL;
}

static void member_done(struct rpc_call *m)
{
	struct rpc_call *c = m->done_ctx;
	struct multicall *mc = c->state;
	member_settle(c);
	mc->next++;
	if (multicall_run(c) == RPC_DONE) {
		multicall_free(c);
		rpc_finish(c);
	}
}

static void multicall_cancel(struct rpc_call *c)
{
	struct multicall *mc = c->state;
	if (mc && mc->member.cancel) mc->member.cancel(&mc->member);
	multicall_free(c);
}

static enum rpc_status multicall(struct rpc_call *c, xmlrpc_value **args, int nargs)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *calls = args[0];
	if (xmlrpc_value_type(calls) != XMLRPC_TYPE_ARRAY)
		return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	int n = xmlrpc_array_size(&env, calls);
	for (int i = 0; i < n && !env.fault_occurred; i++) {
		xmlrpc_value *item;
		xmlrpc_array_read_item(&env, calls, i, &item);
		if (env.fault_occurred) break;
		bool ok = xmlrpc_value_type(item) == XMLRPC_TYPE_STRUCT;
		xmlrpc_DECREF(item);
		if (!ok) {
			xmlrpc_env_clean(&env);
			return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
		}
	}
	bool bad = env.fault_occurred;
	xmlrpc_env_clean(&env);
	if (bad) return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);

	struct multicall *mc = xcalloc(1, sizeof *mc);
	xmlrpc_INCREF(calls);
	mc->calls = calls;
	mc->n = n;
	mc->member.done = member_done;
	mc->member.done_ctx = c;
	c->state = mc;
	xw_array_begin(c->out);
	if (multicall_run(c) == RPC_DONE) {
		multicall_free(c);
		return RPC_DONE;
	}
	c->cancel = multicall_cancel;
	return RPC_DEFER;
}

const struct rpc_method rpc_system_methods[] = {
	{"listMethods", list_methods, 0, 0, GATE_NONE,
	 "Return an array listing the available method names.\n\n"
	 "@return array result  An array of method names available (strings).\n"},
	{"methodHelp", method_help, 1, 1, GATE_NONE,
	 "Return a string showing the method's documentation.\n\n"
	 "@param string name   The name of the method.\n"
	 "@return string result The documentation for the method name.\n"},
	{"methodSignature", method_signature, 1, 1, GATE_NONE,
	 "Return an array describing the method signature in the form\n"
	 "[rtype, ptype, ptype...] where rtype is the return data type of the\n"
	 "method, and ptypes are the parameter data types that the method\n"
	 "accepts in method argument order.\n\n"
	 "@param string name  The name of the method.\n"
	 "@return array result  The result.\n"},
	{"multicall", multicall, 1, 1, GATE_NONE,
	 "Process an array of calls, and return an array of results. Calls are\n"
	 "structs of the form {'methodName': string, 'params': array}. Each\n"
	 "result is either the plain return value of its call, or a struct of\n"
	 "the form {'faultCode': int, 'faultString': string}. Calls run in\n"
	 "order; one that waits (a waited start, say) holds back the rest.\n\n"
	 "@param array calls  An array of call requests\n"
	 "@return array result  An array of results\n"},
	{NULL, NULL, 0, 0, GATE_NONE, NULL},
};
