/* load.c — reading supervisord.conf and its [include] files into one INI,
 * then handing it to the section builders; errors, messages, conf_free.
 * The order of checks is supervisord 4.2.5's (config.md §6), so that the
 * first error refd reports is the one supervisord would report. */
#include "config.h"
#include "glob.h"
#include "internal.h"
#include "path.h"
#include "value.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/unicode.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

/* ---- errors and messages ------------------------------------------------ */

void ld_error_at(struct ld *ld, const char *msg, const char *file, int line,
                 const char *section, const char *option, const char *detail)
{
	struct conf_errors *es = ld->errs;
	if (!es) return;
	es->v = xrealloc(es->v, (es->n + 1) * sizeof *es->v);
	struct conf_error *e = &es->v[es->n++];
	e->message = xstrdup(msg);
	e->file = file ? xstrdup(file) : NULL;
	e->line = line;
	e->section = section ? xstrdup(section) : NULL;
	e->option = option ? xstrdup(option) : NULL;
	e->detail = detail ? xstrdup(detail) : NULL;
}

/* The first line of v, shortened for a one-line message. */
static void put_short(struct buf *b, const char *v)
{
	size_t n = strcspn(v, "\n");
	bool cut = v[n] != '\0';
	if (n > 100) {
		n = 100;
		while (n && ((unsigned char)v[n] & 0xc0) == 0x80) n--;
		cut = true;
	}
	buf_append(b, v, n);
	if (cut) buf_puts(b, " ...");
}

void ld_error(struct ld *ld, const char *msg, const struct sview *v, const char *option)
{
	const char *file = NULL, *val = NULL;
	int line = 0;
	bool dflt = false;
	if (v && option) val = sv_raw(ld, v, option, &file, &line, &dflt);
	if (v && !val && v->sect) {
		file = v->sect->file;
		line = v->sect->line;
	}
	struct buf d = BUF_INIT;
	if (file) buf_printf(&d, "%s:%d: ", file, line);
	else if (v && v->kv) buf_puts(&d, "addProgramToGroup: ");
	if (v) buf_printf(&d, "[%s]", v->name);
	if (option) {
		buf_printf(&d, "%s%s", v ? " " : "", option);
		if (val) {
			buf_puts(&d, " = ");
			put_short(&d, val);
			if (dflt) buf_puts(&d, " (from [DEFAULT])");
		} else {
			buf_puts(&d, ": not set");
		}
	}
	ld_error_at(ld, msg, file, line, v ? v->name : NULL, option, d.p ? d.p : "");
	buf_free(&d);
}

static void add_msg(struct buf *b, size_t *n, const char *text)
{
	buf_append(b, text, strlen(text) + 1);
	(*n)++;
}

void ld_warn(struct ld *ld, const char *text) { add_msg(&ld->warn, &ld->nwarn, text); }
void ld_info(struct ld *ld, const char *text) { add_msg(&ld->info, &ld->ninfo, text); }

static void take_msgs(struct ld *ld, struct conf *c)
{
	c->n_msgs = ld->nwarn + ld->ninfo;
	c->msgs = xcalloc(c->n_msgs ? c->n_msgs : 1, sizeof *c->msgs);
	size_t k = 0;
	const char *p = ld->warn.p;
	for (size_t i = 0; i < ld->nwarn; i++, p += strlen(p) + 1) {
		c->msgs[k].level = 30;
		c->msgs[k++].text = xstrdup(p);
	}
	p = ld->info.p;
	for (size_t i = 0; i < ld->ninfo; i++, p += strlen(p) + 1) {
		c->msgs[k].level = 20;
		c->msgs[k++].text = xstrdup(p);
	}
}

void conf_errors_free(struct conf_errors *errs)
{
	if (!errs) return;
	for (size_t i = 0; i < errs->n; i++) {
		struct conf_error *e = &errs->v[i];
		free(e->message);
		free(e->file);
		free(e->section);
		free(e->option);
		free(e->detail);
	}
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
}

char *conf_error_format(const struct conf_error *e)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, e->message);
	buf_putc(&b, '\n');
	if (e->detail && *e->detail) {
		buf_puts(&b, e->detail);
		buf_putc(&b, '\n');
	}
	return buf_steal(&b);
}

/* ---- the outside world --------------------------------------------------- */

static int default_read(const char *path, char **data, size_t *len)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		errno = ENOENT;                 /* os.path.exists() is false */
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	struct buf b = BUF_INIT;
	char tmp[65536];
	for (;;) {
		ssize_t r = read(fd, tmp, sizeof tmp);
		if (r < 0) {
			if (errno == EINTR) continue;
			int e = errno;
			close(fd);
			buf_free(&b);
			errno = e;
			return -1;
		}
		if (r == 0) break;
		buf_append(&b, tmp, (size_t)r);
		if (b.len > CONF_MAX_FILE_BYTES) {
			close(fd);
			buf_free(&b);
			errno = EFBIG;
			return -1;
		}
	}
	close(fd);
	*len = b.len;
	*data = b.p ? buf_steal(&b) : xstrdup("");
	return 0;
}

static int read_file(struct ld *ld, const char *path, char **data, size_t *len)
{
	if (ld->src && ld->src->read_file) {
		int r = ld->src->read_file(ld->src->ctx, path, data, len);
		if (r == 0 && *len > CONF_MAX_FILE_BYTES) {
			free(*data);
			errno = EFBIG;
			return -1;
		}
		return r;
	}
	return default_read(path, data, len);
}

static int do_glob(struct ld *ld, const char *pattern, char ***paths, size_t *n)
{
	if (ld->src && ld->src->glob) return ld->src->glob(ld->src->ctx, pattern, paths, n);
	return py_glob(pattern, paths, n);
}

static const char *env_get(char **env, const char *name)
{
	size_t nl = strlen(name);
	for (char **e = env; e && *e; e++)
		if (strncmp(*e, name, nl) == 0 && (*e)[nl] == '=') return *e + nl + 1;
	return NULL;
}

/* ---- files ---------------------------------------------------------------- */

/* NUL bytes cannot be meant in a text file; refd refuses them (Python
 * would read them as characters). */
static char *check_nul(const char *path, const char *data, size_t len)
{
	const char *nul = memchr(data, '\0', len);
	if (!nul) return NULL;
	int line = 1;
	for (const char *p = data; p < nul; p++) {
		if (*p == '\n') line++;
		else if (*p == '\r' && !(p + 1 < data + len && p[1] == '\n')) line++;
	}
	return xasprintf("could not read config file %s: NUL byte on line %d", path, line);
}

/* The end of the last line that ends within data[0..avail): Python hands
 * out a line only once its end has been decoded (a final '\r' waits for
 * the next character, which might be '\n'). */
static size_t complete_lines(const char *data, size_t avail)
{
	size_t end = 0;
	for (size_t i = 0; i < avail; i++) {
		if (data[i] == '\n') end = i + 1;
		else if (data[i] == '\r' && i + 1 < avail) end = data[i + 1] == '\n' ? (i++, i + 1) : i + 1;
	}
	return end;
}

static void syntax_error(struct ld *ld, const char *file, struct ini_err *ie)
{
	struct buf d = BUF_INIT;
	for (size_t i = 0; i < ie->nbad; i++) {
		const struct ini_badline *b = &ie->bad[i];
		if (i) buf_putc(&d, '\n');
		buf_printf(&d, "%s:%d: ", file, b->line);
		if (b->section) {
			buf_printf(&d, "[%s] not an option line (name = value): ", b->section);
		} else {
			buf_puts(&d, "no [section] header before this line: ");
		}
		py_repr(&d, b->raw, strlen(b->raw));
	}
	ld_error_at(ld, ie->message, file, ie->nbad ? ie->bad[0].line : 0,
	            ie->nbad ? ie->bad[0].section : NULL, NULL, d.p ? d.p : "");
	buf_free(&d);
}

/* Parse one file's text into the INI. Returns 0, or -1 after recording
 * the error. */
static int parse_text(struct ld *ld, const char *file, const char *data, size_t len)
{
	char *bad = check_nul(file, data, len);
	if (bad) {
		char *d = xasprintf("%s: refd does not read NUL bytes in configuration files", file);
		ld_error_at(ld, bad, file, 0, NULL, NULL, d);
		free(d);
		free(bad);
		return -1;
	}
	size_t avail;
	if (u8_python_decode_error(data, len, &bad, &avail)) {
		/* supervisord reads the file as UTF-8; a line without a section
		 * header that was read before the undecodable bytes wins */
		struct ini tmp;
		struct ini_err ie;
		ini_init(&tmp);
		size_t upto = complete_lines(data, avail);
		int r = ini_read(&tmp, file, data, upto, &ie);
		ini_free(&tmp);
		if (r != 0 && strncmp(ie.message, "File contains no section headers.", 33) == 0) {
			syntax_error(ld, file, &ie);
		} else {
			size_t at = 0;
			u8_valid(data, len, &at);
			int line = 1;
			for (size_t i = 0; i < at; i++) {
				if (data[i] == '\n') line++;
				else if (data[i] == '\r' && !(i + 1 < len && data[i + 1] == '\n')) line++;
			}
			char *d = xasprintf("%s:%d: the file is not UTF-8 text", file, line);
			ld_error_at(ld, bad, file, 0, NULL, NULL, d);
			free(d);
		}
		if (r != 0) ini_err_free(&ie);
		free(bad);
		return -1;
	}
	struct ini_err ie;
	if (ini_read(&ld->ini, file, data, len, &ie) == 0) return 0;
	syntax_error(ld, file, &ie);
	ini_err_free(&ie);
	return -1;
}

/* The [include] section (config.md §4): only the main file's. */
static int do_includes(struct ld *ld, bool main_ok)
{
	struct ini_sect *inc = ini_section(&ld->ini, "include");
	if (!inc) return main_ok ? 0 : -1;
	ini_expand_here(&ld->ini, ld->here);
	const struct ini_opt *fo = ini_get(&ld->ini, inc, "files");
	struct sview v = { inc, NULL, "include", inc->file };
	if (!fo) {
		ld_error(ld, ".ini file has [include] section, but no files setting", &v, "files");
		return -1;
	}
	struct xnames nm = { .here = ld->here, .host_node_name = ld->host, .env = ld->env };
	char *err = NULL;
	char *files = xp_expand(fo->val.p ? fo->val.p : "", &nm, "include.files", &err);
	if (!files) {
		ld_error(ld, err, &v, "files");
		free(err);
		return -1;
	}
	int ret = main_ok ? 0 : -1;
	const char *p = files;
	size_t rest = strlen(files);
	for (;;) {
		uc_lstrip(&p, &rest);
		if (!rest) break;
		size_t wl = 0, k;
		while (wl < rest && (k = uc_space_at(p + wl, rest - wl)) == 0) {
			uint32_t cp;
			size_t l = u8_decode(p + wl, rest - wl, &cp);
			wl += l ? l : 1;
		}
		char *word = xstrndup(p, wl);
		p += wl;
		rest -= wl;
		char *pattern = py_join(ld->here, word);
		free(word);
		char **paths = NULL;
		size_t n = 0;
		if (do_glob(ld, pattern, &paths, &n) != 0) n = 0;
		if (n == 0) {
			char *w = xasprintf("No file matches via include \"%s\"", pattern);
			ld_warn(ld, w);
			free(w);
		}
		for (size_t i = 0; i < n; i++) {
			char *m = xasprintf("Included extra file \"%s\" during parsing", paths[i]);
			ld_info(ld, m);
			free(m);
			char *data = NULL;
			size_t len = 0;
			if (read_file(ld, paths[i], &data, &len) == 0) {
				int r = parse_text(ld, paths[i], data, len);
				free(data);
				if (r != 0) {
					ret = -1;
					if (!ld->check_all) {
						for (size_t j = 0; j < n; j++) free(paths[j]);
						free(paths);
						free(pattern);
						free(files);
						return -1;
					}
					continue;
				}
			} else if (errno == EFBIG) {
				char *e = xasprintf("could not read config file %s: larger than %u bytes",
				                    paths[i], CONF_MAX_FILE_BYTES);
				ld_error_at(ld, e, paths[i], 0, NULL, NULL, "");
				free(e);
				ret = -1;
				if (!ld->check_all) {
					for (size_t j = 0; j < n; j++) free(paths[j]);
					free(paths);
					free(pattern);
					free(files);
					return -1;
				}
				continue;
			}
			/* an unreadable file is skipped, as supervisord skips it */
			char *abs = py_abspath(paths[i], ld->cwd);
			char *dir = py_dirname(abs);
			ini_expand_here(&ld->ini, dir);
			free(dir);
			free(abs);
		}
		for (size_t j = 0; j < n; j++) free(paths[j]);
		free(paths);
		free(pattern);
	}
	free(files);
	return ret;
}

/* ---- the whole load ------------------------------------------------------ */

static void env_init(struct ld *ld, struct conf *c)
{
	char **env = ld->src && ld->src->environ ? ld->src->environ : environ;
	if (ld->src && ld->src->env_names) {
		conf_kv_copy(&c->env_names, ld->src->env_names);
	} else {
		for (char **e = env; e && *e; e++) {
			const char *eq = strchr(*e, '=');
			if (!eq) continue;
			char *key = xasprintf("ENV_%.*s", (int)(eq - *e), *e);
			/* Python's os.environ keeps the first of duplicate names */
			if (!conf_kv_get(&c->env_names, key)) conf_kv_set(&c->env_names, key, eq + 1);
			free(key);
		}
	}
	ld->env = &c->env_names;
	const char *home = env_get(env, "HOME");
	c->home = home ? xstrdup(home) : NULL;
	ld->home = c->home;
}

static char *get_cwd(const struct conf_env_src *src)
{
	if (src && src->cwd) return xstrdup(src->cwd);
	char buf[PATH_MAX];
	if (getcwd(buf, sizeof buf)) return xstrdup(buf);
	return xstrdup(".");
}

static char *get_host(const struct conf_env_src *src)
{
	if (src && src->host_node_name) return xstrdup(src->host_node_name);
	struct utsname u;
	if (uname(&u) == 0) return xstrdup(u.nodename);
	return xstrdup("");
}

int ld_user(struct ld *ld, const char *s, uid_t *uid, gid_t *gid, char **err)
{
	struct ucache *u = strmap_get(&ld->users, s);
	if (!u) {
		size_t n = strlen(s);
		u = xcalloc(1, sizeof *u + n + 1);
		memcpy(u->key, s, n + 1);
		u->status = conf_v_user(s, &u->uid, &u->gid, &u->err);
		u->next = ld->ulist;
		ld->ulist = u;
		strmap_put(&ld->users, u->key, u);
	}
	if (u->status != 0) {
		*err = xstrdup(u->err);
		return -1;
	}
	*uid = u->uid;
	*gid = u->gid;
	return 0;
}

void ld_release(struct ld *ld)
{
	ini_free(&ld->ini);
	buf_free(&ld->warn);
	buf_free(&ld->info);
	strmap_free(&ld->users);
	while (ld->ulist) {
		struct ucache *u = ld->ulist;
		ld->ulist = u->next;
		free(u->err);
		free(u);
	}
}

static struct conf *load(const char *path, const char *here_dir, const char *data, size_t len,
                         const struct conf_cli *cli, const struct conf_env_src *src,
                         bool check_all, struct conf_errors *errs, const char *cwd)
{
	struct conf *c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	c->here = xstrdup(here_dir);
	c->host_node_name = get_host(src);
	struct ld ld = { 0 };
	ld.src = src;
	ld.cli = cli;
	ld.check_all = check_all;
	ld.errs = errs;
	ld.c = c;
	ld.path = c->path;
	ld.here = c->here;
	ld.cwd = cwd;
	ld.host = c->host_node_name;
	ini_init(&ld.ini);
	env_init(&ld, c);
	bool ok = parse_text(&ld, path, data, len) == 0;
	if (ok || check_all) {
		if (do_includes(&ld, ok) != 0) ok = false;
	}
	if (ok && ld_build(&ld) == 0 && errs->n == 0) {
		take_msgs(&ld, c);
		ld_release(&ld);
		return c;
	}
	ld_release(&ld);
	conf_free(c);
	return NULL;
}

struct conf *conf_load(const char *path, const struct conf_cli *cli,
                       const struct conf_env_src *src, bool check_all,
                       struct conf_errors *errs)
{
	struct conf_errors dummy = { 0 };
	if (!errs) errs = &dummy;
	char *cwd = get_cwd(src);
	struct ld tmp = { 0 };
	tmp.src = src;
	char *data = NULL;
	size_t len = 0;
	struct conf *c = NULL;
	if (read_file(&tmp, path, &data, &len) != 0) {
		char *m;
		if (errno == ENOENT) m = xasprintf("could not find config file %s", path);
		else if (errno == EFBIG) m = xasprintf("could not read config file %s: larger than %u bytes",
		                                     path, CONF_MAX_FILE_BYTES);
		else m = xasprintf("could not read config file %s", path);
		struct ld el = { 0 };
		el.errs = errs;
		char *d = xasprintf("%s: %s", path, errno == ENOENT ? "no such file" : strerror(errno));
		ld_error_at(&el, m, path, 0, NULL, NULL, d);
		free(d);
		free(m);
	} else {
		char *abs = py_abspath(path, cwd);
		char *here = py_dirname(abs);
		c = load(path, here, data, len, cli, src, check_all, errs, cwd);
		free(here);
		free(abs);
		free(data);
	}
	free(cwd);
	if (errs == &dummy) conf_errors_free(&dummy);
	return c;
}

struct conf *conf_load_text(const char *name, const char *text, size_t len,
                            const struct conf_cli *cli, const struct conf_env_src *src,
                            bool check_all, struct conf_errors *errs)
{
	struct conf_errors dummy = { 0 };
	if (!errs) errs = &dummy;
	char *cwd = get_cwd(src);
	struct conf *c = load(name, cwd, text, len, cli, src, check_all, errs, cwd);
	free(cwd);
	if (errs == &dummy) conf_errors_free(&dummy);
	return c;
}

void conf_free(struct conf *c)
{
	if (!c) return;
	free(c->path);
	free(c->here);
	struct conf_supervisord *sd = &c->sd;
	free(sd->logfile);
	free(sd->pidfile);
	free(sd->childlogdir);
	free(sd->user);
	free(sd->directory);
	free(sd->identifier);
	conf_kv_free(&sd->environment);
	for (size_t i = 0; i < c->n_servers; i++) {
		struct conf_server *s = &c->servers[i];
		free(s->section);
		free(s->host);
		free(s->file);
		free(s->username);
		free(s->password);
	}
	free(c->servers);
	for (size_t i = 0; i < c->n_rpcifs; i++) {
		free(c->rpcifs[i].name);
		for (size_t k = 0; k < c->rpcifs[i].n_whitelist; k++) free(c->rpcifs[i].whitelist[k]);
		free(c->rpcifs[i].whitelist);
	}
	free(c->rpcifs);
	for (size_t i = 0; i < c->n_groups; i++) conf_group_unref(c->groups[i]);
	free(c->groups);
	free(c->ctl.serverurl);
	free(c->ctl.username);
	free(c->ctl.password);
	free(c->ctl.prompt);
	free(c->ctl.history_file);
	for (size_t i = 0; i < c->n_msgs; i++) free(c->msgs[i].text);
	free(c->msgs);
	conf_kv_free(&c->env_names);
	free(c->host_node_name);
	free(c->home);
	free(c);
}
