/* path.h — the few os.path functions whose results reach configs:
 * POSIX semantics exactly as Python's posixpath. All return new strings. */
#ifndef REFD_CONF_PATH_H
#define REFD_CONF_PATH_H

#include <stdbool.h>

/* os.path.expanduser: "~" and "~/x" use home (NULL = the passwd entry of
 * the current uid), "~user/x" that user's home; unknown users unchanged. */
char *py_expanduser(const char *p, const char *home);
char *py_dirname(const char *p);
char *py_normpath(const char *p);
char *py_join(const char *a, const char *b);
/* os.path.abspath against cwd. */
char *py_abspath(const char *p, const char *cwd);
/* supervisord's normalize_path: normpath(abspath(expanduser(p))). */
char *py_normalize_path(const char *p, const char *home, const char *cwd);
bool py_isdir(const char *p);

#endif
