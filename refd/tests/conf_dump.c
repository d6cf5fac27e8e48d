/* conf_dump.c — load a config the way refd does and print what it means:
 * a stable summary (one line per setting, Python-repr'd strings) or the
 * errors. The golden and differential tests compare this output.
 *
 *   conf-dump [--check-all] [--first-message] [--env K=V]... [--host NAME] [--cwd DIR]
 *             [cli options: --user U --logfile F ...] FILE
 * Exit 0 when the config loads, 2 when it does not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/evtypes.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"

static void put_repr(const char *s)
{
	char *r = py_repr_str(s);
	fputs(r, stdout);
	free(r);
}

static const char *b(bool v) { return v ? "true" : "false"; }

static int cmp_str(const void *a, const void *c)
{
	return strcmp(*(char *const *)a, *(char *const *)c);
}

static void put_env(const char *indent, const struct conf_kv *kv)
{
	char **keys = xmalloc((kv->n + 1) * sizeof *keys);
	for (size_t i = 0; i < kv->n; i++) keys[i] = kv->keys[i];
	qsort(keys, kv->n, sizeof *keys, cmp_str);
	for (size_t i = 0; i < kv->n; i++) {
		printf("%senv ", indent);
		put_repr(keys[i]);
		putchar('=');
		put_repr(conf_kv_get(kv, keys[i]));
		putchar('\n');
	}
	free(keys);
}

static void put_log(const char *ch, const struct conf_log *l)
{
	printf("    %s logfile=", ch);
	if (l->kind == CONF_LOG_AUTO) fputs("AUTO", stdout);
	else if (l->kind == CONF_LOG_NONE) fputs("NONE", stdout);
	else put_repr(l->path);
	printf(" maxbytes=%lld backups=%d capture_maxbytes=%lld events=%s syslog=%s\n",
	       l->maxbytes, l->backups, l->capture_maxbytes, b(l->events_enabled), b(l->syslog));
}

static void dump(const struct conf *c)
{
	const struct conf_supervisord *sd = &c->sd;
	printf("supervisord logfile=");
	put_repr(sd->logfile);
	printf(" pidfile=");
	put_repr(sd->pidfile);
	printf(" logfile_maxbytes=%lld logfile_backups=%d loglevel=%d umask=%o\n",
	       sd->logfile_maxbytes, sd->logfile_backups, sd->loglevel, sd->umask);
	printf("supervisord nodaemon=%s silent=%s minfds=%lld minprocs=%lld nocleanup=%s strip_ansi=%s\n",
	       b(sd->nodaemon), b(sd->silent), sd->minfds, sd->minprocs, b(sd->nocleanup), b(sd->strip_ansi));
	printf("supervisord childlogdir=");
	put_repr(sd->childlogdir);
	printf(" identifier=");
	put_repr(sd->identifier);
	printf(" directory=");
	if (sd->directory) put_repr(sd->directory); else fputs("none", stdout);
	printf(" user=");
	if (sd->user) put_repr(sd->user); else fputs("none", stdout);
	if (sd->has_uid) printf(" uid=%u", (unsigned)sd->uid);
	putchar('\n');
	put_env("supervisord ", &sd->environment);
	for (size_t i = 0; i < c->n_servers; i++) {
		const struct conf_server *s = &c->servers[i];
		printf("server ");
		put_repr(s->section);
		if (s->is_unix) {
			printf(" unix file=");
			put_repr(s->file);
			printf(" chmod=%o", s->chmod);
			if (s->has_chown) printf(" chown=%u:%d", (unsigned)s->chown_uid, (int)s->chown_gid);
			else printf(" chown=-1:-1");
		} else {
			printf(" inet host=");
			put_repr(s->host);
			printf(" port=%d", s->port);
		}
		printf(" username=");
		if (s->username) put_repr(s->username); else fputs("none", stdout);
		printf(" password=");
		if (s->password) put_repr(s->password); else fputs("none", stdout);
		putchar('\n');
	}
	char *url = conf_default_serverurl(c);
	printf("serverurl ");
	if (url) put_repr(url); else fputs("none", stdout);
	putchar('\n');
	free(url);
	for (size_t i = 0; i < c->n_rpcifs; i++) {
		printf("rpcinterface ");
		put_repr(c->rpcifs[i].name);
		printf(" %s\n", c->rpcifs[i].kind == CONF_RPCIF_SUPERVISOR
		                    ? "supervisor.rpcinterface:make_main_rpcinterface"
		                    : "supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface");
	}
	for (size_t i = 0; i < c->n_groups; i++) {
		const struct conf_group *g = c->groups[i];
		printf("group ");
		put_repr(g->name);
		printf(" priority=%d kind=%s", g->priority,
		       g->kind == CONF_GROUP_LISTENER ? "listener" : g->kind == CONF_GROUP_FCGI ? "fcgi" : "process");
		if (g->kind == CONF_GROUP_LISTENER) {
			printf(" buffer_size=%d result_handler=%s events=", g->buffer_size,
			       g->result_handler == CONF_RH_DEFAULT ? "supervisor.dispatchers:default_handler"
			                                            : "supervisor_twiddler.resulthandler:stdin_write_handler");
			bool first = true;
			/* sorted by name, as the Python side prints them */
			const char *names[EV_COUNT];
			size_t n = 0;
			for (int t = 0; t < EV_COUNT; t++)
				if (g->events & EVTYPE_BIT(t)) names[n++] = evtype_table[t].name;
			qsort(names, n, sizeof *names, cmp_str);
			for (size_t k = 0; k < n; k++) {
				printf("%s%s", first ? "" : ",", names[k]);
				first = false;
			}
		}
		if (g->kind == CONF_GROUP_FCGI) {
			printf(" socket=");
			put_repr(g->socket);
		}
		putchar('\n');
		for (size_t k = 0; k < g->n_procs; k++) {
			const struct conf_proc *p = g->procs[k];
			printf("  process ");
			put_repr(p->name);
			printf(" command=");
			put_repr(p->command);
			putchar('\n');
			printf("    priority=%d autostart=%s autorestart=%s startsecs=%d startretries=%d\n",
			       p->priority, b(p->autostart),
			       p->autorestart == CONF_AR_TRUE ? "true" : p->autorestart == CONF_AR_FALSE ? "false" : "unexpected",
			       p->startsecs, p->startretries);
			printf("    stopsignal=%d stopwaitsecs=%d stopasgroup=%s killasgroup=%s exitcodes=",
			       p->stopsignal, p->stopwaitsecs, b(p->stopasgroup), b(p->killasgroup));
			for (size_t e = 0; e < p->n_exitcodes; e++) printf("%s%d", e ? "," : "", p->exitcodes[e]);
			printf(" redirect_stderr=%s\n", b(p->redirect_stderr));
			printf("    uid=");
			if (p->has_uid) printf("%u", (unsigned)p->uid); else fputs("none", stdout);
			printf(" directory=");
			if (p->directory) put_repr(p->directory); else fputs("none", stdout);
			printf(" umask=");
			if (p->umask >= 0) printf("%o", p->umask); else fputs("none", stdout);
			printf(" serverurl=");
			if (p->serverurl) put_repr(p->serverurl); else fputs("none", stdout);
			putchar('\n');
			put_log("stdout", &p->out);
			put_log("stderr", &p->err);
			put_env("    ", &p->env);
		}
	}
	for (size_t i = 0; i < c->n_msgs; i++)
		printf("%s %s\n", c->msgs[i].level >= 30 ? "WARN" : "INFO", c->msgs[i].text);
}

int main(int argc, char **argv)
{
	struct conf_cli cli;
	memset(&cli, 0, sizeof cli);
	struct conf_env_src src;
	memset(&src, 0, sizeof src);
	bool check_all = false, use_env = false, first_message = false;
	char **env = xcalloc((size_t)argc + 1, sizeof *env);
	size_t nenv = 0;
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name, field) if (strcmp(a, name) == 0 && v) { cli.field = v; i++; continue; }
		if (strcmp(a, "--check-all") == 0) { check_all = true; continue; }
		if (strcmp(a, "--first-message") == 0) { first_message = true; continue; }
		if (strcmp(a, "--env") == 0 && v) { env[nenv++] = argv[++i]; use_env = true; continue; }
		if (strcmp(a, "--no-env") == 0) { use_env = true; continue; }
		if (strcmp(a, "--host") == 0 && v) { src.host_node_name = v; i++; continue; }
		if (strcmp(a, "--cwd") == 0 && v) { src.cwd = v; i++; continue; }
		OPT("--user", user)
		OPT("--logfile", logfile)
		OPT("--pidfile", pidfile)
		OPT("--childlogdir", childlogdir)
		OPT("--loglevel", loglevel)
		OPT("--umask", umask)
		if (strcmp(a, "--nodaemon") == 0) { cli.nodaemon = true; continue; }
		file = a;
	}
	if (!file) {
		fprintf(stderr, "usage: conf-dump [--check-all] [--env K=V]... [--host NAME] FILE\n");
		return 1;
	}
	if (use_env) src.environ = env;
	struct conf_errors errs = { 0 };
	struct conf *c = conf_load(file, &cli, &src, check_all, &errs);
	int status = 0;
	if (c) {
		dump(c);
		conf_free(c);
	} else {
		printf("ERROR\n");
		if (first_message && errs.n) printf("%s\n", errs.v[0].message);
		for (size_t i = 0; i < errs.n && !first_message; i++) {
			char *t = conf_error_format(&errs.v[i]);
			fputs(t, stdout);
			free(t);
		}
		status = 2;
	}
	conf_errors_free(&errs);
	free(env);
	return status;
}
