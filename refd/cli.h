/* cli.h — supervisord's command line (cli.md), parsed with Python getopt's
 * rules (clustered short options, unique long prefixes, stop at the first
 * word that is not an option), plus refd's own long flags, which match
 * only exactly and take no part in prefix matching. */
#ifndef REFD_CLI_H
#define REFD_CLI_H

#include <stdbool.h>

#include "conf/config.h"

enum cli_action {
	CLI_RUN,                    /* start the daemon */
	CLI_HELP,                   /* -h: print cli_help_text, exit 0 */
	CLI_VERSION,                /* -v: print the version, exit 0 */
	CLI_ERROR,                  /* usage error: message in cli.error, exit 2 */
};

struct cli {
	enum cli_action action;
	char *error;                /* CLI_ERROR: the text after "Error: " */
	const char *configfile;     /* -c, or NULL */
	struct conf_cli over;       /* values that override the file */
	const char *profile_options;
	bool builtin_config;        /* --builtin-config */
	bool print_config;          /* --print-config */
	bool check_config;          /* --check-config */
	char *storage[32];          /* strings owned by the parse */
	int n_storage;
};

/* Value checks for options that take one (cli.md §1). Each returns NULL
 * when the value is good, else the reason (caller frees), worded as
 * supervisord words it. The config parser supplies them. */
typedef char *(*cli_check_fn)(const char *value);

/* Parse argv[1..argc). */
void cli_parse(struct cli *cli, int argc, char **argv);
void cli_free(struct cli *cli);
/* The -h text for progname. Caller frees. */
char *cli_help_text(const char *progname);

#endif
