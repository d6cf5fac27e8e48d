/* shlex.c — Python shlex, POSIX (command lines) and non-POSIX
 * (environment=) modes, character for character (see shlex.h). */
#include "shlex.h"
#include "config.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/unicode.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void conf_argv_free(char **argv)
{
	if (!argv) return;
	for (char **p = argv; *p; p++) free(*p);
	free(argv);
}

int conf_shlex_split(const char *s, char ***argvp, size_t *argcp, const char **err)
{
	size_t argc = 0, cap = 8;
	char **argv = xmalloc(cap * sizeof *argv);
	struct buf tok = BUF_INIT;
	const char *p = s;
	*err = NULL;
	for (;;) {
		/* one token: state ' ' first */
		buf_reset(&tok);
		bool quoted = false, have = false;
		char state = ' ', escapedstate = 'a';
		for (;;) {
			char c = *p;
			if (c) p++;
			if (state == ' ') {
				if (!c) break;
				if (is_ws(c)) {
					if (have || quoted) break;
					continue;
				}
				if (c == '\\') { escapedstate = 'a'; state = '\\'; }
				else if (c == '\'' || c == '"') state = c;
				else { buf_putc(&tok, c); have = true; state = 'a'; }
			} else if (state == '\'' || state == '"') {
				quoted = true;
				if (!c) { *err = "No closing quotation"; goto fail; }
				if (c == state) state = 'a';
				else if (c == '\\' && state == '"') { escapedstate = state; state = '\\'; }
				else { buf_putc(&tok, c); have = true; }
			} else if (state == '\\') {
				if (!c) { *err = "No escaped character"; goto fail; }
				if ((escapedstate == '\'' || escapedstate == '"') && c != '\\' && c != escapedstate)
					buf_putc(&tok, '\\');
				buf_putc(&tok, c);
				have = true;
				state = escapedstate;
			} else { /* 'a' */
				if (!c) break;
				if (is_ws(c)) {
					state = ' ';
					if (have || quoted) break;
					continue;
				}
				if (c == '\'' || c == '"') state = c;
				else if (c == '\\') { escapedstate = 'a'; state = '\\'; }
				else { buf_putc(&tok, c); have = true; }
			}
		}
		if (!have && !quoted) break;  /* end of input */
		if (argc + 1 >= cap) {
			cap *= 2;
			argv = xrealloc(argv, cap * sizeof *argv);
		}
		argv[argc++] = xstrndup(tok.p ? tok.p : "", tok.len);
	}
	buf_free(&tok);
	argv[argc] = NULL;
	*argvp = argv;
	*argcp = argc;
	return 0;
fail:
	buf_free(&tok);
	argv[argc] = NULL;
	conf_argv_free(argv);
	*argvp = NULL;
	*argcp = 0;
	return -1;
}

/* ---- non-POSIX mode (dict_of_key_value_pairs in 4.2.5) ----------------- */

static bool kv_wordchar(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	    || c == '_' || c == '/' || c == '.' || c == '+' || c == '-' || c == '('
	    || c == ')' || c == ':';
}

struct kvlex {
	const char *p, *end;
	char state;          /* ' ', 'a', '\'', '"', or 0 at end of input */
	char *pushback;      /* a one-character token pushed back */
};

/* Next character as a byte span; returns its length, 0 at the end. */
static size_t kv_next(struct kvlex *lx, uint32_t *cp)
{
	if (lx->p >= lx->end) return 0;
	size_t len = u8_decode(lx->p, (size_t)(lx->end - lx->p), cp);
	if (len == 0) len = 1;
	return len;
}

static void kv_skip_line(struct kvlex *lx)
{
	const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
	lx->p = nl ? nl + 1 : lx->end;
}

/* Returns 1 with a token in tok, 0 at the end, -1 on an open quote. */
static int kv_token(struct kvlex *lx, struct buf *tok)
{
	buf_reset(tok);
	if (lx->pushback) {
		buf_puts(tok, lx->pushback);
		free(lx->pushback);
		lx->pushback = NULL;
		return 1;
	}
	for (;;) {
		if (lx->state == 0) return tok->len ? 1 : 0;
		uint32_t c;
		const char *at = lx->p;
		size_t len = kv_next(lx, &c);
		lx->p += len;
		if (lx->state == ' ') {
			if (!len) { lx->state = 0; return tok->len ? 1 : 0; }
			if (c < 0x80 && is_ws((char)c)) {
				if (tok->len) return 1;
				continue;
			}
			if (c == '#') { kv_skip_line(lx); continue; }
			if (kv_wordchar(c)) { buf_append(tok, at, len); lx->state = 'a'; continue; }
			if (c == '\'' || c == '"') { buf_append(tok, at, len); lx->state = (char)c; continue; }
			buf_append(tok, at, len);
			return 1;
		} else if (lx->state == '\'' || lx->state == '"') {
			if (!len) return -1;
			buf_append(tok, at, len);
			if (c == (uint32_t)lx->state) {
				lx->state = ' ';
				return 1;
			}
		} else { /* 'a' */
			if (!len) { lx->state = 0; return tok->len ? 1 : 0; }
			if (c < 0x80 && is_ws((char)c)) {
				lx->state = ' ';
				if (tok->len) return 1;
				continue;
			}
			if (c == '#') { kv_skip_line(lx); continue; }
			if (kv_wordchar(c) || c == '\'' || c == '"') { buf_append(tok, at, len); continue; }
			lx->pushback = xstrndup(at, len);
			lx->state = ' ';
			if (tok->len) return 1;
			/* cannot happen: state 'a' always holds a token */
			continue;
		}
	}
}

int conf_parse_kv_pairs(const char *s, struct conf_kv *kv, char **err)
{
	struct kvlex lx = { s, s + strlen(s), ' ', NULL };
	size_t n = 0, cap = 0;
	char **t = NULL;
	struct buf tok = BUF_INIT;
	int r;
	while ((r = kv_token(&lx, &tok)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			t = xrealloc(t, cap * sizeof *t);
		}
		t[n++] = xstrndup(tok.p ? tok.p : "", tok.len);
	}
	buf_free(&tok);
	free(lx.pushback);
	int ret = 0;
	if (r < 0) {
		*err = xstrdup("No closing quotation");
		ret = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i += 4) {
		if (i + 3 > n || strcmp(t[i + 1], "=") != 0) {
			*err = xasprintf("Unexpected end of key/value pairs in value '%s'", s);
			ret = -1;
			goto out;
		}
		const char *v = t[i + 2];
		size_t vl = strlen(v);
		while (vl && (*v == '\'' || *v == '"')) { v++; vl--; }
		while (vl && (v[vl - 1] == '\'' || v[vl - 1] == '"')) vl--;
		char *val = xstrndup(v, vl);
		conf_kv_set(kv, t[i], val);
		free(val);
	}
out:
	for (size_t i = 0; i < n; i++) free(t[i]);
	free(t);
	return ret;
}
