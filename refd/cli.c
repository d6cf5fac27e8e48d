/* cli.c — the command line (see cli.h). */
#include "cli.h"
#include "conf/value.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"

#include <stdlib.h>
#include <string.h>

/* ---- value checks (cli.md §1): the config's own value parsers ----------- */

static char *check_octal(const char *v)
{
	long long x;
	char *err = NULL;
	return conf_v_octal(v, &x, &err) < 0 ? err : NULL;
}

static char *check_existing_directory(const char *v)
{
	char *out = NULL, *err = NULL;
	int rc = conf_v_existing_dir(v, getenv("HOME"), &out, &err);
	free(out);
	return rc < 0 ? err : NULL;
}

static char *check_dirpath(const char *v)
{
	char *out = NULL, *err = NULL;
	int rc = conf_v_dirpath(v, getenv("HOME"), &out, &err);
	free(out);
	return rc < 0 ? err : NULL;
}

static char *check_integer(const char *v)
{
	long long x;
	char *err = NULL;
	return conf_v_int(v, &x, &err) < 0 ? err : NULL;
}

static char *check_byte_size(const char *v)
{
	long long x;
	char *err = NULL;
	return conf_v_byte_size(v, &x, &err) < 0 ? err : NULL;
}

static char *check_loglevel(const char *v)
{
	int x;
	char *err = NULL;
	return conf_v_loglevel(v, &x, &err) < 0 ? err : NULL;
}

static char *check_anything(const char *v)
{
	return NULL;    /* profile_options: accepted and ignored */
}

enum field {
	F_NONE, F_CONFIG, F_NODAEMON, F_USER, F_UMASK, F_DIRECTORY, F_LOGFILE, F_MAXBYTES,
	F_BACKUPS, F_LOGLEVEL, F_PIDFILE, F_IDENTIFIER, F_CHILDLOGDIR, F_MINFDS, F_MINPROCS,
	F_NOCLEANUP, F_STRIP_ANSI, F_PROFILE, F_SILENT, F_HELP, F_VERSION,
};

struct opt {
	char shortc;                /* 0 = none */
	const char *longname;       /* without "--"; NULL = none */
	bool has_arg;
	enum field field;
	cli_check_fn check;
	const char *metavar;
	const char *help;
};

/* supervisord's options, in its order (the -h text lists them so). */
static const struct opt opts[] = {
	{'h', "help", false, F_HELP, NULL, NULL, "print this usage message and exit"},
	{'?', NULL, false, F_HELP, NULL, NULL, NULL},
	{'c', "configuration", true, F_CONFIG, NULL, "FILENAME", "configuration file path (searches if not given)"},
	{'v', "version", false, F_VERSION, NULL, NULL, "print refd's version number and exit"},
	{'n', "nodaemon", false, F_NODAEMON, NULL, NULL, "run in the foreground (same as 'nodaemon=true' in config file)"},
	{'u', "user", true, F_USER, NULL, "USER", "run as this user (or numeric uid)"},
	{'m', "umask", true, F_UMASK, check_octal, "UMASK", "use this umask for daemon subprocess (default is 022)"},
	{'d', "directory", true, F_DIRECTORY, check_existing_directory, "DIRECTORY", "directory to chdir to when daemonized"},
	{'l', "logfile", true, F_LOGFILE, check_dirpath, "FILENAME", "use FILENAME as logfile path"},
	{'y', "logfile_maxbytes", true, F_MAXBYTES, check_byte_size, "BYTES", "use BYTES to limit the max size of logfile"},
	{'z', "logfile_backups", true, F_BACKUPS, check_integer, "NUM", "number of backups to keep when max bytes reached"},
	{'e', "loglevel", true, F_LOGLEVEL, check_loglevel, "LEVEL", "use LEVEL as log level (debug,info,warn,error,critical)"},
	{'j', "pidfile", true, F_PIDFILE, check_dirpath, "FILENAME", "write a pid file for the daemon process to FILENAME"},
	{'i', "identifier", true, F_IDENTIFIER, NULL, "STR", "identifier used for this instance of supervisord"},
	{'q', "childlogdir", true, F_CHILDLOGDIR, check_existing_directory, "DIRECTORY", "the log directory for child process logs"},
	{'a', "minfds", true, F_MINFDS, check_integer, "NUM", "the minimum number of file descriptors for start success"},
	{0, "minprocs", true, F_MINPROCS, check_integer, "NUM", "the minimum number of processes available for start success"},
	{'k', "nocleanup", false, F_NOCLEANUP, NULL, NULL, "prevent the process from performing cleanup (removal of old automatic child log files) at startup."},
	{'t', "strip_ansi", false, F_STRIP_ANSI, NULL, NULL, "strip ansi escape codes from process output"},
	{0, "profile_options", true, F_PROFILE, check_anything, "LIST", "accepted for compatibility and ignored"},
	{'s', "silent", false, F_SILENT, NULL, NULL, "no logs to stdout (maps to 'silent=true' in config file)"},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

/* refd's own flags: exact matches only, never prefixes. */
static const char *const own_flags[] = {"--builtin-config", "--print-config", "--check-config"};

struct parsed {
	const struct opt *o;
	char *typed;                /* the option as getopt reports it: "-c" or "--configuration" */
	char *arg;
};

static char *keep(struct cli *cli, char *s)
{
	if (cli->n_storage < (int)(sizeof cli->storage / sizeof cli->storage[0]))
		cli->storage[cli->n_storage++] = s;
	return s;
}

static void fail(struct cli *cli, char *msg)
{
	if (cli->action == CLI_ERROR) { free(msg); return; }
	cli->action = CLI_ERROR;
	cli->error = msg;
}

static const struct opt *find_short(char c)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (opts[i].shortc == c) return &opts[i];
	return NULL;
}

/* Python getopt's long_has_args: an exact name wins, else a unique prefix. */
static const struct opt *find_long(struct cli *cli, const char *name)
{
	const struct opt *match = NULL;
	size_t n = strlen(name);
	int count = 0;
	for (size_t i = 0; i < N_OPTS; i++) {
		if (!opts[i].longname || strncmp(opts[i].longname, name, n) != 0) continue;
		if (strcmp(opts[i].longname, name) == 0) return &opts[i];
		match = &opts[i];
		count++;
	}
	if (count == 0) fail(cli, xasprintf("option --%s not recognized", name));
	else if (count > 1) fail(cli, xasprintf("option --%s not a unique prefix", name));
	return count == 1 ? match : NULL;
}

static void python_list(struct buf *b, char **items, int n)
{
	buf_putc(b, '[');
	for (int i = 0; i < n; i++) {
		if (i) buf_puts(b, ", ");
		py_repr(b, items[i], strlen(items[i]));
	}
	buf_putc(b, ']');
}

static const char **field_slot(struct cli *cli, enum field f)
{
	struct conf_cli *o = &cli->over;
	switch (f) {
	case F_CONFIG: return &cli->configfile;
	case F_USER: return &o->user;
	case F_UMASK: return &o->umask;
	case F_DIRECTORY: return &o->directory;
	case F_LOGFILE: return &o->logfile;
	case F_MAXBYTES: return &o->logfile_maxbytes;
	case F_BACKUPS: return &o->logfile_backups;
	case F_LOGLEVEL: return &o->loglevel;
	case F_PIDFILE: return &o->pidfile;
	case F_IDENTIFIER: return &o->identifier;
	case F_CHILDLOGDIR: return &o->childlogdir;
	case F_MINFDS: return &o->minfds;
	case F_MINPROCS: return &o->minprocs;
	case F_PROFILE: return &cli->profile_options;
	default: return NULL;
	}
}

static bool *flag_slot(struct cli *cli, enum field f)
{
	switch (f) {
	case F_NODAEMON: return &cli->over.nodaemon;
	case F_NOCLEANUP: return &cli->over.nocleanup;
	case F_STRIP_ANSI: return &cli->over.strip_ansi;
	case F_SILENT: return &cli->over.silent;
	default: return NULL;
	}
}

/* Apply the options in command-line order (cli.md §2). */
static void apply(struct cli *cli, struct parsed *p, int n)
{
	bool seen[F_VERSION + 1] = {false};
	for (int i = 0; i < n && cli->action == CLI_RUN; i++) {
		const struct opt *o = p[i].o;
		if (o->field == F_HELP) { cli->action = CLI_HELP; return; }
		if (o->field == F_VERSION) { cli->action = CLI_VERSION; return; }
		if (o->check) {
			char *why = o->check(p[i].arg);
			if (why) {
				struct buf b = BUF_INIT;
				buf_printf(&b, "invalid value for %s ", p[i].typed);
				py_repr(&b, p[i].arg, strlen(p[i].arg));
				buf_printf(&b, ": %s", why);
				free(why);
				fail(cli, buf_steal(&b));
				return;
			}
		}
		if (seen[o->field]) {
			struct buf b = BUF_INIT;
			buf_puts(&b, "conflicting command line option ");
			py_repr(&b, p[i].typed, strlen(p[i].typed));
			fail(cli, buf_steal(&b));
			return;
		}
		seen[o->field] = true;
		bool *flag = flag_slot(cli, o->field);
		const char **slot = field_slot(cli, o->field);
		if (flag) *flag = true;
		else if (slot) *slot = p[i].arg;
	}
}

void cli_parse(struct cli *cli, int argc, char **argv)
{
	memset(cli, 0, sizeof *cli);
	cli->action = CLI_RUN;
	/* Take refd's own exact flags out first, up to "--". */
	char **args = xcalloc((size_t)argc + 1, sizeof *args);
	int nargs = 0;
	bool after_dashdash = false;
	for (int i = 1; i < argc; i++) {
		if (!after_dashdash) {
			if (strcmp(argv[i], "--") == 0) after_dashdash = true;
			else if (strcmp(argv[i], own_flags[0]) == 0) { cli->builtin_config = true; continue; }
			else if (strcmp(argv[i], own_flags[1]) == 0) { cli->print_config = true; continue; }
			else if (strcmp(argv[i], own_flags[2]) == 0) { cli->check_config = true; continue; }
		}
		args[nargs++] = argv[i];
	}

	struct parsed *p = xcalloc((size_t)nargs * 2 + 1, sizeof *p);
	int np = 0, i = 0;
	while (i < nargs && cli->action == CLI_RUN && args[i][0] == '-' && args[i][1] != '\0') {
		char *a = args[i++];
		if (strcmp(a, "--") == 0) break;
		if (a[1] == '-') {
			char *name = keep(cli, xstrdup(a + 2));
			char *eq = strchr(name, '=');
			char *val = NULL;
			if (eq) { *eq = '\0'; val = eq + 1; }
			const struct opt *o = find_long(cli, name);
			if (!o) break;
			if (o->has_arg && !val) {
				if (i >= nargs) { fail(cli, xasprintf("option --%s requires argument", o->longname)); break; }
				val = args[i++];
			} else if (!o->has_arg && val) {
				fail(cli, xasprintf("option --%s must not have an argument", o->longname));
				break;
			}
			p[np].o = o;
			p[np].typed = keep(cli, xasprintf("--%s", o->longname));
			p[np].arg = val ? val : (char *)"";
			np++;
		} else {
			for (char *s = a + 1; *s && cli->action == CLI_RUN; s++) {
				const struct opt *o = *s == ':' ? NULL : find_short(*s);
				if (!o) { fail(cli, xasprintf("option -%c not recognized", *s)); break; }
				char *val = (char *)"";
				if (o->has_arg) {
					if (s[1]) val = s + 1;
					else if (i < nargs) val = args[i++];
					else { fail(cli, xasprintf("option -%c requires argument", *s)); break; }
				}
				p[np].o = o;
				p[np].typed = keep(cli, xasprintf("-%c", *s));
				p[np].arg = val;
				np++;
				if (o->has_arg) break;
			}
		}
	}
	if (cli->action == CLI_RUN && i < nargs) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "positional arguments are not supported: ");
		python_list(&b, args + i, nargs - i);
		fail(cli, buf_steal(&b));
	}
	if (cli->action == CLI_RUN) apply(cli, p, np);
	free(p);
	free(args);
}

void cli_free(struct cli *cli)
{
	free(cli->error);
	for (int i = 0; i < cli->n_storage; i++) free(cli->storage[i]);
	memset(cli, 0, sizeof *cli);
}

char *cli_help_text(const char *progname)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "refd -- a supervisord-compatible process control daemon.\n\n"
	               "Usage: %s [options]\n\nOptions:\n", progname);
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt *o = &opts[i];
		if (!o->help) continue;
		struct buf name = BUF_INIT;
		if (o->shortc && o->longname) buf_printf(&name, "-%c/--%s", o->shortc, o->longname);
		else if (o->shortc) buf_printf(&name, "-%c", o->shortc);
		else buf_printf(&name, "--%s", o->longname);
		if (o->field == F_HELP) buf_puts(&name, "/-?");
		if (o->metavar) buf_printf(&name, " %s", o->metavar);
		buf_printf(&b, "%s -- %s\n", buf_cstr(&name), o->help);
		buf_free(&name);
	}
	buf_puts(&b, "\nrefd's own options (exact spelling only):\n"
	             "--builtin-config -- run on the built-in configuration (loopback, no auth: a try-it mode)\n"
	             "--print-config -- print a commented configuration to start from, and exit\n"
	             "--check-config -- parse and validate the configuration, print \"configuration OK\" or\n"
	             "    every error found, and exit\n");
	return buf_steal(&b);
}
