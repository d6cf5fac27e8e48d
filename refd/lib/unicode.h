/* unicode.h — Python 3's text semantics for UTF-8 strings.
 *
 * supervisord reads its config as Unicode text: str.strip(), str.lower(),
 * str.isspace() and int() all work on code points, not ASCII. These
 * functions reproduce them (tables generated from Python 3.11, Unicode 14)
 * so that a config behaves the same in refd, byte for byte. */
#ifndef REFD_UNICODE_H
#define REFD_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

/* Decode the UTF-8 character at s[0..n) (n > 0). Returns its length, or 0
 * when the bytes are not valid UTF-8 (then *cp is the first byte). */
size_t u8_decode(const char *s, size_t n, uint32_t *cp);
/* Encode cp (<= 0x10ffff) into out; returns the length (1-4). */
size_t u8_encode(uint32_t cp, char out[4]);
/* The length of the UTF-8 character that ends at s[n-1] (1 when invalid). */
size_t u8_prev_len(const char *s, size_t n);
/* Is s[0..n) valid UTF-8? On failure *bad is the offset of the bad byte. */
bool u8_valid(const char *s, size_t n, size_t *bad);
/* Number of characters (code points) in s[0..n); an invalid byte counts as one. */
size_t u8_count(const char *s, size_t n);

/* Where Python fails to read s[0..n) as a UTF-8 text file: CPython's
 * incremental decoder fed the file in 8192-byte chunks, as a text-mode
 * file object reads it. Returns false when the bytes decode; else true,
 * *msg = the UnicodeDecodeError text ("'utf-8' codec can't decode byte 0xe9
 * in position 12: invalid continuation byte", malloc'd) and *avail = how
 * many bytes had been decoded before the failing read (lines that end
 * before it were parsed first). */
bool u8_python_decode_error(const char *s, size_t n, char **msg, size_t *avail);

bool uc_isspace(uint32_t cp);      /* str.isspace() */
bool uc_isprintable(uint32_t cp);  /* str.isprintable() */
int uc_decimal(uint32_t cp);       /* unicodedata.decimal(), -1 when none */

/* Length of the whitespace character at s[0..n), 0 when s does not start
 * with one. */
size_t uc_space_at(const char *s, size_t n);
/* str.strip() / lstrip() / rstrip() on [*s, *s + *n): adjusts the span. */
void uc_strip(const char **s, size_t *n);
void uc_lstrip(const char **s, size_t *n);
void uc_rstrip(const char **s, size_t *n);
/* The same into a new string (caller frees). */
char *uc_strip_dup(const char *s);

/* Append str.lower() / str.upper() of s[0..n). Full mappings (ß -> SS);
 * lower() omits Python's context rule for a word-final capital sigma. */
void uc_lower(struct buf *out, const char *s, size_t n);
void uc_upper(struct buf *out, const char *s, size_t n);
char *uc_lower_dup(const char *s);
char *uc_upper_dup(const char *s);

/* Python int(s, base) for base 8 or 10: surrounding whitespace, a sign,
 * for base 8 an optional 0o prefix, any Unicode decimal digits, single '_'
 * between digits. Returns 0 and *out, or -1 when Python raises ValueError.
 * A value beyond long long saturates and sets *overflow (may be NULL). */
int py_int_base(const char *s, int base, long long *out, bool *overflow);

#endif
