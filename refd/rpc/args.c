/* args.c — method arguments with Python's conversions, since supervisord's
 * methods call int(), str() and truth tests on whatever arrived. */
#include "call.h"
#include "fault.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool rpc_is_string(xmlrpc_value *v)
{
	xmlrpc_type t = xmlrpc_value_type(v);
	return t == XMLRPC_TYPE_STRING || t == XMLRPC_TYPE_BASE64;
}

bool rpc_arg_string_n(struct rpc_call *c, xmlrpc_value *v, const char **s, size_t *n)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_type t = xmlrpc_value_type(v);
	if (t == XMLRPC_TYPE_STRING) {
		const char *str = NULL;
		size_t len = 0;
		xmlrpc_read_string_lp(&env, v, &len, &str);
		if (!env.fault_occurred) {
			*s = rpc_keep(c, (void *)str);
			if (n) *n = len;
			xmlrpc_env_clean(&env);
			return true;
		}
	} else if (t == XMLRPC_TYPE_BASE64) {
		const unsigned char *bytes = NULL;
		size_t len = 0;
		xmlrpc_read_base64(&env, v, &len, &bytes);
		if (!env.fault_occurred) {
			char *str = xmalloc(len + 1);
			memcpy(str, bytes, len);
			str[len] = '\0';
			free((void *)bytes);
			*s = rpc_keep(c, str);
			if (n) *n = len;
			xmlrpc_env_clean(&env);
			return true;
		}
	}
	xmlrpc_env_clean(&env);
	rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	return false;
}

bool rpc_arg_string(struct rpc_call *c, xmlrpc_value *v, const char **s)
{
	return rpc_arg_string_n(c, v, s, NULL);
}

bool rpc_value_int(xmlrpc_value *v, long long *out)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	bool ok = false;
	switch (xmlrpc_value_type(v)) {
	case XMLRPC_TYPE_INT: {
		int i = 0;
		xmlrpc_read_int(&env, v, &i);
		*out = i;
		ok = !env.fault_occurred;
		break;
	}
	case XMLRPC_TYPE_I8: {
		xmlrpc_int64 i = 0;
		xmlrpc_read_i8(&env, v, &i);
		*out = i;
		ok = !env.fault_occurred;
		break;
	}
	case XMLRPC_TYPE_BOOL: {
		xmlrpc_bool b = 0;
		xmlrpc_read_bool(&env, v, &b);
		*out = b ? 1 : 0;
		ok = !env.fault_occurred;
		break;
	}
	case XMLRPC_TYPE_DOUBLE: {
		double d = 0;
		xmlrpc_read_double(&env, v, &d);
		if (!env.fault_occurred && isfinite(d) && fabs(d) < 9.2e18) {
			*out = (long long)d;    /* truncates toward zero, like int() */
			ok = true;
		}
		break;
	}
	case XMLRPC_TYPE_STRING: {
		const char *s = NULL;
		size_t n = 0;
		xmlrpc_read_string_lp(&env, v, &n, &s);
		ok = !env.fault_occurred && strlen(s) == n && py_int(s, out) == 0;
		free((void *)s);
		break;
	}
	case XMLRPC_TYPE_BASE64: {
		const unsigned char *b = NULL;
		size_t n = 0;
		xmlrpc_read_base64(&env, v, &n, &b);
		if (!env.fault_occurred) {
			char *s = xstrndup((const char *)b, n);
			ok = strlen(s) == n && py_int(s, out) == 0;
			free(s);
		}
		free((void *)b);
		break;
	}
	default:
		break;
	}
	xmlrpc_env_clean(&env);
	return ok;
}

bool rpc_arg_int(struct rpc_call *c, xmlrpc_value *v, long long *out)
{
	if (rpc_value_int(v, out)) return true;
	rpc_fault(c, FAULT_INCORRECT_PARAMETERS, NULL);
	return false;
}

bool rpc_arg_truth(xmlrpc_value *v)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	bool truth = true;
	switch (xmlrpc_value_type(v)) {
	case XMLRPC_TYPE_INT: { int i = 0; xmlrpc_read_int(&env, v, &i); truth = i != 0; break; }
	case XMLRPC_TYPE_I8: { xmlrpc_int64 i = 0; xmlrpc_read_i8(&env, v, &i); truth = i != 0; break; }
	case XMLRPC_TYPE_BOOL: { xmlrpc_bool b = 0; xmlrpc_read_bool(&env, v, &b); truth = b; break; }
	case XMLRPC_TYPE_DOUBLE: { double d = 0; xmlrpc_read_double(&env, v, &d); truth = d != 0; break; }
	case XMLRPC_TYPE_STRING: {
		const char *s = NULL;
		size_t n = 0;
		xmlrpc_read_string_lp(&env, v, &n, &s);
		truth = n > 0;
		free((void *)s);
		break;
	}
	case XMLRPC_TYPE_BASE64: {
		const unsigned char *b = NULL;
		size_t n = 0;
		xmlrpc_read_base64(&env, v, &n, &b);
		truth = n > 0;
		free((void *)b);
		break;
	}
	case XMLRPC_TYPE_ARRAY: truth = xmlrpc_array_size(&env, v) > 0; break;
	case XMLRPC_TYPE_STRUCT: truth = xmlrpc_struct_size(&env, v) > 0; break;
	case XMLRPC_TYPE_NIL: truth = false; break;
	default: break;
	}
	xmlrpc_env_clean(&env);
	return truth;
}

static void value_text(struct buf *out, xmlrpc_value *v, bool repr, int depth)
{
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	if (depth > 64) { buf_puts(out, "..."); xmlrpc_env_clean(&env); return; }
	switch (xmlrpc_value_type(v)) {
	case XMLRPC_TYPE_INT: { int i = 0; xmlrpc_read_int(&env, v, &i); buf_printf(out, "%d", i); break; }
	case XMLRPC_TYPE_I8: { xmlrpc_int64 i = 0; xmlrpc_read_i8(&env, v, &i); buf_printf(out, "%lld", (long long)i); break; }
	case XMLRPC_TYPE_BOOL: { xmlrpc_bool b = 0; xmlrpc_read_bool(&env, v, &b); buf_puts(out, b ? "True" : "False"); break; }
	case XMLRPC_TYPE_DOUBLE: {
		double d = 0;
		xmlrpc_read_double(&env, v, &d);
		char tmp[40];
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(tmp, sizeof tmp, "%.*g", prec, d);
			if (strtod(tmp, NULL) == d) break;
		}
		if (!strpbrk(tmp, ".eninf")) strcat(tmp, ".0");
		buf_puts(out, tmp);
		break;
	}
	case XMLRPC_TYPE_STRING:
	case XMLRPC_TYPE_BASE64: {
		const char *s = NULL;
		size_t n = 0;
		if (xmlrpc_value_type(v) == XMLRPC_TYPE_STRING) {
			xmlrpc_read_string_lp(&env, v, &n, &s);
		} else {
			const unsigned char *b = NULL;
			xmlrpc_read_base64(&env, v, &n, &b);
			s = (const char *)b;
		}
		if (!env.fault_occurred) {
			if (repr) py_repr(out, s, n);
			else buf_append(out, s, n);
		}
		free((void *)s);
		break;
	}
	case XMLRPC_TYPE_DATETIME: {
		const char *s = NULL;
		xmlrpc_read_datetime_str(&env, v, &s);
		/* "20240101T10:11:12" -> "2024-01-01 10:11:12" (str(datetime)) */
		if (!env.fault_occurred && s && strlen(s) >= 17)
			buf_printf(out, "%.4s-%.2s-%.2s %.8s", s, s + 4, s + 6, s + 9);
		free((void *)s);
		break;
	}
	case XMLRPC_TYPE_ARRAY: {
		int n = xmlrpc_array_size(&env, v);
		buf_putc(out, '[');
		for (int i = 0; i < n; i++) {
			xmlrpc_value *item;
			xmlrpc_array_read_item(&env, v, i, &item);
			if (env.fault_occurred) break;
			if (i) buf_puts(out, ", ");
			value_text(out, item, true, depth + 1);
			xmlrpc_DECREF(item);
		}
		buf_putc(out, ']');
		break;
	}
	case XMLRPC_TYPE_STRUCT: {
		int n = xmlrpc_struct_size(&env, v);
		buf_putc(out, '{');
		for (int i = 0; i < n; i++) {
			xmlrpc_value *key, *val;
			xmlrpc_struct_read_member(&env, v, (unsigned)i, &key, &val);
			if (env.fault_occurred) break;
			if (i) buf_puts(out, ", ");
			value_text(out, key, true, depth + 1);
			buf_puts(out, ": ");
			value_text(out, val, true, depth + 1);
			xmlrpc_DECREF(key);
			xmlrpc_DECREF(val);
		}
		buf_putc(out, '}');
		break;
	}
	case XMLRPC_TYPE_NIL: buf_puts(out, "None"); break;
	default: buf_puts(out, "?"); break;
	}
	xmlrpc_env_clean(&env);
}

void rpc_value_str(struct buf *out, xmlrpc_value *v)
{
	value_text(out, v, false, 0);
}
