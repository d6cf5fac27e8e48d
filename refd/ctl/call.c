/* call.c — refctl's XML-RPC calls and what supervisorctl prints when one
 * cannot be made. */
#include "ctl.h"
#include "lib/mem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* Why a call failed, as supervisorctl words it. upcheck: the version
 * check's own messages and exit codes. */
static void report_failure(struct ctl *c, const struct rc_rpc_result *res, bool upcheck)
{
	int e = rc_conn_errno(c->conn);
	c->raised = !(res->http_status == 0 && (e == ECONNREFUSED || e == ENOENT));
	if (res->http_status == 401) {
		out("Server requires authentication");
		c->exitstatus = EX_GENERIC;
	} else if (res->http_status == 0 && e == ECONNREFUSED) {
		out("%s refused connection", c->opt.serverurl);
		c->exitstatus = upcheck ? EX_PRIVILEGES : EX_GENERIC;
	} else if (res->http_status == 0 && e == ENOENT) {
		out("%s no such file", c->opt.serverurl);
		c->exitstatus = upcheck ? EX_NOT_RUNNING : EX_GENERIC;
	} else if (res->http_status) {
		out("error: <ProtocolError for %s: %d>", c->opt.serverurl, res->http_status);
		c->exitstatus = EX_GENERIC;
	} else {
		out("error: %s", rc_conn_error(c->conn));
		c->exitstatus = EX_GENERIC;
	}
}

static enum call_result call(struct ctl *c, const char *method, xmlrpc_value *params,
                             struct rc_rpc_result *res, bool upcheck)
{
	memset(res, 0, sizeof *res);
	int rc = rc_rpc_call(c->conn, method, params, res);
	if (params) xmlrpc_DECREF(params);
	if (rc < 0) {
		/* A connect error leaves errno behind; an HTTP error does not. */
		report_failure(c, res, upcheck);
		rc_rpc_result_free(res);
		return CALL_FAILED;
	}
	return res->is_fault ? CALL_FAULT : CALL_OK;
}

xmlrpc_value *ctl_params(const char *fmt, ...)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	va_list ap;
	va_start(ap, fmt);
	const char *tail = NULL;
	xmlrpc_value *v = NULL;
	xmlrpc_build_value_va(&env, fmt, ap, &v, &tail);
	va_end(ap);
	if (env.fault_occurred) {
		fprintf(stderr, "refctl: cannot build a call: %s\n", env.fault_string);
		exit(EX_GENERIC);
	}
	xmlrpc_env_clean(&env);
	return v;
}

enum call_result ctl_call(struct ctl *c, const char *method, xmlrpc_value *params,
                          struct rc_rpc_result *res)
{
	return call(c, method, params, res, false);
}

void ctl_unexpected_fault(struct ctl *c, const struct rc_rpc_result *res)
{
	out("error: <Fault %d: '%s'>", res->fault_code, res->fault_string ? res->fault_string : "");
	c->exitstatus = EX_GENERIC;
	c->raised = true;
}

bool ctl_upcheck(struct ctl *c)
{
	struct rc_rpc_result res;
	switch (call(c, "supervisor.getVersion", NULL, &res, true)) {
	case CALL_FAILED:
		return false;
	case CALL_FAULT:
		if (res.fault_code == FC_UNKNOWN_METHOD) {
			out("Sorry, supervisord responded but did not recognize the supervisor namespace "
			    "commands that supervisorctl uses to control it.  Please check that the "
			    "[rpcinterface:supervisor] section is enabled in the configuration file "
			    "(see sample.conf).");
			c->exitstatus = EX_UNIMPLEMENTED;
			c->raised = false;
		} else {
			ctl_unexpected_fault(c, &res);
		}
		rc_rpc_result_free(&res);
		return false;
	case CALL_OK:
		break;
	}
	char *v = val_str(res.value);
	bool ok = strcmp(v, "3.0") == 0;
	if (!ok) {
		out("Sorry, this version of supervisorctl expects to talk to a server with API "
		    "version 3.0, but the remote version is %s.", v);
		c->exitstatus = EX_NOT_INSTALLED;
	}
	free(v);
	rc_rpc_result_free(&res);
	return ok;
}

/* ---- values --------------------------------------------------------------------- */

char *val_str(xmlrpc_value *v)
{
	if (!v) return xstrdup("");
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	char *s = NULL;
	switch (xmlrpc_value_type(v)) {
	case XMLRPC_TYPE_STRING: {
		const char *t = NULL;
		size_t n = 0;
		xmlrpc_read_string_lp(&env, v, &n, &t);
		if (!env.fault_occurred) {
			s = xmalloc(n + 1);
			memcpy(s, t, n);
			s[n] = '\0';
			free((void *)t);
		}
		break;
	}
	case XMLRPC_TYPE_INT: {
		int i = 0;
		xmlrpc_read_int(&env, v, &i);
		s = xasprintf("%d", i);
		break;
	}
	case XMLRPC_TYPE_BOOL: {
		xmlrpc_bool b = 0;
		xmlrpc_read_bool(&env, v, &b);
		s = xstrdup(b ? "True" : "False");
		break;
	}
	default:
		break;
	}
	xmlrpc_env_clean(&env);
	return s ? s : xstrdup("");
}

static xmlrpc_value *member(xmlrpc_value *s, const char *name)
{
	if (!s || xmlrpc_value_type(s) != XMLRPC_TYPE_STRUCT) return NULL;
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *v = NULL;
	xmlrpc_struct_find_value(&env, s, name, &v);
	xmlrpc_env_clean(&env);
	return v;
}

char *member_str(xmlrpc_value *s, const char *name)
{
	xmlrpc_value *v = member(s, name);
	char *r = val_str(v);
	if (v) xmlrpc_DECREF(v);
	return r;
}

int member_int(xmlrpc_value *s, const char *name)
{
	xmlrpc_value *v = member(s, name);
	int i = 0;
	if (v) {
		xmlrpc_env env;
		xmlrpc_env_init(&env);
		if (xmlrpc_value_type(v) == XMLRPC_TYPE_INT) xmlrpc_read_int(&env, v, &i);
		else if (xmlrpc_value_type(v) == XMLRPC_TYPE_BOOL) {
			xmlrpc_bool b = 0;
			xmlrpc_read_bool(&env, v, &b);
			i = b;
		}
		xmlrpc_env_clean(&env);
		xmlrpc_DECREF(v);
	}
	return i;
}

bool member_bool(xmlrpc_value *s, const char *name)
{
	return member_int(s, name) != 0;
}

int val_array_size(xmlrpc_value *v)
{
	if (!v || xmlrpc_value_type(v) != XMLRPC_TYPE_ARRAY) return 0;
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	int n = xmlrpc_array_size(&env, v);
	xmlrpc_env_clean(&env);
	return n < 0 ? 0 : n;
}

xmlrpc_value *val_array_item(xmlrpc_value *v, int i)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *item = NULL;
	xmlrpc_array_read_item(&env, v, i, &item);
	xmlrpc_env_clean(&env);
	return item;
}

char *namespec(const char *group, const char *name)
{
	return strcmp(group, name) == 0 ? xstrdup(name) : xasprintf("%s:%s", group, name);
}

void split_namespec(const char *ns, char **group, char **proc)
{
	const char *colon = strchr(ns, ':');
	if (!colon) {
		*group = xstrdup(ns);
		*proc = xstrdup(ns);
		return;
	}
	*group = xstrndup(ns, (size_t)(colon - ns));
	const char *p = colon + 1;
	*proc = (!*p || strcmp(p, "*") == 0) ? NULL : xstrdup(p);
}
