/* fuzz_shlex.c — the command= splitter and the environment= parser
 * (conf/shlex.h), on the same text: whatever a config or twiddler's
 * option struct may carry (never a NUL byte: option values are C strings).
 *
 * The splitter is also checked against itself: words quoted as Python's
 * shlex.quote() does and joined by spaces split back into the same words. */
#include "harness.h"
#include "conf/config.h"
#include "conf/shlex.h"
#include "lib/buf.h"

#include <stdlib.h>
#include <string.h>

static void quote(struct buf *out, const char *w)
{
	buf_putc(out, '\'');
	for (const char *p = w; *p; p++) {
		if (*p == '\'') buf_puts(out, "'\"'\"'");
		else buf_putc(out, *p);
	}
	buf_putc(out, '\'');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s) return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	char **argv;
	size_t argc;
	const char *err;
	if (conf_shlex_split(s, &argv, &argc, &err) == 0) {
		check(argv && argv[argc] == NULL && err == NULL);
		struct buf joined = BUF_INIT;
		for (size_t i = 0; i < argc; i++) {
			if (i) buf_putc(&joined, ' ');
			quote(&joined, argv[i]);
		}
		char **again;
		size_t n;
		check(conf_shlex_split(buf_cstr(&joined), &again, &n, &err) == 0 && n == argc);
		for (size_t i = 0; i < argc; i++) check(strcmp(argv[i], again[i]) == 0);
		conf_argv_free(again);
		buf_free(&joined);
		conf_argv_free(argv);
	} else {
		check(argv == NULL && err != NULL);
	}

	struct conf_kv kv = {0};
	char *kverr = NULL;
	if (conf_parse_kv_pairs(s, &kv, &kverr) == 0) {
		check(kverr == NULL);
		for (size_t i = 0; i < kv.n; i++) check(conf_kv_get(&kv, kv.keys[i]) == kv.vals[i]);
	} else {
		check(kverr != NULL);
	}
	free(kverr);
	conf_kv_free(&kv);
	free(s);
	return 0;
}
