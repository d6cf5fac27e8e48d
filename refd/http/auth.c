/* auth.c — HTTP Basic authentication (see auth.h). */
#include "auth.h"
#include "lib/base64.h"
#include "lib/buf.h"
#include "lib/sha1.h"
#include "lib/utf8.h"

#include <string.h>
#include <strings.h>

/* Compare without an early exit; the length still shows, which reveals
 * nothing a guesser can use. */
static int ct_equal(const char *a, size_t an, const char *b, size_t bn)
{
	unsigned char diff = an != bn;
	size_t n = an < bn ? an : bn;
	for (size_t i = 0; i < n; i++) diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int http_auth_check(const char *username, const char *password, const char *authorization)
{
	if (!authorization) return 401;
	const char *sp = strchr(authorization, ' ');
	if (!sp || sp == authorization) return 401;
	if ((size_t)(sp - authorization) != 5 || strncasecmp(authorization, "basic", 5) != 0)
		return 401;
	const char *cookie = sp + 1;
	struct buf dec = BUF_INIT;
	if (base64_decode(&dec, cookie, strlen(cookie)) < 0 || !utf8_valid(buf_cstr(&dec), dec.len)) {
		buf_free(&dec);
		return 400;
	}
	const char *d = buf_cstr(&dec);
	const char *colon = memchr(d, ':', dec.len);
	int status = 401;
	if (colon) {
		const char *user = d, *pass = colon + 1;
		size_t ulen = (size_t)(colon - d), plen = dec.len - ulen - 1;
		int ok_user = ct_equal(user, ulen, username, strlen(username));
		int ok_pass;
		if (strncmp(password, "{SHA}", 5) == 0) {
			char hex[41];
			sha1_hex(pass, plen, hex);
			ok_pass = ct_equal(hex, 40, password + 5, strlen(password + 5));
		} else {
			ok_pass = ct_equal(pass, plen, password, strlen(password));
		}
		if (ok_user & ok_pass) status = 0;
	}
	buf_free(&dec);
	return status;
}
