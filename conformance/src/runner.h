/* runner: replays the cases of session documents against a target and
 * records a result per case. Results own their strings; results_free frees
 * them. */
#ifndef RUNNER_H
#define RUNNER_H

#include <stddef.h>

#include "session.h"
#include "target.h"

enum verdict { V_PASS, V_FAIL, V_DRIFT, V_SKIP, V_XFAIL, V_XPASS };

const char *verdict_name(enum verdict v);

struct step_result {
    int line;
    char *source;
    enum verdict verdict;
    char *expected, *actual, *message;
    double duration;
};

struct case_result {
    char *file;                 /* as given on the command line */
    int line;
    char *id;
    char **tags;                /* NULL-terminated, file tags included */
    enum level level;
    enum verdict verdict;
    char *expected, *actual;    /* of the deciding step */
    char *message;              /* why it failed, drifted or was skipped */
    char *xreason;              /* expected-difference reason, if listed */
    double duration;            /* seconds */
    char *request, *response;   /* the HTTP exchange of a failing step */
    int gating;                 /* this result fails the run */
    struct step_result *steps;
    size_t nsteps;
};

struct results {
    struct case_result *v;
    size_t n;
    int session_errors;         /* malformed documents or sidecars */
    int target_errors;          /* targets that could not be started */
    char *api_version;          /* supervisor.getAPIVersion of the last target probed */
    size_t nmethods;            /* its system.listMethods count */
};

struct selection {
    char **ids;                 /* id prefixes (NULL: all) */
    char **tags;                /* tags; "!t" excludes (NULL: all) */
};

/* One expected-difference list: case ids (or prefixes ending in '*') with
 * the reason each differs on that target. */
struct xdiff {
    char **ids;
    char **reasons;
    size_t n;
};
int xdiff_load(const char *path, struct xdiff *x);
void xdiff_free(struct xdiff *x);

struct sidecars {
    struct sidecar **v;
    char **paths;
    size_t n;
};
/* Loads every *.directives file in dir (missing dir: nothing). */
int sidecars_load_dir(struct sidecars *scs, const char *dir);
int sidecars_load_file(struct sidecars *scs, const char *path);
void sidecars_free(struct sidecars *scs);

struct run_config {
    struct target *target;
    const struct selection *sel;
    const struct sidecars *sidecars;
    const struct xdiff *xdiff;
    int strict;
    double call_timeout;        /* seconds per call (default 30) */
    int list_only;              /* --list: parse and select, do not run */
    int verbose;
};

/* Parses, selects and (unless list_only) replays one document. Appends to
 * out. Returns the number of selected cases. */
size_t runner_run_file(const struct run_config *rc, const char *path, struct results *out);

/* Session parsing with the runner's sidecar lookup (for --list and tests). */
struct session *runner_load(const char *path, const struct sidecars *scs, char **text_out,
                            size_t *len_out, char **err_out);

void results_free(struct results *r);

#endif
