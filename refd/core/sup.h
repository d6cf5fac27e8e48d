/* sup.h — the supervisor: the daemon's state, its process groups and the
 * machinery that starts, watches and stops them.
 *
 * core knows no HTTP and no XML-RPC. rpc/ and http/ read its state and
 * call its operations; they learn about changes through sup_watch. */
#ifndef REFD_CORE_SUP_H
#define REFD_CORE_SUP_H

#include <stdbool.h>
#include <sys/types.h>

struct ev_loop;
struct conf;
struct mainlog;
struct logwatch_hub;

/* supervisord's own states (xmlrpc-api.md §4.3). */
enum sup_state {
	SUP_FATAL = 2,
	SUP_RUNNING = 1,
	SUP_RESTARTING = 0,
	SUP_SHUTDOWN = -1,
};

struct sup;

/* Called once every process has stopped after a shutdown or restart
 * request; the owner then tears down or re-reads the config. */
typedef void (*sup_stopped_fn)(struct sup *s, void *ctx);

struct sup *sup_new(struct ev_loop *loop, struct mainlog *log, struct logwatch_hub *hub);
void sup_free(struct sup *s);

/* Take a configuration (the sup keeps the pointer; the caller owns it). */
void sup_configure(struct sup *s, const struct conf *conf);
void sup_on_stopped(struct sup *s, sup_stopped_fn fn, void *ctx);

int sup_state(const struct sup *s);
const char *sup_state_name(int state);
struct mainlog *sup_log(const struct sup *s);
const struct conf *sup_conf(const struct sup *s);
struct logwatch_hub *sup_logwatch(const struct sup *s);
pid_t sup_pid(const struct sup *s);

/* Begin stopping everything; the stopped callback follows. A request while
 * already shutting down only turns RESTARTING into SHUTDOWN. */
void sup_request_shutdown(struct sup *s);
void sup_request_restart(struct sup *s);
/* Back to RUNNING after a restart has re-read the config. */
void sup_set_running(struct sup *s);

#endif
