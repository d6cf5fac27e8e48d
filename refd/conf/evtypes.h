/* evtypes.h — the event types of supervisord (events.md §2): one table
 * that the config's events= and the event bus share. A type's bit in a
 * subscription set is 1 << type; a set matches a concrete type when it
 * holds the type or any of its ancestors. */
#ifndef REFD_CONF_EVTYPES_H
#define REFD_CONF_EVTYPES_H

#include <stdbool.h>

enum evtype {
	EV_EVENT,
	EV_PROCESS_STATE,
	EV_PROCESS_STATE_STOPPED,
	EV_PROCESS_STATE_EXITED,
	EV_PROCESS_STATE_STARTING,
	EV_PROCESS_STATE_STOPPING,
	EV_PROCESS_STATE_BACKOFF,
	EV_PROCESS_STATE_FATAL,
	EV_PROCESS_STATE_RUNNING,
	EV_PROCESS_STATE_UNKNOWN,
	EV_PROCESS_COMMUNICATION,
	EV_PROCESS_COMMUNICATION_STDOUT,
	EV_PROCESS_COMMUNICATION_STDERR,
	EV_PROCESS_LOG,
	EV_PROCESS_LOG_STDOUT,
	EV_PROCESS_LOG_STDERR,
	EV_REMOTE_COMMUNICATION,
	EV_SUPERVISOR_STATE_CHANGE,
	EV_SUPERVISOR_STATE_CHANGE_RUNNING,
	EV_SUPERVISOR_STATE_CHANGE_STOPPING,
	EV_TICK,
	EV_TICK_5,
	EV_TICK_60,
	EV_TICK_3600,
	EV_PROCESS_GROUP,
	EV_PROCESS_GROUP_ADDED,
	EV_PROCESS_GROUP_REMOVED,
	EV_COUNT
};

#define EVTYPE_BIT(t) (1ULL << (t))

struct evtype_info {
	const char *name;           /* "PROCESS_STATE_RUNNING" */
	int parent;                 /* -1 for EVENT */
	bool abstract;              /* never emitted itself, only subscribed to */
};

extern const struct evtype_info evtype_table[EV_COUNT];

/* The type named exactly (upper case), or -1. */
int evtype_from_name(const char *name);
/* Is type t the type a or one of its descendants? */
bool evtype_is_a(int t, int a);
/* Does a subscription set (bits) receive events of concrete type t? */
bool evtype_set_matches(unsigned long long set, int t);

#endif
