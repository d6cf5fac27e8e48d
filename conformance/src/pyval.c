/* Python literal parsing, repr() and the matching rules of refd-conform. */
#include "pyval.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 200

struct pv *pv_new(enum pv_type type)
{
    struct pv *v = calloc(1, sizeof(*v));
    if (v)
        v->type = type;
    return v;
}

struct pv *pv_int(int64_t x)
{
    struct pv *v = pv_new(PV_INT);
    if (v)
        v->i = x;
    return v;
}

struct pv *pv_bool(int x)
{
    struct pv *v = pv_new(PV_BOOL);
    if (v)
        v->i = !!x;
    return v;
}

struct pv *pv_float(double x)
{
    struct pv *v = pv_new(PV_FLOAT);
    if (v)
        v->f = x;
    return v;
}

static struct pv *pv_strtype(enum pv_type t, const void *s, size_t len)
{
    struct pv *v = pv_new(t);
    if (!v)
        return NULL;
    v->s = malloc(len + 1);
    if (!v->s) {
        free(v);
        return NULL;
    }
    if (len)
        memcpy(v->s, s, len);
    v->s[len] = '\0';
    v->len = len;
    return v;
}

struct pv *pv_str(const char *s, size_t len) { return pv_strtype(PV_STR, s, len); }
struct pv *pv_bytes(const void *s, size_t len) { return pv_strtype(PV_BYTES, s, len); }

static int grow_items(struct pv *v, int dict)
{
    /* capacity: 4, then doubling whenever len reaches a power of two */
    size_t n = v->len;
    if (n && (n < 4 || (n & (n - 1))))
        return 0;
    size_t cap = n ? n * 2 : 4;
    struct pv **ni = realloc(v->items, cap * sizeof(*ni));
    if (!ni)
        return -1;
    v->items = ni;
    if (dict) {
        struct pv **nv = realloc(v->vals, cap * sizeof(*nv));
        if (!nv)
            return -1;
        v->vals = nv;
    }
    return 0;
}

int pv_append(struct pv *seq, struct pv *item)
{
    if (!item || grow_items(seq, 0) < 0) {
        pv_free(item);
        return -1;
    }
    seq->items[seq->len++] = item;
    return 0;
}

int pv_dict_set(struct pv *d, struct pv *key, struct pv *val)
{
    /* As in Python, a repeated key keeps its place and takes the new value. */
    for (size_t i = 0; key && val && i < d->len; i++) {
        if (pv_equal(d->items[i], key)) {
            pv_free(key);
            pv_free(d->vals[i]);
            d->vals[i] = val;
            return 0;
        }
    }
    if (!key || !val || grow_items(d, 1) < 0) {
        pv_free(key);
        pv_free(val);
        return -1;
    }
    d->items[d->len] = key;
    d->vals[d->len] = val;
    d->len++;
    return 0;
}

const struct pv *pv_dict_get(const struct pv *d, const char *key)
{
    if (!d || d->type != PV_DICT)
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < d->len; i++)
        if (d->items[i]->type == PV_STR && d->items[i]->len == kl &&
            memcmp(d->items[i]->s, key, kl) == 0)
            return d->vals[i];
    return NULL;
}

void pv_free(struct pv *v)
{
    if (!v)
        return;
    if (v->type == PV_LIST || v->type == PV_TUPLE || v->type == PV_DICT) {
        for (size_t i = 0; i < v->len; i++) {
            pv_free(v->items[i]);
            if (v->type == PV_DICT)
                pv_free(v->vals[i]);
        }
    }
    free(v->items);
    free(v->vals);
    free(v->s);
    free(v);
}

struct pv *pv_clone(const struct pv *v)
{
    if (!v)
        return NULL;
    struct pv *c;
    switch (v->type) {
    case PV_STR: case PV_BYTES: case PV_DATETIME:
        c = pv_strtype(v->type, v->s, v->len);
        return c;
    case PV_LIST: case PV_TUPLE: case PV_DICT:
        c = pv_new(v->type);
        if (!c)
            return NULL;
        c->open = v->open;
        for (size_t i = 0; i < v->len; i++) {
            int rc = v->type == PV_DICT
                ? pv_dict_set(c, pv_clone(v->items[i]), pv_clone(v->vals[i]))
                : pv_append(c, pv_clone(v->items[i]));
            if (rc < 0) {
                pv_free(c);
                return NULL;
            }
        }
        return c;
    default:
        c = pv_new(v->type);
        if (c) {
            c->i = v->i;
            c->f = v->f;
        }
        return c;
    }
}

static const char *const type_names[] = {
    [PV_NONE] = "NoneType", [PV_BOOL] = "bool", [PV_INT] = "int", [PV_FLOAT] = "float",
    [PV_STR] = "str", [PV_BYTES] = "bytes", [PV_LIST] = "list", [PV_TUPLE] = "tuple",
    [PV_DICT] = "dict", [PV_ELLIPSIS] = "ellipsis", [PV_DATETIME] = "DateTime",
};

const char *pv_type_name(enum pv_type t) { return type_names[t]; }

int pv_type_from_name(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
        if (strlen(type_names[i]) == len && memcmp(type_names[i], name, len) == 0)
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* parser */

struct lp {
    const char *t;
    size_t len, pos;
    struct pv_error *err;
    int depth;
};

static struct pv *lp_fail(struct lp *p, const char *msg)
{
    if (p->err && !p->err->msg[0]) {
        p->err->offset = p->pos;
        snprintf(p->err->msg, sizeof(p->err->msg), "%s", msg);
    }
    return NULL;
}

size_t pv_skip_space(const char *t, size_t len, size_t pos)
{
    while (pos < len) {
        char c = t[pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            pos++;
        } else if (c == '\\' && pos + 1 < len && t[pos + 1] == '\n') {
            pos += 2;     /* explicit line joining */
        } else if (c == '#') {
            while (pos < len && t[pos] != '\n')
                pos++;
        } else {
            break;
        }
    }
    return pos;
}

static void skip(struct lp *p) { p->pos = pv_skip_space(p->t, p->len, p->pos); }

static void put_utf8(struct sbuf *sb, uint32_t cp)
{
    char b[4];
    if (cp < 0x80) {
        b[0] = (char)cp;
        sb_add(sb, b, 1);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        sb_add(sb, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        sb_add(sb, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        sb_add(sb, b, 4);
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One string literal with optional prefix; appends its content to sb. */
static int parse_one_string(struct lp *p, struct sbuf *sb, int *is_bytes)
{
    int raw = 0, bytes = 0;
    while (p->pos < p->len && strchr("rRbBuU", p->t[p->pos]) && p->t[p->pos]) {
        char c = (char)tolower((unsigned char)p->t[p->pos]);
        if (c == 'r') raw = 1;
        if (c == 'b') bytes = 1;
        p->pos++;
    }
    if (p->pos >= p->len || (p->t[p->pos] != '\'' && p->t[p->pos] != '"')) {
        lp_fail(p, "expected a string");
        return -1;
    }
    char q = p->t[p->pos];
    int triple = p->pos + 2 < p->len && p->t[p->pos + 1] == q && p->t[p->pos + 2] == q;
    p->pos += triple ? 3 : 1;
    *is_bytes = bytes;
    for (;;) {
        if (p->pos >= p->len) {
            lp_fail(p, "unterminated string");
            return -1;
        }
        char c = p->t[p->pos];
        if (c == q) {
            if (!triple) {
                p->pos++;
                return 0;
            }
            if (p->pos + 2 < p->len && p->t[p->pos + 1] == q && p->t[p->pos + 2] == q) {
                p->pos += 3;
                return 0;
            }
        }
        if (c == '\n' && !triple) {
            lp_fail(p, "newline inside a single-quoted string (unterminated string)");
            return -1;
        }
        if (c != '\\') {
            if (bytes && (unsigned char)c >= 0x80) {
                lp_fail(p, "bytes literal holds a non-ASCII character");
                return -1;
            }
            sb_addc(sb, c);
            p->pos++;
            continue;
        }
        /* backslash */
        if (p->pos + 1 >= p->len) {
            lp_fail(p, "unterminated string");
            return -1;
        }
        char e = p->t[p->pos + 1];
        if (raw) {
            sb_addc(sb, '\\');
            sb_addc(sb, e);
            p->pos += 2;
            continue;
        }
        p->pos += 2;
        switch (e) {
        case '\n': break;
        case '\\': sb_addc(sb, '\\'); break;
        case '\'': sb_addc(sb, '\''); break;
        case '"': sb_addc(sb, '"'); break;
        case 'a': sb_addc(sb, '\a'); break;
        case 'b': sb_addc(sb, '\b'); break;
        case 'f': sb_addc(sb, '\f'); break;
        case 'n': sb_addc(sb, '\n'); break;
        case 'r': sb_addc(sb, '\r'); break;
        case 't': sb_addc(sb, '\t'); break;
        case 'v': sb_addc(sb, '\v'); break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            unsigned v = (unsigned)(e - '0');
            for (int k = 0; k < 2 && p->pos < p->len && p->t[p->pos] >= '0' && p->t[p->pos] <= '7'; k++)
                v = v * 8 + (unsigned)(p->t[p->pos++] - '0');
            if (bytes)
                sb_addc(sb, (char)(v & 0xFF));
            else
                put_utf8(sb, v);
            break;
        }
        case 'x': {
            if (p->pos + 2 > p->len || hexval(p->t[p->pos]) < 0 || hexval(p->t[p->pos + 1]) < 0) {
                lp_fail(p, "truncated \\xXX escape");
                return -1;
            }
            unsigned v = (unsigned)(hexval(p->t[p->pos]) * 16 + hexval(p->t[p->pos + 1]));
            p->pos += 2;
            if (bytes)
                sb_addc(sb, (char)v);
            else
                put_utf8(sb, v);
            break;
        }
        case 'u': case 'U': {
            if (bytes) {
                sb_addc(sb, '\\');
                sb_addc(sb, e);
                break;
            }
            int n = e == 'u' ? 4 : 8;
            uint32_t v = 0;
            for (int k = 0; k < n; k++) {
                int h = p->pos < p->len ? hexval(p->t[p->pos]) : -1;
                if (h < 0) {
                    lp_fail(p, e == 'u' ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape");
                    return -1;
                }
                v = v * 16 + (uint32_t)h;
                p->pos++;
            }
            if (v > 0x10FFFF) {
                lp_fail(p, "illegal Unicode character");
                return -1;
            }
            /* \udc80-\udcff stand for the undecodable byte 80-ff, as
             * pv_repr writes one (Python's surrogateescape): read back,
             * it is that byte again. */
            if (v >= 0xDC80 && v <= 0xDCFF)
                sb_addc(sb, (char)(v - 0xDC00));
            else
                put_utf8(sb, v);
            break;
        }
        case 'N':
            lp_fail(p, "\\N{...} escapes are not supported");
            return -1;
        default:
            /* unknown escapes keep the backslash, as Python does */
            sb_addc(sb, '\\');
            sb_addc(sb, e);
            break;
        }
    }
}

static int starts_string(const struct lp *p)
{
    size_t i = p->pos;
    for (int k = 0; k < 2 && i < p->len && strchr("rRbBuU", p->t[i]) && p->t[i]; k++)
        i++;
    return i < p->len && (p->t[i] == '\'' || p->t[i] == '"');
}

static struct pv *parse_strings(struct lp *p)
{
    struct sbuf sb = {0};
    int bytes = -1;
    do {
        int b;
        if (parse_one_string(p, &sb, &b) < 0) {
            sb_free(&sb);
            return NULL;
        }
        if (bytes >= 0 && b != bytes) {
            sb_free(&sb);
            return lp_fail(p, "cannot mix bytes and nonbytes literals");
        }
        bytes = b;
        size_t save = p->pos;
        skip(p);
        if (!starts_string(p)) {
            p->pos = save;
            break;
        }
    } while (1);
    if (sb.oom) {
        sb_free(&sb);
        return lp_fail(p, "out of memory");
    }
    struct pv *v = bytes ? pv_bytes(sb_str(&sb), sb.len) : pv_str(sb_str(&sb), sb.len);
    sb_free(&sb);
    return v ? v : lp_fail(p, "out of memory");
}

static struct pv *parse_number(struct lp *p, int neg)
{
    size_t start = p->pos;
    char buf[128];
    size_t n = 0;
    const char *t = p->t;
    int is_float = 0, base = 10;
    if (p->pos + 1 < p->len && t[p->pos] == '0' && strchr("xXoObB", t[p->pos + 1]) && t[p->pos + 1]) {
        char b = (char)tolower((unsigned char)t[p->pos + 1]);
        base = b == 'x' ? 16 : b == 'o' ? 8 : 2;
        p->pos += 2;
    }
    while (p->pos < p->len) {
        char c = t[p->pos];
        if (c == '_') {
            p->pos++;
            continue;
        }
        int ok = base == 16 ? isxdigit((unsigned char)c)
               : base == 10 ? (isdigit((unsigned char)c) || c == '.' || c == 'e' || c == 'E' ||
                               ((c == '+' || c == '-') && n && (buf[n - 1] == 'e' || buf[n - 1] == 'E')))
               : (c >= '0' && c < '0' + base);
        if (!ok)
            break;
        if (c == '.' || c == 'e' || c == 'E')
            is_float = 1;
        if (n + 1 >= sizeof(buf))
            return lp_fail(p, "number too long");
        buf[n++] = c;
        p->pos++;
    }
    buf[n] = '\0';
    if (n == 0 || (n == 1 && buf[0] == '.')) {
        p->pos = start;
        return lp_fail(p, "malformed number");
    }
    if (p->pos < p->len && (isalpha((unsigned char)t[p->pos]) || t[p->pos] == '_')) {
        if (t[p->pos] == 'j' || t[p->pos] == 'J')
            return lp_fail(p, "complex numbers are not supported");
        return lp_fail(p, "malformed number");
    }
    char *end;
    errno = 0;
    if (is_float) {
        double d = strtod(buf, &end);
        if (*end)
            return lp_fail(p, "malformed float");
        return pv_float(neg ? -d : d);
    }
    if (base == 10 && n > 1 && buf[0] == '0') {
        for (size_t k = 0; k < n; k++)
            if (buf[k] != '0')
                return lp_fail(p, "leading zeros in a decimal integer are not permitted");
    }
    unsigned long long u = strtoull(buf, &end, base);
    if (*end)
        return lp_fail(p, "malformed integer");
    if (errno == ERANGE || u > (unsigned long long)INT64_MAX + (neg ? 1u : 0u))
        return lp_fail(p, "integer out of the 64-bit range");
    int64_t v = neg ? (int64_t)(0 - u) : (int64_t)u;
    return pv_int(v);
}

static int word_is(const struct lp *p, const char *w)
{
    size_t l = strlen(w);
    if (p->pos + l > p->len || memcmp(p->t + p->pos, w, l) != 0)
        return 0;
    if (p->pos + l < p->len) {
        char c = p->t[p->pos + l];
        if (isalnum((unsigned char)c) || c == '_')
            return 0;
    }
    return 1;
}

static struct pv *parse_value(struct lp *p);

static struct pv *parse_seq(struct lp *p, char close, enum pv_type type)
{
    struct pv *v = pv_new(type);
    if (!v)
        return lp_fail(p, "out of memory");
    p->pos++;   /* the opener */
    int saw_comma = 0;
    for (;;) {
        skip(p);
        if (p->pos >= p->len) {
            pv_free(v);
            return lp_fail(p, close == ']' ? "unterminated list: expected ']'"
                            : close == ')' ? "unterminated tuple: expected ')'"
                            : "unterminated dict: expected '}'");
        }
        if (p->t[p->pos] == close) {
            p->pos++;
            break;
        }
        if (type == PV_DICT) {
            /* a bare `...` item: other keys are allowed */
            size_t save = p->pos;
            if (p->pos + 3 <= p->len && memcmp(p->t + p->pos, "...", 3) == 0) {
                p->pos += 3;
                skip(p);
                if (p->pos < p->len && (p->t[p->pos] == ',' || p->t[p->pos] == close)) {
                    v->open = 1;
                    goto next;
                }
                p->pos = save;
            }
            struct pv *k = parse_value(p);
            if (!k) {
                pv_free(v);
                return NULL;
            }
            skip(p);
            if (p->pos >= p->len || p->t[p->pos] != ':') {
                pv_free(k);
                pv_free(v);
                return lp_fail(p, "expected ':' after a dict key");
            }
            p->pos++;
            struct pv *val = parse_value(p);
            if (!val) {
                pv_free(k);
                pv_free(v);
                return NULL;
            }
            if (pv_dict_set(v, k, val) < 0) {
                pv_free(v);
                return lp_fail(p, "out of memory");
            }
        } else {
            struct pv *item = parse_value(p);
            if (!item) {
                pv_free(v);
                return NULL;
            }
            if (pv_append(v, item) < 0) {
                pv_free(v);
                return lp_fail(p, "out of memory");
            }
        }
    next:
        skip(p);
        if (p->pos < p->len && p->t[p->pos] == ',') {
            p->pos++;
            saw_comma = 1;
            continue;
        }
        skip(p);
        if (p->pos < p->len && p->t[p->pos] == close) {
            p->pos++;
            break;
        }
        pv_free(v);
        if (p->pos >= p->len)
            return lp_fail(p, close == ']' ? "unterminated list: expected ']'"
                            : close == ')' ? "unterminated tuple: expected ')'"
                            : "unterminated dict: expected '}'");
        return lp_fail(p, close == ']' ? "expected ',' or ']' in a list"
                        : close == ')' ? "expected ',' or ')' in a tuple"
                        : "expected ',' or '}' in a dict");
    }
    if (type == PV_TUPLE && v->len == 1 && !saw_comma) {
        /* (x) is x, not a tuple */
        struct pv *inner = v->items[0];
        v->len = 0;
        pv_free(v);
        return inner;
    }
    return v;
}

static struct pv *parse_value(struct lp *p)
{
    if (++p->depth > MAX_DEPTH) {
        p->depth--;
        return lp_fail(p, "literal nests too deeply");
    }
    skip(p);
    struct pv *v = NULL;
    if (p->pos >= p->len) {
        v = lp_fail(p, "expected a value, found the end of the text");
    } else {
        char c = p->t[p->pos];
        if (c == '[') {
            v = parse_seq(p, ']', PV_LIST);
        } else if (c == '(') {
            v = parse_seq(p, ')', PV_TUPLE);
        } else if (c == '{') {
            v = parse_seq(p, '}', PV_DICT);
        } else if (starts_string(p)) {
            v = parse_strings(p);
        } else if (c == '-' || c == '+') {
            p->pos++;
            skip(p);
            if (p->pos < p->len && (isdigit((unsigned char)p->t[p->pos]) || p->t[p->pos] == '.'))
                v = parse_number(p, c == '-');
            else
                v = lp_fail(p, "expected a number after a sign");
        } else if (isdigit((unsigned char)c) || (c == '.' && p->pos + 1 < p->len &&
                                                 isdigit((unsigned char)p->t[p->pos + 1]))) {
            v = parse_number(p, 0);
        } else if (p->pos + 3 <= p->len && memcmp(p->t + p->pos, "...", 3) == 0) {
            p->pos += 3;
            v = pv_new(PV_ELLIPSIS);
        } else if (word_is(p, "Ellipsis")) {
            p->pos += 8;
            v = pv_new(PV_ELLIPSIS);
        } else if (word_is(p, "True") || word_is(p, "False")) {
            v = pv_bool(c == 'T');
            p->pos += c == 'T' ? 4 : 5;
        } else if (word_is(p, "None")) {
            p->pos += 4;
            v = pv_new(PV_NONE);
        } else {
            v = lp_fail(p, "expected a Python literal (str, int, float, True/False/None, list, tuple, dict)");
        }
    }
    p->depth--;
    return v;
}

struct pv *pv_parse_at(const char *text, size_t len, size_t *pos, struct pv_error *err)
{
    struct lp p = { .t = text, .len = len, .pos = *pos, .err = err };
    if (err)
        memset(err, 0, sizeof(*err));
    struct pv *v = parse_value(&p);
    if (v)
        *pos = p.pos;
    return v;
}

struct pv *pv_parse(const char *text, size_t len, struct pv_error *err)
{
    size_t pos = 0;
    struct pv *v = pv_parse_at(text, len, &pos, err);
    if (!v)
        return NULL;
    pos = pv_skip_space(text, len, pos);
    if (pos != len) {
        pv_free(v);
        if (err) {
            err->offset = pos;
            snprintf(err->msg, sizeof(err->msg), "unexpected text after the value");
        }
        return NULL;
    }
    return v;
}

/* ------------------------------------------------------------------ */
/* repr */

size_t pv_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t l = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (!l || l > n)
        return 0;
    uint32_t v = s[0] & (0x7F >> l);
    for (size_t k = 1; k < l; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if ((l == 2 && v < 0x80) || (l == 3 && v < 0x800) || (l == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return l;
}

static int printable_cp(uint32_t cp)
{
    /* close to Python's str.isprintable for the ranges logs contain */
    if (cp < 0x20 || cp == 0x7F)
        return 0;
    if (cp >= 0x80 && cp <= 0xA0)
        return 0;
    if (cp == 0xAD || cp == 0x2028 || cp == 0x2029 || (cp >= 0x200B && cp <= 0x200F) ||
        (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF ||
        (cp >= 0xE000 && cp <= 0xF8FF) || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A))
        return 0;
    return 1;
}

static void repr_text(const char *s, size_t len, int bytes, struct sbuf *out)
{
    int has_sq = memchr(s, '\'', len) != NULL, has_dq = memchr(s, '"', len) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    if (bytes)
        sb_addc(out, 'b');
    sb_addc(out, q);
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c == (unsigned char)q || c == '\\') {
            sb_addc(out, '\\');
            sb_addc(out, (char)c);
            i++;
        } else if (c == '\n') {
            sb_adds(out, "\\n"), i++;
        } else if (c == '\r') {
            sb_adds(out, "\\r"), i++;
        } else if (c == '\t') {
            sb_adds(out, "\\t"), i++;
        } else if (c < 0x20 || c == 0x7F) {
            sb_addf(out, "\\x%02x", c), i++;
        } else if (c < 0x80) {
            sb_addc(out, (char)c), i++;
        } else if (bytes) {
            sb_addf(out, "\\x%02x", c), i++;
        } else {
            uint32_t cp;
            size_t l = pv_utf8_decode(u + i, len - i, &cp);
            if (!l) {
                /* not UTF-8: shown as Python shows a surrogate escape */
                sb_addf(out, "\\udc%02x", c);
                i++;
            } else if (!printable_cp(cp)) {
                if (cp < 0x100)
                    sb_addf(out, "\\x%02x", (unsigned)cp);
                else if (cp < 0x10000)
                    sb_addf(out, "\\u%04x", (unsigned)cp);
                else
                    sb_addf(out, "\\U%08x", (unsigned)cp);
                i += l;
            } else {
                sb_add(out, u + i, l);
                i += l;
            }
        }
    }
    sb_addc(out, q);
}

static void repr_float(double d, struct sbuf *out)
{
    if (isnan(d)) {
        sb_adds(out, "nan");
        return;
    }
    if (isinf(d)) {
        sb_adds(out, d < 0 ? "-inf" : "inf");
        return;
    }
    /* Python's repr: the shortest digits that round-trip, positional for
     * decimal exponents in [-4, 16), scientific otherwise */
    char buf[64];
    int prec = 0;
    for (; prec < 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*e", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    snprintf(buf, sizeof(buf), "%.*e", prec, d);
    char digits[32];
    size_t nd = 0;
    const char *p = buf;
    int neg = 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    digits[nd] = '\0';
    int ex = atoi(p + 1);
    if (neg)
        sb_addc(out, '-');
    if (ex >= -4 && ex < 16) {
        if (ex < 0) {
            sb_adds(out, "0.");
            for (int k = -1; k > ex; k--)
                sb_addc(out, '0');
            sb_adds(out, digits);
        } else {
            for (int k = 0; k <= ex; k++)
                sb_addc(out, (size_t)k < nd ? digits[k] : '0');
            sb_addc(out, '.');
            if ((size_t)ex + 1 < nd)
                sb_adds(out, digits + ex + 1);
            else
                sb_addc(out, '0');
        }
    } else {
        sb_addc(out, digits[0]);
        if (nd > 1) {
            sb_addc(out, '.');
            sb_adds(out, digits + 1);
        }
        sb_addf(out, "e%c%02d", ex < 0 ? '-' : '+', ex < 0 ? -ex : ex);
    }
}

void pv_repr(const struct pv *v, struct sbuf *out)
{
    if (!v) {
        sb_adds(out, "<null>");
        return;
    }
    switch (v->type) {
    case PV_NONE: sb_adds(out, "None"); break;
    case PV_BOOL: sb_adds(out, v->i ? "True" : "False"); break;
    case PV_INT: sb_addf(out, "%lld", (long long)v->i); break;
    case PV_FLOAT: repr_float(v->f, out); break;
    case PV_STR: repr_text(v->s, v->len, 0, out); break;
    case PV_BYTES: repr_text(v->s, v->len, 1, out); break;
    case PV_ELLIPSIS: sb_adds(out, "..."); break;
    case PV_DATETIME: sb_addf(out, "<DateTime '%s'>", v->s); break;
    case PV_LIST: case PV_TUPLE:
        sb_addc(out, v->type == PV_LIST ? '[' : '(');
        for (size_t i = 0; i < v->len; i++) {
            if (i)
                sb_adds(out, ", ");
            pv_repr(v->items[i], out);
        }
        if (v->type == PV_TUPLE && v->len == 1)
            sb_addc(out, ',');
        sb_addc(out, v->type == PV_LIST ? ']' : ')');
        break;
    case PV_DICT:
        sb_addc(out, '{');
        for (size_t i = 0; i < v->len; i++) {
            if (i)
                sb_adds(out, ", ");
            pv_repr(v->items[i], out);
            sb_adds(out, ": ");
            pv_repr(v->vals[i], out);
        }
        if (v->open)
            sb_adds(out, v->len ? ", ..." : "...");
        sb_addc(out, '}');
        break;
    }
}

char *pv_repr_str(const struct pv *v)
{
    struct sbuf sb = {0};
    pv_repr(v, &sb);
    return sb_steal(&sb);
}

void pv_str_text(const struct pv *v, struct sbuf *out)
{
    if (v && v->type == PV_STR)
        sb_add(out, v->s, v->len);
    else
        pv_repr(v, out);
}

/* ------------------------------------------------------------------ */
/* equality and matching */

int pv_equal(const struct pv *a, const struct pv *b)
{
    if (!a || !b || a->type != b->type)
        return 0;
    switch (a->type) {
    case PV_NONE: case PV_ELLIPSIS: return 1;
    case PV_BOOL: case PV_INT: return a->i == b->i;
    case PV_FLOAT: return a->f == b->f;
    case PV_STR: case PV_BYTES: case PV_DATETIME:
        return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case PV_LIST: case PV_TUPLE:
        if (a->len != b->len)
            return 0;
        for (size_t i = 0; i < a->len; i++)
            if (!pv_equal(a->items[i], b->items[i]))
                return 0;
        return 1;
    case PV_DICT:
        if (a->len != b->len || a->open != b->open)
            return 0;
        for (size_t i = 0; i < a->len; i++) {
            size_t j = 0;
            for (; j < b->len; j++)
                if (pv_equal(a->items[i], b->items[j]))
                    break;
            if (j == b->len || !pv_equal(a->vals[i], b->vals[j]))
                return 0;
        }
        return 1;
    }
    return 0;
}

int pv_ellipsis_match(const char *pat, size_t plen, const char *s, size_t slen)
{
    const char *dots = memmem(pat, plen, "...", 3);
    if (!dots)
        return plen == slen && memcmp(pat, s, plen) == 0;
    /* head must be a prefix */
    size_t hl = (size_t)(dots - pat);
    if (hl > slen || memcmp(pat, s, hl) != 0)
        return 0;
    pat += hl + 3;
    plen -= hl + 3;
    s += hl;
    slen -= hl;
    /* the piece after the last `...` must be a suffix; pieces between are
     * found greedily left to right, as doctest does */
    for (;;) {
        dots = memmem(pat, plen, "...", 3);
        if (!dots)
            return plen <= slen && memcmp(pat, s + slen - plen, plen) == 0;
        size_t pl = (size_t)(dots - pat);
        if (pl) {
            const char *f = memmem(s, slen, pat, pl);
            if (!f)
                return 0;
            slen -= (size_t)(f - s) + pl;
            s = f + pl;
        }
        pat += pl + 3;
        plen -= pl + 3;
    }
}

struct mctx {
    const struct pv_match_opts *opts;
    struct sbuf path;
    struct sbuf *why;
};

/* Does path (a chain like [0]['pid']) match pattern? A pattern with no '['
 * is a key name that matches at any depth; '*' matches any one subscript;
 * "." matches the whole value. */
static int path_matches(const char *pattern, const char *path)
{
    if (strcmp(pattern, ".") == 0 || strcmp(pattern, "*") == 0)
        return path[0] == '\0';
    if (pattern[0] != '[') {
        size_t pl = strlen(pattern), l = strlen(path);
        /* ends with ['pattern'] */
        return l >= pl + 4 && path[l - 1] == ']' && path[l - 2] == '\'' &&
               memcmp(path + l - 2 - pl, pattern, pl) == 0 && path[l - 3 - pl] == '\'' &&
               path[l - 4 - pl] == '[';
    }
    while (*pattern && *path) {
        if (strncmp(pattern, "[*]", 3) == 0 && *path == '[') {
            pattern += 3;
            const char *close = strchr(path, ']');
            if (!close)
                return 0;
            path = close + 1;
            continue;
        }
        if (*pattern != *path)
            return 0;
        pattern++;
        path++;
    }
    return *pattern == '\0' && *path == '\0';
}

static int type_only_here(const struct mctx *m)
{
    if (!m->opts || !m->opts->type_only)
        return 0;
    for (const char *const *t = m->opts->type_only; *t; t++)
        if (path_matches(*t, sb_str(&m->path)))
            return 1;
    return 0;
}

static void why_at(struct mctx *m, const char *fmt, const struct pv *e, const struct pv *a)
{
    if (!m->why || m->why->len)
        return;
    if (m->path.len)
        sb_addf(m->why, "at %s: ", sb_str(&m->path));
    char *es = pv_repr_str(e), *as = pv_repr_str(a);
    sb_addf(m->why, fmt, es, as);
    free(es);
    free(as);
}

static int match(struct mctx *m, const struct pv *e, const struct pv *a);

static int match_seq(struct mctx *m, const struct pv *e, size_t ei, const struct pv *a, size_t ai)
{
    /* Ellipsis elements match any run; backtracking is bounded by the
     * number of wildcards, which documents keep small. */
    while (ei < e->len) {
        if (e->items[ei]->type == PV_ELLIPSIS) {
            if (ei + 1 == e->len)
                return 1;
            for (size_t k = ai; k <= a->len; k++) {
                struct sbuf *save = m->why;
                m->why = NULL;
                int ok = match_seq(m, e, ei + 1, a, k);
                m->why = save;
                if (ok)
                    return 1;
            }
            if (m->why && !m->why->len) {
                if (m->path.len)
                    sb_addf(m->why, "at %s: ", sb_str(&m->path));
                sb_adds(m->why, "no run of elements matches the items around `...`");
            }
            return 0;
        }
        if (ai >= a->len) {
            if (m->why && !m->why->len) {
                if (m->path.len)
                    sb_addf(m->why, "at %s: ", sb_str(&m->path));
                sb_addf(m->why, "%zu elements, expected more", a->len);
            }
            return 0;
        }
        size_t pl = m->path.len;
        sb_addf(&m->path, "[%zu]", ai);
        int ok = match(m, e->items[ei], a->items[ai]);
        m->path.len = pl;
        if (m->path.p)
            m->path.p[pl] = '\0';
        if (!ok)
            return 0;
        ei++;
        ai++;
    }
    if (ai != a->len) {
        if (m->why && !m->why->len) {
            if (m->path.len)
                sb_addf(m->why, "at %s: ", sb_str(&m->path));
            sb_addf(m->why, "%zu elements, expected %zu", a->len, e->len);
        }
        return 0;
    }
    return 1;
}

static int match(struct mctx *m, const struct pv *e, const struct pv *a)
{
    if (e->type == PV_ELLIPSIS)
        return 1;
    int seq_e = e->type == PV_LIST || e->type == PV_TUPLE;
    if (e->type != a->type) {
        if (m->why && !m->why->len) {
            if (m->path.len)
                sb_addf(m->why, "at %s: ", sb_str(&m->path));
            char *es = pv_repr_str(e), *as = pv_repr_str(a);
            sb_addf(m->why, "expected %.200s (%s), got %.200s (%s)", es, pv_type_name(e->type), as,
                    pv_type_name(a->type));
            free(es);
            free(as);
        }
        return 0;
    }
    if (type_only_here(m))
        return 1;
    if (seq_e)
        return match_seq(m, e, 0, a, 0);
    if (e->type == PV_STR && m->opts && m->opts->ellipsis) {
        if (pv_ellipsis_match(e->s, e->len, a->s, a->len))
            return 1;
        why_at(m, "expected %s, got %s", e, a);
        return 0;
    }
    if (e->type != PV_DICT) {
        if (pv_equal(e, a))
            return 1;
        why_at(m, "expected %s, got %s", e, a);
        return 0;
    }
    for (size_t i = 0; i < e->len; i++) {
        size_t j = 0;
        for (; j < a->len; j++)
            if (pv_equal(e->items[i], a->items[j]))
                break;
        if (j == a->len) {
            if (m->why && !m->why->len) {
                char *ks = pv_repr_str(e->items[i]);
                if (m->path.len)
                    sb_addf(m->why, "at %s: ", sb_str(&m->path));
                sb_addf(m->why, "missing key %s", ks);
                free(ks);
            }
            return 0;
        }
        size_t pl = m->path.len;
        sb_adds(&m->path, "[");
        pv_repr(e->items[i], &m->path);
        sb_adds(&m->path, "]");
        int ok = match(m, e->vals[i], a->vals[j]);
        m->path.len = pl;
        if (m->path.p)
            m->path.p[pl] = '\0';
        if (!ok)
            return 0;
    }
    if (!e->open && a->len != e->len) {
        for (size_t j = 0; j < a->len; j++) {
            size_t i = 0;
            for (; i < e->len; i++)
                if (pv_equal(e->items[i], a->items[j]))
                    break;
            if (i == e->len) {
                if (m->why && !m->why->len) {
                    char *ks = pv_repr_str(a->items[j]);
                    if (m->path.len)
                        sb_addf(m->why, "at %s: ", sb_str(&m->path));
                    sb_addf(m->why, "unexpected key %s", ks);
                    free(ks);
                }
                return 0;
            }
        }
    }
    return 1;
}

int pv_match(const struct pv *expected, const struct pv *actual,
             const struct pv_match_opts *opts, struct sbuf *why)
{
    struct mctx m = { .opts = opts, .why = why };
    sb_adds(&m.path, "");
    int ok = match(&m, expected, actual);
    sb_free(&m.path);
    return ok;
}

/* ------------------------------------------------------------------ */
/* XML-RPC serialisation */

static void xml_text(const char *s, size_t len, struct sbuf *out)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '&': sb_adds(out, "&amp;"); break;
        case '<': sb_adds(out, "&lt;"); break;
        case '>': sb_adds(out, "&gt;"); break;
        case '\r': sb_adds(out, "&#13;"); break;
        default: sb_addc(out, s[i]);
        }
    }
}

int pv_to_xmlrpc(const struct pv *v, struct sbuf *out)
{
    sb_adds(out, "<value>");
    switch (v->type) {
    case PV_NONE: sb_adds(out, "<nil/>"); break;
    case PV_BOOL: sb_addf(out, "<boolean>%d</boolean>", (int)v->i); break;
    case PV_INT:
        if (v->i >= INT32_MIN && v->i <= INT32_MAX)
            sb_addf(out, "<int>%lld</int>", (long long)v->i);
        else
            sb_addf(out, "<i8>%lld</i8>", (long long)v->i);
        break;
    case PV_FLOAT: {
        struct sbuf f = {0};
        repr_float(v->f, &f);
        sb_addf(out, "<double>%s</double>", sb_str(&f));
        sb_free(&f);
        break;
    }
    case PV_STR:
        sb_adds(out, "<string>");
        xml_text(v->s, v->len, out);
        sb_adds(out, "</string>");
        break;
    case PV_BYTES: {
        char *b = malloc(4 * ((v->len + 2) / 3) + 1);
        if (!b)
            return -1;
        static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const unsigned char *p = (const unsigned char *)v->s;
        size_t o = 0, i = 0;
        for (; i + 2 < v->len; i += 3) {
            b[o++] = tab[p[i] >> 2];
            b[o++] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
            b[o++] = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
            b[o++] = tab[p[i + 2] & 63];
        }
        if (i < v->len) {
            b[o++] = tab[p[i] >> 2];
            if (i + 1 < v->len) {
                b[o++] = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
                b[o++] = tab[(p[i + 1] & 15) << 2];
            } else {
                b[o++] = tab[(p[i] & 3) << 4];
                b[o++] = '=';
            }
            b[o++] = '=';
        }
        b[o] = '\0';
        sb_addf(out, "<base64>%s</base64>", b);
        free(b);
        break;
    }
    case PV_DATETIME:
        sb_adds(out, "<dateTime.iso8601>");
        xml_text(v->s, v->len, out);
        sb_adds(out, "</dateTime.iso8601>");
        break;
    case PV_LIST: case PV_TUPLE:
        sb_adds(out, "<array><data>");
        for (size_t i = 0; i < v->len; i++)
            if (pv_to_xmlrpc(v->items[i], out) < 0)
                return -1;
        sb_adds(out, "</data></array>");
        break;
    case PV_DICT:
        sb_adds(out, "<struct>");
        for (size_t i = 0; i < v->len; i++) {
            sb_adds(out, "<member><name>");
            struct sbuf k = {0};
            pv_str_text(v->items[i], &k);
            xml_text(sb_str(&k), k.len, out);
            sb_free(&k);
            sb_adds(out, "</name>");
            if (pv_to_xmlrpc(v->vals[i], out) < 0)
                return -1;
            sb_adds(out, "</member>");
        }
        sb_adds(out, "</struct>");
        break;
    case PV_ELLIPSIS:
        return -1;
    }
    sb_adds(out, "</value>");
    return out->oom ? -1 : 0;
}
