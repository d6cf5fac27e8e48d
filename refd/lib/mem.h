/* mem.h — allocation that never returns NULL.
 *
 * refd bounds every input, so running out of memory means the machine is in
 * trouble, not that a client was hostile; aborting with a message is clearer
 * than threading ENOMEM through every path (the choice redis makes too). */
#ifndef REFD_MEM_H
#define REFD_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
