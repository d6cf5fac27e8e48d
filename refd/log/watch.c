/* watch.c — log file watchers (see watch.h). A list, not a map: there are
 * as many entries as open tail streams, usually none. */
#include "watch.h"
#include "lib/mem.h"

#include <stdlib.h>
#include <string.h>

void logwatch_hub_init(struct logwatch_hub *hub)
{
	hub->head = NULL;
}

void logwatch_add(struct logwatch_hub *hub, struct logwatch *w, const char *path, logwatch_fn fn)
{
	w->path = xstrdup(path);
	w->fn = fn;
	w->prev = NULL;
	w->next = hub->head;
	if (hub->head) hub->head->prev = w;
	hub->head = w;
}

void logwatch_remove(struct logwatch_hub *hub, struct logwatch *w)
{
	if (!w->path) return;
	if (w->prev) w->prev->next = w->next;
	else hub->head = w->next;
	if (w->next) w->next->prev = w->prev;
	free(w->path);
	w->path = NULL;
	w->next = w->prev = NULL;
}

void logwatch_notify(struct logwatch_hub *hub, const char *path)
{
	struct logwatch *w = hub ? hub->head : NULL;
	while (w) {
		struct logwatch *next = w->next;
		if (strcmp(w->path, path) == 0) w->fn(w);
		w = next;
	}
}
