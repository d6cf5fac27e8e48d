/* rotfile.c — rotating append-only log file (see rotfile.h). Writes are
 * plain blocking writes to a regular file: a slow disk slows the writer,
 * which is the back-pressure we want (child pipes fill up, nothing is
 * dropped). */
#include "rotfile.h"
#include "watch.h"
#include "lib/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rotfile_init(struct rotfile *f)
{
	memset(f, 0, sizeof *f);
	f->fd = -1;
}

static int open_append(const char *path, long long *pos)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0) return -1;
	off_t end = lseek(fd, 0, SEEK_END);
	*pos = end < 0 ? 0 : (long long)end;     /* ESPIPE: a pipe or a tty */
	return fd;
}

int rotfile_open(struct rotfile *f, const char *path, long long maxbytes, int backups,
                 struct logwatch_hub *hub)
{
	if (f->path != path) {
		free(f->path);
		f->path = xstrdup(path);
	}
	f->maxbytes = maxbytes;
	f->backups = backups;
	f->hub = hub;
	if (f->fd >= 0) close(f->fd);
	f->fd = open_append(f->path, &f->pos);
	return f->fd < 0 ? -1 : 0;
}

bool rotfile_is_open(const struct rotfile *f)
{
	return f->fd >= 0;
}

int rotfile_write(struct rotfile *f, const void *data, size_t n, size_t *written)
{
	size_t done = 0;
	int rc = 0;
	if (f->fd < 0) { errno = EBADF; rc = -1; }
	while (rc == 0 && done < n) {
		ssize_t w = write(f->fd, (const char *)data + done, n - done);
		if (w < 0) {
			if (errno == EINTR) continue;
			rc = -1;
			break;
		}
		done += (size_t)w;
	}
	f->pos += (long long)done;
	if (written) *written = done;
	int saved = errno;
	if (done && f->maxbytes > 0 && f->pos >= f->maxbytes) rotfile_rotate(f);
	if (done && f->hub) logwatch_notify(f->hub, f->path);
	errno = saved;
	return rc;
}

static void backup_name(char *out, size_t cap, const char *path, int i)
{
	snprintf(out, cap, "%s.%d", path, i);
}

int rotfile_rotate(struct rotfile *f)
{
	if (f->fd >= 0) close(f->fd);
	f->fd = -1;
	size_t cap = strlen(f->path) + 16;
	char *src = xmalloc(cap), *dst = xmalloc(cap);
	if (f->backups > 0) {
		for (int i = f->backups - 1; i >= 1; i--) {
			backup_name(src, cap, f->path, i);
			backup_name(dst, cap, f->path, i + 1);
			if (access(src, F_OK) == 0) {
				unlink(dst);
				rename(src, dst);
			}
		}
		backup_name(dst, cap, f->path, 1);
		unlink(dst);
		rename(f->path, dst);
	}
	free(src);
	free(dst);
	f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0666);
	f->pos = 0;
	if (f->hub) logwatch_notify(f->hub, f->path);
	return f->fd < 0 ? -1 : 0;
}

int rotfile_reopen(struct rotfile *f)
{
	if (!f->path) { errno = EINVAL; return -1; }
	int rc = rotfile_open(f, f->path, f->maxbytes, f->backups, f->hub);
	if (f->hub) logwatch_notify(f->hub, f->path);
	return rc;
}

void rotfile_close(struct rotfile *f)
{
	if (f->fd >= 0) close(f->fd);
	f->fd = -1;
}

void rotfile_free(struct rotfile *f)
{
	rotfile_close(f);
	free(f->path);
	f->path = NULL;
}
