/* readlog.c — log slices for the read and tail RPCs (see readlog.h).
 * The rules follow supervisord's readFile/tailFile exactly, including the
 * tail window that slides to the end of the file. */
#include "readlog.h"
#include "lib/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Offsets come from clients; keep the arithmetic far from overflow. */
static long long clamp(long long v)
{
	const long long lim = 1LL << 60;
	return v > lim ? lim : v < -lim ? -lim : v;
}

/* Read up to n bytes at off (n < 0: to the end). */
static int read_range(int fd, long long off, long long n, long long size, struct buf *out)
{
	if (off >= size) return 0;
	long long want = size - off;
	if (n >= 0 && n < want) want = n;
	buf_reserve(out, (size_t)want);
	long long got = 0;
	while (got < want) {
		ssize_t r = pread(fd, out->p + out->len, (size_t)(want - got), (off_t)(off + got));
		if (r < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		if (r == 0) break;
		got += r;
		out->len += (size_t)r;
	}
	out->p[out->len] = '\0';
	return 0;
}

int readlog_read(const char *path, long long offset, long long length, struct buf *out)
{
	offset = clamp(offset);
	length = clamp(length);
	if (offset < 0 && length != 0) return READLOG_BAD_ARGUMENTS;
	if (offset >= 0 && length < 0) return READLOG_BAD_ARGUMENTS;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return READLOG_FAILED;
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) < 0) {
		rc = READLOG_FAILED;
	} else {
		long long size = st.st_size;
		if (offset < 0) {
			long long pos = size + offset;   /* the last |offset| bytes */
			if (pos < 0) pos = 0;
			rc = read_range(fd, pos, size - pos, size, out);
		} else {
			rc = read_range(fd, offset, length == 0 ? -1 : length, size, out);
		}
		if (rc < 0) rc = READLOG_FAILED;
	}
	close(fd);
	return rc;
}

int readlog_tail(const char *path, long long offset, long long length, struct buf *out,
                 long long *new_offset, bool *overflow)
{
	offset = clamp(offset);
	length = clamp(length);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return READLOG_FAILED;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return READLOG_FAILED;
	}
	long long sz = st.st_size;
	*overflow = false;
	if (sz > offset + length) {
		*overflow = true;
		offset = sz - 1;
	}
	if (offset + length > sz) {
		if (offset > sz - 1) length = 0;
		offset = sz - length;
	}
	if (offset < 0) offset = 0;
	if (length < 0) length = 0;
	int rc = 0;
	if (length > 0 && read_range(fd, offset, length, sz, out) < 0) rc = READLOG_FAILED;
	close(fd);
	*new_offset = sz;
	return rc;
}
