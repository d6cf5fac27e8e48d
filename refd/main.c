/* main.c — refd's start-up, signals, restart and shutdown (lifecycle.md
 * §10-12). Everything fatal happens here, before the loop runs; once it
 * runs, errors are logged and the daemon carries on. */
#include "cli.h"
#include "conf/config.h"
#include "core/evhub.h"
#include "core/sup.h"
#include "events/bus.h"
#include "http/http.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "log/mainlog.h"
#include "log/watch.h"
#include "rpc/rpc.h"

#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* Exit statuses (documented in docs/cli.md). */
enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_USAGE = 2 };

struct refd {
	struct ev_loop *loop;
	const char *progname;
	struct cli cli;
	struct conf *conf;
	struct mainlog log;
	struct logwatch_hub hub;
	struct sup *sup;
	struct evbus *bus;          /* outlives restarts: serials continue */
	struct evhub *events;
	struct rpc *rpc;
	struct http *http;
	bool wrote_pidfile;
	char *pidfile;
	ev_signal sigs[6];
	bool restarting;
	int exit_status;
};

static void usage_error(const struct refd *r, const char *msg, const char *extra)
{
	fprintf(stderr, "Error: %s\nFor help, use %s -h\n", msg, r->progname);
	if (extra) fprintf(stderr, "%s\n", extra);
	exit(EXIT_USAGE);
}

static const char *tmpdir(void)
{
	const char *vars[] = {"TMPDIR", "TEMP", "TMP"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v && access(v, W_OK) == 0) return v;
	}
	return "/tmp";
}

/* cli.md §5: the first of supervisord's search paths that exists. */
static char *search_config(const struct refd *r, struct buf *tried)
{
	char *d1 = xstrdup(r->progname);
	char *slash = strrchr(d1, '/');
	if (slash) *slash = '\0';
	else d1[0] = '\0';
	slash = strrchr(d1, '/');
	if (slash) *slash = '\0';
	else d1[0] = '\0';
	char *paths[6];
	paths[0] = *d1 ? xasprintf("%s/etc/supervisord.conf", d1) : xstrdup("etc/supervisord.conf");
	paths[1] = *d1 ? xasprintf("%s/supervisord.conf", d1) : xstrdup("supervisord.conf");
	paths[2] = xstrdup("supervisord.conf");
	paths[3] = xstrdup("etc/supervisord.conf");
	paths[4] = xstrdup("/etc/supervisord.conf");
	paths[5] = xstrdup("/etc/supervisor/supervisord.conf");
	free(d1);
	char *found = NULL;
	for (int i = 0; i < 6; i++) {
		if (i) buf_puts(tried, ", ");
		buf_puts(tried, paths[i]);
		if (!found && access(paths[i], F_OK) == 0) found = xstrdup(paths[i]);
	}
	for (int i = 0; i < 6; i++) free(paths[i]);
	return found;
}

/* Load the configuration the command line names. Returns NULL and fills
 * errs when it is bad. */
static struct conf *load_config(struct refd *r, bool check_all, struct conf_errors *errs)
{
	memset(errs, 0, sizeof *errs);
	if (r->cli.builtin_config) {
		char *text = conf_builtin_text(tmpdir());
		struct conf *c = conf_load_text("<built-in>", text, strlen(text), &r->cli.over, NULL,
		                                check_all, errs);
		free(text);
		return c;
	}
	return conf_load(r->cli.configfile, &r->cli.over, NULL, check_all, errs);
}

/* The sup's way to read the configuration again (reloadConfig, restart). */
static struct conf *reload(void *ctx, char **err)
{
	struct refd *r = ctx;
	struct conf_errors errs;
	struct conf *c = load_config(r, false, &errs);
	if (!c) {
		*err = errs.n ? xstrdup(errs.v[0].message) : xstrdup("unknown configuration error");
		conf_errors_free(&errs);
	}
	return c;
}

static void report_config_errors(const struct conf_errors *errs, FILE *to)
{
	for (size_t i = 0; i < errs->n; i++) {
		char *text = conf_error_format(&errs->v[i]);
		fprintf(to, "%s\n", text);
		free(text);
	}
}

/* ---- privileges and limits ------------------------------------------------ */

static int drop_privileges(uid_t uid, char **why)
{
	if (uid == getuid()) return 0;
	if (getuid() != 0) { *why = xstrdup("Can't drop privilege as nonroot user"); return -1; }
	struct passwd *pw = getpwuid(uid);
	gid_t gid = pw ? pw->pw_gid : (gid_t)uid;
	if (pw && initgroups(pw->pw_name, gid) < 0) {
		*why = xstrdup("Could not set groups of effective user");
		return -1;
	}
	if (setgid(gid) < 0) { *why = xstrdup("Could not set group id of effective user"); return -1; }
	if (setuid(uid) < 0) { *why = xasprintf("Could not set user id of effective user"); return -1; }
	return 0;
}

static void raise_limit(struct refd *r, int resource, long long min, const char *name,
                        const char *what, const char *option)
{
	struct rlimit rl;
	if (getrlimit(resource, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || (long long)rl.rlim_cur >= min)
		return;
	struct rlimit want = rl;
	want.rlim_cur = (rlim_t)min;
	if (rl.rlim_max != RLIM_INFINITY && (long long)rl.rlim_max < min) want.rlim_max = (rlim_t)min;
	if (setrlimit(resource, &want) == 0) {
		mainlog_log(&r->log, LVL_INFO, "Increased %s limit to %lld", name, min);
		return;
	}
	char *msg = xasprintf("The minimum number of %s required to run this process is %lld as per "
	                      "the \"%s\" command-line argument or config file setting. The current "
	                      "environment will only allow you to open %llu %s.  Either raise the "
	                      "number of usable %s in your environment (see README.rst) or lower the "
	                      "%s setting in the config file to allow the process to start.",
	                      what, min, option, (unsigned long long)rl.rlim_max, what, what, option);
	usage_error(r, msg, NULL);
}

/* ---- pidfile ----------------------------------------------------------------- */

static void write_pidfile(struct refd *r)
{
	const char *path = r->conf->sd.pidfile;
	FILE *f = path ? fopen(path, "w") : NULL;
	bool ok = f && fprintf(f, "%d\n", (int)getpid()) > 0;
	if (f && fclose(f) != 0) ok = false;
	if (!ok) {
		mainlog_log(&r->log, LVL_CRIT, "could not write pidfile %s", path ? path : "");
		return;
	}
	free(r->pidfile);
	r->pidfile = xstrdup(path);
	r->wrote_pidfile = true;
	mainlog_log(&r->log, LVL_INFO, "supervisord started with pid %d", (int)getpid());
}

static void remove_pidfile(struct refd *r)
{
	if (r->wrote_pidfile) unlink(r->pidfile);
	r->wrote_pidfile = false;
}

/* ---- bring-up and tear-down ------------------------------------------------------ */

static void flush_parse_messages(struct refd *r)
{
	static const int order[] = {LVL_CRIT, LVL_WARN, LVL_INFO};
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < r->conf->n_msgs; i++)
			if (r->conf->msgs[i].level == order[k])
				mainlog_log(&r->log, order[k], "%s", r->conf->msgs[i].text);
}

/* Everything that lives for one configuration: the groups, the rpc
 * namespaces and the servers (lifecycle.md §11 steps 6-8). */
static int bring_up(struct refd *r, char **err)
{
	sup_configure(r->sup, r->conf);
	sup_cleanup_childlogs(r->sup);
	sup_activate(r->sup);
	r->rpc = rpc_new(r->sup, r->conf);
	http_set_rpc(r->http, r->rpc);
	if (http_open(r->http, r->conf, err) < 0) return -1;
	return 0;
}

static void tear_down(struct refd *r)
{
	http_close(r->http);
	http_set_rpc(r->http, NULL);
	rpc_free(r->rpc);
	r->rpc = NULL;
	sup_deactivate(r->sup);
}

static void open_main_log(struct refd *r)
{
	const struct conf_supervisord *sd = &r->conf->sd;
	if (r->log.is_open) mainlog_close(&r->log);   /* a restart; keeps nothing queued */
	r->log.level = sd->loglevel;
	if (mainlog_open(&r->log, sd->logfile, sd->logfile_maxbytes, sd->logfile_backups,
	                 sd->nodaemon && !sd->silent, &r->hub) < 0)
		fprintf(stderr, "refd: cannot open main log %s: %s\n", sd->logfile, strerror(errno));
}

/* Every process has stopped after a shutdown or restart request. */
static void on_stopped(struct sup *s, void *ctx)
{
	struct refd *r = ctx;
	struct conf *next = sup_take_next_conf(s);
	if (sup_state(s) == SUP_SHUTDOWN || !next) {
		if (next) conf_free(next);
		ev_break(r->loop, EVBREAK_ALL);
		return;
	}
	/* Restart: the same process starts over on the configuration that was
	 * read and validated when the restart was asked for. */
	tear_down(r);
	remove_pidfile(r);
	sup_configure(r->sup, NULL);
	conf_free(r->conf);
	r->conf = next;
	open_main_log(r);
	flush_parse_messages(r);
	sup_set_running(s);
	char *err = NULL;
	if (bring_up(r, &err) < 0) {
		mainlog_log(&r->log, LVL_CRIT, "%s", err);
		free(err);
		r->exit_status = EXIT_USAGE;
		sup_request_shutdown(s);
		return;
	}
	write_pidfile(r);
}

/* ---- signals --------------------------------------------------------------------- */

static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct refd *r = w->data;
	int sig = w->signum;
	const char *name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT"
	                 : sig == SIGQUIT ? "SIGQUIT" : sig == SIGHUP ? "SIGHUP"
	                 : sig == SIGUSR2 ? "SIGUSR2" : "SIGCHLD";
	switch (sig) {
	case SIGTERM:
	case SIGINT:
	case SIGQUIT:
		mainlog_log(&r->log, LVL_WARN, "received %s indicating exit request", name);
		sup_request_shutdown(r->sup);
		break;
	case SIGHUP:
		if (sup_state(r->sup) == SUP_SHUTDOWN) {
			mainlog_log(&r->log, LVL_WARN,
			            "ignored SIGHUP indicating restart request (shutdown in progress)");
			break;
		}
		mainlog_log(&r->log, LVL_WARN, "received SIGHUP indicating restart request");
		char *err = NULL;
		struct conf *next = reload(r, &err);
		if (!next) {
			/* refd: a broken config never takes the daemon down (config.md §12). */
			mainlog_log(&r->log, LVL_CRIT, "restart refused, the configuration is invalid: %s", err);
			free(err);
			break;
		}
		sup_request_restart(r->sup, next);
		break;
	case SIGUSR2:
		mainlog_log(&r->log, LVL_INFO, "received SIGUSR2 indicating log reopen request");
		mainlog_log(&r->log, LVL_INFO, "supervisord logreopen");
		mainlog_reopen(&r->log);
		sup_reopen_logs(r->sup);
		break;
	case SIGCHLD:
		mainlog_log(&r->log, LVL_DEBG, "received SIGCHLD indicating a child quit");
		break;
	}
}

static void start_signals(struct refd *r)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2, SIGCHLD};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		ev_signal_init(&r->sigs[i], signal_cb, sigs[i]);
		r->sigs[i].data = r;
		ev_signal_start(r->loop, &r->sigs[i]);
	}
}

static void stop_signals(struct refd *r)
{
	for (size_t i = 0; i < sizeof r->sigs / sizeof r->sigs[0]; i++)
		ev_signal_stop(r->loop, &r->sigs[i]);
}

/* ---- daemonizing --------------------------------------------------------------------- */

static void daemonize(struct refd *r)
{
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "refd: cannot fork to daemonize: %s\n", strerror(errno));
		exit(EXIT_INTERNAL);
	}
	if (pid > 0) _exit(EXIT_OK);
	ev_loop_fork(r->loop);
	mainlog_log(&r->log, LVL_INFO, "daemonizing the supervisord process");
	const char *dir = r->conf->sd.directory;
	if (dir) {
		if (chdir(dir) < 0)
			mainlog_log(&r->log, LVL_CRIT, "can't chdir into '%s': %s", dir, strerror(errno));
		else
			mainlog_log(&r->log, LVL_INFO, "set current directory: '%s'", dir);
	}
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2) close(fd);
	}
	setsid();
	umask((mode_t)r->conf->sd.umask);
}

static void libev_syserr(const char *msg)
{
	/* libev would abort() silently; say why first. */
	fprintf(stderr, "refd: libev: %s: %s\n", msg, strerror(errno));
	abort();
}

int main(int argc, char **argv)
{
	struct refd r;
	memset(&r, 0, sizeof r);
	r.progname = argv[0];
	ev_set_syserr_cb(libev_syserr);

	cli_parse(&r.cli, argc, argv);
	switch (r.cli.action) {
	case CLI_HELP: {
		char *help = cli_help_text(r.progname);
		fputs(help, stdout);
		free(help);
		cli_free(&r.cli);
		return EXIT_OK;
	}
	case CLI_VERSION:
		printf("%s\n", REFD_VERSION);
		cli_free(&r.cli);
		return EXIT_OK;
	case CLI_ERROR:
		usage_error(&r, r.cli.error, NULL);
		break;
	case CLI_RUN:
		break;
	}
	if (r.cli.print_config) {
		char *text = conf_sample_text();
		fputs(text, stdout);
		free(text);
		cli_free(&r.cli);
		return EXIT_OK;
	}
	if (!r.cli.builtin_config && !r.cli.configfile) {
		struct buf tried = BUF_INIT;
		char *found = search_config(&r, &tried);
		if (!found) {
			char *msg = xasprintf("No config file found at default paths (%s); use the -c option "
			                      "to specify a config file at a different path", buf_cstr(&tried));
			usage_error(&r, msg, "refd: to try refd without a config file, run: refd --builtin-config");
		}
		if (getuid() == 0)
			fprintf(stderr, "refd: warning: running as root and searching for the config file "
			                "(found %s); it is safer to pass -c with an absolute path\n", found);
		r.cli.configfile = found;
		r.cli.storage[r.cli.n_storage++] = found;
		buf_free(&tried);
	}

	struct conf_errors errs;
	r.conf = load_config(&r, r.cli.check_config, &errs);
	if (r.cli.check_config) {
		if (!r.conf) {
			report_config_errors(&errs, stderr);
			conf_errors_free(&errs);
			cli_free(&r.cli);
			return EXIT_USAGE;
		}
		printf("configuration OK\n");
		conf_free(r.conf);
		cli_free(&r.cli);
		return EXIT_OK;
	}
	if (!r.conf) {
		char *text = errs.n ? conf_error_format(&errs.v[0]) : xstrdup("unknown configuration error");
		char *nl = strchr(text, '\n');
		if (nl) *nl = '\0';
		usage_error(&r, text, nl ? nl + 1 : NULL);
	}

	/* cli.md §3: the user, then privileges and limits. */
	mainlog_init(&r.log, r.conf->sd.loglevel);
	logwatch_hub_init(&r.hub);
	if (r.conf->sd.has_uid) {
		/* conf_load resolved the user (cli.md §3); drop to it now. */
		char *why = NULL;
		if (drop_privileges(r.conf->sd.uid, &why) < 0) usage_error(&r, why, NULL);
		mainlog_log(&r.log, LVL_INFO, "Set uid to user %d succeeded", (int)r.conf->sd.uid);
	} else if (getuid() == 0) {
		mainlog_log(&r.log, LVL_CRIT,
		            "Supervisor is running as root.  Privileges were not dropped because no user "
		            "is specified in the config file.  If you intend to run as root, you can set "
		            "user=root in the config file to avoid this message.");
	}
	if (r.cli.builtin_config)
		mainlog_log(&r.log, LVL_WARN,
		            "running on the built-in configuration: the listener on 127.0.0.1:9001 has no "
		            "password, so any local user can control refd and, through the twiddler, run "
		            "commands as this user (see docs/security.md)");
	raise_limit(&r, RLIMIT_NOFILE, r.conf->sd.minfds, "RLIMIT_NOFILE", "file descriptors", "minfds");
	raise_limit(&r, RLIMIT_NPROC, r.conf->sd.minprocs, "RLIMIT_NPROC",
	            "available processes", "minprocs");
	signal(SIGPIPE, SIG_IGN);

	r.loop = ev_default_loop(EVFLAG_AUTO);
	r.sup = sup_new(r.loop, &r.log, &r.hub);
	r.bus = evbus_new(r.loop);
	r.events = evhub_new(r.sup, r.bus);
	struct sup_hooks hooks;
	evhub_hooks(r.events, &hooks);
	sup_set_hooks(r.sup, &hooks);
	sup_on_stopped(r.sup, on_stopped, &r);
	sup_set_reloader(r.sup, reload, &r);
	r.http = http_new(r.loop, r.sup, &r.log);
	open_main_log(&r);
	flush_parse_messages(&r);

	char *err = NULL;
	if (bring_up(&r, &err) < 0) usage_error(&r, err, NULL);
	start_signals(&r);
	if (!r.conf->sd.nodaemon) daemonize(&r);
	write_pidfile(&r);

	ev_run(r.loop, 0);

	stop_signals(&r);
	tear_down(&r);
	remove_pidfile(&r);
	http_free(r.http);
	evhub_free(r.events);
	evbus_free(r.bus);
	sup_configure(r.sup, NULL);
	sup_free(r.sup);
	mainlog_close(&r.log);
	conf_free(r.conf);
	cli_free(&r.cli);
	free(r.pidfile);
	ev_loop_destroy(r.loop);
	return r.exit_status;
}
