/* sup.h — the supervisor: the daemon's state, its process groups and the
 * machinery that starts, watches and stops them.
 *
 * core knows no HTTP and no XML-RPC. rpc/ and http/ read its state and
 * call its operations; they learn about changes through sup_watch. The
 * sup owns its groups (which own their processes); it does not own the
 * configurations it is given. */
#ifndef REFD_CORE_SUP_H
#define REFD_CORE_SUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "group.h"
#include "proc.h"

struct ev_loop;
struct conf;
struct conf_group;
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
 * request; the owner then exits or re-reads the config. */
typedef void (*sup_stopped_fn)(struct sup *s, void *ctx);

/* Process state changes, for whoever waits on them (deferred RPCs). */
struct sup_watch;
typedef void (*sup_watch_fn)(struct sup_watch *w, struct proc *p, int old_state);
struct sup_watch {
	struct sup_watch *next, *prev;
	sup_watch_fn fn;
	bool active;
};

/* What the event bus hears from core (events.md §3); any may be NULL. */
struct sup_hooks {
	void (*proc_state)(void *ctx, struct proc *p, int old_state);
	/* A chunk logged on a channel (after strip_ansi and capture). */
	void (*proc_output)(void *ctx, struct proc *p, int channel, const char *data, size_t n);
	void (*proc_capture)(void *ctx, struct proc *p, int channel, const char *data, size_t n);
	/* An event listener's stdout as read, after it was logged: the protocol. */
	void (*listener_output)(void *ctx, struct proc *p, const char *data, size_t n);
	void (*group_added)(void *ctx, struct pgroup *g);
	void (*group_removed)(void *ctx, struct pgroup *g);
	/* A group is about to be freed (removal, restart, exit): release what
	 * hangs on it (g->pool). Its processes are freed after this. */
	void (*group_destroy)(void *ctx, struct pgroup *g);
	void (*sup_state)(void *ctx, int state);
	void (*remote_comm)(void *ctx, const char *type, const char *data);
	void *ctx;
};

struct sup *sup_new(struct ev_loop *loop, struct mainlog *log, struct logwatch_hub *hub);
/* How processes reach the operating system: the clock, fork/exec, kill(2),
 * each process's one timer, and the creation of AUTO child log files.
 * sup_new installs the real ones. A test or fuzz harness may install its
 * own with sup_set_os, before any group is added: then nothing forks,
 * signals or creates a file, and the harness plays the world by feeding
 * PE_EXIT and PE_TIMER to proc_handle (and learns that a process is gone
 * from a sup_watch seeing PROC_REMOVED). The sup keeps the rest of the
 * world (state-change notification, logging, reaping, may_spawn), so
 * deferred RPCs complete exactly as they do for real. Every member must
 * be set; each receives ctx. */
struct sup_os {
	double (*now)(void *ctx);
	/* As proc_world's spawn: set p->pid and return 0, or -1 and *why. */
	int (*spawn)(void *ctx, struct proc *p, char **why);
	int (*kill)(void *ctx, pid_t pid, int sig);     /* 0 or an errno */
	void (*timer)(void *ctx, struct proc *p, double seconds);   /* < 0 stops it */
	/* The path of a new process's AUTO log for channel 0 (stdout) or 1
	 * (stderr), malloc'd, or NULL for none (logging.md §2.2). */
	char *(*auto_log)(void *ctx, const char *procname, int channel);
	void *ctx;
};
void sup_set_os(struct sup *s, const struct sup_os *os);
/* Stops nothing: call when every process is stopped (or at exit). */
void sup_free(struct sup *s);
void sup_set_hooks(struct sup *s, const struct sup_hooks *hooks);

/* Take a configuration (not owned): [supervisord] settings and the stored
 * group definitions. sup_activate then creates its groups. */
void sup_configure(struct sup *s, const struct conf *conf);

/* The stored configuration that addProcessGroup and getAllConfigInfo read
 * (xmlrpc-api.md §8): the active one until reloadConfig stores a newer one,
 * which the sup then owns. */
const struct conf *sup_stored_conf(const struct sup *s);
void sup_store_conf(struct sup *s, struct conf *conf);
/* How to read the configuration again (set by main): returns a new conf,
 * or NULL and *err (supervisord's message). */
typedef struct conf *(*sup_reload_fn)(void *ctx, char **err);
void sup_set_reloader(struct sup *s, sup_reload_fn fn, void *ctx);
struct conf *sup_reload_config(struct sup *s, char **err);
/* Delete old AUTO child logs (logging.md §2.3), unless nocleanup. */
void sup_cleanup_childlogs(struct sup *s);
/* Create every group of the configuration, in order, and autostart. */
void sup_activate(struct sup *s);
/* Destroy every group (all processes must be stopped). */
void sup_deactivate(struct sup *s);
void sup_on_stopped(struct sup *s, sup_stopped_fn fn, void *ctx);

int sup_state(const struct sup *s);
const char *sup_state_name(int state);
struct mainlog *sup_log(const struct sup *s);
const struct conf *sup_conf(const struct sup *s);
struct logwatch_hub *sup_logwatch(const struct sup *s);
struct ev_loop *sup_loop(const struct sup *s);
pid_t sup_pid(const struct sup *s);
/* The environment children inherit (the daemon's, as at start-up). */
char **sup_environ(const struct sup *s);

/* Begin stopping everything; the stopped callback follows. */
void sup_request_shutdown(struct sup *s);
/* A restart onto next, a configuration already read and validated (the
 * sup owns it until sup_take_next_conf). Ignored while shutting down. */
void sup_request_restart(struct sup *s, struct conf *next);
struct conf *sup_take_next_conf(struct sup *s);
void sup_set_running(struct sup *s);

/* ---- groups and processes --------------------------------------------------- */

/* Active groups in activation order. */
size_t sup_group_count(const struct sup *s);
struct pgroup *sup_group_at(const struct sup *s, size_t i);
struct pgroup *sup_group(const struct sup *s, const char *name);
/* Resolve a namespec (xmlrpc-api.md §4.1): returns 1 and *proc for a
 * process, 0 with *proc NULL for the whole-group form, -1 if unknown. */
int sup_find(const struct sup *s, const char *namespec, struct pgroup **g, struct proc **proc);
/* Active groups sorted by priority (ties: activation order); caller frees. */
struct pgroup **sup_groups_by_priority(const struct sup *s, size_t *n);
/* The processes of g sorted by process priority (ties: group order). */
struct proc **sup_procs_by_priority(const struct pgroup *g, size_t *n);
/* "group:process", or the bare name when they are equal. Caller frees. */
char *sup_namespec(const struct proc *p);

/* Activate a group from a config group (addProcessGroup): AUTO logs are
 * named now, processes created STOPPED, autostart follows on the next
 * loop pass. */
struct pgroup *sup_add_group(struct sup *s, struct conf_group *cfg);
/* An empty group created at run time (twiddler.addGroup). */
struct pgroup *sup_add_empty_group(struct sup *s, const char *name, int priority);
/* Processes must all be stopped. Emits PROCESS_GROUP_REMOVED. */
void sup_remove_group(struct sup *s, struct pgroup *g);
/* Add processes to an active group (twiddler.addProgramToGroup). */
void sup_add_procs(struct sup *s, struct pgroup *g, struct conf_proc **cfgs, size_t n);
/* Remove one stopped process from its group. */
void sup_remove_proc(struct sup *s, struct proc *p);
/* Schedule an autostart pass on the next loop iteration. */
void sup_kick(struct sup *s);

/* The resolved log path of a channel (0 stdout, 1 stderr), or NULL. */
const char *sup_proc_logfile(const struct proc *p, int channel);
/* clearProcessLogs: 0, or -1 with errno. */
int sup_proc_clear_logs(struct proc *p);
/* Queue bytes for the child's stdin. 0; -1 EPIPE (no pipe: NO_FILE);
 * -2 the buffer limit would be exceeded. */
int sup_proc_stdin(struct proc *p, const char *data, size_t n);
/* An event for a listener (events.md §6): queued and flushed like
 * sup_proc_stdin, but a pipe found closed while writing fails this call
 * (-1, as supervisord's EPIPE), and one write is always taken into an
 * empty queue whatever its size (an event can be larger than the limit);
 * -2 when the queue is not empty and the limit would be exceeded. */
int sup_proc_stdin_event(struct proc *p, const char *data, size_t n);
/* sendRemoteCommEvent: a REMOTE_COMMUNICATION event. */
void sup_remote_comm(struct sup *s, const char *type, const char *data);
/* Reopen every open log (SIGUSR2). */
void sup_reopen_logs(struct sup *s);

/* Watch process state changes. */
void sup_watch_add(struct sup *s, struct sup_watch *w, sup_watch_fn fn);
void sup_watch_remove(struct sup *s, struct sup_watch *w);

/* The per-process stdin buffer limit (xmlrpc-api.md §10). */
#define SUP_STDIN_MAX (1024 * 1024)

#endif
