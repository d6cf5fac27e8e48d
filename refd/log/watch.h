/* watch.h — who is following a log file.
 *
 * refd writes every log file itself, so instead of polling files for growth
 * (supervisord polls every 0.1 s per tail client) the writer announces each
 * append, rotation or truncation to the watchers of that path. A hub holds
 * the watchers; a rotating file knows its hub. Watchers are owned by their
 * streams and must be removed before they are freed. */
#ifndef REFD_LOG_WATCH_H
#define REFD_LOG_WATCH_H

struct logwatch;
typedef void (*logwatch_fn)(struct logwatch *w);

struct logwatch {
	struct logwatch *next, *prev;
	char *path;                 /* owned by the watch (logwatch_add copies it) */
	logwatch_fn fn;
};

struct logwatch_hub {
	struct logwatch *head;
};

void logwatch_hub_init(struct logwatch_hub *hub);
void logwatch_add(struct logwatch_hub *hub, struct logwatch *w, const char *path, logwatch_fn fn);
void logwatch_remove(struct logwatch_hub *hub, struct logwatch *w);
/* Call every watcher of path. A watcher may remove itself meanwhile. */
void logwatch_notify(struct logwatch_hub *hub, const char *path);

#endif
