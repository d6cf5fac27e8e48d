/* Growable buffer used by the parsers and reporters. */
#include "sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(struct sbuf *sb, size_t more)
{
    if (sb->oom)
        return -1;
    if (sb->len + more + 1 <= sb->cap)
        return 0;
    size_t ncap = sb->cap ? sb->cap : 64;
    while (ncap < sb->len + more + 1) {
        if (ncap > ((size_t)-1) / 2) {
            sb->oom = 1;
            return -1;
        }
        ncap *= 2;
    }
    char *n = realloc(sb->p, ncap);
    if (!n) {
        sb->oom = 1;
        return -1;
    }
    sb->p = n;
    sb->cap = ncap;
    return 0;
}

void sb_add(struct sbuf *sb, const void *data, size_t len)
{
    if (grow(sb, len) < 0)
        return;
    if (len)
        memcpy(sb->p + sb->len, data, len);
    sb->len += len;
    sb->p[sb->len] = '\0';
}

void sb_adds(struct sbuf *sb, const char *s) { sb_add(sb, s, strlen(s)); }
void sb_addc(struct sbuf *sb, char c) { sb_add(sb, &c, 1); }

void sb_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || grow(sb, (size_t)n) < 0)
        return;
    vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sb_addf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(sb, fmt, ap);
    va_end(ap);
}

char *sb_steal(struct sbuf *sb)
{
    char *p = sb->p;
    if (!p || sb->oom) {
        free(p);
        p = calloc(1, 1);
    }
    memset(sb, 0, sizeof(*sb));
    return p;
}

void sb_free(struct sbuf *sb)
{
    free(sb->p);
    memset(sb, 0, sizeof(*sb));
}

const char *sb_str(const struct sbuf *sb) { return sb->p && !sb->oom ? sb->p : ""; }
