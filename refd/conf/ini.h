/* ini.h — the INI dialect of supervisord.conf: Python 3.11's
 * RawConfigParser as supervisord configures it (config.md §2).
 *
 * An struct ini accumulates every file read into it (includes merge into
 * the same sections). Names and values are UTF-8 strings; each option
 * remembers the file and line it came from, for error messages. */
#ifndef REFD_CONF_INI_H
#define REFD_CONF_INI_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/strmap.h"

struct ini_opt {
	char *name;                 /* lower-cased */
	struct buf val;             /* the value; lines joined with '\n' */
	const char *file;           /* borrowed from struct ini */
	int line;                   /* line of the option's first line */
	bool here_pending;          /* may still hold a literal "%(here)s" */
};

struct ini_sect {
	char *name;
	struct ini_opt *opts;
	size_t n, cap;
	const char *file;           /* file where the section first appeared */
	int line;                   /* its header line there */
	unsigned gen;               /* the read that created it */
};

struct ini {
	struct ini_sect defaults;   /* [DEFAULT] */
	struct ini_sect **v;        /* sections in order of first appearance */
	size_t n, cap;
	struct strmap index;        /* name -> struct ini_sect * */
	char **files;               /* every file name read, owned */
	size_t nfiles;
	unsigned gen;               /* number of reads so far */
	size_t read_first;          /* sections created by the last read start here */
	bool defaults_touched;      /* the last read set a [DEFAULT] option */
	/* options that may hold a literal %(here)s, as (section, index) */
	struct ini_ref { struct ini_sect *s; size_t i; } *pending;
	size_t npending, cappending;
};

/* One bad line of a file, for refd's own messages. */
struct ini_badline {
	int line;
	char *section;              /* the section it appeared in, NULL = none */
	char *raw;                  /* the line as read, without its newline */
};

/* A file the parser rejects: Python's message (ParsingError or
 * MissingSectionHeaderError text) and the lines it names. */
struct ini_err {
	char *message;
	struct ini_badline *bad;
	size_t nbad;
};

void ini_init(struct ini *ini);
void ini_free(struct ini *ini);
void ini_err_free(struct ini_err *e);

/* Parse data (UTF-8 without NUL bytes; the caller checks) as the file
 * fname and merge it in. Returns 0, or -1 with *err filled. Like Python,
 * a file with bad lines is still merged up to the end (the error is raised
 * after it), a file without a section header stops at that line. */
int ini_read(struct ini *ini, const char *fname, const char *data, size_t len, struct ini_err *err);

struct ini_sect *ini_section(const struct ini *ini, const char *name);
/* The section's own option, or NULL. */
struct ini_opt *ini_own(const struct ini_sect *s, const char *name);
/* The option as RawConfigParser.get sees it: own, else [DEFAULT]'s. */
const struct ini_opt *ini_get(const struct ini *ini, const struct ini_sect *s, const char *name);
/* Set an own option of s (value replaced in place, or appended). */
void ini_set(struct ini *ini, struct ini_sect *s, const char *name, const char *value,
             const char *file, int line);
/* supervisord's expand_here(): replace every literal "%(here)s" in every
 * section's options (own and inherited from [DEFAULT], which then become
 * own) with here. */
void ini_expand_here(struct ini *ini, const char *here);
/* options(section): own names in order, then [DEFAULT]'s not already
 * present. Returns a malloc'd array of borrowed names. */
const char **ini_option_names(const struct ini *ini, const struct ini_sect *s, size_t *n);

#endif
