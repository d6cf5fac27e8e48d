/* ns_twiddler.c — supervisor_twiddler's namespace (twiddler.md): change
 * the running process table without a restart. Programs added here go
 * through the same option table as a [program:x] section (conf/). */
#include "handlers.h"
#include "fault.h"
#include "xmlw.h"
#include "conf/config.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "log/mainlog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWIDDLER_API_VERSION "0.1"

static enum rpc_status get_api_version(struct rpc_call *c, xmlrpc_value **a, int n)
{
	xw_string(c->out, TWIDDLER_API_VERSION);
	return RPC_DONE;
}

static enum rpc_status get_group_names(struct rpc_call *c, xmlrpc_value **a, int n)
{
	struct sup *s = rpc_sup(c->rpc);
	xw_array_begin(c->out);
	for (size_t i = 0; i < sup_group_count(s); i++) xw_string(c->out, sup_group_at(s, i)->name);
	xw_array_end(c->out);
	return RPC_DONE;
}

/* refd rejects names that would break namespecs and the event protocol
 * (the original accepts anything). */
static bool valid_name(struct rpc_call *c, const char *name)
{
	const char *bad = *name ? strpbrk(name, " :/") : NULL;
	if (*name && !bad) return true;
	char *r = py_repr_str(name);
	char ch[2] = {bad ? *bad : ' ', '\0'};
	char *rc = py_repr_str(ch);
	rpc_fault(c, FAULT_INCORRECT_PARAMETERS, "Invalid name: %s because of character: %s", r, rc);
	free(r);
	free(rc);
	return false;
}

static enum rpc_status add_group(struct rpc_call *c, xmlrpc_value **a, int n)
{
	const char *name;
	if (!rpc_arg_string(c, a[0], &name)) return RPC_DONE;
	struct sup *s = rpc_sup(c->rpc);
	if (sup_group(s, name)) return rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	if (!valid_name(c, name)) return RPC_DONE;
	long long prio;
	if (!rpc_value_int(a[1], &prio)) {
		if (xmlrpc_value_type(a[1]) == XMLRPC_TYPE_STRING) {
			const char *text;
			if (!rpc_arg_string(c, a[1], &text)) return RPC_DONE;
			struct buf b = BUF_INIT;
			py_int_error(&b, text);
			rpc_fault(c, FAULT_INCORRECT_PARAMETERS, "%s", buf_cstr(&b));
			buf_free(&b);
			return RPC_DONE;
		}
		return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	}
	if (prio < -2147483647LL || prio > 2147483647LL) return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	sup_add_empty_group(s, name, (int)prio);
	xw_bool(c->out, true);
	return RPC_DONE;
}

/* One option value as its config text (twiddler.md §3.4 step 5). */
static bool option_text(xmlrpc_value *v, struct buf *out)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	bool ok = true;
	switch (xmlrpc_value_type(v)) {
	case XMLRPC_TYPE_STRING:
	case XMLRPC_TYPE_BASE64:
		rpc_value_str(out, v);
		break;
	case XMLRPC_TYPE_BOOL: {
		xmlrpc_bool b = 0;
		xmlrpc_read_bool(&env, v, &b);
		buf_puts(out, b ? "true" : "false");
		break;
	}
	case XMLRPC_TYPE_INT:
	case XMLRPC_TYPE_I8:
	case XMLRPC_TYPE_DOUBLE: {
		long long i;
		double d = 0;
		if (xmlrpc_value_type(v) == XMLRPC_TYPE_DOUBLE) {
			xmlrpc_read_double(&env, v, &d);
			if (!isfinite(d)) { ok = false; break; }
			/* An integral value prints as one; a long long cannot hold
			 * every integral double (1e300), and casting one it cannot
			 * hold is undefined. */
			if (fabs(d) < 9.2e18 && d == (double)(long long)d) buf_printf(out, "%lld", (long long)d);
			else buf_printf(out, "%.17g", d);
		} else if (rpc_value_int(v, &i)) {
			buf_printf(out, "%lld", i);
		} else {
			ok = false;
		}
		break;
	}
	default:
		ok = false;     /* arrays, structs, nil, dates have no config text */
	}
	xmlrpc_env_clean(&env);
	return ok;
}

static bool options_kv(xmlrpc_value *opts, struct conf_kv *kv)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_type t = xmlrpc_value_type(opts);
	bool ok = true;
	if (t == XMLRPC_TYPE_ARRAY) {
		/* An empty array stands for an empty struct. */
		ok = xmlrpc_array_size(&env, opts) == 0;
	} else if (t != XMLRPC_TYPE_STRUCT) {
		ok = false;
	} else {
		int n = xmlrpc_struct_size(&env, opts);
		for (int i = 0; i < n && ok; i++) {
			xmlrpc_value *key, *val;
			xmlrpc_struct_read_member(&env, opts, (unsigned)i, &key, &val);
			if (env.fault_occurred) { ok = false; break; }
			struct buf k = BUF_INIT, v = BUF_INIT;
			rpc_value_str(&k, key);
			ok = option_text(val, &v);
			if (ok) conf_kv_set(kv, buf_cstr(&k), buf_cstr(&v));
			buf_free(&k);
			buf_free(&v);
			xmlrpc_DECREF(key);
			xmlrpc_DECREF(val);
		}
	}
	if (env.fault_occurred) ok = false;
	xmlrpc_env_clean(&env);
	return ok;
}

static enum rpc_status add_program_to_group(struct rpc_call *c, xmlrpc_value **a, int n)
{
	const char *gname, *program;
	if (!rpc_arg_string(c, a[0], &gname) || !rpc_arg_string(c, a[1], &program)) return RPC_DONE;
	struct sup *s = rpc_sup(c->rpc);
	struct pgroup *g = sup_group(s, gname);
	if (!g) return rpc_fault(c, FAULT_BAD_NAME, "group: %s", gname);
	struct conf_kv kv = {0};
	if (!options_kv(a[2], &kv)) {
		conf_kv_free(&kv);
		return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	}
	if (g->kind == CONF_GROUP_LISTENER) {
		conf_kv_free(&kv);
		return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, "cannot add a program to event listener pool %s",
		                 gname);
	}
	char *prog = py_strip(program);
	struct conf_proc **procs = NULL;
	size_t np = 0;
	char *err = NULL;
	const struct conf *base = sup_conf(s);
	int rc = conf_program_from_kv(base, g->name, prog, &kv, &procs, &np, &err);
	conf_kv_free(&kv);
	if (rc < 0) {
		rpc_fault(c, FAULT_INCORRECT_PARAMETERS, "%s", err ? err : "");
		free(err);
		free(prog);
		return RPC_DONE;
	}
	free(prog);
	/* Atomic: a duplicate name anywhere means nothing is added. */
	for (size_t i = 0; i < np; i++) {
		bool dup = false;
		for (size_t j = 0; j < g->n_procs && !dup; j++) dup = strcmp(g->procs[j]->cfg->name, procs[i]->name) == 0;
		for (size_t j = 0; j < i && !dup; j++) dup = strcmp(procs[j]->name, procs[i]->name) == 0;
		if (dup) {
			rpc_fault(c, FAULT_BAD_NAME, "%s", procs[i]->name);
			for (size_t k = 0; k < np; k++) conf_proc_unref(procs[k]);
			free(procs);
			return RPC_DONE;
		}
	}
	/* A config group's stored definition changes too (twiddler.md §3.4 9). */
	if (g->cfg) {
		g->cfg->procs = xrealloc(g->cfg->procs, (g->cfg->n_procs + np) * sizeof *g->cfg->procs);
		for (size_t i = 0; i < np; i++) g->cfg->procs[g->cfg->n_procs++] = conf_proc_ref(procs[i]);
	}
	sup_add_procs(s, g, procs, np);
	for (size_t i = 0; i < np; i++) conf_proc_unref(procs[i]);
	free(procs);
	xw_bool(c->out, true);
	return RPC_DONE;
}

static enum rpc_status remove_process_from_group(struct rpc_call *c, xmlrpc_value **a, int n)
{
	const char *gname, *pname;
	if (!rpc_arg_string(c, a[0], &gname) || !rpc_arg_string(c, a[1], &pname)) return RPC_DONE;
	struct sup *s = rpc_sup(c->rpc);
	struct pgroup *g = sup_group(s, gname);
	if (!g) return rpc_fault(c, FAULT_BAD_NAME, "group: %s", gname);
	struct proc *p = NULL;
	for (size_t i = 0; i < g->n_procs && !p; i++)
		if (strcmp(g->procs[i]->cfg->name, pname) == 0) p = g->procs[i];
	if (!p) return rpc_fault(c, FAULT_BAD_NAME, "%s", pname);
	if (p->pid || !proc_state_stopped(p->state)) return rpc_fault(c, FAULT_STILL_RUNNING, "%s", pname);
	/* Nothing is spawned as a side effect (twiddler.md §3.5, refd). */
	if (g->cfg) {
		for (size_t i = 0; i < g->cfg->n_procs; i++) {
			if (g->cfg->procs[i] != p->cfg) continue;
			conf_proc_unref(g->cfg->procs[i]);
			memmove(&g->cfg->procs[i], &g->cfg->procs[i + 1], (g->cfg->n_procs - i - 1) * sizeof *g->cfg->procs);
			g->cfg->n_procs--;
			break;
		}
	}
	sup_remove_proc(s, p);
	xw_bool(c->out, true);
	return RPC_DONE;
}

static enum rpc_status tw_log(struct rpc_call *c, xmlrpc_value **a, int n)
{
	int level = LVL_INFO;
	if (n > 1) {
		xmlrpc_value *v = a[1];
		xmlrpc_type t = xmlrpc_value_type(v);
		level = -1;
		if (t == XMLRPC_TYPE_STRING) {
			const char *s;
			if (!rpc_arg_string(c, v, &s)) return RPC_DONE;
			level = mainlog_level_from_code(s);
		} else if (t == XMLRPC_TYPE_INT || t == XMLRPC_TYPE_I8 || t == XMLRPC_TYPE_DOUBLE) {
			long long num;
			double d = 0;
			xmlrpc_env env;
			xmlrpc_env_init(&env);
			if (t == XMLRPC_TYPE_DOUBLE) xmlrpc_read_double(&env, v, &d);
			xmlrpc_env_clean(&env);
			bool integral = t != XMLRPC_TYPE_DOUBLE || (isfinite(d) && d == floor(d));
			if (integral && rpc_value_int(v, &num) && mainlog_level_code((int)num) && num == (int)num)
				level = (int)num;
		}
		if (level < 0) return rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	}
	struct buf msg = BUF_INIT;
	rpc_value_str(&msg, a[0]);
	mainlog_write(sup_log(rpc_sup(c->rpc)), level, buf_cstr(&msg), msg.len);
	buf_free(&msg);
	xw_bool(c->out, true);
	return RPC_DONE;
}

const struct rpc_method rpc_twiddler_methods[] = {
	{"getAPIVersion", get_api_version, 0, 0, GATE_TWIDDLER,
	 "Return the version of the twiddler API.\n\n"
	 "@return string version\n"},
	{"getGroupNames", get_group_names, 0, 0, GATE_TWIDDLER,
	 "Return the names of all active process groups.\n\n"
	 "@return array names\n"},
	{"addGroup", add_group, 2, 2, GATE_TWIDDLER,
	 "Add a new, empty process group.\n\n"
	 "@param string name       Name of the new group\n"
	 "@param integer priority  Group priority (same as supervisord.conf)\n"
	 "@return boolean          Always True unless error\n"},
	{"addProgramToGroup", add_program_to_group, 3, 3, GATE_TWIDDLER,
	 "Add a program to a group: the processes a [program:x] section with\n"
	 "these options would define, parsed by the same rules.\n\n"
	 "@param string group_name  Name of an existing process group\n"
	 "@param string program_name  Name of the new program\n"
	 "@param struct program_options  Key/value pairs of program options\n"
	 "@return boolean  Always True unless error\n"},
	{"removeProcessFromGroup", remove_process_from_group, 2, 2, GATE_TWIDDLER,
	 "Remove a stopped process from a group.\n\n"
	 "@param string group_name    Name of an existing process group\n"
	 "@param string process_name  Name of the process to remove\n"
	 "@return boolean  Always True unless error\n"},
	{"log", tw_log, 1, 2, GATE_TWIDDLER,
	 "Write a message to the main log.\n\n"
	 "@param string message  The message to log\n"
	 "@param string|int level  Log level name (INFO, ...) or number (20, ...)\n"
	 "@return boolean  Always True unless error\n"},
	{NULL, NULL, 0, 0, GATE_NONE, NULL},
};
