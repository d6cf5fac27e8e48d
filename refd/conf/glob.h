/* glob.h — Python's glob.glob() and fnmatch, as [include] files= uses them
 * (config.md §4): '*', '?', '[...]' ('!' negates), hidden names only matched
 * by a pattern that starts with '.', no '**', no '~', no backslash escapes. */
#ifndef REFD_CONF_GLOB_H
#define REFD_CONF_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* fnmatch.fnmatchcase(name, pat). */
bool py_fnmatch(const char *name, const char *pat);
/* glob.glob(pattern), sorted byte-wise. Returns 0 (possibly no match). */
int py_glob(const char *pattern, char ***paths, size_t *n);

#endif
