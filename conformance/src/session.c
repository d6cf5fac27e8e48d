/* Markdown sessions: finds transcript examples, HTTP exchanges and directive
 * comments in a document and groups them into cases. Pure over its input. */
#include "session.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE_COUNT 1000000

struct line { const char *p; size_t len; };

/* Directives collected from comments, waiting for the block they precede. */
struct pending {
    int line;
    char *id;
    char **tags, **needs, **only, **except, **requires;
    char *skip, *via;
    int level;              /* -1 unset */
    struct step_opts opts;
    int has_opts;
};

struct parser {
    struct session *s;
    struct line *lines;
    size_t nlines;
    struct pending pend;
    /* implicit id bookkeeping */
    size_t ncase_cap;
};

/* ------------------------------------------------------------------ */
/* small helpers */

static char *dupn(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static void add_error(struct session *s, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_error(struct session *s, int line, const char *fmt, ...)
{
    struct session_error *n = realloc(s->errors, (s->nerrors + 1) * sizeof(*n));
    if (!n)
        return;
    s->errors = n;
    struct sbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    s->errors[s->nerrors].line = line;
    s->errors[s->nerrors].msg = sb_steal(&sb);
    s->nerrors++;
}

static size_t strv_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static char **strv_push(char **v, const char *p, size_t n)
{
    size_t l = strv_len(v);
    char **nv = realloc(v, (l + 2) * sizeof(*nv));
    if (!nv)
        return v;
    nv[l] = dupn(p, n);
    nv[l + 1] = NULL;
    if (!nv[l])
        nv[l] = NULL;
    return nv;
}

static char **strv_dup(char *const *v)
{
    char **out = NULL;
    for (size_t i = 0; v && v[i]; i++)
        out = strv_push(out, v[i], strlen(v[i]));
    return out;
}

/* Splits a list on commas and whitespace, appending to v. */
static char **split_list(char **v, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (isspace((unsigned char)p[i]) || p[i] == ','))
            i++;
        size_t st = i;
        while (i < n && !isspace((unsigned char)p[i]) && p[i] != ',')
            i++;
        if (i > st)
            v = strv_push(v, p + st, i - st);
    }
    return v;
}

int tags_has(char *const *tags, const char *tag)
{
    for (size_t i = 0; tags && tags[i]; i++)
        if (strcmp(tags[i], tag) == 0)
            return 1;
    return 0;
}

const char *level_name(enum level l)
{
    return l == LEVEL_MUST ? "must" : l == LEVEL_SHOULD ? "should" : "info";
}

static void opts_free(struct step_opts *o)
{
    strv_free(o->type_only);
    o->type_only = NULL;
}

static void opts_copy(struct step_opts *dst, const struct step_opts *src)
{
    *dst = *src;
    dst->type_only = strv_dup(src->type_only);
}

static void pending_clear(struct pending *p)
{
    free(p->id);
    strv_free(p->tags);
    strv_free(p->needs);
    strv_free(p->only);
    strv_free(p->except);
    strv_free(p->requires);
    free(p->skip);
    free(p->via);
    opts_free(&p->opts);
    memset(p, 0, sizeof(*p));
    p->level = -1;
    p->opts.illus_type = -1;
}

static size_t indent_of(const struct line *l)
{
    size_t i = 0;
    while (i < l->len && l->p[i] == ' ')
        i++;
    return i;
}

static int is_blank(const struct line *l)
{
    for (size_t i = 0; i < l->len; i++)
        if (!isspace((unsigned char)l->p[i]))
            return 0;
    return 1;
}

/* ">>>" or "..." at column ind followed by a space or the end of the line. */
static int prompt_at(const struct line *l, size_t ind, const char *prompt)
{
    return l->len >= ind + 3 && memcmp(l->p + ind, prompt, 3) == 0 &&
           (l->len == ind + 3 || l->p[ind + 3] == ' ');
}

/* ------------------------------------------------------------------ */
/* directives */

static int parse_seconds(const char *v, size_t n, double *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof(buf))
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    char *end;
    double d = strtod(buf, &end);
    if (*end == 's')
        end++;
    if (*end || d < 0 || d > 3600)
        return -1;
    *out = d;
    return 0;
}

/* Applies one `key: value` directive. scope: 0 block (HTML comment),
 * 1 step (trailing # conform:), 2 sidecar step section, 3 sidecar file. */
static int apply_directive(struct session *s, struct pending *p, int line, const char *key,
                           size_t kl, const char *val, size_t vl, int scope)
{
#define KEY(k) (kl == strlen(k) && memcmp(key, k, kl) == 0)
    struct step_opts *o = &p->opts;
    if (KEY("ellipsis") || KEY("+ELLIPSIS")) {
        o->ellipsis = !((vl == 3 && memcmp(val, "off", 3) == 0) || (vl == 2 && memcmp(val, "no", 2) == 0));
        p->has_opts = 1;
    } else if (KEY("type")) {
        if (vl == 0)
            o->type_only = strv_push(o->type_only, ".", 1);
        else
            o->type_only = split_list(o->type_only, val, vl);
        p->has_opts = 1;
    } else if (KEY("illustrative")) {
        o->illustrative = 1;
        o->illus_type = -1;
        if (vl) {
            o->illus_type = pv_type_from_name(val, vl);
            if (o->illus_type < 0) {
                add_error(s, line, "illustrative: unknown type '%.*s' (use str, int, list, dict, ...)",
                          (int)vl, val);
                return -1;
            }
        }
        p->has_opts = 1;
    } else if (KEY("wait")) {
        if (parse_seconds(val, vl, &o->wait) < 0) {
            add_error(s, line, "wait: expected seconds (0..3600), got '%.*s'", (int)vl, val);
            return -1;
        }
        p->has_opts = 1;
    } else if (KEY("timeout")) {
        if (parse_seconds(val, vl, &o->timeout) < 0 || o->timeout == 0) {
            add_error(s, line, "timeout: expected seconds (0..3600), got '%.*s'", (int)vl, val);
            return -1;
        }
        p->has_opts = 1;
    } else if (KEY("until")) {
        if (vl == 4 && memcmp(val, "pass", 4) == 0)
            o->until = UNTIL_PASS;
        else if (vl == 8 && memcmp(val, "nonempty", 8) == 0)
            o->until = UNTIL_NONEMPTY;
        else {
            add_error(s, line, "until: expected 'pass' or 'nonempty', got '%.*s'", (int)vl, val);
            return -1;
        }
        p->has_opts = 1;
    } else if (scope == 1) {
        add_error(s, line, "'%.*s' is not a step directive (ellipsis, type, illustrative, wait, until, timeout)",
                  (int)kl, key);
        return -1;
    } else if (KEY("id")) {
        if (vl == 0) {
            add_error(s, line, "id: needs a value");
            return -1;
        }
        for (size_t i = 0; i < vl; i++)
            if (!isalnum((unsigned char)val[i]) && !strchr("._:/-+", val[i])) {
                add_error(s, line, "id: '%.*s' has a character outside [A-Za-z0-9._:/+-]", (int)vl, val);
                return -1;
            }
        free(p->id);
        p->id = dupn(val, vl);
    } else if (KEY("tags")) {
        p->tags = split_list(p->tags, val, vl);
    } else if (KEY("level")) {
        if (vl == 4 && memcmp(val, "must", 4) == 0)
            p->level = LEVEL_MUST;
        else if (vl == 6 && memcmp(val, "should", 6) == 0)
            p->level = LEVEL_SHOULD;
        else if (vl == 4 && memcmp(val, "info", 4) == 0)
            p->level = LEVEL_INFO;
        else {
            add_error(s, line, "level: expected must, should or info, got '%.*s'", (int)vl, val);
            return -1;
        }
    } else if (KEY("needs")) {
        p->needs = split_list(p->needs, val, vl);
    } else if (KEY("only")) {
        p->only = split_list(p->only, val, vl);
    } else if (KEY("except")) {
        p->except = split_list(p->except, val, vl);
    } else if (KEY("requires")) {
        p->requires = split_list(p->requires, val, vl);
    } else if (KEY("skip")) {
        free(p->skip);
        p->skip = vl ? dupn(val, vl) : dupn("skipped by directive", 20);
    } else if (KEY("via")) {
        if (!((vl == 4 && memcmp(val, "unix", 4) == 0) || (vl == 4 && memcmp(val, "inet", 4) == 0))) {
            add_error(s, line, "via: expected unix or inet, got '%.*s'", (int)vl, val);
            return -1;
        }
        free(p->via);
        p->via = dupn(val, vl);
    } else if (KEY("file-tags") && (scope == 0 || scope == 3)) {
        s->file_tags = split_list(s->file_tags, val, vl);
    } else if (KEY("auth") && (scope == 0 || scope == 3)) {
        char **w = split_list(NULL, val, vl);
        if (strv_len(w) != 2) {
            add_error(s, line, "auth: expected USER PASSWORD");
            strv_free(w);
            return -1;
        }
        free(s->auth_user);
        free(s->auth_password);
        s->auth_user = w[0];
        s->auth_password = w[1];
        free(w);
    } else {
        add_error(s, line, "unknown directive '%.*s'", (int)kl, key);
        return -1;
    }
    return 0;
#undef KEY
}

/* Parses "key: value" items separated by newlines or ';'. */
static void parse_directive_text(struct session *s, struct pending *p, int line,
                                 const char *t, size_t n, int scope)
{
    size_t i = 0;
    while (i < n) {
        size_t st = i;
        while (i < n && t[i] != '\n' && t[i] != ';')
            i++;
        size_t en = i;
        int item_line = line;
        for (size_t k = 0; k < st; k++)
            if (t[k] == '\n')
                item_line++;
        if (i < n)
            i++;
        while (st < en && isspace((unsigned char)t[st]))
            st++;
        while (en > st && isspace((unsigned char)t[en - 1]))
            en--;
        if (st == en)
            continue;
        const char *colon = memchr(t + st, ':', en - st);
        const char *eq = memchr(t + st, '=', en - st);
        if (!colon || (eq && eq < colon))
            colon = eq;
        size_t kl = colon ? (size_t)(colon - (t + st)) : en - st;
        while (kl && isspace((unsigned char)t[st + kl - 1]))
            kl--;
        const char *v = colon ? colon + 1 : t + en;
        while (v < t + en && isspace((unsigned char)*v))
            v++;
        apply_directive(s, p, item_line, t + st, kl, v, (size_t)(t + en - v), scope);
    }
}

static const char *const block_keys[] = {
    "id", "tags", "level", "needs", "only", "except", "requires", "skip", "via",
    "ellipsis", "type", "illustrative", "wait", "until", "timeout", "file-tags", "auth", NULL
};

/* Is this comment body a directive comment? Its first word must be a key. */
static int is_directive_comment(const char *t, size_t n)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)t[i]))
        i++;
    size_t st = i;
    while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '+'))
        i++;
    size_t kl = i - st;
    if (kl == 6 && memcmp(t + st, "config", 6) == 0 && (i == n || isspace((unsigned char)t[i])))
        return 2;
    for (const char *const *k = block_keys; *k; k++)
        if (strlen(*k) == kl && memcmp(t + st, *k, kl) == 0 &&
            (i == n || t[i] == ':' || t[i] == '=' || t[i] == ';' || isspace((unsigned char)t[i])))
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* statements */

/* Finds a '#' that starts a comment (outside string literals), or n. */
static size_t comment_start(const char *t, size_t n)
{
    char q = 0;
    int triple = 0;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (q) {
            if (c == '\\') {
                i++;
            } else if (c == q) {
                if (!triple)
                    q = 0;
                else if (i + 2 < n && t[i + 1] == q && t[i + 2] == q) {
                    q = 0;
                    i += 2;
                }
            }
        } else if (c == '\'' || c == '"') {
            q = c;
            triple = i + 2 < n && t[i + 1] == c && t[i + 2] == c;
            if (triple)
                i += 2;
        } else if (c == '#') {
            return i;
        }
    }
    return n;
}

static size_t ident_len(const char *t, size_t n, size_t pos)
{
    size_t i = pos;
    if (i < n && (isalpha((unsigned char)t[i]) || t[i] == '_'))
        for (i++; i < n && (isalnum((unsigned char)t[i]) || t[i] == '_'); i++)
            ;
    return i - pos;
}

static int parse_statement(struct session *s, struct step *st)
{
    const char *t = st->source;
    size_t n = strlen(t);
    size_t cs = comment_start(t, n);
    n = cs;
    while (n && isspace((unsigned char)t[n - 1]))
        n--;
    size_t i = pv_skip_space(t, n, 0);
    if ((n - i >= 7 && memcmp(t + i, "import ", 7) == 0) ||
        (n - i >= 5 && memcmp(t + i, "from ", 5) == 0)) {
        st->kind = STEP_NOOP;
        return 0;
    }
    size_t il = ident_len(t, n, i);
    if (!il) {
        add_error(s, st->line, "not a call: %.60s", t);
        return -1;
    }
    /* assignment: NAME = ...ServerProxy(...) */
    size_t j = pv_skip_space(t, n, i + il);
    if (j < n && t[j] == '=' && (j + 1 >= n || t[j + 1] != '=')) {
        if (!memmem(t + j, n - j, "ServerProxy(", 12)) {
            add_error(s, st->line, "only `NAME = ServerProxy(...)` assignments are understood");
            return -1;
        }
        st->kind = STEP_PROXY;
        st->var = dupn(t + i, il);
        st->proxy_unix = memmem(t + j, n - j, "unix://", 7) != NULL;
        return 0;
    }
    st->kind = STEP_CALL;
    int wrapped = 0;
    if (il == 3 && memcmp(t + i, "len", 3) == 0 && j < n && t[j] == '(') {
        wrapped = 1;
        st->wrap_len = 1;
        i = pv_skip_space(t, n, j + 1);
        il = ident_len(t, n, i);
        if (!il) {
            add_error(s, st->line, "len() must wrap a call");
            return -1;
        }
    }
    st->var = dupn(t + i, il);
    i += il;
    struct sbuf m = {0};
    while (i < n && t[i] == '.') {
        size_t l = ident_len(t, n, i + 1);
        if (!l) {
            sb_free(&m);
            add_error(s, st->line, "expected a method name after '.'");
            return -1;
        }
        if (m.len)
            sb_addc(&m, '.');
        sb_add(&m, t + i + 1, l);
        i += 1 + l;
    }
    if (!m.len || i >= n || t[i] != '(') {
        sb_free(&m);
        add_error(s, st->line, "expected PROXY.namespace.method(args): %.60s", t);
        return -1;
    }
    st->method = sb_steal(&m);
    i++;
    st->args = pv_new(PV_TUPLE);
    for (;;) {
        i = pv_skip_space(t, n, i);
        if (i < n && t[i] == ')') {
            i++;
            break;
        }
        size_t kw = ident_len(t, n, i);
        if (kw && pv_skip_space(t, n, i + kw) < n && t[pv_skip_space(t, n, i + kw)] == '=' &&
            strncmp(t + i, "True", 4) && strncmp(t + i, "False", 5) && strncmp(t + i, "None", 4)) {
            add_error(s, st->line, "XML-RPC calls take no keyword arguments");
            return -1;
        }
        struct pv_error err;
        struct pv *a = pv_parse_at(t, n, &i, &err);
        if (!a) {
            add_error(s, st->line, "argument: %s (at column %zu)", err.msg, err.offset + 1);
            return -1;
        }
        pv_append(st->args, a);
        i = pv_skip_space(t, n, i);
        if (i < n && t[i] == ',') {
            i++;
            continue;
        }
        if (i < n && t[i] == ')') {
            i++;
            break;
        }
        add_error(s, st->line, "expected ',' or ')' in the argument list");
        return -1;
    }
    for (;;) {
        i = pv_skip_space(t, n, i);
        if (i >= n || t[i] != '[')
            break;
        i++;
        struct pv_error err;
        struct pv *k = pv_parse_at(t, n, &i, &err);
        if (!k) {
            add_error(s, st->line, "subscript: %s", err.msg);
            return -1;
        }
        i = pv_skip_space(t, n, i);
        if (i >= n || t[i] != ']' || (k->type != PV_INT && k->type != PV_STR)) {
            pv_free(k);
            add_error(s, st->line, "a subscript is [int] or ['key']");
            return -1;
        }
        i++;
        struct pv **ns = realloc(st->subscripts, (st->nsubscripts + 1) * sizeof(*ns));
        if (!ns) {
            pv_free(k);
            return -1;
        }
        st->subscripts = ns;
        st->subscripts[st->nsubscripts++] = k;
    }
    if (wrapped) {
        i = pv_skip_space(t, n, i);
        if (i >= n || t[i] != ')') {
            add_error(s, st->line, "expected ')' closing len(");
            return -1;
        }
        i++;
    }
    i = pv_skip_space(t, n, i);
    if (i != n) {
        add_error(s, st->line, "unexpected text after the call: %.40s", t + i);
        return -1;
    }
    return 0;
}

/* Parses the expected output of a step. */
static void parse_expected(struct session *s, struct step *st)
{
    const char *t = st->expected_text;
    if (!t) {
        st->expect = EXPECT_NONE;
        return;
    }
    size_t n = strlen(t);
    const char *exc = t;
    if (strncmp(t, "Traceback (most recent call last):", 34) == 0) {
        /* the exception line is the last line; what comes between is ignored */
        const char *last = t + n;
        while (last > t && last[-1] == '\n')
            last--;
        const char *nl = last;
        while (nl > t && nl[-1] != '\n')
            nl--;
        exc = nl;
    }
    const char *prefixes[] = { "xmlrpc.client.", "xmlrpclib.", "" };
    for (size_t k = 0; k < 3; k++) {
        size_t pl = strlen(prefixes[k]);
        if (strncmp(exc, prefixes[k], pl) != 0)
            continue;
        const char *e = exc + pl;
        if (strncmp(e, "Fault: <Fault ", 14) == 0) {
            const char *p = e + 14;
            char *end;
            long code = strtol(p, &end, 10);
            if (end == p || *end != ':') {
                add_error(s, st->line, "malformed fault line: expected <Fault N: 'text'>");
                st->expect = EXPECT_TEXT;
                return;
            }
            size_t pos = (size_t)(end + 1 - t);
            struct pv_error err;
            struct pv *str = pv_parse_at(t, n, &pos, &err);
            pos = pv_skip_space(t, n, pos);
            if (!str || str->type != PV_STR || pos >= n || t[pos] != '>' ||
                pv_skip_space(t, n, pos + 1) != n) {
                pv_free(str);
                add_error(s, st->line, "malformed fault line: the fault string must be a quoted str followed by '>'");
                st->expect = EXPECT_TEXT;
                return;
            }
            st->expect = EXPECT_FAULT;
            st->fault_code = (int)code;
            st->fault_string = str->s;
            st->fault_len = str->len;
            str->s = NULL;
            pv_free(str);
            return;
        }
        if (strncmp(e, "ProtocolError: <ProtocolError for ", 34) == 0) {
            const char *colon = strstr(e + 34, ": ");
            int code = colon ? atoi(colon + 2) : 0;
            if (code < 100 || code > 599) {
                add_error(s, st->line, "malformed ProtocolError line: expected <ProtocolError for HOST/PATH: CODE REASON>");
                st->expect = EXPECT_TEXT;
                return;
            }
            st->expect = EXPECT_PROTOCOL_ERROR;
            st->http_status = code;
            return;
        }
    }
    struct pv_error err;
    st->exp_value = pv_parse(t, n, &err);
    if (st->exp_value) {
        st->expect = EXPECT_VALUE;
        return;
    }
    st->expect = EXPECT_TEXT;
    struct sbuf sb = {0};
    sb_addf(&sb, "not a Python literal: %s (offset %zu)", err.msg, err.offset);
    st->expect_error = sb_steal(&sb);
}

/* ------------------------------------------------------------------ */
/* HTTP blocks */

static int http_parse(struct session *s, struct step *st, const struct line *ls, size_t n, int line0,
                      size_t *consumed)
{
    struct sbuf req = {0}, body = {0};
    int in_body = 0, had_request = 0;
    size_t i = 0;
    /* request */
    for (; i < n; i++) {
        const struct line *l = &ls[i];
        if (is_blank(l) || (l->len && l->p[0] == '#'))
            continue;
        if (l->p[0] == '<')
            break;
        if (l->p[0] != '>') {
            add_error(s, line0 + (int)i, "http block: lines start with '>' (request), '<' (response) or '#'");
            sb_free(&req);
            sb_free(&body);
            return -1;
        }
        had_request = 1;
        const char *p = l->p + 1;
        size_t pl = l->len - 1;
        if (pl && *p == ' ') {
            p++;
            pl--;
        }
        if (in_body) {
            if (body.len)
                sb_addc(&body, '\n');
            sb_add(&body, p, pl);
        } else if (pl == 0) {
            in_body = 1;
        } else {
            sb_add(&req, p, pl);
            sb_adds(&req, "\r\n");
        }
    }
    if (!had_request) {
        add_error(s, line0, "http block: no request lines");
        sb_free(&req);
        sb_free(&body);
        return -1;
    }
    sb_adds(&req, "\r\n");
    sb_add(&req, sb_str(&body), body.len);
    sb_free(&body);
    st->http_request_len = req.len;
    st->http_request = sb_steal(&req);
    /* response expectation */
    struct http_expect *h = &st->http;
    int in_rbody = 0, saw_status = 0;
    struct sbuf rb = {0};
    for (; i < n; i++) {
        const struct line *l = &ls[i];
        if (is_blank(l) || (l->len && l->p[0] == '#'))
            continue;
        if (l->p[0] == '>')
            break;
        if (l->p[0] != '<') {
            add_error(s, line0 + (int)i, "http block: lines start with '>' (request), '<' (response) or '#'");
            sb_free(&rb);
            return -1;
        }
        const char *p = l->p + 1;
        size_t pl = l->len - 1;
        if (pl && *p == ' ') {
            p++;
            pl--;
        }
        if (pl == 8 && memcmp(p, "(closed)", 8) == 0) {
            h->after = 1;
            continue;
        }
        if (pl == 6 && memcmp(p, "(open)", 6) == 0) {
            h->after = 2;
            continue;
        }
        if (pl == 13 && memcmp(p, "(no response)", 13) == 0) {
            h->no_response = 1;
            saw_status = 1;
            continue;
        }
        if (in_rbody) {
            if (rb.len)
                sb_addc(&rb, '\n');
            sb_add(&rb, p, pl);
            continue;
        }
        if (!saw_status) {
            while (pl && *p == ' ') {
                p++;
                pl--;
            }
            const char *sp = memchr(p, ' ', pl);
            if (!sp || pl < 12 || memcmp(p, "HTTP/", 5) != 0) {
                add_error(s, line0 + (int)i, "http block: the first '<' line is a status line (HTTP/1.1 200 OK)");
                sb_free(&rb);
                return -1;
            }
            h->version = dupn(p, (size_t)(sp - p));
            /* The line is not NUL-terminated (it may end the document):
             * read the code within it, not with atoi. */
            const char *d = sp + 1;
            while (d < p + pl && *d == ' ')
                d++;
            int code = 0;
            while (d < p + pl && isdigit((unsigned char)*d) && code < 1000)
                code = code * 10 + (*d++ - '0');
            h->status = code;
            const char *r = sp + 1;
            while (r < p + pl && *r != ' ')
                r++;
            if (r < p + pl)
                h->reason = dupn(r + 1, (size_t)(p + pl - r - 1));
            if (h->status < 100 || h->status > 599) {
                add_error(s, line0 + (int)i, "http block: bad status code");
                sb_free(&rb);
                return -1;
            }
            saw_status = 1;
            continue;
        }
        if (pl == 0) {
            in_rbody = 1;
            continue;
        }
        char **nn = realloc(h->hdr_names, (h->nhdrs + 1) * sizeof(char *));
        char **nv = nn ? realloc(h->hdr_values, (h->nhdrs + 1) * sizeof(char *)) : NULL;
        if (nn)
            h->hdr_names = nn;
        if (nv)
            h->hdr_values = nv;
        if (!nn || !nv)
            break;
        if (*p == '!') {
            h->hdr_names[h->nhdrs] = dupn(p + 1, pl - 1);
            h->hdr_values[h->nhdrs] = NULL;
        } else {
            const char *colon = memchr(p, ':', pl);
            if (!colon) {
                add_error(s, line0 + (int)i, "http block: header lines are 'Name: value' or '!Name'");
                sb_free(&rb);
                return -1;
            }
            const char *v = colon + 1;
            while (v < p + pl && *v == ' ')
                v++;
            h->hdr_names[h->nhdrs] = dupn(p, (size_t)(colon - p));
            h->hdr_values[h->nhdrs] = dupn(v, (size_t)(p + pl - v));
        }
        h->nhdrs++;
    }
    if (!saw_status) {
        add_error(s, line0, "http block: a request needs a '<' response line (or '< (no response)')");
        sb_free(&rb);
        return -1;
    }
    if (in_rbody)
        h->body = sb_steal(&rb);
    else
        sb_free(&rb);
    *consumed = i;
    return 0;
}

/* ------------------------------------------------------------------ */
/* blocks and cases */

struct block {
    struct step *steps;
    size_t nsteps;
    int line;
};

static void step_free(struct step *st)
{
    free(st->source);
    free(st->expected_text);
    free(st->var);
    free(st->method);
    pv_free(st->args);
    for (size_t i = 0; i < st->nsubscripts; i++)
        pv_free(st->subscripts[i]);
    free(st->subscripts);
    pv_free(st->exp_value);
    free(st->fault_string);
    free(st->expect_error);
    free(st->http_request);
    free(st->http.version);
    free(st->http.reason);
    for (size_t i = 0; i < st->http.nhdrs; i++) {
        free(st->http.hdr_names[i]);
        free(st->http.hdr_values[i]);
    }
    free(st->http.hdr_names);
    free(st->http.hdr_values);
    free(st->http.body);
    free(st->via);
    opts_free(&st->opts);
}

static struct step *block_add(struct block *b)
{
    struct step *n = realloc(b->steps, (b->nsteps + 1) * sizeof(*n));
    if (!n)
        return NULL;
    b->steps = n;
    memset(&b->steps[b->nsteps], 0, sizeof(struct step));
    b->steps[b->nsteps].opts.illus_type = -1;
    return &b->steps[b->nsteps++];
}

/* Reads one `>>>` example at line i with prompt column ind. */
static size_t read_example(struct parser *ps, struct block *b, size_t i, size_t end, size_t ind)
{
    struct step *st = block_add(b);
    if (!st)
        return end;
    st->line = (int)i + 1;
    struct sbuf src = {0};
    const struct line *l = &ps->lines[i];
    sb_add(&src, l->p + ind + (l->len > ind + 3 ? 4 : 3),
           l->len > ind + 3 ? l->len - ind - 4 : 0);
    i++;
    while (i < end && indent_of(&ps->lines[i]) == ind && prompt_at(&ps->lines[i], ind, "...")) {
        l = &ps->lines[i];
        sb_addc(&src, '\n');
        if (l->len > ind + 4)
            sb_add(&src, l->p + ind + 4, l->len - ind - 4);
        i++;
    }
    st->source = sb_steal(&src);
    struct sbuf out = {0};
    int nout = 0;
    while (i < end) {
        l = &ps->lines[i];
        if (is_blank(l) || indent_of(l) < ind || prompt_at(l, ind, ">>>"))
            break;
        if (nout++)
            sb_addc(&out, '\n');
        sb_add(&out, l->p + ind, l->len - ind);
        i++;
    }
    st->expected_text = nout ? sb_steal(&out) : NULL;
    sb_free(&out);

    /* inline step directives: `# conform: ...` or `# doctest: +ELLIPSIS` */
    size_t sl = strlen(st->source);
    size_t cs = comment_start(st->source, sl);
    struct pending inl;
    memset(&inl, 0, sizeof(inl));
    inl.level = -1;
    inl.opts.illus_type = -1;
    if (ps->pend.has_opts)
        opts_copy(&inl.opts, &ps->pend.opts);
    if (cs < sl) {
        const char *c = st->source + cs + 1;
        while (*c == ' ')
            c++;
        if (strncmp(c, "conform:", 8) == 0) {
            const char *v = c + 8;
            parse_directive_text(ps->s, &inl, st->line, v, strlen(v), 1);
        } else if (strncmp(c, "doctest:", 8) == 0) {
            if (strstr(c, "+ELLIPSIS"))
                inl.opts.ellipsis = 1;
        }
    }
    st->opts = inl.opts;
    inl.opts.type_only = NULL;
    pending_clear(&inl);
    if (ps->pend.via)
        st->via = strdup(ps->pend.via);
    if (parse_statement(ps->s, st) < 0) {
        st->kind = STEP_CALL;
        st->broken = 1;
        st->expect = EXPECT_TEXT;
        free(st->expect_error);
        st->expect_error = strdup("the statement could not be parsed");
        return i;
    }
    parse_expected(ps->s, st);
    return i;
}

static struct scase *new_case(struct session *s)
{
    struct scase *n = realloc(s->cases, (s->ncases + 1) * sizeof(*n));
    if (!n)
        return NULL;
    s->cases = n;
    struct scase *c = &s->cases[s->ncases++];
    memset(c, 0, sizeof(*c));
    return c;
}

static void case_take_pending(struct scase *c, const struct pending *p)
{
    c->tags = strv_dup(p->tags);
    c->needs = strv_dup(p->needs);
    c->only = strv_dup(p->only);
    c->except = strv_dup(p->except);
    c->requires = strv_dup(p->requires);
    c->skip = p->skip ? strdup(p->skip) : NULL;
    c->level = p->level >= 0 ? (enum level)p->level : LEVEL_MUST;
}

static int step_checks(const struct step *st)
{
    return st->kind == STEP_HTTP || (st->kind == STEP_CALL && st->expect != EXPECT_NONE);
}

static void finish_block(struct parser *ps, struct block *b)
{
    struct session *s = ps->s;
    if (!b->nsteps) {
        free(b->steps);
        memset(b, 0, sizeof(*b));
        return;
    }
    if (ps->pend.id) {
        struct scase *c = new_case(s);
        if (c) {
            c->id = strdup(ps->pend.id);
            c->id_explicit = 1;
            c->line = b->line;
            case_take_pending(c, &ps->pend);
            c->steps = b->steps;
            c->nsteps = b->nsteps;
            int calls = 0;
            for (size_t i = 0; i < b->nsteps; i++)
                calls |= b->steps[i].kind == STEP_CALL || b->steps[i].kind == STEP_HTTP;
            c->setup = !calls;
            b->steps = NULL;
        }
    } else {
        /* implicit cases: each checked step closes a case holding the
         * unchecked steps before it */
        size_t start = 0;
        for (size_t i = 0; i < b->nsteps; i++) {
            int last = i + 1 == b->nsteps;
            if (!step_checks(&b->steps[i]) && !last)
                continue;
            struct scase *c = new_case(s);
            if (!c)
                break;
            c->line = b->steps[start].line;
            case_take_pending(c, &ps->pend);
            c->nsteps = i + 1 - start;
            c->steps = calloc(c->nsteps, sizeof(struct step));
            if (c->steps)
                memcpy(c->steps, &b->steps[start], c->nsteps * sizeof(struct step));
            int calls = 0;
            for (size_t k = 0; k < c->nsteps; k++)
                calls |= c->steps[k].kind == STEP_CALL || c->steps[k].kind == STEP_HTTP;
            c->setup = !calls;
            start = i + 1;
        }
        free(b->steps);
        b->steps = NULL;
    }
    memset(b, 0, sizeof(*b));
    pending_clear(&ps->pend);
}

/* Gives implicit ids: <doc>.<method>, with a content hash when the method
 * appears in more than one implicit case. */
static uint32_t fnv1a(const char *p)
{
    uint32_t h = 2166136261u;
    for (; *p; p++) {
        if (isspace((unsigned char)*p))
            continue;
        h ^= (unsigned char)*p;
        h *= 16777619u;
    }
    return h;
}

static const char *case_method(const struct scase *c)
{
    for (size_t i = c->nsteps; i-- > 0;)
        if (c->steps[i].kind == STEP_CALL && c->steps[i].method)
            return c->steps[i].method;
        else if (c->steps[i].kind == STEP_HTTP)
            return "http";
    return "setup";
}

static void session_assign_ids(struct session *s)
{
    for (size_t i = 0; i < s->ncases; i++) {
        struct scase *c = &s->cases[i];
        if (c->id)
            continue;
        const char *m = case_method(c);
        int dup = 0;
        for (size_t j = 0; j < s->ncases; j++)
            if (j != i && !s->cases[j].id_explicit && strcmp(case_method(&s->cases[j]), m) == 0)
                dup = 1;
        struct sbuf id = {0};
        sb_addf(&id, "%s.%s", s->name, m);
        if (dup) {
            struct sbuf all = {0};
            for (size_t k = 0; k < c->nsteps; k++)
                sb_adds(&all, c->steps[k].source ? c->steps[k].source : "");
            sb_addf(&id, ".%06x", (unsigned)(fnv1a(sb_str(&all)) & 0xFFFFFF));
            sb_free(&all);
        }
        c->id = sb_steal(&id);
    }
    /* duplicate ids are an error: reports and selections need them unique */
    for (size_t i = 0; i < s->ncases; i++)
        for (size_t j = i + 1; j < s->ncases; j++)
            if (!s->cases[i].setup && !s->cases[j].setup &&
                strcmp(s->cases[i].id, s->cases[j].id) == 0)
                add_error(s, s->cases[j].line, "duplicate case id '%s' (first at line %d)",
                          s->cases[j].id, s->cases[i].line);
}

/* Is line i a fence opener/closer? Returns the fence length, sets *ch. */
static size_t fence_at(const struct line *l, char *ch)
{
    size_t i = 0;
    while (i < l->len && i < 3 && l->p[i] == ' ')
        i++;
    if (i >= l->len || (l->p[i] != '`' && l->p[i] != '~'))
        return 0;
    char c = l->p[i];
    size_t n = 0;
    while (i + n < l->len && l->p[i + n] == c)
        n++;
    if (n < 3)
        return 0;
    *ch = c;
    return n;
}

struct session *session_parse(const char *name, const char *buf, size_t len)
{
    struct session *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->name = strdup(name ? name : "session");
    struct parser ps = { .s = s };
    ps.pend.level = -1;
    ps.pend.opts.illus_type = -1;

    /* split into lines */
    size_t cap = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - buf) : len;
        if (ps.nlines == cap) {
            if (cap >= MAX_LINE_COUNT) {
                add_error(s, (int)ps.nlines, "document has too many lines");
                break;
            }
            cap = cap ? cap * 2 : 256;
            struct line *nlines = realloc(ps.lines, cap * sizeof(*nlines));
            if (!nlines)
                break;
            ps.lines = nlines;
        }
        size_t ll = e - i;
        if (ll && buf[i + ll - 1] == '\r')
            ll--;
        ps.lines[ps.nlines].p = buf + i;
        ps.lines[ps.nlines].len = ll;
        ps.nlines++;
        i = e + 1;
    }

    struct block b = {0};
    size_t i = 0;
    while (i < ps.nlines) {
        const struct line *l = &ps.lines[i];
        char fch;
        size_t flen = fence_at(l, &fch);
        if (flen) {
            /* a fenced block: everything up to the closing fence */
            finish_block(&ps, &b);
            size_t ip = 0;
            while (ip < l->len && (l->p[ip] == ' ' || l->p[ip] == fch))
                ip++;
            size_t il = 0;
            while (ip + il < l->len && !isspace((unsigned char)l->p[ip + il]))
                il++;
            int is_http = il == 4 && memcmp(l->p + ip, "http", 4) == 0;
            /* transcripts live in fences with no info string or a Python
             * one; any other language is shown, not replayed */
            static const char *const py[] = { "python", "py", "pycon", "python3", "doctest", NULL };
            int is_py = il == 0;
            for (size_t k = 0; py[k] && !is_py; k++)
                is_py = strlen(py[k]) == il && memcmp(l->p + ip, py[k], il) == 0;
            size_t j = i + 1, close = ps.nlines;
            for (; j < ps.nlines; j++) {
                char c2;
                size_t fl2 = fence_at(&ps.lines[j], &c2);
                if (fl2 >= flen && c2 == fch) {
                    close = j;
                    break;
                }
            }
            if (close == ps.nlines)
                add_error(s, (int)i + 1, "unterminated code fence");
            b.line = (int)i + 2;
            if (is_http) {
                size_t k = i + 1;
                while (k < close) {
                    size_t used = 0;
                    struct step *st = block_add(&b);
                    if (!st)
                        break;
                    st->kind = STEP_HTTP;
                    st->line = (int)k + 1;
                    if (ps.pend.has_opts)
                        opts_copy(&st->opts, &ps.pend.opts);
                    if (ps.pend.via)
                        st->via = strdup(ps.pend.via);
                    st->source = strdup("http");
                    if (http_parse(s, st, &ps.lines[k], close - k, (int)k + 1, &used) < 0) {
                        step_free(st);
                        b.nsteps--;
                        break;
                    }
                    /* describe the exchange by its request line */
                    const char *rl = st->http_request;
                    size_t rll = strcspn(rl, "\r\n");
                    free(st->source);
                    st->source = dupn(rl, rll);
                    k += used;
                    while (k < close && is_blank(&ps.lines[k]))
                        k++;
                }
            } else if (is_py) {
                for (size_t k = i + 1; k < close;) {
                    const struct line *lk = &ps.lines[k];
                    size_t ind = indent_of(lk);
                    if (prompt_at(lk, ind, ">>>"))
                        k = read_example(&ps, &b, k, close, ind);
                    else
                        k++;
                }
            }
            finish_block(&ps, &b);
            i = close + 1;
            continue;
        }
        /* an HTML comment (possibly spanning lines) */
        size_t ci = 0;
        while (ci < l->len && ci < 3 && l->p[ci] == ' ')
            ci++;
        if (l->len >= ci + 4 && memcmp(l->p + ci, "<!--", 4) == 0) {
            const char *start = l->p + ci + 4;
            const char *docend = buf + len;
            const char *end = memmem(start, (size_t)(docend - start), "-->", 3);
            if (!end) {
                add_error(s, (int)i + 1, "unterminated HTML comment");
                break;
            }
            size_t body_len = (size_t)(end - start);
            int kind = is_directive_comment(start, body_len);
            if (kind == 2) {
                /* config: the rest after the first line, verbatim */
                const char *nl = memchr(start, '\n', body_len);
                if (s->config)
                    add_error(s, (int)i + 1, "a document has at most one config directive");
                else if (!nl)
                    add_error(s, (int)i + 1, "config: put the config text on the lines after `<!-- config`");
                else
                    s->config = dupn(nl + 1, (size_t)(end - nl - 1));
            } else if (kind == 1) {
                finish_block(&ps, &b);
                if (!ps.pend.line)
                    ps.pend.line = (int)i + 1;
                parse_directive_text(s, &ps.pend, (int)i + 1, start, body_len, 0);
            }
            /* skip to the line holding the end of the comment */
            while (i < ps.nlines && ps.lines[i].p + ps.lines[i].len < end + 3)
                i++;
            i++;
            continue;
        }
        size_t ind = indent_of(l);
        if (prompt_at(l, ind, ">>>")) {
            if (!b.nsteps)
                b.line = (int)i + 1;
            i = read_example(&ps, &b, i, ps.nlines, ind);
            continue;
        }
        if (!is_blank(l))
            finish_block(&ps, &b);
        i++;
    }
    finish_block(&ps, &b);
    pending_clear(&ps.pend);
    free(ps.lines);
    session_assign_ids(s);
    return s;
}

void session_free(struct session *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ncases; i++) {
        struct scase *c = &s->cases[i];
        free(c->id);
        strv_free(c->tags);
        strv_free(c->needs);
        strv_free(c->only);
        strv_free(c->except);
        strv_free(c->requires);
        free(c->skip);
        for (size_t k = 0; k < c->nsteps; k++)
            step_free(&c->steps[k]);
        free(c->steps);
    }
    free(s->cases);
    for (size_t i = 0; i < s->nerrors; i++)
        free(s->errors[i].msg);
    free(s->errors);
    free(s->name);
    free(s->config);
    free(s->auth_user);
    free(s->auth_password);
    strv_free(s->file_tags);
    free(s);
}

/* ------------------------------------------------------------------ */
/* sidecars */

struct sc_section {
    char *key;          /* step source pattern, NULL for the file section */
    int line;
    char *text;         /* directive lines */
};

struct sidecar {
    char **match;
    struct sc_section *secs;
    size_t nsecs;
};

void sidecar_free(struct sidecar *sc)
{
    if (!sc)
        return;
    strv_free(sc->match);
    for (size_t i = 0; i < sc->nsecs; i++) {
        free(sc->secs[i].key);
        free(sc->secs[i].text);
    }
    free(sc->secs);
    free(sc);
}

struct sidecar *sidecar_parse(const char *buf, size_t len, struct session_error **errs, size_t *nerrs)
{
    struct sidecar *sc = calloc(1, sizeof(*sc));
    if (!sc)
        return NULL;
    struct sbuf cur = {0};
    char *curkey = NULL;
    int curline = 1, lineno = 0, have = 0;
    *errs = NULL;
    *nerrs = 0;
    for (size_t i = 0; i <= len;) {
        const char *nl = i < len ? memchr(buf + i, '\n', len - i) : NULL;
        size_t e = nl ? (size_t)(nl - buf) : len;
        const char *p = buf + i;
        size_t l = e - i;
        lineno++;
        while (l && (p[l - 1] == '\r' || p[l - 1] == ' ' || p[l - 1] == '\t'))
            l--;
        int eof = i >= len;
        if (eof || (l && p[0] == '[')) {
            /* close the current section */
            if (have || cur.len) {
                struct sc_section *n = realloc(sc->secs, (sc->nsecs + 1) * sizeof(*n));
                if (n) {
                    sc->secs = n;
                    sc->secs[sc->nsecs].key = curkey;
                    sc->secs[sc->nsecs].line = curline;
                    sc->secs[sc->nsecs].text = sb_steal(&cur);
                    sc->nsecs++;
                    curkey = NULL;
                }
            }
            sb_free(&cur);
            if (eof)
                break;
            if (l < 7 || memcmp(p, "[step ", 6) != 0 || p[l - 1] != ']') {
                struct session_error *ne = realloc(*errs, (*nerrs + 1) * sizeof(*ne));
                if (ne) {
                    *errs = ne;
                    ne[*nerrs].line = lineno;
                    ne[*nerrs].msg = strdup("section headers are [step SOURCE]");
                    (*nerrs)++;
                }
            } else {
                free(curkey);
                curkey = dupn(p + 6, l - 7);
            }
            curline = lineno;
            have = 1;
        } else if (l && p[0] != '#') {
            if (!curkey && l > 6 && memcmp(p, "match:", 6) == 0) {
                const char *v = p + 6;
                while (*v == ' ')
                    v++;
                sc->match = strv_push(sc->match, v, (size_t)(p + l - v));
            } else {
                sb_add(&cur, p, l);
                sb_addc(&cur, '\n');
                have = 1;
            }
        }
        i = e + 1;
    }
    free(curkey);
    sb_free(&cur);
    if (!sc->match) {
        struct session_error *ne = realloc(*errs, (*nerrs + 1) * sizeof(*ne));
        if (ne) {
            *errs = ne;
            ne[*nerrs].line = 1;
            ne[*nerrs].msg = strdup("a sidecar needs at least one `match:` line");
            (*nerrs)++;
        }
    }
    return sc;
}

int sidecar_matches(const struct sidecar *sc, const char *doc, size_t len)
{
    if (!sc->match)
        return 0;
    for (size_t i = 0; sc->match[i]; i++)
        if (!memmem(doc, len, sc->match[i], strlen(sc->match[i])))
            return 0;
    return 1;
}

/* Whitespace-insensitive `...`-pattern match of a step's source. */
static int key_matches(const char *key, const char *source)
{
    struct sbuf k = {0}, s = {0};
    for (const char *p = key; *p; p++)
        if (!isspace((unsigned char)*p))
            sb_addc(&k, *p);
    for (const char *p = source; *p; p++)
        if (!isspace((unsigned char)*p))
            sb_addc(&s, *p);
    int ok = pv_ellipsis_match(sb_str(&k), k.len, sb_str(&s), s.len);
    sb_free(&k);
    sb_free(&s);
    return ok;
}

void sidecar_apply(const struct sidecar *sc, struct session *s)
{
    for (size_t si = 0; si < sc->nsecs; si++) {
        const struct sc_section *sec = &sc->secs[si];
        struct pending p;
        memset(&p, 0, sizeof(p));
        p.level = -1;
        p.opts.illus_type = -1;
        if (!sec->key) {
            /* file section: file-level keys, and case keys for every case */
            parse_directive_text(s, &p, sec->line, sec->text, strlen(sec->text), 3);
            for (size_t c = 0; c < s->ncases; c++) {
                struct scase *sc2 = &s->cases[c];
                for (size_t t = 0; p.tags && p.tags[t]; t++)
                    if (!tags_has(sc2->tags, p.tags[t]))
                        sc2->tags = strv_push(sc2->tags, p.tags[t], strlen(p.tags[t]));
                if (p.level >= 0)
                    sc2->level = (enum level)p.level;
                for (size_t t = 0; p.requires && p.requires[t]; t++)
                    sc2->requires = strv_push(sc2->requires, p.requires[t], strlen(p.requires[t]));
            }
            pending_clear(&p);
            continue;
        }
        parse_directive_text(s, &p, sec->line, sec->text, strlen(sec->text), 2);
        int found = 0;
        for (size_t c = 0; c < s->ncases; c++) {
            struct scase *cs = &s->cases[c];
            for (size_t k = 0; k < cs->nsteps; k++) {
                struct step *st = &cs->steps[k];
                if (!st->source || !key_matches(sec->key, st->source))
                    continue;
                found = 1;
                if (p.has_opts) {
                    struct step_opts *o = &st->opts;
                    if (p.opts.ellipsis)
                        o->ellipsis = 1;
                    for (size_t t = 0; p.opts.type_only && p.opts.type_only[t]; t++)
                        o->type_only = strv_push(o->type_only, p.opts.type_only[t],
                                                 strlen(p.opts.type_only[t]));
                    if (p.opts.illustrative) {
                        o->illustrative = 1;
                        o->illus_type = p.opts.illus_type;
                    }
                    if (p.opts.wait > 0)
                        o->wait = p.opts.wait;
                    if (p.opts.until != UNTIL_PASS)
                        o->until = p.opts.until;
                    if (p.opts.timeout > 0)
                        o->timeout = p.opts.timeout;
                }
                if (p.id) {
                    free(cs->id);
                    cs->id = strdup(p.id);
                    cs->id_explicit = 1;
                }
                for (size_t t = 0; p.tags && p.tags[t]; t++)
                    if (!tags_has(cs->tags, p.tags[t]))
                        cs->tags = strv_push(cs->tags, p.tags[t], strlen(p.tags[t]));
                if (p.level >= 0)
                    cs->level = (enum level)p.level;
                if (p.skip) {
                    free(cs->skip);
                    cs->skip = strdup(p.skip);
                }
                for (size_t t = 0; p.requires && p.requires[t]; t++)
                    cs->requires = strv_push(cs->requires, p.requires[t], strlen(p.requires[t]));
            }
        }
        if (!found)
            add_error(s, sec->line, "sidecar section [step %s] matches no step of the document", sec->key);
        pending_clear(&p);
    }
    /* re-check id uniqueness after renaming */
    for (size_t i = 0; i < s->ncases; i++)
        for (size_t j = i + 1; j < s->ncases; j++)
            if (!s->cases[i].setup && !s->cases[j].setup &&
                strcmp(s->cases[i].id, s->cases[j].id) == 0)
                add_error(s, s->cases[j].line, "duplicate case id '%s' (first at line %d)",
                          s->cases[j].id, s->cases[i].line);
}
