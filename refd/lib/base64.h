/* base64.h — base64 for HTTP Basic credentials. */
#ifndef REFD_BASE64_H
#define REFD_BASE64_H

#include <stddef.h>

struct buf;

/* Decode like Python's base64.decodestring (binascii.a2b_base64, not
 * strict): characters outside the alphabet are skipped, padding ends the
 * data. Returns 0, or -1 for input Python rejects (a lone trailing symbol,
 * "Incorrect padding"). */
int base64_decode(struct buf *out, const char *s, size_t n);
void base64_encode(struct buf *out, const void *data, size_t n);

#endif
