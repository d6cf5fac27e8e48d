/* reader.h — reading a section through an option table: the value types,
 * the %(name)s sets, the table entry and the reader's state. Shared by the
 * section builders (sections.c, programs.c); not part of conf's public face. */
#ifndef REFD_CONF_READER_H
#define REFD_CONF_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "expand.h"
#include "internal.h"
#include "value.h"

enum vtype {
	T_NONE,         /* no value: the entry only runs its check */
	T_STR, T_INT, T_BOOL, T_BYTES, T_OCTAL, T_SIGNAL, T_EXITCODES, T_LOGLEVEL,
	T_AUTORESTART, T_DIRPATH, T_EXISTDIR, T_USER, T_USERGROUP, T_PORT, T_LIST,
	T_LOGFILE, T_NAME, T_SECONDS, T_EVENTS, T_HANDLER, T_SDENV, T_SOCKFILE,
};

/* Which %(name)s set an option is expanded with (config.md §3.1). */
enum xset {
	X_RAW,          /* not expanded */
	X_E,            /* ENV_ names */
	X_EH,           /* + here */
	X_EHP,          /* + here, program_name (fcgi socket) */
	X_PROG,         /* + here, program_name, group_name, host_node_name */
	X_INST,         /* + process_num, numprocs and the program's ENV_ names */
	X_COUNT
};

enum {
	F_REQUIRED = 1,         /* absent -> req message */
	F_EMPTY_MISSING = 2,    /* "" counts as absent (Python's `if not x`) */
	F_DFLT_STOPASGROUP = 4, /* default is the stopasgroup value */
	F_DFLT_TMPDIR = 8,      /* default is tempfile.gettempdir() */
	F_TWICE = 16,           /* expanded a second time, ctx = the key */
};

struct v_int { long long v; char *text; };
struct v_codes { int *v; size_t n; };
struct v_id { uid_t uid; gid_t gid; char *text; };
struct v_port { char *host; int port; };
struct v_list { char **v; size_t n; };
struct v_log { enum conf_logname kind; char *path; };

struct rd;
struct optdef;
typedef int (*check_fn)(struct rd *rd, const struct optdef *d, void *field, char **err);

struct optdef {
	const char *key;
	unsigned char type;     /* enum vtype */
	unsigned char names;    /* enum xset */
	unsigned char stage;
	unsigned char flags;
	const char *dflt;       /* default text; NULL = none */
	const char *req;        /* F_REQUIRED: message, %s = section name */
	const char *wrap;       /* a type error becomes this, %s = the value */
	size_t off;             /* field offset in the section's value struct */
	check_fn check;         /* after parsing (or, for T_NONE, always) */
};

/* Every value struct starts with the set of entries that were given. */
struct vals { unsigned long long has; };

struct rd {
	struct ld *ld;
	const struct sview *v;
	const struct xnames *names[X_COUNT];
	void *dst;
	const struct optdef *tab;
	size_t ntab;
	bool suffix;            /* messages get " in section ... (file: ...)" */
	bool keep_going;        /* record an error and go on (check_all) */
	int failed;
	const char *text;       /* the expanded text of the current option */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Read every entry of the table with this stage into rd->dst, in table
 * order. Returns 0, or -1 after recording the error (with keep_going, every
 * error of the stage). */
int read_stage(struct rd *rd, int stage);
/* Was the entry named key given (or defaulted)? Its field, or NULL. */
bool rd_has(const struct rd *rd, const char *key);
const void *rd_field(const struct rd *rd, const char *key);
/* Record an error for option (may be NULL), with the suffix if rd has one. */
void rd_fail(struct rd *rd, const char *msg, const char *option);
/* xp_expand, charged to the load's budget. */
char *rd_expand(struct rd *rd, const char *text, const struct xnames *nm,
                const char *ctx, char **err);
/* Charge n bytes of kept values to the load; -1 and *err beyond the budget. */
int charge(struct ld *ld, size_t n, char **err);
void free_vals(const struct optdef *tab, size_t n, void *dst);
/* The %(name)s sets of a section that is not a program: E, plus here. */
void plain_names(struct ld *ld, struct xnames nm[X_COUNT], const struct xnames *p[X_COUNT]);
/* " in section 'program:x' (file: 'f')" */
char *suffix_for(const struct sview *v);
int clamp_int(long long v);
/* An rpcinterface factory refd implements: 0 supervisor, 1 twiddler, or -1
 * and *err = supervisord's message for spec. */
int resolve_factory(const char *spec, const char *section, char **err);

#endif
