/* utf8.h — making arbitrary bytes safe for an XML-RPC string.
 *
 * Child output is bytes; an XML 1.0 document can carry neither invalid
 * UTF-8 nor most C0 controls, and one such byte makes Python's parser
 * reject the whole reply. So they become U+FFFD (xmlrpc-api.md §1.2). */
#ifndef REFD_UTF8_H
#define REFD_UTF8_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Append s[0..n) escaped for XML character data: & < > as entities (only
 * those, as Python's xmlrpc does), invalid UTF-8, surrogates, U+FFFE/FFFF
 * and C0 controls other than TAB, LF and CR replaced by U+FFFD. */
void utf8_xml_escape(struct buf *out, const char *s, size_t n);
/* Append s[0..n) with invalid UTF-8 replaced by U+FFFD, nothing escaped. */
void utf8_sanitize(struct buf *out, const char *s, size_t n);
/* Is s[0..n) valid UTF-8? */
bool utf8_valid(const char *s, size_t n);
/* Length in bytes of the valid sequence at s, or 0 (at most n bytes read). */
size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp);

#endif
