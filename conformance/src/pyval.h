/* pyval: the values of a session, as Python prints them. A parser for Python
 * literals (the expected results and call arguments of a transcript), Python's
 * repr() for printing actual values, and the comparison rules of a case.
 *
 * Pure: no I/O, no globals. Every struct pv is owned by whoever holds the
 * pointer; pv_free frees it and everything inside it. Strings are byte
 * strings (UTF-8 for str) with an explicit length and a trailing NUL. */
#ifndef PYVAL_H
#define PYVAL_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

enum pv_type {
    PV_NONE, PV_BOOL, PV_INT, PV_FLOAT, PV_STR, PV_BYTES,
    PV_LIST, PV_TUPLE, PV_DICT, PV_ELLIPSIS, PV_DATETIME
};

struct pv {
    enum pv_type type;
    int64_t i;            /* BOOL (0/1), INT */
    double f;             /* FLOAT */
    char *s;              /* STR, BYTES, DATETIME (iso8601 text) */
    size_t len;           /* length of s; element count of LIST/TUPLE/DICT */
    struct pv **items;    /* LIST, TUPLE: elements; DICT: keys */
    struct pv **vals;     /* DICT: values */
    int open;             /* DICT written with a bare `...` item: other keys allowed */
};

struct pv *pv_new(enum pv_type type);
struct pv *pv_int(int64_t v);
struct pv *pv_bool(int v);
struct pv *pv_float(double v);
struct pv *pv_str(const char *s, size_t len);      /* copies */
struct pv *pv_bytes(const void *s, size_t len);    /* copies */
/* Appends (takes ownership of) item to a LIST/TUPLE, or key and val to a DICT. */
int pv_append(struct pv *seq, struct pv *item);
int pv_dict_set(struct pv *dict, struct pv *key, struct pv *val);
const struct pv *pv_dict_get(const struct pv *dict, const char *key);
struct pv *pv_clone(const struct pv *v);
void pv_free(struct pv *v);
/* Python's name for the type: 'str', 'int', 'dict', ... */
const char *pv_type_name(enum pv_type t);
/* Parses a type name back; -1 if unknown. */
int pv_type_from_name(const char *name, size_t len);

struct pv_error {
    size_t offset;        /* byte offset into the parsed text */
    char msg[160];
};

/* Parses one literal starting at text[*pos] (skipping leading whitespace)
 * and advances *pos past it. NULL on error. Grammar: docs/conformance.md. */
struct pv *pv_parse_at(const char *text, size_t len, size_t *pos, struct pv_error *err);
/* Parses text that must hold exactly one literal (surrounding whitespace
 * allowed). */
struct pv *pv_parse(const char *text, size_t len, struct pv_error *err);
/* Skips spaces, tabs, newlines, and a trailing "# comment" up to the end of
 * its line. */
size_t pv_skip_space(const char *text, size_t len, size_t pos);

/* Decodes one UTF-8 sequence of at most n bytes at s (shortest form, no
 * surrogates); returns its length, or 0 when it is not valid UTF-8. */
size_t pv_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* repr() as Python 3 prints it. */
void pv_repr(const struct pv *v, struct sbuf *out);
/* Same, into a new string (caller frees). */
char *pv_repr_str(const struct pv *v);
/* Python's str(): like repr, except a str is its own text. */
void pv_str_text(const struct pv *v, struct sbuf *out);

/* Strict equality: same types (True is not 1, 1 is not 1.0), dicts compared
 * as key sets, lists in order. */
int pv_equal(const struct pv *a, const struct pv *b);

/* doctest's ELLIPSIS: `...` in pattern matches any run of bytes. */
int pv_ellipsis_match(const char *pat, size_t plen, const char *s, size_t slen);

struct pv_match_opts {
    int ellipsis;                 /* `...` inside expected strings is a wildcard */
    const char *const *type_only; /* paths compared by type only (NULL-terminated) */
};

/* Matches an expected value (which may hold Ellipsis wildcards) against an
 * actual one. Returns 1 on a match; otherwise 0 and a one-line reason naming
 * the first difference's path into why. */
int pv_match(const struct pv *expected, const struct pv *actual,
             const struct pv_match_opts *opts, struct sbuf *why);

/* Serialises v as an XML-RPC <value> (str/bytes as <string>/<base64>, None as
 * <nil/>, tuples as arrays). CR is written as &#13; so that it survives. */
int pv_to_xmlrpc(const struct pv *v, struct sbuf *out);

#endif
