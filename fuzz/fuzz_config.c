/* fuzz_config.c — bytes as a supervisord.conf: the INI reader, %(name)s
 * expansion, [include] and every option table, with files kept in memory
 * (nothing is read from disk but passwd/group lookups and the directory
 * checks of log paths), then what the daemon derives from a loaded config
 * before it forks: each command resolved, each environment built.
 *
 * Input: the main file, optionally followed by more files, each starting
 * with a line "%file <path>" (for [include] files=; a relative path is
 * taken from /etc/refd, the main file's directory). Each input is loaded
 * the way the daemon starts (stop at the first error), the way
 * --check-config does (every error), and once more as reloadConfig does. */
#include "harness.h"
#include "conf/config.h"
#include "conf/glob.h"
#include "core/spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAIN_PATH "/etc/refd/supervisord.conf"
#define MAX_FILES 16

struct memfs {
	const char *path[MAX_FILES];    /* NUL-terminated copies, owned */
	const char *data[MAX_FILES];    /* into the input */
	size_t len[MAX_FILES];
	size_t n;
};

static char *fake_environ[] = {
	"HOME=/root", "PATH=/usr/bin:/bin", "USER=root", "LANG=C.UTF-8", "X=1", NULL,
};

static int fs_read(void *ctx, const char *path, char **data, size_t *len)
{
	struct memfs *fs = ctx;
	for (size_t i = 0; i < fs->n; i++) {
		if (strcmp(fs->path[i], path) != 0) continue;
		*data = malloc(fs->len[i] + 1);
		if (!*data) abort();
		memcpy(*data, fs->data[i], fs->len[i]);
		(*data)[fs->len[i]] = '\0';
		*len = fs->len[i];
		return 0;
	}
	errno = ENOENT;
	return -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fs_glob(void *ctx, const char *pattern, char ***paths, size_t *n)
{
	struct memfs *fs = ctx;
	char **v = malloc((fs->n + 1) * sizeof *v);
	if (!v) abort();
	size_t k = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (py_fnmatch(fs->path[i], pattern)) v[k++] = strdup(fs->path[i]);
	qsort(v, k, sizeof *v, by_name);
	*paths = v;
	*n = k;
	return 0;
}

/* Split the input into the main file and "%file <path>" files. */
static void split(struct memfs *fs, const char *p, size_t size)
{
	const char *end = p + size;
	const char *name = MAIN_PATH;
	size_t namelen = strlen(MAIN_PATH);
	const char *body = p;
	for (;;) {
		const char *m = p;
		while ((m = memmem(m, (size_t)(end - m), "%file ", 6)) && m != body && m[-1] != '\n') m++;
		const char *stop = m ? m : end;
		if (fs->n < MAX_FILES) {
			char *path;
			if (namelen && name[0] != '/') {
				path = malloc(namelen + sizeof "/etc/refd/");
				if (!path) abort();
				memcpy(path, "/etc/refd/", 10);
				memcpy(path + 10, name, namelen);
				path[10 + namelen] = '\0';
			} else {
				path = malloc(namelen + 1);     /* name is not NUL-terminated */
				if (!path) abort();
				memcpy(path, name, namelen);
				path[namelen] = '\0';
			}
			fs->path[fs->n] = path;
			fs->data[fs->n] = body;
			fs->len[fs->n] = (size_t)(stop - body);
			fs->n++;
		}
		if (!m) break;
		name = m + 6;
		const char *nl = memchr(name, '\n', (size_t)(end - name));
		namelen = (size_t)((nl ? nl : end) - name);
		body = nl ? nl + 1 : end;
		p = body;
	}
}

static void use(const struct conf *c)
{
	free(conf_default_serverurl(c));
	for (size_t i = 0; i < c->n_groups; i++) {
		const struct conf_group *g = c->groups[i];
		check(conf_group_equal(g, g));
		for (size_t j = 0; j < g->n_procs; j++) {
			struct spawn_cmd cmd;
			char *why = NULL;
			if (spawn_resolve(g->procs[j], &cmd, &why) == SPAWN_OK) spawn_cmd_free(&cmd);
			else check(why != NULL);
			free(why);
			spawn_env_free(spawn_env(g->procs[j], g->name, "unix:///tmp/x.sock", fake_environ));
		}
	}
}

static bool load(struct memfs *fs, bool check_all, const struct conf_kv *env_names,
                 struct conf **out)
{
	struct conf_env_src src = {
		.read_file = fs_read, .glob = fs_glob, .ctx = fs, .environ = fake_environ,
		.host_node_name = "fuzzhost", .cwd = "/etc/refd", .env_names = env_names,
	};
	struct conf_errors errs = {0};
	struct conf *c = conf_load_text(MAIN_PATH, fs->data[0], fs->len[0], NULL, &src,
	                                check_all, &errs);
	check((c == NULL) == (errs.n > 0));
	for (size_t i = 0; i < errs.n; i++) {
		check(errs.v[i].message != NULL);
		free(conf_error_format(&errs.v[i]));
	}
	conf_errors_free(&errs);
	*out = c;
	return c != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memfs fs = {0};
	split(&fs, (const char *)data, size);

	struct conf *c, *all, *again;
	bool ok = load(&fs, false, NULL, &c);
	bool ok_all = load(&fs, true, NULL, &all);
	check(ok == ok_all);
	if (c) {
		use(c);
		if (load(&fs, false, &c->env_names, &again)) conf_free(again);
		conf_free(c);
	}
	conf_free(all);
	for (size_t i = 0; i < fs.n; i++) free((char *)fs.path[i]);
	return 0;
}
