/* sbuf: a growable byte buffer with a NUL kept after the data. An sbuf that
 * ran out of memory stays usable and reports it through sb->oom. The owner
 * frees it with sb_free or takes the bytes with sb_steal. */
#ifndef SBUF_H
#define SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
};

void sb_add(struct sbuf *sb, const void *data, size_t len);
void sb_adds(struct sbuf *sb, const char *s);
void sb_addc(struct sbuf *sb, char c);
void sb_addf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct sbuf *sb, const char *fmt, va_list ap);
/* Returns the bytes (never NULL: "" after oom) and resets sb. Caller frees. */
char *sb_steal(struct sbuf *sb);
void sb_free(struct sbuf *sb);
/* The bytes so far, NUL-terminated ("" when empty). */
const char *sb_str(const struct sbuf *sb);

#endif
