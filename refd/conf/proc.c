/* proc.c — reference counts, freeing and reloadConfig's equality of
 * process and group configs. */
#include "config.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void conf_proc_free(struct conf_proc *p)
{
	free(p->name);
	free(p->program);
	free(p->command);
	free(p->directory);
	free(p->exitcodes);
	free(p->user);
	free(p->out.path);
	free(p->err.path);
	conf_kv_free(&p->env);
	free(p->serverurl);
	free(p);
}

struct conf_proc *conf_proc_ref(struct conf_proc *p)
{
	p->refs++;
	return p;
}

void conf_proc_unref(struct conf_proc *p)
{
	if (p && --p->refs == 0) conf_proc_free(p);
}

void conf_group_free(struct conf_group *g)
{
	for (size_t i = 0; i < g->n_procs; i++) conf_proc_unref(g->procs[i]);
	free(g->procs);
	free(g->name);
	free(g->section);
	free(g->file);
	free(g->socket);
	free(g);
}

struct conf_group *conf_group_ref(struct conf_group *g)
{
	g->refs++;
	return g;
}

void conf_group_unref(struct conf_group *g)
{
	if (g && --g->refs == 0) conf_group_free(g);
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b) return a == b;
	return strcmp(a, b) == 0;
}

/* One log channel; an AUTO file name on either side is not compared
 * (ProcessConfig.__eq__ skips Automatic). */
static bool log_eq(const struct conf_log *a, const struct conf_log *b)
{
	if (a->kind != CONF_LOG_AUTO && b->kind != CONF_LOG_AUTO) {
		if (a->kind != b->kind) return false;
		if (a->kind == CONF_LOG_PATH && !str_eq(a->path, b->path)) return false;
	}
	return a->maxbytes == b->maxbytes && a->backups == b->backups
	    && a->capture_maxbytes == b->capture_maxbytes
	    && a->events_enabled == b->events_enabled && a->syslog == b->syslog;
}

static bool proc_eq(const struct conf_proc *a, const struct conf_proc *b)
{
	if (!str_eq(a->name, b->name) || a->has_uid != b->has_uid || (a->has_uid && a->uid != b->uid))
		return false;
	if (!str_eq(a->command, b->command) || !str_eq(a->directory, b->directory)) return false;
	if (a->umask != b->umask || a->priority != b->priority || a->autostart != b->autostart
	    || a->autorestart != b->autorestart || a->startsecs != b->startsecs
	    || a->startretries != b->startretries)
		return false;
	if (!log_eq(&a->out, &b->out) || !log_eq(&a->err, &b->err)) return false;
	if (a->stopsignal != b->stopsignal || a->stopwaitsecs != b->stopwaitsecs
	    || a->stopasgroup != b->stopasgroup || a->killasgroup != b->killasgroup
	    || a->redirect_stderr != b->redirect_stderr)
		return false;
	if (a->n_exitcodes != b->n_exitcodes
	    || memcmp(a->exitcodes, b->exitcodes, a->n_exitcodes * sizeof *a->exitcodes) != 0)
		return false;
	return conf_kv_equal(&a->env, &b->env) && str_eq(a->serverurl, b->serverurl);
}

bool conf_group_equal(const struct conf_group *a, const struct conf_group *b)
{
	/* [program:x] and [group:x] make the same class of group in
	 * supervisord (ProcessGroupConfig), so they may compare equal */
	bool a_plain = a->kind == CONF_GROUP_PROGRAM || a->kind == CONF_GROUP_HETERO;
	bool b_plain = b->kind == CONF_GROUP_PROGRAM || b->kind == CONF_GROUP_HETERO;
	if (a_plain != b_plain || (!a_plain && a->kind != b->kind)) return false;
	if (!str_eq(a->name, b->name) || a->priority != b->priority || a->n_procs != b->n_procs)
		return false;
	for (size_t i = 0; i < a->n_procs; i++)
		if (!proc_eq(a->procs[i], b->procs[i])) return false;
	if (a->kind == CONF_GROUP_LISTENER)
		return a->buffer_size == b->buffer_size && a->events == b->events
		    && a->result_handler == b->result_handler;
	if (a->kind == CONF_GROUP_FCGI) return str_eq(a->socket, b->socket);
	return true;
}
