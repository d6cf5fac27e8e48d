/* sha1.h — SHA-1, for {SHA} passwords in the server sections (http.md §4). */
#ifndef REFD_SHA1_H
#define REFD_SHA1_H

#include <stddef.h>
#include <stdint.h>

/* Write the lowercase hex digest of data[0..n) to hex (41 bytes with NUL). */
void sha1_hex(const void *data, size_t n, char hex[41]);

#endif
