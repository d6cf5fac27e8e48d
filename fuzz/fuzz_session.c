/* fuzz_session.c — refd-conform's session parser (conformance/src/session.h):
 * a Markdown document turned into cases, and a sidecar of directives
 * applied to it, as the runner does for documents it cannot edit.
 *
 * Input: the document, optionally followed by a line "%%sidecar" and a
 * sidecar. Both are untrusted text (sessions are written by people, and
 * the runner reads any document it is given). */
#include "harness.h"
#include "session.h"

#include <stdlib.h>
#include <string.h>

static const char marker[] = "\n%%sidecar\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *doc = (const char *)data;
	size_t doclen = size;
	const char *side = NULL;
	size_t sidelen = 0;
	const char *m = memmem(doc, size, marker, sizeof marker - 1);
	if (m) {
		doclen = (size_t)(m - doc) + 1;
		side = m + sizeof marker - 1;
		sidelen = size - (size_t)(side - doc);
	}

	struct session *s = session_parse("fuzz", doc, doclen);
	check(s != NULL);
	for (size_t i = 0; i < s->nerrors; i++) check(s->errors[i].msg != NULL);
	for (size_t i = 0; i < s->ncases; i++) {
		const struct scase *c = &s->cases[i];
		check(c->id != NULL);
		(void)tags_has(c->tags, "twiddler");
		(void)level_name(c->level);
		for (size_t j = 0; j < c->nsteps; j++) {
			const struct step *st = &c->steps[j];
			if (st->kind == STEP_CALL) check(st->method != NULL || st->broken);
			if (st->expect == EXPECT_VALUE) check(st->exp_value != NULL);
		}
	}

	if (side) {
		struct session_error *errs = NULL;
		size_t nerrs = 0;
		struct sidecar *sc = sidecar_parse(side, sidelen, &errs, &nerrs);
		for (size_t i = 0; i < nerrs; i++) free(errs[i].msg);
		free(errs);
		if (sc && sidecar_matches(sc, doc, doclen)) sidecar_apply(sc, s);
		sidecar_free(sc);
	}
	session_free(s);
	return 0;
}
