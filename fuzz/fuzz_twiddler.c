/* fuzz_twiddler.c — twiddler's option struct turned into program configs
 * (conf_program_from_kv, the addProgramToGroup path), then what the
 * daemon does with a new process before it forks: resolve the command
 * and build the environment.
 *
 * Input: NUL-separated fields: group name, program name, then key and
 * value pairs (a value may hold any byte but NUL, newlines included: an
 * XML-RPC string can). The base configuration is fixed text with an
 * environment and %(here)s, loaded once: it is never modified. */
#include "harness.h"
#include "conf/config.h"
#include "core/spawn.h"

#include <stdlib.h>
#include <string.h>

static const char base_text[] =
	"[supervisord]\n"
	"logfile = /tmp/refd-fuzz.log\n"
	"identifier = fuzz\n"
	"environment = BASE=\"1\",PATHX=\"/opt/bin\"\n"
	"[inet_http_server]\n"
	"port = 127.0.0.1:9001\n"
	"[rpcinterface:twiddler]\n"
	"supervisor.rpcinterface_factory = supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface\n";

static char *fake_environ[] = {
	"HOME=/root", "PATH=/usr/bin:/bin", "USER=root", "ENV_LIKE=x", "LANG=C.UTF-8", NULL,
};

static struct conf *base;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct conf_env_src src = {
		.environ = fake_environ, .host_node_name = "fuzzhost", .cwd = "/etc/refd",
	};
	base = conf_load_text("/etc/refd/supervisord.conf", base_text, sizeof base_text - 1,
	                      NULL, &src, false, NULL);
	if (!base) abort();
	return 0;
}

/* The next NUL-terminated field, or NULL at the end. */
static const char *field(const char **p, const char *end)
{
	if (*p >= end) return NULL;
	const char *f = *p;
	const char *nul = memchr(f, '\0', (size_t)(end - f));
	*p = nul + 1;
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy with a NUL after it, so that the last field ends too. */
	char *copy = malloc(size + 1);
	if (!copy) return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	const char *p = copy, *end = copy + size + 1;
	const char *group = field(&p, end), *program = field(&p, end);
	if (!group || !program) {
		free(copy);
		return 0;
	}
	struct conf_kv opts = {0};
	for (;;) {
		const char *k = field(&p, end), *v = field(&p, end);
		if (!k || !v) break;
		conf_kv_set(&opts, k, v);
	}

	struct conf_proc **procs = NULL;
	size_t n = 0;
	char *err = NULL;
	if (conf_program_from_kv(base, group, program, &opts, &procs, &n, &err) == 0) {
		if (!procs || err) abort();
		for (size_t i = 0; i < n; i++) {
			struct spawn_cmd cmd;
			char *why = NULL;
			if (spawn_resolve(procs[i], &cmd, &why) == SPAWN_OK) spawn_cmd_free(&cmd);
			free(why);
			char **env = spawn_env(procs[i], group, "http://127.0.0.1:9001", fake_environ);
			spawn_env_free(env);
			conf_proc_unref(procs[i]);
		}
		free(procs);
	} else if (!err || procs || n) {
		abort();
	}
	free(err);
	conf_kv_free(&opts);
	free(copy);
	return 0;
}
