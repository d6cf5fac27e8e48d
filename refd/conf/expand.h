/* expand.h — %(name)s expansion: Python's `text % dict`, as supervisord
 * applies it to option values (config.md §3).
 *
 * The dictionary is described by struct xnames: the fixed names a section
 * allows (NULL = not available there) plus the ENV_ sets. Everything is
 * borrowed; nothing here allocates except the result and the error. */
#ifndef REFD_CONF_EXPAND_H
#define REFD_CONF_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct conf_kv;

/* Longest width or precision accepted in a conversion ("width too big"
 * beyond it; Python's own limit is the size of memory). */
#define XP_MAX_WIDTH 10000
/* Longest expansion result; longer is an error, so a few bytes of config
 * cannot turn into gigabytes. */
#define XP_MAX_RESULT (4u << 20)

struct xnames {
	const char *here;
	const char *host_node_name;
	const char *program_name;
	const char *group_name;
	bool has_nums;              /* process_num and numprocs are available */
	long long process_num;
	long long numprocs;
	const struct conf_kv *env;  /* E: ENV_<K> names (keys include "ENV_") */
	const struct conf_kv *penv; /* the program's ENV_ names; win over env */
};

/* The result of one %-formatting. */
enum xp_status { XP_OK = 0, XP_KEY = 1, XP_BAD = 2 };

/* Python's fmt % dict. On XP_OK out holds the text; on XP_KEY *key is the
 * missing name (malloc'd); on XP_BAD reason holds Python's message. */
enum xp_status xp_format(struct buf *out, const char *fmt, const struct xnames *names,
                         char **key, struct buf *reason);

/* expand() of supervisord: returns a new string, or NULL and *err =
 * "Format string '...' for '<ctx>' contains names ... / is badly formatted: ..." */
char *xp_expand(const char *value, const struct xnames *names, const char *ctx, char **err);

/* "a, b, c": every available name sorted by code point. */
void xp_available(struct buf *out, const struct xnames *names);

#endif
