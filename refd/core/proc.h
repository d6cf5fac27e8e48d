/* proc.h — one supervised process and its state machine (lifecycle.md).
 *
 * The state machine is a table: state x event -> action. Actions act on
 * the world only through struct proc_world (spawn, kill, the process's one
 * timer, the clock, the log and the change notification), so the table can
 * be tested cell by cell with a fake clock and a fake spawner. sup.c
 * provides the real world: fork/exec, kill(2), libev timers.
 *
 * A group owns its processes; a process holds a reference on its config. */
#ifndef REFD_CORE_PROC_H
#define REFD_CORE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct conf_proc;
struct pgroup;
struct proc;

/* Process states (xmlrpc-api.md §4.2) with their wire codes. */
enum proc_state {
	PROC_STOPPED = 0,
	PROC_STARTING = 10,
	PROC_RUNNING = 20,
	PROC_BACKOFF = 30,
	PROC_STOPPING = 40,
	PROC_EXITED = 100,
	PROC_FATAL = 200,
	PROC_UNKNOWN = 1000,
};
/* Sent to watchers when a process is about to be freed. */
#define PROC_REMOVED (-1)

enum proc_event {
	PE_START,       /* spawn: autostart, autorestart, RPC start, backoff retry */
	PE_EXIT,        /* the child was reaped */
	PE_TIMER,       /* the process timer: startsecs, backoff delay, stopwaitsecs */
	PE_STOP,        /* administrative stop: the stop signal */
	PE_GIVE_UP,     /* shutdown: BACKOFF becomes FATAL */
	PE_COUNT
};

/* The world a process acts on. */
struct proc_world {
	double (*now)(void *ctx);                       /* wall clock, seconds */
	/* fork and exec p; on success set p->pid and return 0; on failure
	 * return -1 with *why = spawnerr text (malloc'd). */
	int (*spawn)(void *ctx, struct proc *p, char **why);
	int (*kill)(void *ctx, pid_t pid, int sig);     /* 0 or an errno */
	void (*timer)(void *ctx, struct proc *p, double seconds);   /* < 0 stops it */
	void (*log)(void *ctx, int level, const char *msg);
	void (*changed)(void *ctx, struct proc *p, int old_state);  /* after every change */
	void (*reaped)(void *ctx, struct proc *p);      /* pipes drained: close them */
	bool (*may_spawn)(void *ctx);                   /* supervisord is RUNNING */
	void *ctx;
};

struct proc {
	struct pgroup *group;
	struct conf_proc *cfg;          /* referenced */
	const struct proc_world *world;
	enum proc_state state;
	pid_t pid;
	double laststart;               /* wall clock; 0 = never */
	double laststop;
	double laststopreport;
	int backoff;
	bool killing;
	char *spawnerr;                 /* NULL = none */
	bool has_exitstatus;
	int exitstatus;                 /* -1: killed by a signal */
	/* Owned by sup.c: pipes, watchers, logs. */
	void *io;
	/* Event listener protocol state (events.md §7), owned by events. */
	int listener_state;
	void *listener;
};

/* The exit of a reaped child, decoded from a wait status. */
struct proc_exit {
	int code;                       /* exit code, or -1 for a signal death */
	char text[96];                  /* "exit status 3" / "terminated by SIGKILL" */
};

void proc_init(struct proc *p, struct pgroup *g, struct conf_proc *cfg, const struct proc_world *w);
void proc_fini(struct proc *p);

/* Feed an event. For PE_EXIT, ex describes the exit. Returns NULL, or an
 * error text for PE_STOP when the signal could not be sent (caller frees). */
char *proc_handle(struct proc *p, enum proc_event ev, const struct proc_exit *ex);

/* Send an arbitrary signal (signalProcess): NULL or an error text. */
char *proc_signal(struct proc *p, int sig);

/* The name of a state, and the classes of xmlrpc-api.md §4.2. */
const char *proc_state_name(int state);
bool proc_state_running(int state);     /* STARTING RUNNING BACKOFF */
bool proc_state_stopped(int state);     /* STOPPED EXITED FATAL UNKNOWN */
bool proc_state_signallable(int state); /* STARTING RUNNING STOPPING */

/* Decode a waitpid status into code and text (lifecycle.md §6). */
void proc_exit_decode(int status, struct proc_exit *ex);
/* Is exit code (or -1) in the process's exitcodes? */
bool proc_exit_expected(const struct proc *p, int code);
/* Would EXITED be restarted (autorestart, lifecycle.md §3.2)? */
bool proc_should_autorestart(const struct proc *p);

/* "waiting for <name> to stop", at most every 2 s (stopProcess wait). */
void proc_stop_report(struct proc *p);

const char *proc_name(const struct proc *p);

#endif
