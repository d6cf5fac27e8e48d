/* path.c — posixpath's expanduser, dirname, normpath, join, abspath. */
#include "path.h"
#include "lib/buf.h"
#include "lib/mem.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *py_expanduser(const char *p, const char *home)
{
	if (p[0] != '~') return xstrdup(p);
	const char *slash = strchr(p + 1, '/');
	size_t i = slash ? (size_t)(slash - p) : strlen(p);
	char *userhome = NULL;
	if (i == 1) {
		if (home) userhome = xstrdup(home);
		else {
			struct passwd *pw = getpwuid(getuid());
			if (!pw || !pw->pw_dir) return xstrdup(p);
			userhome = xstrdup(pw->pw_dir);
		}
	} else {
		char *name = xstrndup(p + 1, i - 1);
		struct passwd *pw = getpwnam(name);
		free(name);
		if (!pw || !pw->pw_dir) return xstrdup(p);
		userhome = xstrdup(pw->pw_dir);
	}
	size_t hl = strlen(userhome);
	while (hl && userhome[hl - 1] == '/') hl--;
	struct buf b = BUF_INIT;
	buf_append(&b, userhome, hl);
	buf_puts(&b, p + i);
	free(userhome);
	if (b.len == 0) buf_putc(&b, '/');
	return buf_steal(&b);
}

char *py_dirname(const char *p)
{
	const char *slash = strrchr(p, '/');
	if (!slash) return xstrdup("");
	size_t n = (size_t)(slash - p) + 1;
	size_t k = n;
	while (k && p[k - 1] == '/') k--;
	if (k == 0) return xstrndup(p, n);     /* all slashes: keep them */
	return xstrndup(p, k);
}

char *py_normpath(const char *p)
{
	if (!*p) return xstrdup(".");
	int initial = p[0] == '/' ? 1 : 0;
	if (initial && p[1] == '/' && p[2] != '/') initial = 2;
	size_t n = strlen(p);
	/* components as spans */
	size_t cap = 8, nc = 0;
	const char **cs = xmalloc(cap * sizeof *cs);
	size_t *cl = xmalloc(cap * sizeof *cl);
	for (size_t i = 0; i <= n;) {
		const char *e = memchr(p + i, '/', n - i);
		size_t len = e ? (size_t)(e - (p + i)) : n - i;
		const char *c = p + i;
		i += len + 1;
		if (len == 0 || (len == 1 && c[0] == '.')) continue;
		bool dotdot = len == 2 && c[0] == '.' && c[1] == '.';
		if (!dotdot || (!initial && nc == 0) || (nc && cl[nc - 1] == 2 && cs[nc - 1][0] == '.' && cs[nc - 1][1] == '.')) {
			if (nc == cap) {
				cap *= 2;
				cs = xrealloc(cs, cap * sizeof *cs);
				cl = xrealloc(cl, cap * sizeof *cl);
			}
			cs[nc] = c;
			cl[nc++] = len;
		} else if (nc) nc--;
	}
	struct buf b = BUF_INIT;
	for (int k = 0; k < initial; k++) buf_putc(&b, '/');
	for (size_t k = 0; k < nc; k++) {
		if (k) buf_putc(&b, '/');
		buf_append(&b, cs[k], cl[k]);
	}
	free(cs);
	free(cl);
	if (b.len == 0) buf_putc(&b, '.');
	return buf_steal(&b);
}

char *py_join(const char *a, const char *b)
{
	if (b[0] == '/') return xstrdup(b);
	size_t al = strlen(a);
	if (al == 0 || a[al - 1] == '/') return xasprintf("%s%s", a, b);
	return xasprintf("%s/%s", a, b);
}

char *py_abspath(const char *p, const char *cwd)
{
	if (p[0] == '/') return py_normpath(p);
	char *j = py_join(cwd, p);
	char *r = py_normpath(j);
	free(j);
	return r;
}

char *py_normalize_path(const char *p, const char *home, const char *cwd)
{
	char *e = py_expanduser(p, home);
	char *r = py_abspath(e, cwd);
	free(e);
	return r;
}

bool py_isdir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}
