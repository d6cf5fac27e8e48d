/* pool.h — an event listener pool: the processes of one [eventlistener:x]
 * group, the events buffered for them, and the protocol each listener
 * speaks on its stdin and stdout (events.md §6-7).
 *
 * A pool subscribes to its group's event types on the bus. Each event it
 * accepts gets the pool's next serial and waits in a buffer of at most
 * buffer_size events (the oldest is dropped when it is full). A dispatch
 * pass hands buffered events, oldest first, to listeners whose process is
 * RUNNING and who said READY; a listener is BUSY until its RESULT, which
 * the group's result handler judges. A rejected event, or the event of a
 * listener that died while BUSY, goes back to the head of this pool's
 * buffer with its serials (supervisord also puts it into every other pool
 * with a process of equal priority; refd does not, docs/compat.md).
 *
 * The pool acts on the world only through struct pool_world, so its state
 * machine is tested with a fake one. Dispatch passes are not run from
 * inside the call that makes one possible: the pool asks for one (wake)
 * and its owner calls pool_dispatch soon after, as supervisord does in
 * its next transition step.
 *
 * A pool owns its buffered events and the per-process listener state it
 * hangs on each process of its group (proc->listener); it does not own
 * the group or its processes. */
#ifndef REFD_CORE_POOL_H
#define REFD_CORE_POOL_H

#include <stdbool.h>
#include <stddef.h>

struct evbus;
struct event;
struct pgroup;
struct pool;
struct proc;

struct pool_world {
	/* Write to a listener's stdin now: 0; -1 when the pipe is closed or
	 * the process is not running or being stopped (EPIPE); -2 when its
	 * stdin queue is full. */
	int (*send)(void *ctx, struct proc *p, const char *data, size_t n);
	/* The STDIN: result: write to the stdin of the process the event is
	 * about. Whatever fails is ignored. */
	void (*write_target)(void *ctx, const struct event *ev, const char *data, size_t n);
	void (*log)(void *ctx, int level, const char *msg);
	/* A dispatch pass is wanted soon. */
	void (*wake)(void *ctx, struct pool *pl);
	/* The server name of envelopes ([supervisord] identifier). */
	const char *(*server)(void *ctx);
	void *ctx;
};

/* The pool of listener group g (its cfg gives events, buffer_size and the
 * result handler), subscribed on bus. w must outlive the pool. */
struct pool *pool_new(struct pgroup *g, struct evbus *bus, const struct pool_world *w);
/* Unsubscribe and drop every buffered and current event. */
void pool_free(struct pool *pl);

/* Send buffered events to READY listeners (events.md §6). */
void pool_dispatch(struct pool *pl);
/* Bytes a listener of this pool wrote to its stdout. */
void pool_output(struct pool *pl, struct proc *p, const char *data, size_t n);
/* A listener's process changed state (after its PROCESS_STATE event):
 * STARTING resets its protocol, RUNNING may allow a dispatch, and a
 * process that is gone (STOPPED, EXITED, BACKOFF) rejects its event. */
void pool_proc_state(struct pool *pl, struct proc *p, int old_state);
/* A process of the group is about to be freed. */
void pool_proc_removed(struct pool *pl, struct proc *p);

/* Events waiting in the buffer (tests, status). */
size_t pool_buffered(const struct pool *pl);

#endif
