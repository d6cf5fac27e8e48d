/* config.h — the typed configuration: what a supervisord.conf means.
 *
 * conf/ is pure data: bytes in, typed configs out. It knows nothing of
 * processes, sockets or the event loop. Everything here is owned by the
 * struct conf that holds it; conf_free releases the whole tree. Core copies
 * nothing out of it that outlives the conf except through conf_proc_ref /
 * conf_group_ref (reference counts, so a running process can keep the
 * config it was started with across reloadConfig). */
#ifndef REFD_CONF_CONFIG_H
#define REFD_CONF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- value types ------------------------------------------------------ */

enum conf_logkind {
	CONF_LOG_AUTO,          /* a file named at group activation (logging.md §2.2) */
	CONF_LOG_NONE,          /* no file */
	CONF_LOG_PATH,          /* the path in conf_log.path */
};

enum conf_autorestart { CONF_AR_FALSE = 0, CONF_AR_TRUE = 1, CONF_AR_UNEXPECTED = 2 };

/* An ordered key/value list (environment=, rpcinterface kwargs, twiddler
 * options). Keys are unique: a later duplicate replaces the value in place. */
struct conf_kv {
	size_t n;
	char **keys;
	char **vals;
};

/* One output channel of a process (stdout or stderr). */
struct conf_log {
	enum conf_logkind kind;
	char *path;                 /* CONF_LOG_PATH: as written, after expansion and ~ */
	long long maxbytes;         /* *_logfile_maxbytes, default 50MB */
	int backups;                /* *_logfile_backups, default 10 */
	long long capture_maxbytes; /* *_capture_maxbytes, 0 = no capture mode */
	bool events_enabled;        /* *_events_enabled */
	bool syslog;                /* *_syslog (also set by the deprecated logfile=syslog) */
};

/* ---- processes and groups -------------------------------------------- */

/* One process instance, after numprocs expansion. */
struct conf_proc {
	int refs;                   /* see conf_proc_ref */
	char *name;                 /* expanded process_name */
	char *program;              /* the section's name part: program_name */
	int process_num;
	char *command;              /* expanded, split only at spawn (conf_shlex) */
	char *directory;            /* NULL = none */
	int umask;                  /* -1 = inherit */
	int priority;               /* process priority, default 999 */
	bool autostart;
	enum conf_autorestart autorestart;
	int startsecs;
	int startretries;
	int stopsignal;             /* a signal number, default SIGTERM */
	int stopwaitsecs;
	bool stopasgroup;
	bool killasgroup;
	int *exitcodes;             /* default {0} */
	size_t n_exitcodes;
	bool redirect_stderr;
	bool has_uid;               /* user= given */
	uid_t uid;
	gid_t gid;                  /* the user's primary group */
	char *user;                 /* as written, for messages */
	struct conf_log out, err;   /* err.kind is NONE when redirect_stderr */
	struct conf_kv env;         /* [supervisord] environment overlaid by the program's */
	char *serverurl;            /* NULL = AUTO (the default server URL) */
};

enum conf_groupkind {
	CONF_GROUP_PROGRAM,         /* [program:x]: a homogeneous group */
	CONF_GROUP_HETERO,          /* [group:x] */
	CONF_GROUP_LISTENER,        /* [eventlistener:x]: an event listener pool */
	CONF_GROUP_FCGI,            /* [fcgi-program:x] */
};

enum conf_result_handler {
	CONF_RH_DEFAULT,            /* supervisor.dispatchers:default_handler */
	CONF_RH_TWIDDLER_STDIN,     /* supervisor_twiddler.resulthandler:stdin_write_handler */
};

struct conf_group {
	int refs;
	enum conf_groupkind kind;
	char *name;
	int priority;               /* group priority */
	struct conf_proc **procs;   /* in the group's process order (config.md §9, §7.6);
	                             * two may share a name: supervisord keeps the
	                             * later one when it activates the group */
	size_t n_procs;
	char *section;              /* e.g. "program:web", for messages */
	char *file;                 /* the file the section first appeared in */
	/* CONF_GROUP_LISTENER */
	unsigned long long events;  /* EVTYPE_BIT()s of the types named (conf/evtypes.h) */
	int buffer_size;
	enum conf_result_handler result_handler;
	/* CONF_GROUP_FCGI */
	char *socket;               /* "unix:///path" or "tcp://host:port" */
	int socket_backlog;         /* -1 = not set: SOMAXCONN */
	int socket_mode;            /* unix sockets, default 0700 */
	bool has_socket_owner;
	uid_t socket_uid;
	gid_t socket_gid;
};

/* ---- server sections ---------------------------------------------------- */

/* Limits beyond supervisord: extra keys of the two server sections. */
struct conf_http_limits {
	size_t max_header_bytes;    /* request head, default 16 KiB   -> 431 */
	size_t max_body_bytes;      /* request body, default 1 MiB    -> 413 */
	int max_connections;        /* open connections, default 256  -> 503 */
	double request_timeout;     /* seconds to receive a request, default 30 -> 408 */
	double idle_timeout;        /* seconds a kept-alive connection may idle, default 1800 */
};

struct conf_server {
	bool is_unix;
	char *section;              /* "inet_http_server", "unix_http_server:x" ... */
	/* inet */
	char *host;                 /* lower-cased; "" = all interfaces */
	int port;
	/* unix */
	char *file;                 /* absolute */
	int chmod;                  /* default 0700 */
	bool has_chown;
	uid_t chown_uid;
	gid_t chown_gid;            /* (gid_t)-1 = leave */
	/* both */
	char *username;             /* NULL = no auth */
	char *password;             /* "{SHA}<hex>" or plain */
	struct conf_http_limits limits;
};

enum conf_rpcif_kind { CONF_RPCIF_SUPERVISOR, CONF_RPCIF_TWIDDLER };

struct conf_rpcif {
	char *name;                 /* the namespace: the part after "rpcinterface:" */
	enum conf_rpcif_kind kind;
	char **whitelist;           /* twiddler: bare method names; NULL/0 = all */
	size_t n_whitelist;
};

/* ---- [supervisord] and [supervisorctl] --------------------------------- */

struct conf_supervisord {
	char *logfile;              /* absolute, or exactly "syslog" */
	long long logfile_maxbytes;
	int logfile_backups;
	int loglevel;               /* numeric: 50 CRIT ... 3 BLAT (logging.md §1.1) */
	char *pidfile;              /* absolute */
	int umask;                  /* default 022 */
	bool nodaemon;
	bool silent;
	long long minfds;
	long long minprocs;
	bool nocleanup;
	char *childlogdir;
	char *user;                 /* NULL = none (the command line's -u wins) */
	bool has_uid;               /* user resolved by conf_load (cli.md §3) */
	uid_t uid;
	gid_t gid;                  /* the user's primary group */
	char *directory;            /* NULL = none */
	bool strip_ansi;
	struct conf_kv environment;
	char *identifier;
};

struct conf_ctl {
	bool present;               /* the section exists */
	char *serverurl;            /* default "http://localhost:9001" */
	char *username;
	char *password;
	char *prompt;
	char *history_file;
};

/* A parse-time message to log once the main log opens (config.md §8). */
struct conf_msg {
	int level;                  /* 50 CRIT, 30 WARN, 20 INFO */
	char *text;
};

/* ---- the whole configuration ------------------------------------------- */

struct conf {
	char *path;                 /* the main file, as given */
	char *here;                 /* absolute directory of the main file */
	struct conf_supervisord sd;
	struct conf_server *servers;
	size_t n_servers;
	struct conf_rpcif *rpcifs;
	size_t n_rpcifs;
	struct conf_group **groups; /* sorted by (priority, name) (config.md §10); names
	                             * of different kinds may repeat: the first wins */
	size_t n_groups;
	struct conf_ctl ctl;
	struct conf_msg *msgs;
	size_t n_msgs;
	struct conf_kv env_names;   /* the ENV_ set E (config.md §3.1), for twiddler */
	char *host_node_name;
	char *home;                 /* $HOME at load time (for ~), NULL = unset */
};

/* Command-line values that override the file (cli.md §1); NULL = unset.
 * main checks them with the value.h parsers first ("invalid value for -m
 * '99': ..."); conf_load applies them after the file, then resolves the
 * user (CLI or file) and makes logfile and pidfile absolute, as
 * supervisord's realize() does. */
struct conf_cli {
	const char *logfile, *pidfile, *childlogdir, *directory, *identifier, *user;
	const char *logfile_maxbytes, *logfile_backups, *loglevel, *umask;
	const char *minfds, *minprocs;
	bool nodaemon, silent, nocleanup, strip_ansi;   /* flags only turn settings on */
};

/* How the loader reaches the outside world. A NULL member means the real
 * thing (the filesystem, environ, uname); the fuzz harness and tests supply
 * in-memory versions. */
struct conf_env_src {
	/* Read a whole file. Returns 0, or -1 with errno set: ENOENT means "could
	 * not find", anything else "could not read". *data is malloc'd. */
	int (*read_file)(void *ctx, const char *path, char **data, size_t *len);
	/* Expand a glob pattern into sorted matches (malloc'd array of malloc'd
	 * strings). Returns 0 (possibly no matches) or -1. */
	int (*glob)(void *ctx, const char *pattern, char ***paths, size_t *n);
	void *ctx;
	char **environ;             /* NULL = the process environment */
	const char *host_node_name; /* NULL = uname -n */
	const char *cwd;            /* NULL = getcwd() */
	/* ENV_ names to start from instead of environ: supervisord keeps the
	 * names of a previous load (its [supervisord] environment keys) across
	 * reloadConfig; pass the old conf's env_names to do the same. */
	const struct conf_kv *env_names;
};

/* One error: supervisord's own message (what `Error: ...` prints, byte for
 * byte), then where it was found, for refd's own second line. */
struct conf_error {
	char *message;
	char *file;                 /* NULL when not tied to a file */
	int line;                   /* 0 = unknown */
	char *section;              /* NULL = none */
	char *option;               /* NULL = none */
	char *detail;               /* refd's own line, e.g.
	                             * "/etc/x.conf:12: [program:web] stopsignal = FOO" */
};

struct conf_errors {
	struct conf_error *v;
	size_t n;
};

/* Load and validate path (plus its includes) with the command line applied.
 * Returns NULL and fills errs on failure: one error normally (supervisord
 * stops at the first; it is the same one), or with check_all (refd
 * --check-config) every syntax error of every file and, when there are
 * none, the first error of each section and of each [supervisord] option.
 * errs may be NULL. The caller frees errs with conf_errors_free. */
struct conf *conf_load(const char *path, const struct conf_cli *cli,
                       const struct conf_env_src *src, bool check_all,
                       struct conf_errors *errs);
/* The same from text in memory; name stands for the file in messages and
 * %(here)s is the cwd (also the base of relative [include] patterns). */
struct conf *conf_load_text(const char *name, const char *text, size_t len,
                            const struct conf_cli *cli, const struct conf_env_src *src,
                            bool check_all, struct conf_errors *errs);
void conf_free(struct conf *c);
void conf_errors_free(struct conf_errors *errs);
/* Format "<supervisord message>\n<refd's detail line(s)>\n" (the caller
 * prints "Error: " before it, as supervisord's usage error does). */
char *conf_error_format(const struct conf_error *e);

/* The one path from options to programs (DESIGN.md): turn key/value strings
 * into the process configs of a [program:<program>] section placed in group
 * group_name, exactly as a file section would be parsed, with base's
 * [supervisord] environment, here and ENV_ names. Used by twiddler's
 * addProgramToGroup. Keys are matched case-insensitively, unknown keys are
 * ignored, the program name is trimmed. No file is touched except the
 * directory checks of log paths and passwd lookups for user=.
 * Returns 0 and a malloc'd array of new conf_proc (refs = 1 each), sorted
 * by (priority, name), or -1 and *err = the complete message (caller
 * frees) INCLUDING supervisord's suffix
 * " in section 'program:<program>' (file: '<base->path>')", i.e. the text
 * twiddler puts after "INCORRECT_PARAMETERS: ". */
int conf_program_from_kv(const struct conf *base, const char *group_name,
                         const char *program, const struct conf_kv *opts,
                         struct conf_proc ***procs, size_t *n_procs, char **err);

/* reloadConfig's equality (config.md §12): AUTO log fields are skipped. */
bool conf_group_equal(const struct conf_group *a, const struct conf_group *b);

struct conf_proc *conf_proc_ref(struct conf_proc *p);
void conf_proc_unref(struct conf_proc *p);
struct conf_group *conf_group_ref(struct conf_group *g);
void conf_group_unref(struct conf_group *g);

void conf_kv_set(struct conf_kv *kv, const char *key, const char *val);
const char *conf_kv_get(const struct conf_kv *kv, const char *key);
void conf_kv_free(struct conf_kv *kv);
/* Add every pair of src to dst (dst's duplicates replaced). */
void conf_kv_copy(struct conf_kv *dst, const struct conf_kv *src);
/* Same keys with the same values, in any order (Python dict equality). */
bool conf_kv_equal(const struct conf_kv *a, const struct conf_kv *b);

/* The default server URL given to children (config.md §7.3), or NULL. */
char *conf_default_serverurl(const struct conf *c);

/* The built-in configuration of `refd --builtin-config`, with tmpdir filled
 * in (cli.md; README). Caller frees. */
char *conf_builtin_text(const char *tmpdir);
/* A commented starting configuration (`refd --print-config`): every
 * section and option with its default, most of them commented out. It
 * loads as it is. Caller frees. */
char *conf_sample_text(void);

#endif
