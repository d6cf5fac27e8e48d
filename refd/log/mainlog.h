/* mainlog.h — supervisord's activity log (logging.md §1).
 *
 * Records are "<YYYY-MM-DD HH:MM:SS,mmm> <CODE> <message>\n" in local time,
 * written to a rotating file (or syslog) and, in the foreground, echoed to
 * stdout. Messages logged before the file is open are queued and written
 * when it opens. */
#ifndef REFD_LOG_MAINLOG_H
#define REFD_LOG_MAINLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "rotfile.h"

enum {
	LVL_CRIT = 50,
	LVL_ERRO = 40,
	LVL_WARN = 30,
	LVL_INFO = 20,
	LVL_DEBG = 10,
	LVL_TRAC = 5,
	LVL_BLAT = 3,
};

struct mainlog_queued {
	int level;
	char *text;
};

struct mainlog {
	int level;                  /* records below it are dropped */
	bool echo_stdout;
	bool use_syslog;
	bool is_open;
	struct rotfile file;
	int write_errno;            /* last failure, so each kind is reported once */
	struct mainlog_queued *queue;
	size_t n_queue;
};

/* The four-letter code (CRIT ... BLAT) of a level, or NULL. */
const char *mainlog_level_code(int level);
/* Parse a four-letter code, case-insensitive (twiddler.log); -1 if none. */
int mainlog_level_from_code(const char *s);

void mainlog_init(struct mainlog *l, int level);
/* Open path ("syslog" for syslog) and write the queued records. */
int mainlog_open(struct mainlog *l, const char *path, long long maxbytes, int backups,
                 bool echo_stdout, struct logwatch_hub *hub);
void mainlog_log(struct mainlog *l, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Log a message given as bytes, verbatim (no format). */
void mainlog_write(struct mainlog *l, int level, const char *msg, size_t len);
bool mainlog_enabled(const struct mainlog *l, int level);
/* Close and reopen the file at its path (SIGUSR2). */
void mainlog_reopen(struct mainlog *l);
/* The file path, or NULL with syslog or before open. */
const char *mainlog_path(const struct mainlog *l);
void mainlog_close(struct mainlog *l);

#endif
