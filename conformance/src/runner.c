/* Replays parsed sessions against a target and grades each case. */
#include "runner.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rclient.h"

#define MAX_DOC (16u << 20)
#define EXCHANGE_CAP 8192

const char *verdict_name(enum verdict v)
{
    static const char *const n[] = { "pass", "fail", "doc-drift", "skip", "xfail", "xpass" };
    return n[v];
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static char *read_file(const char *path, size_t *len, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct sbuf e = {0};
    if (fd < 0) {
        sb_addf(&e, "%s: %s", path, strerror(errno));
        *err = sb_steal(&e);
        return NULL;
    }
    struct sbuf sb = {0};
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            sb_addf(&e, "%s: %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (sb.len + (size_t)n > MAX_DOC) {
            sb_addf(&e, "%s: larger than %u bytes", path, MAX_DOC);
            break;
        }
        sb_add(&sb, buf, (size_t)n);
    }
    close(fd);
    if (e.len) {
        sb_free(&sb);
        *err = sb_steal(&e);
        return NULL;
    }
    *len = sb.len;
    return sb_steal(&sb);
}

/* ------------------------------------------------------------------ */
/* expected-difference lists and sidecars */

int xdiff_load(const char *path, struct xdiff *x)
{
    size_t len;
    char *err = NULL;
    char *text = read_file(path, &len, &err);
    if (!text) {
        fprintf(stderr, "refd-conform: %s\n", err);
        free(err);
        return -1;
    }
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (isspace((unsigned char)*line))
            line++;
        if (!*line || *line == '#')
            continue;
        char *sp = line + strcspn(line, " \t");
        char *reason = sp;
        if (*sp) {
            *sp = '\0';
            reason = sp + 1;
            while (isspace((unsigned char)*reason))
                reason++;
        }
        char **ni = realloc(x->ids, (x->n + 1) * sizeof(char *));
        char **nr = ni ? realloc(x->reasons, (x->n + 1) * sizeof(char *)) : NULL;
        if (ni)
            x->ids = ni;
        if (nr)
            x->reasons = nr;
        if (!ni || !nr)
            break;
        x->ids[x->n] = strdup(line);
        x->reasons[x->n] = strdup(*reason ? reason : "listed as an expected difference");
        x->n++;
    }
    free(text);
    return 0;
}

void xdiff_free(struct xdiff *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->ids[i]);
        free(x->reasons[i]);
    }
    free(x->ids);
    free(x->reasons);
    memset(x, 0, sizeof(*x));
}

static const char *xdiff_reason(const struct xdiff *x, const char *id)
{
    for (size_t i = 0; x && i < x->n; i++) {
        size_t l = strlen(x->ids[i]);
        if (l && x->ids[i][l - 1] == '*') {
            if (strncmp(id, x->ids[i], l - 1) == 0)
                return x->reasons[i];
        } else if (strcmp(id, x->ids[i]) == 0) {
            return x->reasons[i];
        }
    }
    return NULL;
}

int sidecars_load_file(struct sidecars *scs, const char *path)
{
    size_t len;
    char *err = NULL;
    char *text = read_file(path, &len, &err);
    if (!text) {
        fprintf(stderr, "refd-conform: %s\n", err);
        free(err);
        return -1;
    }
    struct session_error *errs;
    size_t nerrs;
    struct sidecar *sc = sidecar_parse(text, len, &errs, &nerrs);
    free(text);
    for (size_t i = 0; i < nerrs; i++) {
        fprintf(stderr, "%s:%d: error: %s\n", path, errs[i].line, errs[i].msg);
        free(errs[i].msg);
    }
    free(errs);
    if (!sc || nerrs) {
        sidecar_free(sc);
        return -1;
    }
    struct sidecar **nv = realloc(scs->v, (scs->n + 1) * sizeof(*nv));
    char **np = nv ? realloc(scs->paths, (scs->n + 1) * sizeof(*np)) : NULL;
    if (nv)
        scs->v = nv;
    if (!nv || !np) {
        sidecar_free(sc);
        return -1;
    }
    scs->paths = np;
    scs->v[scs->n] = sc;
    scs->paths[scs->n] = strdup(path);
    scs->n++;
    return 0;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sidecars_load_dir(struct sidecars *scs, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 11 && strcmp(e->d_name + l - 11, ".directives") == 0) {
            char **nn = realloc(names, (n + 1) * sizeof(*nn));
            if (!nn)
                break;
            names = nn;
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmpstr);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (sidecars_load_file(scs, path) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

void sidecars_free(struct sidecars *scs)
{
    for (size_t i = 0; i < scs->n; i++) {
        sidecar_free(scs->v[i]);
        free(scs->paths[i]);
    }
    free(scs->v);
    free(scs->paths);
    memset(scs, 0, sizeof(*scs));
}

static char *stem_of(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t l = strlen(b);
    if (l > 3 && strcmp(b + l - 3, ".md") == 0)
        l -= 3;
    char *s = malloc(l + 1);
    if (s) {
        memcpy(s, b, l);
        s[l] = '\0';
    }
    return s;
}

struct session *runner_load(const char *path, const struct sidecars *scs, char **text_out,
                            size_t *len_out, char **err_out)
{
    size_t len;
    char *text = read_file(path, &len, err_out);
    if (!text)
        return NULL;
    char *stem = stem_of(path);
    struct session *s = session_parse(stem, text, len);
    free(stem);
    if (!s) {
        free(text);
        *err_out = strdup("out of memory");
        return NULL;
    }
    /* a sidecar beside the document, then the installed ones that match */
    char side[4096];
    snprintf(side, sizeof(side), "%s.directives", path);
    struct sidecars local = {0};
    if (access(side, R_OK) == 0 && sidecars_load_file(&local, side) == 0 &&
        sidecar_matches(local.v[0], text, len))
        sidecar_apply(local.v[0], s);
    sidecars_free(&local);
    for (size_t i = 0; scs && i < scs->n; i++)
        if (sidecar_matches(scs->v[i], text, len))
            sidecar_apply(scs->v[i], s);
    if (text_out) {
        *text_out = text;
        *len_out = len;
    } else {
        free(text);
    }
    return s;
}

/* ------------------------------------------------------------------ */
/* results */

static void step_result_free(struct step_result *s)
{
    free(s->source);
    free(s->expected);
    free(s->actual);
    free(s->message);
}

static void case_result_clear(struct case_result *c)
{
    free(c->file);
    free(c->id);
    for (size_t t = 0; c->tags && c->tags[t]; t++)
        free(c->tags[t]);
    free(c->tags);
    free(c->expected);
    free(c->actual);
    free(c->message);
    free(c->xreason);
    free(c->request);
    free(c->response);
    for (size_t k = 0; k < c->nsteps; k++)
        step_result_free(&c->steps[k]);
    free(c->steps);
    memset(c, 0, sizeof(*c));
}

void results_free(struct results *r)
{
    for (size_t i = 0; i < r->n; i++)
        case_result_clear(&r->v[i]);
    free(r->v);
    free(r->api_version);
    memset(r, 0, sizeof(*r));
}

static char **tags_union(char *const *a, char *const *b)
{
    size_t n = 0;
    char **out = calloc(1, sizeof(char *));
    for (int pass = 0; pass < 2 && out; pass++) {
        char *const *src = pass ? b : a;
        for (size_t i = 0; src && src[i]; i++) {
            if (tags_has(out, src[i]))
                continue;
            char **no = realloc(out, (n + 2) * sizeof(char *));
            if (!no)
                break;
            out = no;
            out[n++] = strdup(src[i]);
            out[n] = NULL;
        }
    }
    return out;
}

static struct case_result *result_add(struct results *r, const char *file, const struct session *s,
                                      const struct scase *c)
{
    struct case_result *n = realloc(r->v, (r->n + 1) * sizeof(*n));
    if (!n)
        return NULL;
    r->v = n;
    struct case_result *cr = &r->v[r->n++];
    memset(cr, 0, sizeof(*cr));
    cr->file = strdup(file);
    cr->line = c->line;
    cr->id = strdup(c->id);
    cr->tags = tags_union(s->file_tags, c->tags);
    cr->level = c->level;
    return cr;
}

/* ------------------------------------------------------------------ */
/* selection */

static int case_selected(const struct selection *sel, const struct session *s, const struct scase *c)
{
    if (sel->ids) {
        int ok = 0;
        for (size_t i = 0; sel->ids[i]; i++)
            if (strncmp(c->id, sel->ids[i], strlen(sel->ids[i])) == 0)
                ok = 1;
        if (!ok)
            return 0;
    }
    if (sel->tags) {
        int want = 0, any_positive = 0;
        for (size_t i = 0; sel->tags[i]; i++) {
            const char *t = sel->tags[i];
            int neg = t[0] == '!';
            if (neg) {
                if (tags_has(c->tags, t + 1) || tags_has(s->file_tags, t + 1))
                    return 0;
            } else {
                any_positive = 1;
                if (tags_has(c->tags, t) || tags_has(s->file_tags, t))
                    want = 1;
            }
        }
        if (any_positive && !want)
            return 0;
    }
    return 1;
}

/* Marks selected cases, and the cases they need, in flags. */
static size_t select_cases(const struct selection *sel, const struct session *s, char *flags)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ncases; i++)
        flags[i] = !s->cases[i].setup && case_selected(sel, s, &s->cases[i]);
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < s->ncases; i++) {
            if (!flags[i])
                continue;
            for (size_t k = 0; s->cases[i].needs && s->cases[i].needs[k]; k++)
                for (size_t j = 0; j < s->ncases; j++)
                    if (!flags[j] && strcmp(s->cases[j].id, s->cases[i].needs[k]) == 0) {
                        flags[j] = 1;
                        changed = 1;
                    }
        }
    }
    for (size_t i = 0; i < s->ncases; i++)
        n += flags[i];
    return n;
}

/* ------------------------------------------------------------------ */
/* values from xmlrpc-c */

static struct pv *from_xmlrpc(xmlrpc_env *env, xmlrpc_value *v, int depth)
{
    if (depth > 256)
        return NULL;
    switch (xmlrpc_value_type(v)) {
    case XMLRPC_TYPE_INT: {
        int i;
        xmlrpc_read_int(env, v, &i);
        return pv_int(i);
    }
    case XMLRPC_TYPE_I8: {
        xmlrpc_int64 i;
        xmlrpc_read_i8(env, v, &i);
        return pv_int(i);
    }
    case XMLRPC_TYPE_BOOL: {
        xmlrpc_bool b;
        xmlrpc_read_bool(env, v, &b);
        return pv_bool(b);
    }
    case XMLRPC_TYPE_DOUBLE: {
        double d;
        xmlrpc_read_double(env, v, &d);
        return pv_float(d);
    }
    case XMLRPC_TYPE_STRING: {
        size_t len;
        const char *s;
        xmlrpc_read_string_lp(env, v, &len, &s);
        if (env->fault_occurred)
            return NULL;
        struct pv *p = pv_str(s, len);
        free((void *)s);
        return p;
    }
    case XMLRPC_TYPE_BASE64: {
        size_t len;
        const unsigned char *s;
        xmlrpc_read_base64(env, v, &len, &s);
        if (env->fault_occurred)
            return NULL;
        struct pv *p = pv_bytes(s, len);
        free((void *)s);
        return p;
    }
    case XMLRPC_TYPE_DATETIME: {
        const char *s;
        xmlrpc_read_datetime_str(env, v, &s);
        if (env->fault_occurred)
            return NULL;
        struct pv *p = pv_new(PV_DATETIME);
        if (p) {
            p->s = strdup(s);
            p->len = strlen(s);
        }
        free((void *)s);
        return p;
    }
    case XMLRPC_TYPE_NIL:
        return pv_new(PV_NONE);
    case XMLRPC_TYPE_ARRAY: {
        struct pv *l = pv_new(PV_LIST);
        int n = xmlrpc_array_size(env, v);
        for (int i = 0; l && i < n && !env->fault_occurred; i++) {
            xmlrpc_value *item;
            xmlrpc_array_read_item(env, v, i, &item);
            if (env->fault_occurred)
                break;
            struct pv *p = from_xmlrpc(env, item, depth + 1);
            xmlrpc_DECREF(item);
            if (!p || pv_append(l, p) < 0) {
                pv_free(l);
                return NULL;
            }
        }
        return l;
    }
    case XMLRPC_TYPE_STRUCT: {
        struct pv *d = pv_new(PV_DICT);
        int n = xmlrpc_struct_size(env, v);
        for (int i = 0; d && i < n && !env->fault_occurred; i++) {
            xmlrpc_value *k, *val;
            xmlrpc_struct_read_member(env, v, (unsigned)i, &k, &val);
            if (env->fault_occurred)
                break;
            struct pv *pk = from_xmlrpc(env, k, depth + 1);
            struct pv *pval = from_xmlrpc(env, val, depth + 1);
            xmlrpc_DECREF(k);
            xmlrpc_DECREF(val);
            if (pv_dict_set(d, pk, pval) < 0) {
                pv_free(d);
                return NULL;
            }
        }
        return d;
    }
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------ */
/* executing steps */

enum out_kind { OUT_VALUE, OUT_FAULT, OUT_HTTP, OUT_ERROR };

struct outcome {
    enum out_kind kind;
    struct pv *value;
    int fault_code;
    char *fault_string;
    size_t fault_len;
    int http_status;
    char *http_reason;
    char *error;
    char *request, *response;
};

static void outcome_free(struct outcome *o)
{
    pv_free(o->value);
    free(o->fault_string);
    free(o->http_reason);
    free(o->error);
    free(o->request);
    free(o->response);
    memset(o, 0, sizeof(*o));
}

struct endpoint {
    char name[16];
    const struct rc_url *url;
    struct rc_conn *conn;
};

struct proxyvar {
    char *name;
    int ep;     /* index into endpoints */
};

struct ctx {
    const struct run_config *rc;
    struct target *t;
    const struct session *s;
    struct endpoint eps[2];
    size_t neps;
    struct proxyvar vars[16];
    size_t nvars;
    char **methods;          /* from system.listMethods */
    size_t nmethods;
    int methods_known;
    char *api_version;       /* supervisor.getAPIVersion, when offered */
    const char *user, *password;
    struct rc_conn *http;    /* raw-HTTP connection of the current case */
};

static int ep_for(struct ctx *x, int want_unix)
{
    for (size_t i = 0; i < x->neps; i++)
        if ((x->eps[i].url->scheme == RC_SCHEME_UNIX) == want_unix)
            return (int)i;
    return 0;
}

static struct rc_conn *conn_for_var(struct ctx *x, const char *var, char **err)
{
    int ep = -1;
    for (size_t i = 0; i < x->nvars; i++)
        if (strcmp(x->vars[i].name, var) == 0)
            ep = x->vars[i].ep;
    if (ep < 0) {
        if (strcmp(var, "s") != 0) {
            struct sbuf sb = {0};
            sb_addf(&sb, "NameError: name '%s' is not defined (bind it with %s = ServerProxy(...))", var, var);
            *err = sb_steal(&sb);
            return NULL;
        }
        ep = 0;
    }
    struct endpoint *e = &x->eps[ep];
    if (!e->conn) {
        e->conn = rc_conn_new(e->url, (int)(x->rc->call_timeout * 1000), 0);
        if (e->conn && x->user)
            rc_conn_set_auth(e->conn, x->user, x->password);
    }
    return e->conn;
}

/* Fills {port}, {sock} and {tmp} into every string of v, in place. Depth
 * is bounded by the literal parser. */
static void fill_strings(const struct ctx *x, struct pv *p)
{
    if (p->type == PV_STR && memchr(p->s, '{', p->len)) {
        char *f = target_fill(x->t, p->s);
        free(p->s);
        p->s = f;
        p->len = strlen(f);
    } else if (p->type == PV_LIST || p->type == PV_TUPLE || p->type == PV_DICT) {
        for (size_t i = 0; i < p->len; i++) {
            fill_strings(x, p->items[i]);
            if (p->type == PV_DICT)
                fill_strings(x, p->vals[i]);
        }
    }
}

/* A copy of v with the placeholders filled (only for spawned targets,
 * which are the ones that have values for them). */
static struct pv *fill_pv(const struct ctx *x, const struct pv *v)
{
    struct pv *c = pv_clone(v);
    if (c && x->t->spawn_cmd)
        fill_strings(x, c);
    return c;
}

static char *fill_text(const struct ctx *x, const char *text)
{
    return x->t->spawn_cmd ? target_fill(x->t, text) : strdup(text);
}

static void capture_exchange(struct rc_conn *c, struct outcome *o)
{
    const char *rq, *rs;
    size_t rql, rsl;
    rc_conn_last_exchange(c, &rq, &rql, &rs, &rsl);
    free(o->request);
    free(o->response);
    o->request = strndup(rq, rql > EXCHANGE_CAP ? EXCHANGE_CAP : rql);
    o->response = strndup(rs, rsl > EXCHANGE_CAP ? EXCHANGE_CAP : rsl);
}

static void do_call(struct ctx *x, const struct step *st, struct outcome *o)
{
    memset(o, 0, sizeof(*o));
    char *err = NULL;
    struct rc_conn *conn = conn_for_var(x, st->var, &err);
    if (!conn) {
        o->kind = OUT_ERROR;
        o->error = err ? err : strdup("out of memory");
        return;
    }
    if (st->opts.timeout > 0)
        rc_conn_set_timeout(conn, (int)(st->opts.timeout * 1000));
    else
        rc_conn_set_timeout(conn, (int)(x->rc->call_timeout * 1000));
    struct sbuf xml = {0};
    sb_adds(&xml, "<?xml version='1.0'?>\n<methodCall>\n<methodName>");
    for (const char *m = st->method; *m; m++) {
        if (*m == '&') sb_adds(&xml, "&amp;");
        else if (*m == '<') sb_adds(&xml, "&lt;");
        else sb_addc(&xml, *m);
    }
    sb_adds(&xml, "</methodName>\n<params>\n");
    for (size_t i = 0; i < st->args->len; i++) {
        struct pv *a = fill_pv(x, st->args->items[i]);
        sb_adds(&xml, "<param>\n");
        if (!a || pv_to_xmlrpc(a, &xml) < 0) {
            pv_free(a);
            sb_free(&xml);
            o->kind = OUT_ERROR;
            o->error = strdup("argument cannot be sent over XML-RPC (Ellipsis?)");
            return;
        }
        pv_free(a);
        sb_adds(&xml, "\n</param>\n");
    }
    sb_adds(&xml, "</params>\n</methodCall>\n");
    struct rc_rpc_result res;
    struct rc_response resp;
    int rc = rc_rpc_call_xml(conn, sb_str(&xml), xml.len, &res, &resp);
    sb_free(&xml);
    capture_exchange(conn, o);
    if (rc < 0) {
        if (res.http_status && res.http_status != 200) {
            o->kind = OUT_HTTP;
            o->http_status = res.http_status;
            o->http_reason = strdup(resp.reason ? resp.reason : "");
        } else {
            o->kind = OUT_ERROR;
            struct sbuf sb = {0};
            sb_addf(&sb, "%s", res.fault_string ? res.fault_string : rc_conn_error(conn));
            o->error = sb_steal(&sb);
        }
        rc_response_free(&resp);
        rc_rpc_result_free(&res);
        return;
    }
    rc_response_free(&resp);
    if (res.is_fault) {
        o->kind = OUT_FAULT;
        o->fault_code = res.fault_code;
        o->fault_len = strlen(res.fault_string ? res.fault_string : "");
        o->fault_string = res.fault_string ? res.fault_string : strdup("");
        res.fault_string = NULL;
        rc_rpc_result_free(&res);
        return;
    }
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    struct pv *v = from_xmlrpc(&env, res.value, 0);
    if (env.fault_occurred || !v) {
        pv_free(v);
        o->kind = OUT_ERROR;
        o->error = strdup(env.fault_occurred ? env.fault_string : "reply holds a value of an unknown type");
        xmlrpc_env_clean(&env);
        rc_rpc_result_free(&res);
        return;
    }
    xmlrpc_env_clean(&env);
    rc_rpc_result_free(&res);
    /* subscripts and len() */
    for (size_t i = 0; i < st->nsubscripts; i++) {
        const struct pv *k = st->subscripts[i];
        struct pv *next = NULL;
        struct sbuf sb = {0};
        if (k->type == PV_INT && (v->type == PV_LIST || v->type == PV_TUPLE)) {
            int64_t idx = k->i < 0 ? (int64_t)v->len + k->i : k->i;
            if (idx >= 0 && (size_t)idx < v->len)
                next = pv_clone(v->items[idx]);
            else
                sb_adds(&sb, "IndexError: list index out of range");
        } else if (v->type == PV_DICT) {
            for (size_t j = 0; j < v->len; j++)
                if (pv_equal(v->items[j], k))
                    next = pv_clone(v->vals[j]);
            if (!next) {
                char *ks = pv_repr_str(k);
                sb_addf(&sb, "KeyError: %s", ks);
                free(ks);
            }
        } else {
            sb_addf(&sb, "TypeError: '%s' object is not subscriptable by %s",
                    pv_type_name(v->type), pv_type_name(k->type));
        }
        if (!next) {
            char *vs = pv_repr_str(v);
            sb_addf(&sb, " (value: %.300s)", vs);
            free(vs);
            pv_free(v);
            o->kind = OUT_ERROR;
            o->error = sb_steal(&sb);
            return;
        }
        sb_free(&sb);
        pv_free(v);
        v = next;
    }
    if (st->wrap_len) {
        if (v->type == PV_LIST || v->type == PV_TUPLE || v->type == PV_DICT || v->type == PV_STR) {
            struct pv *n = pv_int((int64_t)v->len);
            pv_free(v);
            v = n;
        } else {
            o->kind = OUT_ERROR;
            struct sbuf sb = {0};
            sb_addf(&sb, "TypeError: object of type '%s' has no len()", pv_type_name(v->type));
            o->error = sb_steal(&sb);
            pv_free(v);
            return;
        }
    }
    o->kind = OUT_VALUE;
    o->value = v;
}

static char *fault_repr(int code, const char *s, size_t len)
{
    struct pv *p = pv_str(s, len);
    char *r = pv_repr_str(p);
    pv_free(p);
    struct sbuf sb = {0};
    sb_addf(&sb, "xmlrpc.client.Fault: <Fault %d: %s>", code, r);
    free(r);
    return sb_steal(&sb);
}

static char *outcome_text(const struct ctx *x, const struct outcome *o)
{
    struct sbuf sb = {0};
    switch (o->kind) {
    case OUT_VALUE:
        pv_repr(o->value, &sb);
        break;
    case OUT_FAULT: {
        char *f = fault_repr(o->fault_code, o->fault_string, o->fault_len);
        sb_adds(&sb, f);
        free(f);
        break;
    }
    case OUT_HTTP: {
        const struct rc_url *u = target_default_url(x->t);
        sb_addf(&sb, "xmlrpc.client.ProtocolError: <ProtocolError for %s%s: %d %s>",
                u->scheme == RC_SCHEME_UNIX ? "localhost" : u->host, u->path, o->http_status,
                o->http_reason ? o->http_reason : "");
        break;
    }
    case OUT_ERROR:
        sb_addf(&sb, "error: %s", o->error);
        break;
    }
    return sb_steal(&sb);
}

static int nonempty(const struct outcome *o)
{
    if (o->kind != OUT_VALUE)
        return 0;
    const struct pv *v = o->value;
    switch (v->type) {
    case PV_STR: case PV_BYTES: case PV_LIST: case PV_TUPLE: case PV_DICT:
        return v->len > 0;
    case PV_NONE:
        return 0;
    case PV_BOOL: case PV_INT:
        return v->i != 0;
    default:
        return 1;
    }
}

/* Grades an outcome against a step's expectation. */
static enum verdict grade(const struct ctx *x, const struct step *st, const struct outcome *o,
                          struct sbuf *why)
{
    const struct step_opts *op = &st->opts;
    struct pv_match_opts mo = { .ellipsis = op->ellipsis, .type_only = (const char *const *)op->type_only };
    switch (st->expect) {
    case EXPECT_NONE:
        if (o->kind == OUT_VALUE)
            return V_PASS;
        sb_adds(why, "the call did not return a value (its output is not written, so it must succeed)");
        return V_FAIL;
    case EXPECT_VALUE: {
        if (o->kind != OUT_VALUE) {
            sb_adds(why, "expected a value");
            return V_FAIL;
        }
        struct pv *exp = fill_pv(x, st->exp_value);
        int ok = pv_match(exp, o->value, &mo, why);
        pv_free(exp);
        if (ok)
            return V_PASS;
        if (op->illustrative) {
            if (op->illus_type >= 0 && (int)o->value->type != op->illus_type) {
                why->len = 0;
                sb_addf(why, "illustrative value: expected a %s, got a %s",
                        pv_type_name((enum pv_type)op->illus_type), pv_type_name(o->value->type));
                return V_FAIL;
            }
            if (op->illus_type < 0 && st->exp_value->type != o->value->type &&
                st->exp_value->type != PV_ELLIPSIS) {
                return V_FAIL;
            }
            return V_DRIFT;
        }
        return V_FAIL;
    }
    case EXPECT_FAULT: {
        if (o->kind != OUT_FAULT) {
            sb_adds(why, "expected a fault");
            return V_FAIL;
        }
        char *exp = fill_text(x, st->fault_string);
        size_t el = strlen(exp);
        int same = o->fault_code == st->fault_code &&
                   (op->ellipsis ? pv_ellipsis_match(exp, el, o->fault_string, o->fault_len)
                                 : (el == o->fault_len && memcmp(exp, o->fault_string, el) == 0));
        free(exp);
        if (same)
            return V_PASS;
        sb_adds(why, o->fault_code != st->fault_code ? "fault code differs" : "fault string differs");
        return op->illustrative ? V_DRIFT : V_FAIL;
    }
    case EXPECT_PROTOCOL_ERROR:
        if (o->kind == OUT_HTTP && o->http_status == st->http_status)
            return V_PASS;
        sb_addf(why, "expected HTTP status %d", st->http_status);
        return V_FAIL;
    case EXPECT_TEXT:
        if (!op->illustrative) {
            if (op->ellipsis && o->kind == OUT_VALUE) {
                char *r = pv_repr_str(o->value);
                char *exp = fill_text(x, st->expected_text);
                int ok = pv_ellipsis_match(exp, strlen(exp), r, strlen(r));
                free(r);
                free(exp);
                if (ok)
                    return V_PASS;
                sb_adds(why, "repr differs from the expected text");
                return V_FAIL;
            }
            sb_addf(why, "the expected output is %s; mark the step `illustrative` or fix it",
                    st->expect_error ? st->expect_error : "not understood");
            return V_FAIL;
        }
        if (o->kind != OUT_VALUE) {
            sb_adds(why, "expected a value");
            return V_FAIL;
        }
        if (op->illus_type >= 0 && (int)o->value->type != op->illus_type) {
            sb_addf(why, "illustrative value: expected a %s, got a %s",
                    pv_type_name((enum pv_type)op->illus_type), pv_type_name(o->value->type));
            return V_FAIL;
        }
        {
            char *r = pv_repr_str(o->value);
            int same = strcmp(r, st->expected_text) == 0;
            free(r);
            if (same)
                return V_PASS;
        }
        sb_adds(why, "illustrative value differs from the document");
        return V_DRIFT;
    }
    return V_FAIL;
}

/* ---- raw HTTP ---- */

static char *build_request(const struct ctx *x, const struct step *st, size_t *len)
{
    char *filled = fill_text(x, st->http_request);
    const char *hend = strstr(filled, "\r\n\r\n");
    size_t body_len = hend ? strlen(hend + 4) : 0;
    struct sbuf sb = {0};
    for (const char *p = filled; *p; p++) {
        if (hend && p >= hend) {
            sb_adds(&sb, p);
            break;
        }
        if (strncmp(p, "{length}", 8) == 0) {
            sb_addf(&sb, "%zu", body_len);
            p += 7;
        } else if (strncmp(p, "{auth}", 6) == 0 || strncmp(p, "{auth:", 6) == 0) {
            struct sbuf cred = {0};
            /* the pair may itself hold braces ({SHA}...): match them */
            const char *close = NULL;
            int depth = 0;
            for (const char *q = p; *q && !close; q++) {
                if (*q == '{')
                    depth++;
                else if (*q == '}' && --depth == 0)
                    close = q;
            }
            if (p[5] == ':' && close) {
                sb_add(&cred, p + 6, (size_t)(close - p - 6));
                p = close;
            } else {
                sb_addf(&cred, "%s:%s", x->user ? x->user : "", x->password ? x->password : "");
                p += 5;
            }
            char *enc = malloc(4 * ((cred.len + 2) / 3) + 1);
            if (enc) {
                rc_base64(sb_str(&cred), cred.len, enc);
                sb_adds(&sb, enc);
                free(enc);
            }
            sb_free(&cred);
        } else if (strncmp(p, "{host}", 6) == 0) {
            const struct rc_url *u = target_default_url(x->t);
            if (u->scheme == RC_SCHEME_UNIX)
                sb_adds(&sb, "localhost");
            else
                sb_addf(&sb, "%s:%d", u->host, u->port);
            p += 5;
        } else {
            sb_addc(&sb, *p);
        }
    }
    free(filled);
    *len = sb.len;
    return sb_steal(&sb);
}

static char *response_text(const struct rc_response *r)
{
    struct sbuf sb = {0};
    if (!r->status) {
        sb_adds(&sb, r->closed ? "(no response: the connection closed)" : "(no response)");
        return sb_steal(&sb);
    }
    sb_addf(&sb, "%s %d %s\n", r->version, r->status, r->reason ? r->reason : "");
    for (size_t i = 0; i < r->nheaders; i++)
        sb_addf(&sb, "%s: %s\n", r->headers[i].name, r->headers[i].value);
    sb_adds(&sb, "\n");
    sb_add(&sb, r->body, r->body_len > 4096 ? 4096 : r->body_len);
    return sb_steal(&sb);
}

static char *http_expected_text(const struct step *st)
{
    const struct http_expect *h = &st->http;
    struct sbuf sb = {0};
    if (h->no_response)
        sb_adds(&sb, "(no response)\n");
    else
        sb_addf(&sb, "%s %d %s\n", h->version ? h->version : "HTTP/1.1", h->status,
                h->reason ? h->reason : "");
    for (size_t i = 0; i < h->nhdrs; i++) {
        if (h->hdr_values[i])
            sb_addf(&sb, "%s: %s\n", h->hdr_names[i], h->hdr_values[i]);
        else
            sb_addf(&sb, "!%s\n", h->hdr_names[i]);
    }
    if (h->body)
        sb_addf(&sb, "\n%s\n", h->body);
    if (h->after)
        sb_adds(&sb, h->after == 1 ? "(closed)\n" : "(open)\n");
    return sb_steal(&sb);
}

static enum verdict do_http(struct ctx *x, const struct step *st, struct sbuf *why, char **actual,
                            struct outcome *o)
{
    const struct http_expect *h = &st->http;
    if (!x->http) {
        int ep = st->via ? ep_for(x, strcmp(st->via, "unix") == 0) : 0;
        if (st->via && (x->eps[ep].url->scheme == RC_SCHEME_UNIX) != (strcmp(st->via, "unix") == 0)) {
            sb_addf(why, "the target has no %s listener", st->via);
            *actual = strdup("");
            return V_SKIP;
        }
        x->http = rc_conn_new(x->eps[ep].url, (int)(x->rc->call_timeout * 1000), 0);
    }
    size_t len;
    char *req = build_request(x, st, &len);
    int is_head = strncmp(req, "HEAD ", 5) == 0;
    int stream_ms = (int)((st->opts.wait > 0 ? st->opts.wait : 1.0) * 1000);
    struct rc_response r;
    memset(&r, 0, sizeof(r));
    int rc = rc_conn_send(x->http, req, len);
    free(req);
    if (rc == 0)
        rc = rc_conn_read_response(x->http, &r, is_head, stream_ms);
    capture_exchange(x->http, o);
    *actual = response_text(&r);
    enum verdict v = V_PASS;
    if (h->no_response) {
        if (r.status) {
            sb_adds(why, "expected the server to close without a response");
            v = V_FAIL;
        } else if (!r.closed) {
            sb_addf(why, "expected the server to close without a response: %s", rc_conn_error(x->http));
            v = V_FAIL;
        }
        rc_response_free(&r);
        return v;
    }
    if (rc < 0 && !r.status) {
        sb_addf(why, "no response: %s", rc_conn_error(x->http));
        rc_response_free(&r);
        return V_FAIL;
    }
    if (h->version && strcmp(h->version, r.version) != 0) {
        sb_addf(why, "status line version %s, expected %s", r.version, h->version);
        v = V_FAIL;
    } else if (h->status != r.status) {
        sb_addf(why, "status %d, expected %d", r.status, h->status);
        v = V_FAIL;
    } else if (h->reason && !pv_ellipsis_match(h->reason, strlen(h->reason), r.reason, strlen(r.reason))) {
        sb_addf(why, "reason '%s', expected '%s'", r.reason, h->reason);
        v = V_FAIL;
    }
    for (size_t i = 0; v == V_PASS && i < h->nhdrs; i++) {
        const char *got = rc_response_header(&r, h->hdr_names[i]);
        if (!h->hdr_values[i]) {
            if (got) {
                sb_addf(why, "header %s present (%s), expected absent", h->hdr_names[i], got);
                v = V_FAIL;
            }
        } else if (!got) {
            sb_addf(why, "header %s missing", h->hdr_names[i]);
            v = V_FAIL;
        } else {
            char *want = fill_text(x, h->hdr_values[i]);
            if (!pv_ellipsis_match(want, strlen(want), got, strlen(got))) {
                sb_addf(why, "header %s is '%s', expected '%s'", h->hdr_names[i], got, want);
                v = V_FAIL;
            }
            free(want);
        }
    }
    if (v == V_PASS && h->body) {
        struct sbuf norm = {0};
        for (size_t i = 0; i < r.body_len; i++)
            if (!(r.body[i] == '\r' && i + 1 < r.body_len && r.body[i + 1] == '\n'))
                sb_addc(&norm, r.body[i]);
        char *want = fill_text(x, h->body);
        /* a trailing newline in the body is not significant */
        size_t wl = strlen(want), nl = norm.len;
        while (nl && sb_str(&norm)[nl - 1] == '\n')
            nl--;
        while (wl && want[wl - 1] == '\n')
            wl--;
        if (!pv_ellipsis_match(want, wl, sb_str(&norm), nl)) {
            sb_adds(why, "body differs");
            v = V_FAIL;
        }
        free(want);
        sb_free(&norm);
    }
    if (v == V_PASS && h->after == 1) {
        int c = r.closed ? 1 : rc_conn_wait_closed(x->http, 2000);
        if (c != 1) {
            sb_adds(why, "the server kept the connection open, expected it to close");
            v = V_FAIL;
        }
    } else if (v == V_PASS && h->after == 2) {
        int c = r.closed ? 1 : rc_conn_wait_closed(x->http, 300);
        if (c != 0) {
            sb_adds(why, "the server closed the connection, expected it to stay open");
            v = V_FAIL;
        }
    }
    rc_response_free(&r);
    return v;
}

/* ------------------------------------------------------------------ */

static const char *namespace_missing(const struct ctx *x, const struct scase *c)
{
    static char buf[200];
    if (!x->methods_known)
        return NULL;
    for (size_t i = 0; c->requires && c->requires[i]; i++) {
        const char *r = c->requires[i];
        int found = 0;
        size_t rl = strlen(r);
        for (size_t m = 0; m < x->nmethods && !found; m++) {
            const char *name = x->methods[m];
            if (strchr(r, '.'))
                found = strcmp(name, r) == 0;
            else
                found = strncmp(name, r, rl) == 0 && name[rl] == '.';
        }
        if (!found) {
            snprintf(buf, sizeof(buf), "the target does not offer %s", r);
            return buf;
        }
    }
    for (size_t k = 0; k < c->nsteps; k++) {
        const struct step *st = &c->steps[k];
        if (st->kind != STEP_CALL || !st->method)
            continue;
        /* a step that expects UNKNOWN_METHOD tests the absence itself */
        if (st->expect == EXPECT_FAULT && st->fault_code == 1)
            continue;
        const char *dot = strchr(st->method, '.');
        if (!dot)
            continue;
        size_t nl = (size_t)(dot - st->method);
        if (nl == 6 && memcmp(st->method, "system", 6) == 0)
            continue;
        int found = 0;
        for (size_t m = 0; m < x->nmethods && !found; m++)
            found = strncmp(x->methods[m], st->method, nl) == 0 && x->methods[m][nl] == '.';
        if (!found) {
            snprintf(buf, sizeof(buf), "the target has no %.*s namespace (system.listMethods)",
                     (int)nl, st->method);
            return buf;
        }
    }
    return NULL;
}

static int name_in(char *const *list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

static void probe_methods(struct ctx *x)
{
    struct rc_conn *c = conn_for_var(x, "s", &(char *){NULL});
    if (!c)
        return;
    struct step st;
    memset(&st, 0, sizeof(st));
    st.var = "s";
    st.method = "system.listMethods";
    struct pv empty = { .type = PV_TUPLE };
    st.args = &empty;
    struct outcome o;
    do_call(x, &st, &o);
    if (o.kind == OUT_VALUE && o.value->type == PV_LIST) {
        x->methods = calloc(o.value->len + 1, sizeof(char *));
        for (size_t i = 0; x->methods && i < o.value->len; i++)
            if (o.value->items[i]->type == PV_STR)
                x->methods[x->nmethods++] = strdup(o.value->items[i]->s);
        x->methods_known = x->methods != NULL;
    }
    outcome_free(&o);
    /* the API version a supervisorctl would check; reported, not enforced,
     * so that a wrong version shows up as the failing cases it causes */
    for (size_t i = 0; i < x->nmethods; i++) {
        if (strcmp(x->methods[i], "supervisor.getAPIVersion") != 0)
            continue;
        st.method = "supervisor.getAPIVersion";
        do_call(x, &st, &o);
        free(x->api_version);
        x->api_version = o.kind == OUT_VALUE && o.value->type == PV_STR ? strdup(o.value->s) : NULL;
        if (x->api_version && strcmp(x->api_version, "3.0") != 0)
            fprintf(stderr, "refd-conform: warning: %s reports API version %s; supervisorctl expects 3.0\n",
                    x->t->name, x->api_version);
        outcome_free(&o);
        break;
    }
}

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? strdup(s) : NULL;
}

static void run_case(struct ctx *x, const struct scase *c, struct case_result *cr)
{
    double t0 = now_s();
    int decided = 0;
    for (size_t k = 0; k < c->nsteps; k++) {
        const struct step *st = &c->steps[k];
        if (st->kind == STEP_NOOP)
            continue;
        if (st->kind == STEP_PROXY) {
            size_t i = 0;
            while (i < x->nvars && strcmp(x->vars[i].name, st->var) != 0)
                i++;
            if (i == x->nvars && x->nvars < 16)
                x->vars[x->nvars++].name = strdup(st->var);
            if (i < 16)
                x->vars[i].ep = ep_for(x, st->proxy_unix);
            continue;
        }
        struct step_result *sr = realloc(cr->steps, (cr->nsteps + 1) * sizeof(*sr));
        if (!sr)
            break;
        cr->steps = sr;
        sr = &cr->steps[cr->nsteps++];
        memset(sr, 0, sizeof(*sr));
        sr->line = st->line;
        sr->source = strdup(st->source);
        double s0 = now_s();
        double deadline = s0 + st->opts.wait;
        struct sbuf why = {0};
        struct outcome o;
        memset(&o, 0, sizeof(o));
        enum verdict v;
        char *actual = NULL;
        for (double delay = 0.02;; delay = delay < 0.2 ? delay * 2 : 0.2) {
            why.len = 0;
            if (why.p)
                why.p[0] = '\0';
            free(actual);
            actual = NULL;
            outcome_free(&o);
            if (st->broken) {
                v = V_FAIL;
                sb_adds(&why, "the statement could not be parsed (see the document's errors)");
                actual = strdup("");
                break;
            } else if (st->kind == STEP_HTTP) {
                v = do_http(x, st, &why, &actual, &o);
            } else {
                do_call(x, st, &o);
                v = grade(x, st, &o, &why);
                actual = outcome_text(x, &o);
            }
            int done = st->opts.until == UNTIL_NONEMPTY ? nonempty(&o) : v == V_PASS;
            if (done || now_s() + delay > deadline || st->kind == STEP_HTTP)
                break;
            sleep_s(delay);
        }
        if (st->opts.wait > 0 && st->opts.until == UNTIL_NONEMPTY && !nonempty(&o) && v != V_FAIL) {
            v = V_FAIL;
            sb_addf(&why, "%sno non-empty result within %.1f s", why.len ? "; " : "", st->opts.wait);
        } else if (st->opts.wait > 0 && v == V_FAIL) {
            struct sbuf w2 = {0};
            sb_addf(&w2, "still failing after waiting %.1f s: %s", st->opts.wait, sb_str(&why));
            sb_free(&why);
            why = w2;
        }
        sr->verdict = v;
        sr->duration = now_s() - s0;
        sr->expected = st->kind == STEP_HTTP ? http_expected_text(st)
                       : strdup(st->expected_text ? st->expected_text : "(not checked)");
        sr->actual = actual;
        sr->message = why.len ? sb_steal(&why) : NULL;
        sb_free(&why);
        if (!decided && (v == V_FAIL || v == V_DRIFT)) {
            if (v == V_FAIL)
                decided = 1;
            cr->verdict = v;
            set_str(&cr->expected, sr->expected);
            set_str(&cr->actual, sr->actual);
            set_str(&cr->message, sr->message);
            if (v == V_FAIL) {
                free(cr->request);
                free(cr->response);
                cr->request = o.request;
                cr->response = o.response;
                o.request = o.response = NULL;
            }
        } else if (!decided && cr->verdict == V_PASS) {
            set_str(&cr->expected, sr->expected);
            set_str(&cr->actual, sr->actual);
        }
        outcome_free(&o);
        if (v == V_SKIP) {
            cr->verdict = V_SKIP;
            set_str(&cr->message, sr->message);
            break;
        }
        if (v == V_FAIL)
            break;  /* later steps depend on this one */
    }
    if (x->http) {
        rc_conn_free(x->http);
        x->http = NULL;
    }
    cr->duration = now_s() - t0;
}

static void finish_verdict(const struct run_config *rc, struct case_result *cr)
{
    const char *xr = xdiff_reason(rc->xdiff, cr->id);
    if (xr) {
        set_str(&cr->xreason, xr);
        if (cr->verdict == V_FAIL)
            cr->verdict = V_XFAIL;
        else if (cr->verdict == V_PASS)
            cr->verdict = V_XPASS;
    }
    cr->gating = (cr->verdict == V_FAIL &&
                  (cr->level == LEVEL_MUST || (cr->level == LEVEL_SHOULD && rc->strict))) ||
                 (cr->verdict == V_XPASS && rc->strict);
}

/* A document that cannot be read or parsed cleanly shows up in the reports
 * as a failing case of its own, so that CI sees it as well as the exit
 * status does. */
static void add_document_failure(struct results *out, const char *path, int line, const char *why)
{
    struct case_result *n = realloc(out->v, (out->n + 1) * sizeof(*n));
    if (!n)
        return;
    out->v = n;
    struct case_result *cr = &out->v[out->n++];
    memset(cr, 0, sizeof(*cr));
    char *stem = stem_of(path);
    struct sbuf id = {0};
    sb_addf(&id, "%s.malformed", stem ? stem : "session");
    free(stem);
    cr->file = strdup(path);
    cr->line = line;
    cr->id = sb_steal(&id);
    cr->tags = calloc(1, sizeof(char *));
    cr->verdict = V_FAIL;
    cr->gating = 1;
    cr->message = strdup(why);
    cr->expected = strdup("a well-formed session document");
    cr->actual = strdup(why);
}

size_t runner_run_file(const struct run_config *rc, const char *path, struct results *out)
{
    char *err = NULL;
    struct session *s = runner_load(path, rc->sidecars, NULL, NULL, &err);
    if (!s) {
        fprintf(stderr, "refd-conform: error: %s\n", err);
        if (!rc->list_only)
            add_document_failure(out, path, 0, err);
        free(err);
        out->session_errors++;
        return 0;
    }
    if (s->nerrors) {
        struct sbuf all = {0};
        for (size_t i = 0; i < s->nerrors; i++) {
            fprintf(stderr, "%s:%d: error: %s\n", path, s->errors[i].line, s->errors[i].msg);
            sb_addf(&all, "%s%s:%d: %s", i ? "\n" : "", path, s->errors[i].line, s->errors[i].msg);
        }
        if (!rc->list_only)
            add_document_failure(out, path, s->errors[0].line, sb_str(&all));
        sb_free(&all);
        out->session_errors++;
    }
    char *flags = calloc(s->ncases + 1, 1);
    size_t nsel = flags ? select_cases(rc->sel, s, flags) : 0;
    if (!nsel || rc->list_only) {
        for (size_t i = 0; rc->list_only && i < s->ncases; i++) {
            if (!flags[i])
                continue;
            struct case_result *cr = result_add(out, path, s, &s->cases[i]);
            if (cr)
                cr->verdict = V_SKIP;
        }
        free(flags);
        session_free(s);
        return nsel;
    }
    struct target *t = rc->target;
    struct ctx x;
    memset(&x, 0, sizeof(x));
    x.rc = rc;
    x.t = t;
    x.s = s;
    const char *skip_all = NULL;
    int failed_start = 0;
    if (!t->spawn_cmd && s->config)
        skip_all = "the session carries its own config: replay it with --spawn";
    if (!skip_all) {
        t->session_user = s->auth_user ? s->auth_user : t->user;
        t->session_password = s->auth_user ? s->auth_password : t->password;
        if (target_start(t, s->config) < 0) {
            fprintf(stderr, "refd-conform: %s: target %s could not be started:\n%s\n", path,
                    t->name, t->failure);
            out->target_errors++;
            failed_start = 1;
        }
    }
    if (!skip_all && !failed_start) {
        x.user = t->session_user;
        x.password = t->session_password;
        if (t->has_inet)
            x.eps[x.neps++] = (struct endpoint){ .name = "inet", .url = &t->inet };
        if (t->has_unix)
            x.eps[x.neps++] = (struct endpoint){ .name = "unix", .url = &t->unix_sock };
        probe_methods(&x);
        out->nmethods = x.nmethods;
        if (x.api_version) {
            free(out->api_version);
            out->api_version = strdup(x.api_version);
        }
        if (rc->verbose)
            fprintf(stderr, "refd-conform: %s: %zu methods, API version %s on %s\n", path,
                    x.nmethods, x.api_version ? x.api_version : "(none)", t->name);
    }
    for (size_t i = 0; i < s->ncases; i++) {
        const struct scase *c = &s->cases[i];
        if (!flags[i] && !c->setup)
            continue;
        if (c->setup) {
            /* imports and proxy bindings: run, never reported */
            if (!skip_all && !failed_start) {
                struct case_result tmp;
                memset(&tmp, 0, sizeof(tmp));
                run_case(&x, c, &tmp);
                case_result_clear(&tmp);
            }
            continue;
        }
        struct case_result *cr = result_add(out, path, s, c);
        if (!cr)
            break;
        const char *why = NULL;
        if (skip_all)
            why = skip_all;
        else if (failed_start)
            why = NULL;
        else if (c->skip)
            why = c->skip;
        else if (c->only && !name_in(c->only, t->name))
            why = "not for this target (only:)";
        else if (c->except && name_in(c->except, t->name))
            why = "not for this target (except:)";
        else
            why = namespace_missing(&x, c);
        if (failed_start) {
            cr->verdict = V_FAIL;
            cr->message = strdup("the target could not be started");
            cr->actual = strdup(t->failure ? t->failure : "");
            cr->expected = strdup("a running target");
        } else if (why) {
            cr->verdict = V_SKIP;
            cr->message = strdup(why);
        } else {
            cr->verdict = V_PASS;
            run_case(&x, c, cr);
        }
        finish_verdict(rc, cr);
    }
    for (size_t i = 0; i < x.neps; i++)
        rc_conn_free(x.eps[i].conn);
    for (size_t i = 0; i < x.nvars; i++)
        free(x.vars[i].name);
    for (size_t i = 0; i < x.nmethods; i++)
        free(x.methods[i]);
    free(x.methods);
    free(x.api_version);
    if (!skip_all)
        target_stop(t);
    free(flags);
    session_free(s);
    return nsel;
}
