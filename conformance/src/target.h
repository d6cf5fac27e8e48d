/* target: the server a session is replayed against. Either a URL given by the
 * user, or a daemon that refd-conform starts per session file from a command
 * template (--spawn 'CMD {config}') and a config it writes into a temp dir.
 *
 * A struct target is owned by the caller; target_stop ends what target_start
 * began (the daemon, by its pid only, and the temp dir). */
#ifndef TARGET_H
#define TARGET_H

#include <sys/types.h>

#include "rclient.h"

struct target {
    /* set by the caller */
    const char *name;           /* "refd", "supervisord", "remote" ... */
    const char *spawn_cmd;      /* NULL for a URL target */
    const char *url;            /* URL target */
    const char *user, *password;
    double start_timeout;       /* seconds to wait for the daemon to answer */
    double stop_timeout;        /* seconds between SIGTERM and SIGKILL */
    int keep_tmp;               /* leave the temp dir for inspection */
    /* set by target_start */
    int has_inet, has_unix;
    struct rc_url inet, unix_sock;
    const char *session_user, *session_password;   /* from an auth directive */
    pid_t pid;
    char tmp[256];
    char sock[300];
    int port;
    char *config_text;          /* the config written, placeholders filled */
    char *failure;              /* why the target could not be used */
};

/* The config a document without a config directive runs against. */
extern const char target_default_config[];

/* Starts (spawned) or checks (URL) the target. config: the session's config
 * template or NULL for the default. 0 on success; -1 with t->failure set
 * (including the daemon's stderr when it did not come up). */
int target_start(struct target *t, const char *config);
void target_stop(struct target *t);
/* Fills {port}, {sock} and {tmp} (and {{ / }}) in text. Caller frees. */
char *target_fill(const struct target *t, const char *text);
/* The default endpoint (inet when there is one). */
const struct rc_url *target_default_url(const struct target *t);
/* Sends SIGTERM to a spawned daemon from a signal handler. */
void target_emergency_stop(void);

#endif
