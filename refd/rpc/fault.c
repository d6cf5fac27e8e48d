/* fault.c — fault names by code. */
#include "fault.h"

#include <stddef.h>

static const struct { int code; const char *name; } names[] = {
	{1, "UNKNOWN_METHOD"}, {2, "INCORRECT_PARAMETERS"}, {3, "BAD_ARGUMENTS"},
	{4, "SIGNATURE_UNSUPPORTED"}, {6, "SHUTDOWN_STATE"}, {10, "BAD_NAME"},
	{11, "BAD_SIGNAL"}, {20, "NO_FILE"}, {21, "NOT_EXECUTABLE"}, {30, "FAILED"},
	{40, "ABNORMAL_TERMINATION"}, {50, "SPAWN_ERROR"}, {60, "ALREADY_STARTED"},
	{70, "NOT_RUNNING"}, {80, "SUCCESS"}, {90, "ALREADY_ADDED"},
	{91, "STILL_RUNNING"}, {92, "CANT_REREAD"},
};

const char *fault_name(int code)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].code == code) return names[i].name;
	return "UNKNOWN";
}
