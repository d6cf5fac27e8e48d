/* config.c — the [supervisorctl] section, read as supervisorctl reads it:
 * refd's INI reader, %(here)s in serverurl, %(ENV_X)s everywhere, and the
 * same search list when no -c is given. */
#include "ctl.h"
#include "conf/config.h"
#include "conf/expand.h"
#include "conf/ini.h"
#include "lib/buf.h"
#include "lib/mem.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static int slurp(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f) return -1;
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_append(b, tmp, n);
	int bad = ferror(f);
	fclose(f);
	return bad ? -1 : 0;
}

/* os.path.normpath(os.path.abspath(os.path.expanduser(p))) */
static char *normalize_path(const char *p)
{
	struct buf b = BUF_INIT;
	const char *home = getenv("HOME");
	if (p[0] == '~' && (p[1] == '/' || !p[1]) && home) {
		buf_puts(&b, home);
		p++;
	} else if (p[0] != '/') {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof cwd)) buf_puts(&b, cwd);
		buf_putc(&b, '/');
	}
	buf_puts(&b, p);
	/* Resolve "." and ".." and repeated slashes, textually. */
	char *in = buf_steal(&b);
	char *res = xmalloc(strlen(in) + 2);
	size_t len = 0;
	for (char *s = in; *s;) {
		while (*s == '/') s++;
		char *seg = s;
		while (*s && *s != '/') s++;
		size_t sl = (size_t)(s - seg);
		if (sl == 0 || (sl == 1 && seg[0] == '.')) continue;
		if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
			while (len > 0 && res[len - 1] != '/') len--;
			if (len > 0) len--;
			continue;
		}
		res[len++] = '/';
		memcpy(res + len, seg, sl);
		len += sl;
	}
	if (len == 0) res[len++] = '/';
	res[len] = '\0';
	free(in);
	return res;
}

/* The value of option name, expanded; NULL when absent (and no default). */
static char *option(struct ini *ini, struct ini_sect *s, const char *name, const char *dflt,
                    const struct xnames *names, char **err)
{
	const struct ini_opt *o = ini_get(ini, s, name);
	const char *raw = o ? buf_cstr(&o->val) : dflt;
	if (!raw) return NULL;
	char *ctx = xasprintf("supervisorctl.%s", name);
	char *v = xp_expand(raw, names, ctx, err);
	free(ctx);
	return v;
}

int ctl_read_config(const char *path, struct ctl_options *opt, char **err)
{
	*err = NULL;
	struct buf data = BUF_INIT;
	if (access(path, F_OK) != 0) {
		*err = xasprintf("could not find config file %s", path);
		return -1;
	}
	if (slurp(path, &data) < 0) {
		*err = xasprintf("could not read config file %s", path);
		buf_free(&data);
		return -1;
	}
	if (memchr(buf_cstr(&data), '\0', data.len)) {
		*err = xasprintf("could not read config file %s: it holds a NUL byte", path);
		buf_free(&data);
		return -1;
	}
	struct ini ini;
	ini_init(&ini);
	struct ini_err ie = {0};
	int rc = ini_read(&ini, path, buf_cstr(&data), data.len, &ie);
	buf_free(&data);
	if (rc < 0) {
		*err = xstrdup(ie.message ? ie.message : "cannot parse the config file");
		ini_err_free(&ie);
		ini_free(&ini);
		return -1;
	}
	struct ini_sect *s = ini_section(&ini, "supervisorctl");
	if (!s) {
		*err = xstrdup(".ini file does not include supervisorctl section");
		ini_free(&ini);
		return -1;
	}

	struct conf_kv env = {0};
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq) continue;
		char *key = xasprintf("ENV_%.*s", (int)(eq - *e), *e);
		conf_kv_set(&env, key, eq + 1);
		free(key);
	}
	char *abs = normalize_path(path);
	char *here = xstrdup(dirname(abs));
	struct xnames with_here = { .here = here, .env = &env };
	struct xnames plain = { .env = &env };

	char *url = option(&ini, s, "serverurl", "http://localhost:9001", &with_here, err);
	char *user = !*err ? option(&ini, s, "username", NULL, &plain, err) : NULL;
	char *pass = !*err ? option(&ini, s, "password", NULL, &plain, err) : NULL;
	if (!*err) {
		if (strncmp(url, "unix://", 7) == 0) {
			char *p = normalize_path(url + 7);
			free(url);
			url = xasprintf("unix://%s", p);
			free(p);
		}
		if (!opt->serverurl) { opt->serverurl = url; url = NULL; }
		if (!opt->username) { opt->username = user; user = NULL; }
		if (!opt->password) { opt->password = pass; pass = NULL; }
	}
	free(url);
	free(user);
	free(pass);
	free(here);
	free(abs);
	conf_kv_free(&env);
	ini_free(&ini);
	return *err ? -1 : 0;
}

char *ctl_find_config(const char *argv0)
{
	char *copy = xstrdup(argv0);
	char *dir = xstrdup(dirname(copy));
	free(copy);
	char *candidates[] = {
		xasprintf("%s/../etc/supervisord.conf", dir),
		xasprintf("%s/../supervisord.conf", dir),
		xstrdup("supervisord.conf"),
		xstrdup("etc/supervisord.conf"),
		xstrdup("/etc/supervisord.conf"),
		xstrdup("/etc/supervisor/supervisord.conf"),
	};
	free(dir);
	char *found = NULL;
	for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
		if (!found && access(candidates[i], F_OK) == 0) found = candidates[i];
		else free(candidates[i]);
	}
	return found;
}
