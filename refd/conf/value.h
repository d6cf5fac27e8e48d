/* value.h — one parser per value type of supervisord.conf (config.md §5).
 *
 * Every function takes the already-expanded text, returns 0 and the value,
 * or -1 and *err = the reason exactly as supervisord words it (malloc'd,
 * caller frees). No function keeps state. main uses the same parsers for
 * the command-line values (cli.md §4: "invalid value for -m '99': <err>"). */
#ifndef REFD_CONF_VALUE_H
#define REFD_CONF_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/* Python int(): surrounding whitespace, sign, '_' between digits. Values
 * beyond long long saturate (Python's ints are unbounded). */
int conf_v_int(const char *s, long long *out, char **err);
/* yes/true/on/1, no/false/off/0, any case. */
int conf_v_bool(const char *s, bool *out, char **err);
/* 50MB, 10kb, 1GB, or bytes. */
int conf_v_byte_size(const char *s, long long *out, char **err);
/* int(s, 8), "0o" allowed. */
int conf_v_octal(const char *s, long long *out, char **err);
/* a number Python's signal module knows, or a name (SIG optional). */
int conf_v_signal(const char *s, int *out, char **err);
/* "0,2": each 0..255. *codes is malloc'd (NULL when empty). */
int conf_v_exitcodes(const char *s, int **codes, size_t *n, char **err);
/* critical .. blather -> 50 .. 3. */
int conf_v_loglevel(const char *s, int *out, char **err);
int conf_v_autorestart(const char *s, enum conf_autorestart *out, char **err);
/* existing_dirpath: ~ expanded (home as for py_expanduser); the directory
 * part, if any, must exist. *out is the expanded path. */
int conf_v_dirpath(const char *s, const char *home, char **out, char **err);
/* existing_directory: ~ expanded; must be a directory. */
int conf_v_existing_dir(const char *s, const char *home, char **out, char **err);
/* Child log file: NONE/OFF, AUTO, SYSLOG (deprecated), else a dirpath. */
enum conf_logname { CONF_LN_NONE, CONF_LN_AUTO, CONF_LN_SYSLOG, CONF_LN_PATH };
int conf_v_logfile(const char *s, const char *home, enum conf_logname *kind, char **path, char **err);
/* name_to_uid: a uid or a user name that exists; *gid = its primary group. */
int conf_v_user(const char *s, uid_t *uid, gid_t *gid, char **err);
/* colon_separated_user_group: "user" or "user:group"; *gid = (gid_t)-1
 * when no group is given. err is "Invalid user:group definition <s>". */
int conf_v_usergroup(const char *s, uid_t *uid, gid_t *gid, char **err);
/* inet_address: "host:port" or "port"; *host lower-cased, "" = all. */
int conf_v_inet_address(const char *s, char **host, int *port, char **err);
/* process_or_group_name: stripped; no space, ':' or '/'. */
int conf_v_name(const char *s, char **out, char **err);
/* list_of_strings: split on ',', items stripped; "" -> none. */
void conf_v_strlist(const char *s, char ***items, size_t *n);
void conf_strlist_free(char **items, size_t n);

/* The error text of int(s, base). */
char *conf_int_error(const char *s, int base);
/* repr() of the Python int that s (valid for int()) denotes, exactly,
 * even beyond long long: "007" -> "7". */
char *conf_int_repr(const char *s);

#endif
