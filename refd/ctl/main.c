/* main.c — refctl's command line: supervisorctl's options and config
 * lookup, one command per run (or an interactive loop), its exit codes. */
#include "ctl.h"
#include "lib/mem.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog = "refctl";

static void usage_exit(const char *msg)
{
	fprintf(stderr, "Error: %s\nFor help, use %s -h\n", msg, prog);
	exit(EX_INVALID_ARGS);
}

static void print_commands(FILE *f, const struct ctl_command *t)
{
	for (; t->name; t++) {
		const char *h = t->help;
		while (*h) {
			const char *nl = strchr(h, '\n');
			size_t n = nl ? (size_t)(nl - h) : strlen(h);
			fprintf(f, "  %.*s\n", (int)n, h);
			h += n + (nl ? 1 : 0);
		}
	}
}

static void help(void)
{
	printf("refctl -- control a running refd (or any supervisord) from the shell.\n\n"
	       "Usage: %s [options] [command [args...]]\n\n"
	       "Options:\n"
	       "-c/--configuration FILE -- the configuration file ([supervisorctl] section:\n"
	       "                           serverurl, username, password)\n"
	       "-s/--serverurl URL      -- URL of the server (default http://localhost:9001;\n"
	       "                           unix:///path/to.sock for a unix socket)\n"
	       "-u/--username USER      -- username for HTTP basic authentication\n"
	       "-p/--password PASS      -- password for HTTP basic authentication\n"
	       "-i/--interactive        -- read commands from standard input\n"
	       "-h/--help               -- print this message\n\n"
	       "Commands (the output and exit codes are supervisorctl's):\n", prog);
	print_commands(stdout, ctl_commands);
	printf("\nTwiddler commands (need [rpcinterface:twiddler] on the server):\n");
	print_commands(stdout, ctl_twiddler_commands);
	printf("\nExit codes: 0 success; 1 a failed action or call; 2 a usage error;\n"
	       "3/4 from status when a process is not running / unknown; 7 when a\n"
	       "process could not be started or is not running.\n");
}

static const struct ctl_command *find(const char *name)
{
	for (const struct ctl_command *t = ctl_commands; t->name; t++)
		if (strcmp(t->name, name) == 0) return t;
	for (const struct ctl_command *t = ctl_twiddler_commands; t->name; t++)
		if (strcmp(t->name, name) == 0) return t;
	return NULL;
}

static void run_command(struct ctl *c, int argc, char **argv)
{
	const struct ctl_command *cmd = find(argv[0]);
	if (!cmd) {
		printf("*** Unknown syntax: ");
		for (int i = 0; i < argc; i++) printf("%s%s", i ? " " : "", argv[i]);
		printf("\n");
		c->exitstatus = EX_GENERIC;
		return;
	}
	cmd->fn(c, argc - 1, argv + 1);
	fflush(stdout);
}

/* The interactive loop: one command per line until EOF, quit or exit. */
static void interactive(struct ctl *c)
{
	char line[4096];
	for (;;) {
		if (isatty(STDIN_FILENO)) {
			printf("refctl> ");
			fflush(stdout);
		}
		if (!fgets(line, sizeof line, stdin)) break;
		char *words[256];
		int n = 0;
		for (char *tok = strtok(line, " \t\r\n"); tok && n < 256; tok = strtok(NULL, " \t\r\n"))
			words[n++] = tok;
		if (n == 0) continue;
		if (strcmp(words[0], "quit") == 0 || strcmp(words[0], "exit") == 0) break;
		if (strcmp(words[0], "help") == 0) {
			print_commands(stdout, ctl_commands);
			print_commands(stdout, ctl_twiddler_commands);
			continue;
		}
		run_command(c, n, words);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"configuration", required_argument, NULL, 'c'},
		{"serverurl", required_argument, NULL, 's'},
		{"username", required_argument, NULL, 'u'},
		{"password", required_argument, NULL, 'p'},
		{"interactive", no_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	prog = argv[0];
	struct ctl c;
	memset(&c, 0, sizeof c);
	const char *config = NULL;
	bool want_interactive = false;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, "+c:s:u:p:ih?", longopts, NULL)) != -1) {
		switch (o) {
		case 'c': config = optarg; break;
		case 's': free(c.opt.serverurl); c.opt.serverurl = xstrdup(optarg); break;
		case 'u': free(c.opt.username); c.opt.username = xstrdup(optarg); break;
		case 'p': free(c.opt.password); c.opt.password = xstrdup(optarg); break;
		case 'i': want_interactive = true; break;
		case 'h': help(); return 0;
		default: {
			char msg[128];
			if (optopt) snprintf(msg, sizeof msg, "option -%c not recognized", optopt);
			else snprintf(msg, sizeof msg, "option %s not recognized", argv[optind - 1]);
			if (optopt == '?') { help(); return 0; }
			usage_exit(msg);
		}
		}
	}
	char *found = NULL;
	if (!config) config = found = ctl_find_config(argv[0]);
	if (config) {
		char *err = NULL;
		if (ctl_read_config(config, &c.opt, &err) < 0) usage_exit(err);
	}
	free(found);
	if (!c.opt.serverurl) c.opt.serverurl = xstrdup("http://localhost:9001");
	char why[256];
	if (rc_url_parse(c.opt.serverurl, &c.url, why, sizeof why) < 0) {
		char *msg = xasprintf("value '%s' is not a URL", c.opt.serverurl);
		usage_exit(msg);
	}
	rc_rpc_init(256u << 20);
	/* Waited starts and stops answer when they are done: no short timeout. */
	c.conn = rc_conn_new(&c.url, 3600 * 1000, 0);
	/* Credentials go only with both a username and a password, as
	 * supervisorctl's transport sends them. */
	if (c.opt.username && c.opt.password) rc_conn_set_auth(c.conn, c.opt.username, c.opt.password);

	if (optind < argc) run_command(&c, argc - optind, argv + optind);
	if (optind >= argc || want_interactive) {
		c.interactive = true;
		interactive(&c);
	}
	rc_conn_free(c.conn);
	free(c.opt.serverurl);
	free(c.opt.username);
	free(c.opt.password);
	return c.exitstatus;
}
