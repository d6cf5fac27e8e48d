/* event.h — one event of supervisord's event system (events.md §2-5): its
 * concrete type, its payload rendered when it is created, and its serial.
 *
 * Events are reference counted: the bus, every pool buffer that holds one
 * and every listener working on one keep a reference. Constructors return
 * an event with one reference, which evbus_publish consumes. The payload
 * is bytes (UTF-8 text, except that child output that is not UTF-8 is
 * shown as "Undecodable: b'...'", as supervisord renders it). */
#ifndef REFD_EVENTS_EVENT_H
#define REFD_EVENTS_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conf/evtypes.h"

struct buf;

struct event {
	int refs;
	int type;                   /* a concrete enum evtype */
	long long serial;           /* global serial, -1 until a pool accepts it */
	char *payload;              /* NUL-terminated; len excludes the NUL */
	size_t len;
	/* The process the event is about (STDIN: result handler), or NULL. */
	char *groupname;
	char *procname;
};

struct event *event_ref(struct event *ev);
void event_unref(struct event *ev);

/* What a process state event says about its process at that moment. */
struct event_proc {
	const char *name;           /* process name */
	const char *group;          /* group name */
	pid_t pid;
	int tries;                  /* the backoff counter */
	bool expected;              /* EXITED: the exit code was expected */
};

/* PROCESS_STATE_<type>: from is the old state's name ("STOPPED", ...). */
struct event *event_proc_state(int type, const struct event_proc *p, const char *from);
/* PROCESS_LOG_STDOUT/STDERR (channel "stdout"/"stderr" follows the type). */
struct event *event_proc_log(int type, const struct event_proc *p, const char *data, size_t n);
/* PROCESS_COMMUNICATION_STDOUT/STDERR. */
struct event *event_proc_comm(int type, const struct event_proc *p, const char *data, size_t n);
/* REMOTE_COMMUNICATION: type:<type>\n<data>. */
struct event *event_remote_comm(const char *type, size_t type_len, const char *data, size_t data_len);
/* SUPERVISOR_STATE_CHANGE_RUNNING/STOPPING: an empty payload. */
struct event *event_sup_state(int type);
/* TICK_5/60/3600: when:<when>. */
struct event *event_tick(int type, long long when);
/* PROCESS_GROUP_ADDED/REMOVED: groupname:<g>\n. */
struct event *event_group(int type, const char *group);

/* The envelope written to a listener (events.md §5): header line, then the
 * payload. len is the payload's length in bytes. */
void event_envelope(struct buf *out, const struct event *ev, const char *server,
                    const char *pool, long long poolserial);

/* Child output as it appears in a payload: the bytes when they are UTF-8,
 * else "Undecodable: b'...'" (events.md §5.1). */
void event_render_data(struct buf *out, const char *data, size_t n);

#endif
