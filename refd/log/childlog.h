/* childlog.h — one output channel (stdout or stderr) of a child process:
 * what happens to every chunk read from its pipe (logging.md §2, §3, §6).
 *
 * A chunk goes through strip_ansi and capture-mode token scanning, then to
 * the channel's log file (rotating), to syslog, to the main log at DEBG,
 * and to the event hooks. The channel does no I/O on pipes: core reads
 * them and feeds the bytes in. */
#ifndef REFD_LOG_CHILDLOG_H
#define REFD_LOG_CHILDLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "rotfile.h"

struct mainlog;
struct logwatch_hub;

enum { CHAN_STDOUT = 0, CHAN_STDERR = 1 };

/* Hooks into the event bus (core wires them; log knows no events). */
struct childlog_hooks {
	/* A chunk was logged (PROCESS_LOG_STDOUT/STDERR when enabled). */
	void (*logged)(void *ctx, int channel, const char *data, size_t n);
	/* A capture-mode block ended (PROCESS_COMMUNICATION_*). */
	void (*captured)(void *ctx, int channel, const char *data, size_t n);
	void *ctx;
};

struct childlog_config {
	const char *procname;       /* the process name, for echo and syslog */
	int channel;
	const char *path;           /* NULL = no file */
	long long maxbytes;
	int backups;
	bool syslog;
	long long capture_maxbytes; /* > 0: capture mode */
	bool strip_ansi;
	bool raw_echo;              /* event listener stdout: echo as a bytes repr */
};

struct childlog {
	char *procname;
	int channel;
	bool has_file;
	struct rotfile file;
	bool syslog;
	bool strip_ansi;
	bool raw_echo;
	long long capture_maxbytes;
	bool capturing;
	struct buf pending;         /* bytes waiting for a token decision */
	struct buf capture;         /* the block being captured */
	int write_errno;            /* the last file error, reported once */
	struct buf unwritten;       /* file bytes a failed write left over, in order */
	struct mainlog *mainlog;
	struct childlog_hooks hooks;
};

/* Open the channel's file (if any). Returns 0, or -1 with errno when the
 * file cannot be opened (the channel then logs nothing to a file). */
int childlog_open(struct childlog *c, const struct childlog_config *cfg, struct mainlog *mainlog,
                  struct logwatch_hub *hub, const struct childlog_hooks *hooks);
/* A chunk from the pipe. */
void childlog_feed(struct childlog *c, const char *data, size_t n);
/* The pipe closed: whatever is still held back is logged (refd logs the
 * trailing fragment supervisord loses, logging.md §6). */
void childlog_eof(struct childlog *c);
/* A write to the file failed (disk full, say): the bytes are kept, in
 * order, and the caller should stop reading the pipe — the child then
 * blocks on a full pipe instead of losing output — and call
 * childlog_retry until it returns 0. */
bool childlog_blocked(const struct childlog *c);
int childlog_retry(struct childlog *c);
/* SIGUSR2: reopen the file at its path. */
void childlog_reopen(struct childlog *c);
/* clearProcessLogs: remove the file, reopen it empty, empty the capture
 * buffer. Returns 0 or -1 with errno. */
int childlog_clear(struct childlog *c);
void childlog_close(struct childlog *c);

/* strip_ansi's rule (logging.md §2.4), in place; returns the new length. */
size_t childlog_strip_ansi(char *data, size_t n);

#endif
