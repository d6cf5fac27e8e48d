/* pystr.h — the few Python behaviours whose text reaches users verbatim.
 *
 * supervisord's error messages embed repr() of strings and the wording of
 * Python's int(); clients and people compare them byte for byte. */
#ifndef REFD_PYSTR_H
#define REFD_PYSTR_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Append Python 3's repr() of the UTF-8 text s[0..n). */
void py_repr(struct buf *out, const char *s, size_t n);
/* The same into a new string (caller frees). */
char *py_repr_str(const char *s);
/* Append Python 3's repr() of the bytes s[0..n): b'...' (or b"..." when
 * only a single quote occurs), with \\ \t \n \r and \xNN escapes. */
void py_bytes_repr(struct buf *out, const char *s, size_t n);

/* Python int(s) for a str: surrounding whitespace, an optional sign, decimal
 * digits with single '_' between digits. Returns 0 and sets *out, or -1 when
 * Python would raise ValueError, or -2 when the value is valid but does not
 * fit in a long long. */
int py_int(const char *s, long long *out);
/* Append "invalid literal for int() with base 10: <repr(s)>". */
void py_int_error(struct buf *out, const char *s);

/* Python's str.strip() for ASCII whitespace: returns a new string. */
char *py_strip(const char *s);
bool py_isspace(int c);

#endif
