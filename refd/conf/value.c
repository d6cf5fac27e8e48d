/* value.c — the value types of supervisord.conf, with datatypes.py's exact
 * acceptance rules and messages (see value.h). */
#include "value.h"
#include "path.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/signames.h"
#include "lib/unicode.h"

#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

static char *repr_msg(const char *prefix, const char *s, const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, prefix);
	py_repr(&b, s, strlen(s));
	buf_puts(&b, suffix);
	return buf_steal(&b);
}

char *conf_int_error(const char *s, int base)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "invalid literal for int() with base %d: ", base);
	py_repr(&b, s, strlen(s));
	return buf_steal(&b);
}

int conf_v_int(const char *s, long long *out, char **err)
{
	if (py_int_base(s, 10, out, NULL) == 0) return 0;
	*err = conf_int_error(s, 10);
	return -1;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0) return true;
	return false;
}

static const char *const truthy[] = { "yes", "true", "on", "1", NULL };
static const char *const falsy[] = { "no", "false", "off", "0", NULL };

int conf_v_bool(const char *s, bool *out, char **err)
{
	char *l = uc_lower_dup(s);
	int r = 0;
	if (in_list(l, truthy)) *out = true;
	else if (in_list(l, falsy)) *out = false;
	else {
		*err = repr_msg("not a valid boolean value: ", s, "");
		r = -1;
	}
	free(l);
	return r;
}

static long long sat_mul(long long v, long long m)
{
	if (v > 0 && v > LLONG_MAX / m) return LLONG_MAX;
	if (v < 0 && v < LLONG_MIN / m) return LLONG_MIN;
	return v * m;
}

int conf_v_byte_size(const char *s, long long *out, char **err)
{
	static const struct { const char *suffix; long long mult; } sfx[] = {
		{ "kb", 1024LL }, { "mb", 1024LL * 1024 }, { "gb", 1024LL * 1024 * 1024 },
	};
	char *v = uc_lower_dup(s);
	size_t n = strlen(v);
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		/* v[-2:] == suffix; a one-character v is compared whole */
		if ((n >= 2 && strcmp(v + n - 2, sfx[i].suffix) == 0)) {
			v[n - 2] = '\0';
			long long x;
			if (py_int_base(v, 10, &x, NULL) != 0) {
				*err = conf_int_error(v, 10);
				free(v);
				return -1;
			}
			*out = sat_mul(x, sfx[i].mult);
			free(v);
			return 0;
		}
	}
	long long x;
	if (py_int_base(v, 10, &x, NULL) != 0) {
		*err = conf_int_error(v, 10);
		free(v);
		return -1;
	}
	free(v);
	*out = x;
	return 0;
}

int conf_v_octal(const char *s, long long *out, char **err)
{
	if (py_int_base(s, 8, out, NULL) == 0) return 0;
	*err = xasprintf("%s can not be converted to an octal type", s);
	return -1;
}

int conf_v_signal(const char *s, int *out, char **err)
{
	long long num;
	if (py_int_base(s, 10, &num, NULL) != 0) {
		char *st = uc_strip_dup(s);
		char *up = uc_upper_dup(st);
		free(st);
		int sig = sig_from_name(up);
		free(up);
		if (sig < 0) {
			*err = repr_msg("value ", s, " is not a valid signal name");
			return -1;
		}
		num = sig;
	}
	if (!sig_valid_number(num)) {
		*err = repr_msg("value ", s, " is not a valid signal number");
		return -1;
	}
	*out = (int)num;
	return 0;
}

int conf_v_exitcodes(const char *s, int **codes, size_t *n, char **err)
{
	*codes = NULL;
	*n = 0;
	if (!*s) return 0;
	size_t cap = 4, k = 0;
	int *v = xmalloc(cap * sizeof *v);
	const char *p = s;
	for (;;) {
		const char *comma = strchr(p, ',');
		char *item = comma ? xstrndup(p, (size_t)(comma - p)) : xstrdup(p);
		long long x;
		int r = py_int_base(item, 10, &x, NULL);
		free(item);
		if (r != 0 || x < 0 || x > 255) {
			free(v);
			*err = repr_msg("not a valid list of exit codes: ", s, "");
			return -1;
		}
		if (k == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[k++] = (int)x;
		if (!comma) break;
		p = comma + 1;
	}
	*codes = v;
	*n = k;
	return 0;
}

int conf_v_loglevel(const char *s, int *out, char **err)
{
	static const struct { const char *name; int level; } levels[] = {
		{ "critical", 50 }, { "error", 40 }, { "warn", 30 }, { "info", 20 },
		{ "debug", 10 }, { "trace", 5 }, { "blather", 3 },
	};
	char *l = uc_lower_dup(s);
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		if (strcmp(l, levels[i].name) == 0) {
			*out = levels[i].level;
			free(l);
			return 0;
		}
	}
	free(l);
	*err = repr_msg("bad logging level name ", s, "");
	return -1;
}

int conf_v_autorestart(const char *s, enum conf_autorestart *out, char **err)
{
	char *l = uc_lower_dup(s);
	int r = 0;
	if (in_list(l, truthy)) *out = CONF_AR_TRUE;
	else if (in_list(l, falsy)) *out = CONF_AR_FALSE;
	else if (strcmp(l, "unexpected") == 0) *out = CONF_AR_UNEXPECTED;
	else {
		*err = repr_msg("invalid 'autorestart' value ", l, "");
		r = -1;
	}
	free(l);
	return r;
}

int conf_v_dirpath(const char *s, const char *home, char **out, char **err)
{
	char *nv = py_expanduser(s, home);
	char *dir = py_dirname(nv);
	if (!*dir || py_isdir(dir)) {
		free(dir);
		*out = nv;
		return 0;
	}
	free(dir);
	free(nv);
	*err = xasprintf("The directory named as part of the path %s does not exist", s);
	return -1;
}

int conf_v_existing_dir(const char *s, const char *home, char **out, char **err)
{
	char *nv = py_expanduser(s, home);
	if (py_isdir(nv)) {
		*out = nv;
		return 0;
	}
	free(nv);
	*err = xasprintf("%s is not an existing directory", s);
	return -1;
}

int conf_v_logfile(const char *s, const char *home, enum conf_logname *kind, char **path, char **err)
{
	char *l = uc_lower_dup(s);
	*path = NULL;
	if (strcmp(l, "none") == 0 || strcmp(l, "off") == 0) *kind = CONF_LN_NONE;
	else if (strcmp(l, "auto") == 0) *kind = CONF_LN_AUTO;
	else if (strcmp(l, "syslog") == 0) *kind = CONF_LN_SYSLOG;
	else {
		free(l);
		*kind = CONF_LN_PATH;
		return conf_v_dirpath(s, home, path, err);
	}
	free(l);
	return 0;
}

/* A uid_t from a Python int, or false when getpwuid() could never match. */
static bool to_id(long long v, bool overflow, unsigned *out)
{
	if (overflow || v < 0 || v >= (long long)UINT_MAX) return false;
	*out = (unsigned)v;
	return true;
}

int conf_v_user(const char *s, uid_t *uid, gid_t *gid, char **err)
{
	long long v;
	bool ovf = false;
	if (py_int_base(s, 10, &v, &ovf) == 0) {
		unsigned id;
		struct passwd *pw = to_id(v, ovf, &id) ? getpwuid((uid_t)id) : NULL;
		if (!pw) {
			*err = xasprintf("Invalid user id %s", s);
			return -1;
		}
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		return 0;
	}
	struct passwd *pw = getpwnam(s);
	if (!pw) {
		*err = xasprintf("Invalid user name %s", s);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int group_id(const char *s, gid_t *gid)
{
	long long v;
	bool ovf = false;
	struct group *gr;
	if (py_int_base(s, 10, &v, &ovf) == 0) {
		unsigned id;
		gr = to_id(v, ovf, &id) ? getgrgid((gid_t)id) : NULL;
	} else {
		gr = getgrnam(s);
	}
	if (!gr) return -1;
	*gid = gr->gr_gid;
	return 0;
}

int conf_v_usergroup(const char *s, uid_t *uid, gid_t *gid, char **err)
{
	const char *colon = strchr(s, ':');
	char *user = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	gid_t pgid;
	char *e = NULL;
	int r = conf_v_user(user, uid, &pgid, &e);
	free(user);
	free(e);
	if (r == 0) {
		if (colon) r = group_id(colon + 1, gid);
		else *gid = (gid_t)-1;
	}
	if (r != 0) {
		*err = xasprintf("Invalid user:group definition %s", s);
		return -1;
	}
	return 0;
}

/* repr() of the Python int that s (valid for int()) denotes: ASCII
 * digits, no '_', no leading zeros, '-' only when not zero. */
char *conf_int_repr(const char *s)
{
	struct buf b = BUF_INIT;
	char *st = uc_strip_dup(s);
	bool neg = false, any = false;
	for (const char *p = st; *p;) {
		uint32_t cp;
		size_t l = u8_decode(p, strlen(p), &cp);
		if (!l) l = 1;
		int d = uc_decimal(cp);
		if (*p == '-') neg = true;
		else if (d > 0 || (d == 0 && any)) {
			buf_putc(&b, (char)('0' + d));
			any = true;
		}
		p += l;
	}
	free(st);
	char *r = any ? xasprintf("%s%s", neg ? "-" : "", b.p) : xstrdup("0");
	buf_free(&b);
	return r;
}

/* port_number(): int() then the range 1..65535. */
static int port_number(const char *s, int *port, char **err)
{
	long long v;
	if (py_int_base(s, 10, &v, NULL) != 0) {
		*err = conf_int_error(s, 10);
		return -1;
	}
	if (v < 1 || v > 65535) {
		char *r = conf_int_repr(s);
		*err = xasprintf(v < 1 ? "%s is below lower bound (1)" : "%s is above upper bound (65535)", r);
		free(r);
		return -1;
	}
	*port = (int)v;
	return 0;
}

int conf_v_inet_address(const char *s, char **host, int *port, char **err)
{
	const char *colon = strrchr(s, ':');
	if (colon) {
		const char *ps = colon + 1;
		if (!*ps) {
			*err = xstrdup("no port number specified in ''");
			return -1;
		}
		if (port_number(ps, port, err) != 0) return -1;
		char *h = xstrndup(s, (size_t)(colon - s));
		*host = uc_lower_dup(h);
		free(h);
	} else {
		char *e = NULL;
		if (port_number(s, port, &e) != 0) {
			free(e);
			*err = repr_msg("not a valid port number: ", s, " ");
			return -1;
		}
		*host = xstrdup("");
	}
	if (strcmp(*host, "*") == 0) {
		free(*host);
		*host = xstrdup("");
	}
	return 0;
}

int conf_v_name(const char *s, char **out, char **err)
{
	char *st = uc_strip_dup(s);
	static const char bad[] = " :/";
	for (const char *c = bad; *c; c++) {
		if (strchr(st, *c)) {
			struct buf b = BUF_INIT;
			buf_puts(&b, "Invalid name: ");
			py_repr(&b, s, strlen(s));
			buf_puts(&b, " because of character: ");
			py_repr(&b, c, 1);
			free(st);
			*err = buf_steal(&b);
			return -1;
		}
	}
	*out = st;
	return 0;
}

void conf_v_strlist(const char *s, char ***items, size_t *n)
{
	*items = NULL;
	*n = 0;
	if (!s || !*s) return;
	size_t cap = 4, k = 0;
	char **v = xmalloc(cap * sizeof *v);
	const char *p = s;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *q = p;
		uc_strip(&q, &len);
		if (k == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[k++] = xstrndup(q, len);
		if (!comma) break;
		p = comma + 1;
	}
	*items = v;
	*n = k;
}

void conf_strlist_free(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++) free(items[i]);
	free(items);
}
