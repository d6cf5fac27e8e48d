/* ns_config.c — the stored configuration and runtime group changes
 * (xmlrpc-api.md §8): reloadConfig, addProcessGroup, removeProcessGroup,
 * getAllConfigInfo. */
#include "handlers.h"
#include "fault.h"
#include "xmlw.h"
#include "conf/config.h"
#include "core/sup.h"
#include "lib/buf.h"
#include "lib/mem.h"

#include <stdlib.h>
#include <string.h>

static const struct conf_group *find_conf_group(const struct conf *conf, const char *name)
{
	for (size_t i = 0; conf && i < conf->n_groups; i++)
		if (strcmp(conf->groups[i]->name, name) == 0) return conf->groups[i];
	return NULL;
}

HANDLER(h_reload_config)
{
	struct sup *s = rpc_sup(c->rpc);
	char *err = NULL;
	struct conf *next = sup_reload_config(s, &err);
	if (!next) {
		rpc_fault(c, FAULT_CANT_REREAD, "%s", err ? err : "");
		free(err);
		return RPC_DONE;
	}
	/* [[added, changed, removed]] by group name (config.md §12). */
	struct buf added = BUF_INIT, changed = BUF_INIT, removed = BUF_INIT;
	for (size_t i = 0; i < next->n_groups; i++) {
		const struct conf_group *ng = next->groups[i];
		if (i && find_conf_group(next, ng->name) != ng) continue;   /* a name counts once */
		struct pgroup *g = sup_group(s, ng->name);
		if (!g) xw_string(&added, ng->name);
		else if (!g->cfg || !conf_group_equal(g->cfg, ng)) xw_string(&changed, ng->name);
	}
	for (size_t i = 0; i < sup_group_count(s); i++) {
		struct pgroup *g = sup_group_at(s, i);
		if (!find_conf_group(next, g->name)) xw_string(&removed, g->name);
	}
	xw_array_begin(c->out);
	xw_array_begin(c->out);
	struct buf *lists[3] = {&added, &changed, &removed};
	for (int i = 0; i < 3; i++) {
		xw_array_begin(c->out);
		buf_append(c->out, buf_cstr(lists[i]), lists[i]->len);
		xw_array_end(c->out);
		buf_free(lists[i]);
	}
	xw_array_end(c->out);
	xw_array_end(c->out);
	sup_store_conf(s, next);
	return RPC_DONE;
}

HANDLER(h_add_process_group)
{
	const char *name;
	if (!rpc_arg_string(c, a[0], &name)) return RPC_DONE;
	struct sup *s = rpc_sup(c->rpc);
	const struct conf_group *cg = find_conf_group(sup_stored_conf(s), name);
	if (!cg) return rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	if (sup_group(s, name)) return rpc_fault(c, FAULT_ALREADY_ADDED, "%s", name);
	sup_add_group(s, (struct conf_group *)cg);
	xw_bool(c->out, true);
	return RPC_DONE;
}

HANDLER(h_remove_process_group)
{
	const char *name;
	if (!rpc_arg_string(c, a[0], &name)) return RPC_DONE;
	struct sup *s = rpc_sup(c->rpc);
	struct pgroup *g = sup_group(s, name);
	if (!g) return rpc_fault(c, FAULT_BAD_NAME, "%s", name);
	for (size_t i = 0; i < g->n_procs; i++)
		if (!proc_state_stopped(g->procs[i]->state))
			return rpc_fault(c, FAULT_STILL_RUNNING, "%s", name);
	sup_remove_group(s, g);
	xw_bool(c->out, true);
	return RPC_DONE;
}

/* ---- getAllConfigInfo ------------------------------------------------------------ */

struct config_row {
	const struct conf_group *g;
	const struct conf_proc *p;
	size_t order;
};

static int row_cmp(const void *a, const void *b)
{
	const struct config_row *x = a, *y = b;
	int r = strcmp(x->p->name, y->p->name);
	if (r) return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The active process created from this config, if any. */
static const struct proc *active_proc(struct sup *s, const struct conf_group *cg, const struct conf_proc *cp)
{
	struct pgroup *g = sup_group(s, cg->name);
	if (!g) return NULL;
	for (size_t i = 0; i < g->n_procs; i++)
		if (g->procs[i]->cfg == cp) return g->procs[i];
	return NULL;
}

static void member_logfile(struct buf *out, const char *key, const struct conf_log *cl,
                           const struct proc *active, int channel)
{
	const char *path = active ? sup_proc_logfile(active, channel) : NULL;
	if (cl->kind == CONF_LOG_NONE) xw_member_string(out, key, "none");
	else if (path) xw_member_string(out, key, path);
	else if (cl->kind == CONF_LOG_AUTO) xw_member_string(out, key, "auto");
	else xw_member_string(out, key, cl->path);
}

static void member_opt_string(struct buf *out, const char *key, const char *v)
{
	xw_member_string(out, key, v ? v : "none");
}

HANDLER(h_get_all_config_info)
{
	struct sup *s = rpc_sup(c->rpc);
	const struct conf *conf = sup_stored_conf(s);
	size_t total = 0;
	for (size_t i = 0; conf && i < conf->n_groups; i++) total += conf->groups[i]->n_procs;
	struct config_row *rows = xmalloc((total ? total : 1) * sizeof *rows);
	size_t k = 0;
	for (size_t i = 0; conf && i < conf->n_groups; i++)
		for (size_t j = 0; j < conf->groups[i]->n_procs; j++) {
			rows[k].g = conf->groups[i];
			rows[k].p = conf->groups[i]->procs[j];
			rows[k].order = k;
			k++;
		}
	qsort(rows, total, sizeof *rows, row_cmp);
	struct buf *out = c->out;
	xw_array_begin(out);
	for (size_t i = 0; i < total; i++) {
		const struct conf_group *g = rows[i].g;
		const struct conf_proc *p = rows[i].p;
		const struct proc *active = active_proc(s, g, p);
		struct pgroup *ag = sup_group(s, g->name);
		/* A config group is in use when a group of its name is active. */
		bool inuse = ag != NULL;
		xw_struct_begin(out);
		xw_member_bool(out, "autostart", p->autostart);
		member_opt_string(out, "directory", p->directory);
		if (p->has_uid) xw_member_int(out, "uid", p->uid);
		else xw_member_string(out, "uid", "none");
		xw_member_string(out, "command", p->command ? p->command : "");
		xw_member(out, "exitcodes");
		xw_array_begin(out);
		for (size_t e = 0; e < p->n_exitcodes; e++) xw_int(out, p->exitcodes[e]);
		xw_array_end(out);
		xw_member_end(out);
		xw_member_string(out, "group", g->name);
		xw_member_int(out, "group_prio", g->priority);
		xw_member_bool(out, "inuse", inuse);
		xw_member_bool(out, "killasgroup", p->killasgroup);
		xw_member_string(out, "name", p->name);
		xw_member_int(out, "process_prio", p->priority);
		xw_member_bool(out, "redirect_stderr", p->redirect_stderr);
		xw_member_int(out, "startretries", p->startretries);
		xw_member_int(out, "startsecs", p->startsecs);
		xw_member_int(out, "stdout_capture_maxbytes", p->out.capture_maxbytes);
		xw_member_bool(out, "stdout_events_enabled", p->out.events_enabled);
		member_logfile(out, "stdout_logfile", &p->out, active, 0);
		xw_member_int(out, "stdout_logfile_backups", p->out.backups);
		xw_member_int(out, "stdout_logfile_maxbytes", p->out.maxbytes);
		xw_member_bool(out, "stdout_syslog", p->out.syslog);
		xw_member_int(out, "stopsignal", p->stopsignal);
		xw_member_int(out, "stopwaitsecs", p->stopwaitsecs);
		xw_member_int(out, "stderr_capture_maxbytes", p->err.capture_maxbytes);
		xw_member_bool(out, "stderr_events_enabled", p->err.events_enabled);
		member_logfile(out, "stderr_logfile", &p->err, active, 1);
		xw_member_int(out, "stderr_logfile_backups", p->err.backups);
		xw_member_int(out, "stderr_logfile_maxbytes", p->err.maxbytes);
		xw_member_bool(out, "stderr_syslog", p->err.syslog);
		member_opt_string(out, "serverurl", p->serverurl);
		if (p->autorestart == CONF_AR_UNEXPECTED) xw_member_string(out, "autorestart", "unexpected");
		else xw_member_bool(out, "autorestart", p->autorestart == CONF_AR_TRUE);
		xw_struct_end(out);
	}
	xw_array_end(out);
	free(rows);
	return RPC_DONE;
}
