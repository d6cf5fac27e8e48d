/* mainlog.c — the activity log (see mainlog.h). */
#include "mainlog.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/timefmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const struct { int level; const char *code; } levels[] = {
	{LVL_CRIT, "CRIT"}, {LVL_ERRO, "ERRO"}, {LVL_WARN, "WARN"}, {LVL_INFO, "INFO"},
	{LVL_DEBG, "DEBG"}, {LVL_TRAC, "TRAC"}, {LVL_BLAT, "BLAT"},
};

const char *mainlog_level_code(int level)
{
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (levels[i].level == level) return levels[i].code;
	return NULL;
}

int mainlog_level_from_code(const char *s)
{
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (strcasecmp(levels[i].code, s) == 0) return levels[i].level;
	return -1;
}

void mainlog_init(struct mainlog *l, int level)
{
	memset(l, 0, sizeof *l);
	l->level = level;
	rotfile_init(&l->file);
}

bool mainlog_enabled(const struct mainlog *l, int level)
{
	return level >= l->level;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) return;
		p += w;
		n -= (size_t)w;
	}
}

static void emit(struct mainlog *l, int level, const char *msg, size_t len)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct buf rec = BUF_INIT;
	time_log_stamp(&rec, &ts);
	buf_putc(&rec, ' ');
	buf_puts(&rec, mainlog_level_code(level) ? mainlog_level_code(level) : "INFO");
	buf_putc(&rec, ' ');
	size_t prefix = rec.len;
	buf_append(&rec, msg, len);
	buf_putc(&rec, '\n');

	if (l->use_syslog) {
		/* One syslog record per line of the message, each with the prefix. */
		const char *p = msg, *end = msg + len;
		while (end > p && end[-1] == '\n') end--;
		do {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *stop = nl ? nl : end;
			syslog(LOG_USER | LOG_INFO, "%.*s%.*s", (int)prefix, rec.p,
			       (int)(stop - p), p);
			p = nl ? nl + 1 : end;
		} while (p < end);
	} else if (rotfile_is_open(&l->file)) {
		if (rotfile_write(&l->file, rec.p, rec.len, NULL) < 0) {
			if (errno != l->write_errno) {
				l->write_errno = errno;
				char line[256];
				int n = snprintf(line, sizeof line, "refd: cannot write main log %s: %s\n",
				                 l->file.path, strerror(errno));
				if (n > 0) write_all(2, line, (size_t)n);
			}
		} else {
			l->write_errno = 0;
		}
	}
	if (l->echo_stdout) write_all(1, rec.p, rec.len);
	buf_free(&rec);
}

void mainlog_write(struct mainlog *l, int level, const char *msg, size_t len)
{
	if (level < l->level) return;
	if (!l->is_open) {
		l->queue = xrealloc(l->queue, (l->n_queue + 1) * sizeof *l->queue);
		l->queue[l->n_queue].level = level;
		l->queue[l->n_queue].text = xstrndup(msg, len);
		l->n_queue++;
		return;
	}
	emit(l, level, msg, len);
}

void mainlog_log(struct mainlog *l, int level, const char *fmt, ...)
{
	if (level < l->level) return;
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	mainlog_write(l, level, buf_cstr(&b), b.len);
	buf_free(&b);
}

int mainlog_open(struct mainlog *l, const char *path, long long maxbytes, int backups,
                 bool echo_stdout, struct logwatch_hub *hub)
{
	l->echo_stdout = echo_stdout;
	int rc = 0;
	if (strcmp(path, "syslog") == 0) {
		l->use_syslog = true;
		openlog(NULL, 0, LOG_USER);
	} else {
		l->use_syslog = false;
		rc = rotfile_open(&l->file, path, maxbytes, backups, hub);
	}
	l->is_open = true;
	for (size_t i = 0; i < l->n_queue; i++) {
		if (l->queue[i].level >= l->level)
			emit(l, l->queue[i].level, l->queue[i].text, strlen(l->queue[i].text));
		free(l->queue[i].text);
	}
	free(l->queue);
	l->queue = NULL;
	l->n_queue = 0;
	return rc;
}

void mainlog_reopen(struct mainlog *l)
{
	if (!l->use_syslog && l->file.path) rotfile_reopen(&l->file);
}

const char *mainlog_path(const struct mainlog *l)
{
	return l->use_syslog ? NULL : l->file.path;
}

void mainlog_close(struct mainlog *l)
{
	if (l->use_syslog) closelog();
	rotfile_free(&l->file);
	for (size_t i = 0; i < l->n_queue; i++) free(l->queue[i].text);
	free(l->queue);
	l->queue = NULL;
	l->n_queue = 0;
	l->is_open = false;
}
