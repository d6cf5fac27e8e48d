/* strmap.h — a string-keyed hash map (open addressing, FNV-1a).
 *
 * Keys are borrowed: the caller keeps them alive and unchanged while they
 * are in the map. Values are opaque pointers. Used where a linear scan
 * would make 10,000-entry configs quadratic. */
#ifndef REFD_STRMAP_H
#define REFD_STRMAP_H

#include <stddef.h>

struct strmap {
	struct strmap_slot { const char *key; void *val; } *slots;
	size_t cap;     /* a power of two, or 0 */
	size_t n;
};

#define STRMAP_INIT { NULL, 0, 0 }

void strmap_free(struct strmap *m);
/* The value for key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* Insert or replace. */
void strmap_put(struct strmap *m, const char *key, void *val);

#endif
