/* ctl.h — refctl, refd's command-line client: supervisorctl's everyday
 * commands with its output and exit codes, plus the twiddler namespace.
 * Speaks to any supervisord-compatible server through rclient (the client
 * code refd-conform uses). */
#ifndef REFD_CTL_CTL_H
#define REFD_CTL_CTL_H

#include <stdbool.h>
#include <xmlrpc-c/base.h>

#include "rclient.h"

/* supervisorctl's exit codes (LSB init and status conventions). */
enum {
	EX_SUCCESS = 0,
	EX_GENERIC = 1,
	EX_INVALID_ARGS = 2,
	EX_UNIMPLEMENTED = 3,
	EX_PRIVILEGES = 4,
	EX_NOT_INSTALLED = 5,
	EX_NOT_RUNNING = 7,
	EX_STATUS_NOT_RUNNING = 3,
	EX_STATUS_UNKNOWN = 4,
};

/* supervisord's fault codes that the commands interpret. */
enum {
	FC_UNKNOWN_METHOD = 1, FC_SHUTDOWN_STATE = 6, FC_BAD_NAME = 10, FC_BAD_SIGNAL = 11,
	FC_NO_FILE = 20, FC_NOT_EXECUTABLE = 21, FC_FAILED = 30, FC_ABNORMAL_TERMINATION = 40,
	FC_SPAWN_ERROR = 50, FC_ALREADY_STARTED = 60, FC_NOT_RUNNING = 70, FC_SUCCESS = 80,
	FC_ALREADY_ADDED = 90, FC_STILL_RUNNING = 91, FC_CANT_REREAD = 92,
};

struct ctl_options {
	char *serverurl;            /* as given; default http://localhost:9001 */
	char *username;
	char *password;
};

struct ctl {
	struct ctl_options opt;
	struct rc_url url;
	struct rc_conn *conn;
	int exitstatus;
	bool raised;                /* the failure was one supervisorctl raises, not handles */
	bool interactive;
};

/* ---- config.c ---------------------------------------------------------------- */

/* Read the [supervisorctl] section of path into opt (values already set
 * are kept: the command line wins). Returns 0, or -1 with *err (freed by
 * the caller) in supervisorctl's words. */
int ctl_read_config(const char *path, struct ctl_options *opt, char **err);
/* The first file of supervisorctl's search list that exists, or NULL. */
char *ctl_find_config(const char *argv0);

/* ---- rpc.c ------------------------------------------------------------------- */

enum call_result {
	CALL_OK,            /* res->value set */
	CALL_FAULT,         /* res->fault_code, res->fault_string */
	CALL_FAILED,        /* transport or HTTP error: already reported */
};

/* Call method with params (an array built with xmlrpc_build_value, or NULL;
 * the reference is taken). On CALL_FAILED the message supervisorctl would
 * print has been printed and the exit status set; `where` is "upcheck"
 * for the version check (its own wording), "shutdown" for shutdown's. */
/* A parameter array from xmlrpc_build_value's format ("(s)", "(si)"...);
 * exits on a format error (a bug, not bad input). */
xmlrpc_value *ctl_params(const char *fmt, ...);
enum call_result ctl_call(struct ctl *c, const char *method, xmlrpc_value *params,
                          struct rc_rpc_result *res);
/* supervisorctl's upcheck: getVersion must be '3.0'. */
bool ctl_upcheck(struct ctl *c);
/* A fault no command expects: "error: <Fault code: 'text'>", exit 1. */
void ctl_unexpected_fault(struct ctl *c, const struct rc_rpc_result *res);

/* Value access (all tolerate a missing member). Strings are malloc'd. */
char *val_str(xmlrpc_value *v);
char *member_str(xmlrpc_value *s, const char *name);
int member_int(xmlrpc_value *s, const char *name);
bool member_bool(xmlrpc_value *s, const char *name);
int val_array_size(xmlrpc_value *v);
xmlrpc_value *val_array_item(xmlrpc_value *v, int i);     /* a new reference */
/* group:name, or name when they are equal (make_namespec). */
char *namespec(const char *group, const char *name);
/* split_namespec: *proc is NULL for "g:*" and "g:". Both malloc'd. */
void split_namespec(const char *ns, char **group, char **proc);

void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- commands.c and twiddler.c -------------------------------------------------- */

struct ctl_command {
	const char *name;
	void (*fn)(struct ctl *c, int argc, char **argv);
	const char *help;           /* one line per usage form, "\t" between usage and text */
};

extern const struct ctl_command ctl_commands[];
extern const struct ctl_command ctl_twiddler_commands[];

#endif
