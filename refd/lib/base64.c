/* base64.c — base64 (see base64.h). */
#include "base64.h"
#include "buf.h"

static int val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

int base64_decode(struct buf *out, const char *s, size_t n)
{
	/* binascii.a2b_base64 in its default, non-strict mode: enough padding
	 * to finish a quad ends the data; anything else outside the alphabet
	 * is skipped. */
	unsigned left = 0;
	int quad = 0, pads = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '=') {
			if (quad >= 2 && quad + ++pads >= 4) return 0;
			continue;
		}
		int v = val(c);
		if (v < 0) continue;
		switch (quad) {
		case 0: left = (unsigned)v; quad = 1; break;
		case 1: buf_putc(out, (char)((left << 2) | ((unsigned)v >> 4))); left = (unsigned)v & 0x0f; quad = 2; break;
		case 2: buf_putc(out, (char)((left << 4) | ((unsigned)v >> 2))); left = (unsigned)v & 0x03; quad = 3; break;
		default: buf_putc(out, (char)((left << 6) | (unsigned)v)); left = 0; quad = 0; break;
		}
	}
	return quad == 0 ? 0 : -1;
}

void base64_encode(struct buf *out, const void *data, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		char q[4] = {tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], tbl[v & 63]};
		buf_append(out, q, 4);
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
		char q[4] = {tbl[v >> 18], tbl[(v >> 12) & 63], i + 1 < n ? tbl[(v >> 6) & 63] : '=', '='};
		buf_append(out, q, 4);
	}
}
