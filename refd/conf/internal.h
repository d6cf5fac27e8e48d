/* internal.h — what the loader's files share; not part of conf's public
 * face (config.h, value.h, shlex.h, evtypes.h are). */
#ifndef REFD_CONF_INTERNAL_H
#define REFD_CONF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "expand.h"
#include "ini.h"
#include "lib/buf.h"
#include "lib/strmap.h"

/* Files larger than this are refused ("could not read config file"). */
#define CONF_MAX_FILE_BYTES (64u << 20)
/* Total bytes all %(name)s expansions of one load may produce. */
#define CONF_MAX_EXPANDED (256ull << 20)
/* numprocs above this is refused (supervisord would try, for hours). */
#define CONF_MAX_NUMPROCS 100000

/* A cached user lookup (10,000 programs with user= must not read
 * /etc/passwd 10,000 times). */
struct ucache {
	struct ucache *next;
	int status;                 /* 0 ok, -1 error */
	uid_t uid;
	gid_t gid;
	char *err;
	char key[];
};

/* The loader's state for one conf_load (or one conf_program_from_kv). */
struct ld {
	const struct conf_env_src *src;
	const struct conf_cli *cli;
	bool check_all;
	struct conf_errors *errs;
	struct conf *c;             /* being built */
	struct ini ini;
	const char *path;           /* the main file as given */
	const char *here;
	const char *home;           /* $HOME of the environment, or NULL */
	const char *cwd;
	const char *host;           /* host_node_name */
	struct conf_kv *env;        /* E, the ENV_ names */
	unsigned long long expanded;/* bytes produced by expansions so far */
	struct strmap users;        /* user name -> struct ucache * */
	struct ucache *ulist;       /* every cache entry, for freeing */
	/* parse-time messages, by level */
	struct buf warn, info;      /* NUL-separated texts */
	size_t nwarn, ninfo;
};

/* A section as the option reader sees it: an INI section with [DEFAULT]
 * behind it, or a plain key/value list (twiddler's struct). */
struct sview {
	const struct ini_sect *sect;
	const struct conf_kv *kv;
	const char *name;           /* "program:web" */
	const char *file;           /* for the " (file: ...)" suffix */
};

/* Record an error. option may be NULL. file/line name where it was found
 * (line 0 = unknown). The where-line is built from them. */
void ld_error(struct ld *ld, const char *msg, const struct sview *v, const char *option);
void ld_error_at(struct ld *ld, const char *msg, const char *file, int line,
                 const char *section, const char *option, const char *detail);
void ld_warn(struct ld *ld, const char *text);
void ld_info(struct ld *ld, const char *text);

/* sections.c: everything after the files are read (config.md §6 order). */
int ld_build(struct ld *ld);
/* programs.c: the process groups, from [group:x], [program:x],
 * [eventlistener:x] and [fcgi-program:x]. */
int ld_build_groups(struct ld *ld);
/* The value of key in v as Python's get() sees it, or NULL. */
const char *sv_raw(const struct ld *ld, const struct sview *v, const char *key,
                   const char **file, int *line, bool *from_default);

/* conf_v_user through the cache; *err is malloc'd. */
int ld_user(struct ld *ld, const char *s, uid_t *uid, gid_t *gid, char **err);
void ld_release(struct ld *ld);

/* proc.c */
void conf_proc_free(struct conf_proc *p);
void conf_group_free(struct conf_group *g);

#endif
