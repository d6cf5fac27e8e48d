/* group.h — a process group: a [program:x], [group:x], [eventlistener:x]
 * or [fcgi-program:x] made active, or an empty group added at run time.
 * A group owns its processes and holds a reference on its config. */
#ifndef REFD_CORE_GROUP_H
#define REFD_CORE_GROUP_H

#include <stddef.h>

struct conf_group;
struct proc;
struct sup;

struct pgroup {
	struct sup *sup;
	struct conf_group *cfg;     /* referenced; NULL for a runtime-added empty group */
	char *name;
	int priority;
	int kind;                   /* enum conf_groupkind */
	unsigned long seq;          /* activation order: ties in priority keep it */
	struct proc **procs;        /* in the group's process order */
	size_t n_procs;
	void *pool;                 /* event listener pool state (events/) */
};

#endif
