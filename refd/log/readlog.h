/* readlog.h — the offset arithmetic of readLog/readProcess*Log and
 * tailProcess*Log (xmlrpc-api.md §9), on any file path. */
#ifndef REFD_LOG_READLOG_H
#define REFD_LOG_READLOG_H

#include <stdbool.h>

struct buf;

enum { READLOG_OK = 0, READLOG_FAILED = -1, READLOG_BAD_ARGUMENTS = -2 };

/* Append the slice readLog(offset, length) describes to out. */
int readlog_read(const char *path, long long offset, long long length, struct buf *out);

/* tailProcessLog: append the data to out, set *new_offset and *overflow.
 * Returns READLOG_FAILED when the file cannot be read (the caller answers
 * ['', offset, false]). */
int readlog_tail(const char *path, long long offset, long long length, struct buf *out,
                 long long *new_offset, bool *overflow);

#endif
