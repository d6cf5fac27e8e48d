/* unicode.c — Python-compatible character properties (see unicode.h). */
#include "unicode.h"
#include "buf.h"
#include "mem.h"

#include <limits.h>
#include <string.h>

struct uc_run { uint32_t lo, hi; int stride; int32_t delta; };
struct uc_multi { uint32_t cp; const char *to; };

#include "unicode_tables.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

size_t u8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	*cp = u[0];
	if (u[0] < 0x80) return 1;
	size_t len;
	uint32_t c, min;
	if ((u[0] & 0xe0) == 0xc0) { len = 2; c = u[0] & 0x1f; min = 0x80; }
	else if ((u[0] & 0xf0) == 0xe0) { len = 3; c = u[0] & 0x0f; min = 0x800; }
	else if ((u[0] & 0xf8) == 0xf0) { len = 4; c = u[0] & 0x07; min = 0x10000; }
	else return 0;
	if (len > n) return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80) return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
	*cp = c;
	return len;
}

size_t u8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) { out[0] = (char)cp; return 1; }
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t u8_prev_len(const char *s, size_t n)
{
	size_t k = 1;
	while (k < 4 && k < n && ((unsigned char)s[n - k] & 0xc0) == 0x80) k++;
	uint32_t cp;
	if (u8_decode(s + n - k, k, &cp) == k) return k;
	return 1;
}

bool u8_valid(const char *s, size_t n, size_t *bad)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = u8_decode(s + i, n - i, &cp);
		if (len == 0) {
			if (bad) *bad = i;
			return false;
		}
		i += len;
	}
	return true;
}

size_t u8_count(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; count++) {
		uint32_t cp;
		size_t len = u8_decode(s + i, n - i, &cp);
		i += len ? len : 1;
	}
	return count;
}

static bool cont(unsigned char c)
{
	return c >= 0x80 && c <= 0xbf;
}

/* One call of CPython's UTF-8 decoder (stringlib utf8_decode) on s[0..n).
 * Returns 0 and *used (bytes of whole characters; without final, a valid
 * incomplete tail is left over), or -1 with the error span. */
static int utf8_step(const unsigned char *s, size_t n, bool final, size_t *used,
                     size_t *pos, size_t *errlen, const char **reason)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t left = n - i;
		int bad = 0;             /* 1 = invalid start, 2..4 = continuation 1..3 */
		bool incomplete = false;
		if (c < 0x80) { i++; continue; }
		if (c < 0xc2) bad = 1;
		else if (c < 0xe0) {
			if (left < 2) incomplete = true;
			else if (!cont(s[i + 1])) bad = 2;
			else { i += 2; continue; }
		} else if (c < 0xf0) {
			if (left < 3) {
				if (left >= 2) {
					unsigned char c2 = s[i + 1];
					if (!cont(c2) || (c2 < 0xa0 ? c == 0xe0 : c == 0xed)) {
						/* a truncated surrogate waits for more data */
						if (!final && c == 0xed && left == 2 && c2 >= 0xa0 && c2 <= 0xbf) incomplete = true;
						else bad = 2;
					} else incomplete = true;
				} else incomplete = true;
			} else {
				unsigned char c2 = s[i + 1], c3 = s[i + 2];
				if (!cont(c2) || (c == 0xe0 && c2 < 0xa0) || (c == 0xed && c2 >= 0xa0)) bad = 2;
				else if (!cont(c3)) bad = 3;
				else { i += 3; continue; }
			}
		} else if (c < 0xf5) {
			if (left < 4) {
				if (left >= 2) {
					unsigned char c2 = s[i + 1];
					if (!cont(c2) || (c2 < 0x90 ? c == 0xf0 : c == 0xf4)) bad = 2;
					else if (left >= 3 && !cont(s[i + 2])) bad = 3;
					else incomplete = true;
				} else incomplete = true;
			} else {
				unsigned char c2 = s[i + 1], c3 = s[i + 2], c4 = s[i + 3];
				if (!cont(c2) || (c == 0xf0 && c2 < 0x90) || (c == 0xf4 && c2 >= 0x90)) bad = 2;
				else if (!cont(c3)) bad = 3;
				else if (!cont(c4)) bad = 4;
				else { i += 4; continue; }
			}
		} else bad = 1;
		if (incomplete) {
			if (!final) break;
			*pos = i;
			*errlen = n - i;
			*reason = "unexpected end of data";
			return -1;
		}
		*pos = i;
		*errlen = bad == 1 ? 1 : (size_t)bad - 1;
		*reason = bad == 1 ? "invalid start byte" : "invalid continuation byte";
		return -1;
	}
	*used = i;
	return 0;
}

bool u8_python_decode_error(const char *str, size_t n, char **msg, size_t *avail)
{
	const unsigned char *s = (const unsigned char *)str;
	enum { CHUNK = 8192 };
	unsigned char data[CHUNK + 4];
	size_t npend = 0, off = 0;       /* bytes of the file read so far */
	for (;;) {
		size_t take = n - off < CHUNK ? n - off : CHUNK;
		bool final = take == 0;
		memcpy(data + npend, s + off, take);
		size_t dn = npend + take, used, pos, errlen;
		const char *reason;
		if (utf8_step(data, dn, final, &used, &pos, &errlen, &reason) != 0) {
			if (errlen == 1)
				*msg = xasprintf("'utf-8' codec can't decode byte 0x%02x in position %zu: %s",
				                 data[pos], pos, reason);
			else
				*msg = xasprintf("'utf-8' codec can't decode bytes in position %zu-%zu: %s",
				                 pos, pos + errlen - 1, reason);
			*avail = off - npend;
			return true;
		}
		if (final) return false;
		npend = dn - used;
		memmove(data, data + used, npend);
		off += take;
	}
}

bool uc_isspace(uint32_t cp)
{
	if (cp < 0x80) return (cp >= 9 && cp <= 13) || (cp >= 0x1c && cp <= 0x20);
	for (size_t i = 0; i < NELEM(uc_space_tab); i++)
		if (uc_space_tab[i] == cp) return true;
	return false;
}

bool uc_isprintable(uint32_t cp)
{
	size_t lo = 0, hi = NELEM(uc_nonprint_tab);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < uc_nonprint_tab[mid][0]) hi = mid;
		else if (cp > uc_nonprint_tab[mid][1]) lo = mid + 1;
		else return false;
	}
	return true;
}

int uc_decimal(uint32_t cp)
{
	if (cp < 0x80) return cp >= '0' && cp <= '9' ? (int)(cp - '0') : -1;
	size_t lo = 0, hi = NELEM(uc_digit0_tab);
	while (lo < hi) {          /* the last zero <= cp */
		size_t mid = (lo + hi) / 2;
		if (uc_digit0_tab[mid] <= cp) lo = mid + 1;
		else hi = mid;
	}
	if (lo == 0) return -1;
	uint32_t z = uc_digit0_tab[lo - 1];
	return cp - z < 10 ? (int)(cp - z) : -1;
}

size_t uc_space_at(const char *s, size_t n)
{
	if (n == 0) return 0;
	uint32_t cp;
	size_t len = u8_decode(s, n, &cp);
	return len && uc_isspace(cp) ? len : 0;
}

void uc_lstrip(const char **s, size_t *n)
{
	size_t k;
	while ((k = uc_space_at(*s, *n)) != 0) { *s += k; *n -= k; }
}

void uc_rstrip(const char **s, size_t *n)
{
	while (*n) {
		size_t k = u8_prev_len(*s, *n);
		if (uc_space_at(*s + *n - k, k) != k) break;
		*n -= k;
	}
}

void uc_strip(const char **s, size_t *n)
{
	uc_lstrip(s, n);
	uc_rstrip(s, n);
}

char *uc_strip_dup(const char *s)
{
	size_t n = strlen(s);
	uc_strip(&s, &n);
	return xstrndup(s, n);
}

static void map_case(struct buf *out, const char *s, size_t n,
                     const struct uc_run *runs, size_t nruns,
                     const struct uc_multi *multi, size_t nmulti, bool lower)
{
	for (size_t i = 0; i < n;) {
		/* a run of ASCII at once */
		size_t k = i;
		while (k < n && (unsigned char)s[k] < 0x80) k++;
		if (k > i) {
			buf_reserve(out, k - i);
			char *dst = out->p + out->len;
			for (size_t j = i; j < k; j++) {
				char c = s[j];
				if (lower && c >= 'A' && c <= 'Z') c += 32;
				else if (!lower && c >= 'a' && c <= 'z') c -= 32;
				dst[j - i] = c;
			}
			out->len += k - i;
			out->p[out->len] = '\0';
			i = k;
			if (i >= n) break;
		}
		uint32_t cp;
		size_t len = u8_decode(s + i, n - i, &cp);
		if (len == 0) { buf_putc(out, s[i]); i++; continue; }
		i += len;
		if (cp < 0x80) {
			if (lower && cp >= 'A' && cp <= 'Z') cp += 32;
			else if (!lower && cp >= 'a' && cp <= 'z') cp -= 32;
			buf_putc(out, (char)cp);
			continue;
		}
		const char *to = NULL;
		for (size_t m = 0; m < nmulti; m++)
			if (multi[m].cp == cp) { to = multi[m].to; break; }
		if (to) { buf_puts(out, to); continue; }
		size_t lo = 0, hi = nruns;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (cp < runs[mid].lo) hi = mid;
			else if (cp > runs[mid].hi) lo = mid + 1;
			else {
				if ((cp - runs[mid].lo) % (uint32_t)runs[mid].stride == 0)
					cp = (uint32_t)((int32_t)cp + runs[mid].delta);
				break;
			}
		}
		char enc[4];
		buf_append(out, enc, u8_encode(cp, enc));
	}
}

void uc_lower(struct buf *out, const char *s, size_t n)
{
	map_case(out, s, n, uc_lower_runs, NELEM(uc_lower_runs),
	         uc_lower_multi, NELEM(uc_lower_multi), true);
}

void uc_upper(struct buf *out, const char *s, size_t n)
{
	map_case(out, s, n, uc_upper_runs, NELEM(uc_upper_runs),
	         uc_upper_multi, NELEM(uc_upper_multi), false);
}

char *uc_lower_dup(const char *s)
{
	struct buf b = BUF_INIT;
	uc_lower(&b, s, strlen(s));
	buf_putc(&b, '\0');
	b.len--;
	return buf_steal(&b);
}

char *uc_upper_dup(const char *s)
{
	struct buf b = BUF_INIT;
	uc_upper(&b, s, strlen(s));
	buf_putc(&b, '\0');
	b.len--;
	return buf_steal(&b);
}

/* One digit of s at *i in the given base: -1 when it is not a digit. */
static int digit_at(const char *s, size_t n, size_t *i, int base)
{
	uint32_t cp;
	size_t len = u8_decode(s + *i, n - *i, &cp);
	if (len == 0) return -1;
	int d = uc_decimal(cp);
	if (d < 0 || d >= base) return -1;
	*i += len;
	return d;
}

int py_int_base(const char *str, int base, long long *out, bool *overflow)
{
	/* int() turns non-ASCII whitespace into spaces and then skips only
	 * C-locale whitespace, so U+001C..U+001F are not stripped here. */
	const char *s = str;
	size_t n = strlen(str);
	size_t k;
	while ((k = uc_space_at(s, n)) != 0 && !(*s >= 0x1c && *s <= 0x1f)) { s += k; n -= k; }
	while (n) {
		k = u8_prev_len(s, n);
		if (uc_space_at(s + n - k, k) != k || (s[n - 1] >= 0x1c && s[n - 1] <= 0x1f)) break;
		n -= k;
	}
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
	if (base == 8 && i + 1 < n && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
		i += 2;
		if (i < n && s[i] == '_') i++;   /* 0o_17 is allowed */
	}
	unsigned long long v = 0;
	const unsigned long long lim = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	bool ovf = false;
	size_t ndig = 0;
	while (i < n) {
		size_t j = i;
		int d = digit_at(s, n, &j, base);
		if (d < 0) {
			/* a single '_' between two digits */
			if (s[i] != '_' || ndig == 0) break;
			j = i + 1;
			if (j >= n || digit_at(s, n, &j, base) < 0) break;
			i++;
			continue;
		}
		if (v > (lim - (unsigned)d) / (unsigned)base) ovf = true;
		else v = v * (unsigned)base + (unsigned)d;
		ndig++;
		i = j;
	}
	if (ndig == 0 || i != n) return -1;
	if (overflow) *overflow = ovf;
	if (ovf) v = lim;
	if (neg) *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	else *out = (long long)v;
	return 0;
}
