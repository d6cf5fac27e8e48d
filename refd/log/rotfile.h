/* rotfile.h — an append-only log file with supervisord's size rotation
 * (logging.md §1.4): after each write, when the position reached maxbytes,
 * f.N-1 ... f.1 shift up, f becomes f.1 and a new empty f is opened.
 * maxbytes <= 0 never rotates and works on non-seekable targets such as
 * /dev/stdout. Used by the main log and every child log channel. */
#ifndef REFD_LOG_ROTFILE_H
#define REFD_LOG_ROTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct logwatch_hub;

struct rotfile {
	char *path;                 /* owned */
	int fd;                     /* -1 when closed */
	long long maxbytes;
	int backups;
	long long pos;              /* bytes in the current file, as we wrote them */
	struct logwatch_hub *hub;   /* told about appends and rotations; may be NULL */
};

void rotfile_init(struct rotfile *f);
/* Open path for appending (created 0666 & ~umask). Returns 0 or -1/errno. */
int rotfile_open(struct rotfile *f, const char *path, long long maxbytes, int backups,
                 struct logwatch_hub *hub);
/* Write all of data, then rotate if due. Returns 0, or -1 with errno set and
 * *written (if not NULL) = how much reached the file. */
int rotfile_write(struct rotfile *f, const void *data, size_t n, size_t *written);
/* Close and reopen the same path in append mode (SIGUSR2, clearLog). */
int rotfile_reopen(struct rotfile *f);
/* Rotate now (also called by rotfile_write). */
int rotfile_rotate(struct rotfile *f);
void rotfile_close(struct rotfile *f);      /* keeps path */
void rotfile_free(struct rotfile *f);       /* closes, frees path */
bool rotfile_is_open(const struct rotfile *f);

#endif
