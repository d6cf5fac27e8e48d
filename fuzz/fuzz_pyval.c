/* fuzz_pyval.c — refd-conform's Python-literal parser (conformance/src/
 * pyval.h): the expected values and call arguments of a session, then
 * everything the runner does with a parsed value: repr(), str(), the
 * XML-RPC encoding of arguments, copying, comparing and matching.
 *
 * Checked beyond crashes: a value equals and matches its copy, and
 * repr() of a value reads back as a value with the same repr(). */
#include "harness.h"
#include "pyval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Does v hold a float for which test is true? A NaN is not equal to
 * itself (in Python either), and Python's repr() of an infinity or a NaN
 * ("inf", "nan") is not a literal. */
static int has_float(const struct pv *v, int (*test)(double))
{
	if (!v) return 0;
	if (v->type == PV_FLOAT && test(v->f)) return 1;
	if (v->type == PV_LIST || v->type == PV_TUPLE || v->type == PV_DICT)
		for (size_t i = 0; i < v->len; i++)
			if (has_float(v->items[i], test) || (v->type == PV_DICT && has_float(v->vals[i], test)))
				return 1;
	return 0;
}

static int is_nan(double f) { return f != f; }
static int not_finite(double f) { return !isfinite(f); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_error err;
	struct pv *v = pv_parse((const char *)data, size, &err);
	if (!v) {
		check(err.offset <= size);
		check(memchr(err.msg, '\0', sizeof err.msg) != NULL);
		/* The session parser reads literals one after another. */
		size_t pos = 0;
		struct pv *first = pv_parse_at((const char *)data, size, &pos, &err);
		if (first) check(pos <= size);
		pv_free(first);
		return 0;
	}

	char *r1 = pv_repr_str(v);
	check(r1 != NULL);
	if (!has_float(v, not_finite)) {
		struct pv *back = pv_parse(r1, strlen(r1), &err);
		check(back != NULL);
		char *r2 = pv_repr_str(back);
		check(r2 != NULL && strcmp(r1, r2) == 0);
		free(r2);
		pv_free(back);
	}

	struct sbuf s = {0};
	pv_str_text(v, &s);
	sb_free(&s);
	struct sbuf x = {0};
	(void)pv_to_xmlrpc(v, &x);
	sb_free(&x);

	struct pv *copy = pv_clone(v);
	check(copy != NULL);
	struct sbuf why = {0};
	struct pv_match_opts opts = {.ellipsis = 1};
	(void)pv_match(v, copy, &opts, &why);
	sb_free(&why);
	if (!has_float(v, is_nan)) {
		check(pv_equal(v, copy));
		struct sbuf why2 = {0};
		struct pv_match_opts plain = {0};
		check(pv_match(v, copy, &plain, &why2) == 1);
		sb_free(&why2);
	}
	if (v->type == PV_STR)
		(void)pv_ellipsis_match(v->s, v->len, r1, strlen(r1));

	pv_free(copy);
	free(r1);
	pv_free(v);
	return 0;
}
