/* strmap.c — open-addressing string hash map (see strmap.h). */
#include "strmap.h"
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

static struct strmap_slot *find(const struct strmap *m, const char *key)
{
	size_t mask = m->cap - 1;
	for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key || strcmp(s->key, key) == 0) return s;
	}
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap) return NULL;
	struct strmap_slot *s = find(m, key);
	return s->key ? s->val : NULL;
}

void strmap_put(struct strmap *m, const char *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 16;
		m->slots = xcalloc(m->cap, sizeof *m->slots);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key) strmap_put(m, old.slots[i].key, old.slots[i].val);
		free(old.slots);
	}
	struct strmap_slot *s = find(m, key);
	if (!s->key) {
		s->key = key;
		m->n++;
	}
	s->val = val;
}
