/* shlex.h — the two tokenizers supervisord borrows from Python's shlex.
 *
 * Pure functions on a string: no allocation survives a failure, nothing
 * global. Both are fuzzed. */
#ifndef REFD_CONF_SHLEX_H
#define REFD_CONF_SHLEX_H

#include <stddef.h>

struct conf_kv;

/* Split a command the way shlex.split() does (POSIX mode, no comments):
 * whitespace (space, tab, CR, LF) separates words; '...' is literal;
 * "..." keeps everything but lets a backslash escape '"' and '\'; outside
 * quotes a backslash escapes any character. On success returns 0 and a
 * malloc'd NULL-terminated argv of *argc malloc'd words (free with
 * conf_argv_free). On failure returns -1 and *err = "No closing quotation"
 * or "No escaped character" (a static string). */
int conf_shlex_split(const char *s, char ***argv, size_t *argc, const char **err);
void conf_argv_free(char **argv);

/* Parse environment= text into key/value pairs the way supervisord 4.2.5's
 * dict_of_key_value_pairs() does (non-POSIX shlex, config.md §5.9): tokens
 * are taken three at a time as KEY = VALUE and the fourth (normally ",") is
 * skipped whatever it is; quotes around a value are stripped. Pairs are
 * added to *kv (later duplicates replace). Returns 0, or -1 with *err =
 * malloc'd "Unexpected end of key/value pairs in value '<s>'" or
 * "No closing quotation". */
int conf_parse_kv_pairs(const char *s, struct conf_kv *kv, char **err);

#endif
