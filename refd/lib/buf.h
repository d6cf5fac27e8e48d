/* buf.h — a growable byte buffer, the one string builder of refd.
 *
 * The bytes are always followed by a NUL that is not counted in len, so
 * buf.p can be handed to functions that want a C string. A buffer owns its
 * storage; buf_free releases it and leaves an empty, reusable buffer. */
#ifndef REFD_BUF_H
#define REFD_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;        /* NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);                 /* len = 0, keeps storage */
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_truncate(struct buf *b, size_t len);  /* len <= b->len */
void buf_consume(struct buf *b, size_t n);     /* drop n bytes from the front */
/* Hand the storage to the caller as a NUL-terminated string; b becomes empty. */
char *buf_steal(struct buf *b);
/* The contents as a C string ("" for an empty buffer). */
const char *buf_cstr(const struct buf *b);

#endif
