/* twiddler.c — the twiddler namespace from a shell (twiddler.md): add an
 * empty group, add a program to a group with key=value options, remove a
 * process, write a line into the daemon's log, list the groups. A fault
 * prints "ERROR: <faultString>" and exits 1 (2 for a usage error). */
#include "ctl.h"
#include "lib/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run one call; prints ok (a format with the call's first two words) on
 * success. */
static void run(struct ctl *c, const char *method, xmlrpc_value *params, const char *ok)
{
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, method, params, &res);
	if (r == CALL_FAILED) return;
	if (r == CALL_FAULT) {
		out("ERROR: %s", res.fault_string ? res.fault_string : "");
		c->exitstatus = res.fault_code == FC_SPAWN_ERROR ? EX_NOT_RUNNING : EX_GENERIC;
	} else {
		out("%s", ok);
	}
	rc_rpc_result_free(&res);
}

static bool usage(struct ctl *c, bool ok, const char *text)
{
	if (!ok) {
		out("Error: usage: %s", text);
		c->exitstatus = EX_INVALID_ARGS;
	}
	return ok;
}

static void cmd_addgroup(struct ctl *c, int argc, char **argv)
{
	if (!usage(c, argc == 2, "addgroup <name> <priority>")) return;
	char *end;
	long v = strtol(argv[1], &end, 10);
	/* A number goes as an int; anything else as given, for the server to judge. */
	xmlrpc_value *p = *argv[1] && !*end ? ctl_params("(si)", argv[0], (int)v) : ctl_params("(ss)", argv[0], argv[1]);
	char *ok = xasprintf("%s: added group", argv[0]);
	run(c, "twiddler.addGroup", p, ok);
	free(ok);
}

static void cmd_addprogram(struct ctl *c, int argc, char **argv)
{
	if (!usage(c, argc >= 2, "addprogram <group> <name> [key=value ...]")) return;
	xmlrpc_env env;
	xmlrpc_env_init(&env);
	xmlrpc_value *opts = xmlrpc_struct_new(&env);
	for (int i = 2; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			out("Error: option %s is not key=value", argv[i]);
			c->exitstatus = EX_INVALID_ARGS;
			xmlrpc_DECREF(opts);
			xmlrpc_env_clean(&env);
			return;
		}
		char *key = xstrndup(argv[i], (size_t)(eq - argv[i]));
		xmlrpc_value *val = xmlrpc_string_new(&env, eq + 1);
		xmlrpc_struct_set_value(&env, opts, key, val);
		xmlrpc_DECREF(val);
		free(key);
	}
	xmlrpc_value *p = xmlrpc_array_new(&env);
	xmlrpc_value *g = xmlrpc_string_new(&env, argv[0]), *n = xmlrpc_string_new(&env, argv[1]);
	xmlrpc_array_append_item(&env, p, g);
	xmlrpc_array_append_item(&env, p, n);
	xmlrpc_array_append_item(&env, p, opts);
	xmlrpc_DECREF(g);
	xmlrpc_DECREF(n);
	xmlrpc_DECREF(opts);
	if (env.fault_occurred) {
		fprintf(stderr, "refctl: cannot build a call: %s\n", env.fault_string);
		exit(EX_GENERIC);
	}
	xmlrpc_env_clean(&env);
	char *ok = xasprintf("%s: added to group %s", argv[1], argv[0]);
	run(c, "twiddler.addProgramToGroup", p, ok);
	free(ok);
}

static void cmd_removeprocess(struct ctl *c, int argc, char **argv)
{
	if (!usage(c, argc == 2, "removeprocess <group> <name>")) return;
	char *ok = xasprintf("%s: removed from group %s", argv[1], argv[0]);
	run(c, "twiddler.removeProcessFromGroup", ctl_params("(ss)", argv[0], argv[1]), ok);
	free(ok);
}

static void cmd_log(struct ctl *c, int argc, char **argv)
{
	if (!usage(c, argc >= 2, "log <level> <message ...>")) return;
	size_t len = 0;
	for (int i = 1; i < argc; i++) len += strlen(argv[i]) + 1;
	char *msg = xmalloc(len + 1);
	msg[0] = '\0';
	for (int i = 1; i < argc; i++) {
		if (i > 1) strcat(msg, " ");
		strcat(msg, argv[i]);
	}
	run(c, "twiddler.log", ctl_params("(ss)", msg, argv[0]), "logged");
	free(msg);
}

static void cmd_groups(struct ctl *c, int argc, char **argv)
{
	if (!usage(c, argc == 0, "groups")) return;
	struct rc_rpc_result res;
	enum call_result r = ctl_call(c, "twiddler.getGroupNames", NULL, &res);
	if (r == CALL_FAILED) return;
	if (r == CALL_FAULT) {
		out("ERROR: %s", res.fault_string ? res.fault_string : "");
		c->exitstatus = EX_GENERIC;
	} else {
		for (int i = 0; i < val_array_size(res.value); i++) {
			xmlrpc_value *v = val_array_item(res.value, i);
			char *s = val_str(v);
			out("%s", s);
			free(s);
			xmlrpc_DECREF(v);
		}
	}
	rc_rpc_result_free(&res);
}

const struct ctl_command ctl_twiddler_commands[] = {
	{"addgroup", cmd_addgroup, "addgroup <name> <priority>\tAdd an empty process group"},
	{"addprogram", cmd_addprogram,
	 "addprogram <group> <name> [key=value ...]\tAdd a program to a group, with [program:x] options"},
	{"removeprocess", cmd_removeprocess, "removeprocess <group> <name>\tRemove a stopped process"},
	{"log", cmd_log, "log <level> <message ...>\tWrite to the daemon's log (CRIT ERRO WARN INFO DEBG TRAC BLAT)"},
	{"groups", cmd_groups, "groups\t\t\tThe active groups"},
	{NULL, NULL, NULL},
};
