/* evtypes.c — the event type table (see evtypes.h). */
#include "evtypes.h"

#include <string.h>

const struct evtype_info evtype_table[EV_COUNT] = {
	[EV_EVENT] = { "EVENT", -1, true },
	[EV_PROCESS_STATE] = { "PROCESS_STATE", EV_EVENT, true },
	[EV_PROCESS_STATE_STOPPED] = { "PROCESS_STATE_STOPPED", EV_PROCESS_STATE, false },
	[EV_PROCESS_STATE_EXITED] = { "PROCESS_STATE_EXITED", EV_PROCESS_STATE, false },
	[EV_PROCESS_STATE_STARTING] = { "PROCESS_STATE_STARTING", EV_PROCESS_STATE, false },
	[EV_PROCESS_STATE_STOPPING] = { "PROCESS_STATE_STOPPING", EV_PROCESS_STATE, false },
	[EV_PROCESS_STATE_BACKOFF] = { "PROCESS_STATE_BACKOFF", EV_PROCESS_STATE, false },
	[EV_PROCESS_STATE_FATAL] = { "PROCESS_STATE_FATAL", EV_PROCESS_STATE, false },
	[EV_PROCESS_STATE_RUNNING] = { "PROCESS_STATE_RUNNING", EV_PROCESS_STATE, false },
	[EV_PROCESS_STATE_UNKNOWN] = { "PROCESS_STATE_UNKNOWN", EV_PROCESS_STATE, false },
	[EV_PROCESS_COMMUNICATION] = { "PROCESS_COMMUNICATION", EV_EVENT, true },
	[EV_PROCESS_COMMUNICATION_STDOUT] = { "PROCESS_COMMUNICATION_STDOUT", EV_PROCESS_COMMUNICATION, false },
	[EV_PROCESS_COMMUNICATION_STDERR] = { "PROCESS_COMMUNICATION_STDERR", EV_PROCESS_COMMUNICATION, false },
	[EV_PROCESS_LOG] = { "PROCESS_LOG", EV_EVENT, true },
	[EV_PROCESS_LOG_STDOUT] = { "PROCESS_LOG_STDOUT", EV_PROCESS_LOG, false },
	[EV_PROCESS_LOG_STDERR] = { "PROCESS_LOG_STDERR", EV_PROCESS_LOG, false },
	[EV_REMOTE_COMMUNICATION] = { "REMOTE_COMMUNICATION", EV_EVENT, false },
	[EV_SUPERVISOR_STATE_CHANGE] = { "SUPERVISOR_STATE_CHANGE", EV_EVENT, true },
	[EV_SUPERVISOR_STATE_CHANGE_RUNNING] = { "SUPERVISOR_STATE_CHANGE_RUNNING", EV_SUPERVISOR_STATE_CHANGE, false },
	[EV_SUPERVISOR_STATE_CHANGE_STOPPING] = { "SUPERVISOR_STATE_CHANGE_STOPPING", EV_SUPERVISOR_STATE_CHANGE, false },
	[EV_TICK] = { "TICK", EV_EVENT, true },
	[EV_TICK_5] = { "TICK_5", EV_TICK, false },
	[EV_TICK_60] = { "TICK_60", EV_TICK, false },
	[EV_TICK_3600] = { "TICK_3600", EV_TICK, false },
	[EV_PROCESS_GROUP] = { "PROCESS_GROUP", EV_EVENT, true },
	[EV_PROCESS_GROUP_ADDED] = { "PROCESS_GROUP_ADDED", EV_PROCESS_GROUP, false },
	[EV_PROCESS_GROUP_REMOVED] = { "PROCESS_GROUP_REMOVED", EV_PROCESS_GROUP, false },
};

int evtype_from_name(const char *name)
{
	for (int t = 0; t < EV_COUNT; t++)
		if (strcmp(evtype_table[t].name, name) == 0) return t;
	return -1;
}

bool evtype_is_a(int t, int a)
{
	for (; t >= 0; t = evtype_table[t].parent)
		if (t == a) return true;
	return false;
}

bool evtype_set_matches(unsigned long long set, int t)
{
	for (; t >= 0; t = evtype_table[t].parent)
		if (set & EVTYPE_BIT(t)) return true;
	return false;
}
