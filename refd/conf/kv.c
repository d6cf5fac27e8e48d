/* kv.c — ordered key/value lists (struct conf_kv in config.h). */
#include "config.h"
#include "lib/mem.h"

#include <stdlib.h>
#include <string.h>

void conf_kv_set(struct conf_kv *kv, const char *key, const char *val)
{
	for (size_t i = 0; i < kv->n; i++) {
		if (strcmp(kv->keys[i], key) == 0) {
			free(kv->vals[i]);
			kv->vals[i] = xstrdup(val);
			return;
		}
	}
	/* grow by doubling: n is a power of two exactly when the arrays are full */
	if ((kv->n & (kv->n - 1)) == 0) {
		size_t cap = kv->n ? kv->n * 2 : 4;
		kv->keys = xrealloc(kv->keys, cap * sizeof *kv->keys);
		kv->vals = xrealloc(kv->vals, cap * sizeof *kv->vals);
	}
	kv->keys[kv->n] = xstrdup(key);
	kv->vals[kv->n] = xstrdup(val);
	kv->n++;
}

const char *conf_kv_get(const struct conf_kv *kv, const char *key)
{
	for (size_t i = 0; i < kv->n; i++)
		if (strcmp(kv->keys[i], key) == 0) return kv->vals[i];
	return NULL;
}

void conf_kv_free(struct conf_kv *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->keys[i]);
		free(kv->vals[i]);
	}
	free(kv->keys);
	free(kv->vals);
	kv->keys = kv->vals = NULL;
	kv->n = 0;
}

void conf_kv_copy(struct conf_kv *dst, const struct conf_kv *src)
{
	for (size_t i = 0; i < src->n; i++) conf_kv_set(dst, src->keys[i], src->vals[i]);
}

bool conf_kv_equal(const struct conf_kv *a, const struct conf_kv *b)
{
	if (a->n != b->n) return false;
	for (size_t i = 0; i < a->n; i++) {
		const char *v = conf_kv_get(b, a->keys[i]);
		if (!v || strcmp(v, a->vals[i]) != 0) return false;
	}
	return true;
}
