/* fault.h — supervisord's fault codes and their names (xmlrpc-api.md §2). */
#ifndef REFD_RPC_FAULT_H
#define REFD_RPC_FAULT_H

enum {
	FAULT_UNKNOWN_METHOD = 1,
	FAULT_INCORRECT_PARAMETERS = 2,
	FAULT_BAD_ARGUMENTS = 3,
	FAULT_SIGNATURE_UNSUPPORTED = 4,
	FAULT_SHUTDOWN_STATE = 6,
	FAULT_BAD_NAME = 10,
	FAULT_BAD_SIGNAL = 11,
	FAULT_NO_FILE = 20,
	FAULT_NOT_EXECUTABLE = 21,
	FAULT_FAILED = 30,
	FAULT_ABNORMAL_TERMINATION = 40,
	FAULT_SPAWN_ERROR = 50,
	FAULT_ALREADY_STARTED = 60,
	FAULT_NOT_RUNNING = 70,
	FAULT_SUCCESS = 80,
	FAULT_ALREADY_ADDED = 90,
	FAULT_STILL_RUNNING = 91,
	FAULT_CANT_REREAD = 92,
	FAULT_NOT_IN_WHITELIST = 230,    /* twiddler's; its name on the wire is UNKNOWN */
};

/* The name a faultString starts with: "BAD_NAME" for 10, "UNKNOWN" for a
 * code supervisord does not know. */
const char *fault_name(int code);

#endif
