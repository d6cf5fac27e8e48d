/* call.h — what a method implementation sees (rpc/ internal).
 *
 * A handler writes its value into c->out with the xw_* writer and returns
 * RPC_DONE, or calls rpc_fault and returns RPC_DONE, or returns RPC_DEFER
 * and later (from a core callback) writes its value or fault and calls
 * rpc_finish(c) exactly once. A deferring handler sets c->cancel so that
 * the request can be abandoned when its client goes away. */
#ifndef REFD_RPC_CALL_H
#define REFD_RPC_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <xmlrpc-c/base.h>

struct buf;
struct rpc;
struct rpc_call;
struct conf_rpcif;

enum rpc_status { RPC_DONE, RPC_DEFER };

typedef enum rpc_status (*rpc_fn)(struct rpc_call *c, xmlrpc_value **args, int nargs);

/* Who may call a method while the daemon is not RUNNING (xmlrpc-api.md §3.2,
 * twiddler.md §2). */
enum rpc_gate {
	GATE_NONE,          /* system.*, sendRemoteCommEvent */
	GATE_SUPERVISOR,    /* SHUTDOWN_STATE while RESTARTING or SHUTDOWN */
	GATE_TWIDDLER,      /* SHUTDOWN_STATE only while SHUTDOWN */
};

#define RPC_MAX_ARGS 4

struct rpc_method {
	const char *name;           /* the part after the namespace */
	rpc_fn fn;
	int min_args, max_args;     /* max_args <= RPC_MAX_ARGS */
	enum rpc_gate gate;
	/* Help text: a description, then "@param <type> <name> ..." and
	 * "@return <type> ..." lines; methodSignature is read from the tags. */
	const char *help;
};

struct rpc_call {
	struct rpc *rpc;
	const struct rpc_method *method;
	const struct conf_rpcif *rpcif;     /* the namespace's section (NULL for system) */
	struct buf *out;                    /* the value is appended here */
	size_t mark;                        /* out->len when the call began */
	int fault_code;                     /* 0 = no fault */
	char *fault_string;
	/* Deferral. */
	void (*cancel)(struct rpc_call *c); /* set by a deferring handler */
	void *state;                        /* the handler's own */
	void (*done)(struct rpc_call *c);   /* set by the caller: the continuation */
	void *done_ctx;
	bool in_handler;                    /* rpc_finish while still inside fn */
	bool finished;
	void **allocs;                      /* freed when the call is reset */
	size_t n_allocs;
};

/* Record a fault: faultString is "<NAME>" or "<NAME>: <detail>". detail_fmt
 * NULL means no detail. Returns RPC_DONE for `return rpc_fault(...)`. */
enum rpc_status rpc_fault(struct rpc_call *c, int code, const char *detail_fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A fault whose whole string is given (twiddler's "UNKNOWN: <method>"). */
enum rpc_status rpc_fault_raw(struct rpc_call *c, int code, const char *string);
/* Complete a deferred call. */
void rpc_finish(struct rpc_call *c);
/* Keep p until the call ends. */
void *rpc_keep(struct rpc_call *c, void *p);

/* Arguments. Each returns false after recording fault 2 (as Python's
 * TypeError inside a method becomes INCORRECT_PARAMETERS). */
bool rpc_arg_string(struct rpc_call *c, xmlrpc_value *v, const char **s);
bool rpc_arg_string_n(struct rpc_call *c, xmlrpc_value *v, const char **s, size_t *n);
/* Python int(v): ints, booleans, doubles (truncated) and numeric strings. */
bool rpc_arg_int(struct rpc_call *c, xmlrpc_value *v, long long *out);
/* The same without recording a fault. */
bool rpc_value_int(xmlrpc_value *v, long long *out);
/* Python truthiness of v (wait= flags). */
bool rpc_arg_truth(xmlrpc_value *v);
/* Is v a string (or base64, which supervisord decodes to a string)? */
bool rpc_is_string(xmlrpc_value *v);
/* Python str(v) of a decoded value, for fault details. */
void rpc_value_str(struct buf *out, xmlrpc_value *v);

/* The sup behind this rpc. */
struct sup *rpc_sup(const struct rpc *rpc);
const struct conf *rpc_conf(const struct rpc *rpc);
/* See rpc_set_bulk_delay. */
double rpc_bulk_delay(const struct rpc *rpc);

/* Namespaces. */
extern const struct rpc_method rpc_system_methods[];
extern const struct rpc_method rpc_supervisor_methods[];
extern const struct rpc_method rpc_twiddler_methods[];

/* Registry access for system.*. */
size_t rpc_method_count(const struct rpc *rpc);
const char *rpc_method_fullname(const struct rpc *rpc, size_t i);
/* Find a method by full name; NULL if none. */
const struct rpc_method *rpc_lookup(const struct rpc *rpc, const char *fullname,
                                    const struct conf_rpcif **rpcif);
/* Run one call (resolution, arity, gate, whitelist, handler). */
enum rpc_status rpc_dispatch(struct rpc_call *c, const char *name, xmlrpc_value *params);
/* Prepare c to run with its value appended to out; rpc_call_reset frees
 * what a call kept. */
void rpc_call_init(struct rpc_call *c, struct rpc *rpc, struct buf *out);
void rpc_call_reset(struct rpc_call *c);

#endif
