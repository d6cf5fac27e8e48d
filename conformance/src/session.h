/* session: turns a Markdown document into the cases refd-conform replays.
 *
 * session_parse is a pure function over a byte buffer (no I/O, no globals)
 * so that a fuzzer can call it. The grammar is docs/conformance.md's. A
 * struct session owns everything reachable from it; session_free frees it.
 * Problems are collected as errors naming the line, never fatal: a malformed
 * document yields fewer cases and a list of errors. */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>

#include "pyval.h"

enum level { LEVEL_MUST, LEVEL_SHOULD, LEVEL_INFO };
enum until { UNTIL_PASS, UNTIL_NONEMPTY };

/* Directives that shape how one step is checked. */
struct step_opts {
    int ellipsis;            /* `...` inside strings is a wildcard */
    char **type_only;        /* NULL-terminated paths compared by type only */
    int illustrative;        /* a difference is doc-drift, not fail */
    int illus_type;          /* with illustrative: the type the value must have, -1 = any */
    double wait;             /* retry for up to this many seconds (0 = once) */
    enum until until;        /* what the retries wait for */
    double timeout;          /* per-call time bound in seconds (0 = runner default) */
};

enum step_kind {
    STEP_NOOP,       /* import / from ... import */
    STEP_PROXY,      /* NAME = ServerProxy(...) */
    STEP_CALL,       /* NAME.ns.method(args)[key]... */
    STEP_HTTP        /* one raw HTTP exchange */
};

enum expect_kind {
    EXPECT_NONE,            /* no output written: result not checked */
    EXPECT_VALUE,           /* a Python literal */
    EXPECT_FAULT,           /* xmlrpc.client.Fault: <Fault N: 'text'> */
    EXPECT_PROTOCOL_ERROR,  /* xmlrpc.client.ProtocolError: <... N reason> */
    EXPECT_TEXT             /* not a literal: only usable as illustrative */
};

struct http_expect {
    char *version;           /* "HTTP/1.1" or NULL: not checked */
    int status;              /* 0: not checked */
    char *reason;            /* ellipsis pattern or NULL */
    char **hdr_names;        /* expected headers (name, value pattern) */
    char **hdr_values;       /* NULL value: the header must be absent */
    size_t nhdrs;
    char *body;              /* ellipsis pattern or NULL: not checked */
    int no_response;         /* `< (no response)` */
    int after;               /* 0 unchecked, 1 `(closed)`, 2 `(open)` */
};

struct step {
    int line;
    char *source;            /* statement text, prompts stripped */
    char *expected_text;     /* output lines as written (indent stripped), or NULL */
    enum step_kind kind;
    /* STEP_CALL */
    char *var;               /* proxy variable ("s") */
    char *method;            /* "supervisor.getState" */
    struct pv *args;         /* PV_TUPLE */
    struct pv **subscripts;  /* applied to the result in order */
    size_t nsubscripts;
    int wrap_len;            /* len(...) around the call */
    /* STEP_PROXY */
    int proxy_unix;          /* the document named a unix socket transport */
    /* expectation */
    enum expect_kind expect;
    struct pv *exp_value;
    int fault_code;
    char *fault_string;      /* UTF-8, NUL-terminated */
    size_t fault_len;
    int http_status;         /* EXPECT_PROTOCOL_ERROR */
    char *expect_error;      /* why the expected text is not a literal */
    int broken;              /* the statement did not parse (reported as an error) */
    /* STEP_HTTP */
    char *http_request;      /* raw request with placeholders unresolved */
    size_t http_request_len;
    struct http_expect http;
    char *via;               /* "unix", "inet" or NULL */
    struct step_opts opts;
};

struct scase {
    char *id;
    int id_explicit;
    int line;
    char **tags;             /* NULL-terminated */
    enum level level;
    int setup;               /* set-up only (imports, proxies): not reported */
    char **needs;            /* ids run first when this case is selected */
    char **only;             /* target names this case runs on (NULL = all) */
    char **except;           /* target names it does not run on */
    char **requires;         /* namespaces or methods the target must list */
    char *skip;              /* unconditional skip reason */
    struct step *steps;
    size_t nsteps;
};

struct session_error {
    int line;
    char *msg;
};

struct session {
    char *name;              /* document stem, used for implicit ids */
    char *config;            /* config directive text, or NULL for the default */
    char *auth_user, *auth_password;
    char **file_tags;
    struct scase *cases;
    size_t ncases;
    struct session_error *errors;
    size_t nerrors;
};

/* Parses buf (a Markdown document named name, e.g. "twiddler-README"). Never
 * returns NULL except when out of memory. */
struct session *session_parse(const char *name, const char *buf, size_t len);
void session_free(struct session *s);

/* A sidecar: directives for a document that cannot carry them inline. */
struct sidecar;
struct sidecar *sidecar_parse(const char *buf, size_t len, struct session_error **errs,
                              size_t *nerrs);
void sidecar_free(struct sidecar *sc);
/* 1 when the sidecar's `match:` fingerprints all occur in the document. */
int sidecar_matches(const struct sidecar *sc, const char *doc, size_t len);
/* Applies a matching sidecar's file and step directives to a parsed session
 * (ids, tags, levels, step options; it may split steps into their own cases
 * by giving them ids). Problems are added to s->errors. */
void sidecar_apply(const struct sidecar *sc, struct session *s);

/* Does tag list contain tag? */
int tags_has(char *const *tags, const char *tag);
const char *level_name(enum level l);

#endif
