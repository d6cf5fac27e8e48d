/* Writes results as TAP, JUnit XML and JSON. */
#include "report.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void results_count(const struct results *r, struct verdict_counts *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < r->n; i++) {
        c->v[r->v[i].verdict]++;
        c->gating += r->v[i].gating;
    }
}

void json_escape(struct sbuf *sb, const char *s)
{
    sb_addc(sb, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *end = p + strlen((const char *)p);
    while (*p) {
        uint32_t cp;
        size_t l = pv_utf8_decode(p, (size_t)(end - p), &cp);
        if (!l) {
            sb_adds(sb, "\\ufffd");
            p++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            sb_addc(sb, '\\');
            sb_addc(sb, (char)cp);
        } else if (cp == '\n') {
            sb_adds(sb, "\\n");
        } else if (cp == '\r') {
            sb_adds(sb, "\\r");
        } else if (cp == '\t') {
            sb_adds(sb, "\\t");
        } else if (cp < 0x20 || cp == 0x7F) {
            sb_addf(sb, "\\u%04x", (unsigned)cp);
        } else {
            sb_add(sb, p, l);
        }
        p += l;
    }
    sb_addc(sb, '"');
}

void xml_escape(struct sbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *end = p + strlen((const char *)p);
    while (*p) {
        uint32_t cp;
        size_t l = pv_utf8_decode(p, (size_t)(end - p), &cp);
        if (!l || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF) {
            sb_adds(sb, "\xEF\xBF\xBD");
            p += l ? l : 1;
            continue;
        }
        switch (cp) {
        case '&': sb_adds(sb, "&amp;"); break;
        case '<': sb_adds(sb, "&lt;"); break;
        case '>': sb_adds(sb, "&gt;"); break;
        case '"': sb_adds(sb, "&quot;"); break;
        case '\r': sb_adds(sb, "&#13;"); break;
        default: sb_add(sb, p, l);
        }
        p += l;
    }
}

/* TAP descriptions end at '#' and newlines: keep ids plain */
static void tap_desc(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '#' || *s == '\n' ? '_' : *s, f);
}

static void tap_yaml_str(FILE *f, const char *key, const char *val)
{
    if (!val)
        return;
    fprintf(f, "  %s: |-\n", key);
    const char *p = val;
    do {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(f, "    %.*s\n", (int)l, p);
        p = nl ? nl + 1 : NULL;
    } while (p && *p);
}

void report_tap_cases(FILE *f, const struct results *r, size_t from)
{
    for (size_t i = from; i < r->n; i++) {
        const struct case_result *c = &r->v[i];
        int ok = c->verdict == V_PASS || c->verdict == V_DRIFT || c->verdict == V_SKIP ||
                 c->verdict == V_XPASS;
        fprintf(f, "%s %zu - ", ok ? "ok" : "not ok", i + 1);
        tap_desc(f, c->id);
        switch (c->verdict) {
        case V_SKIP:
            fprintf(f, " # SKIP %s", c->message ? c->message : "");
            break;
        case V_XFAIL:
            fprintf(f, " # TODO expected difference: %s", c->xreason);
            break;
        case V_XPASS:
            fprintf(f, " # TODO listed as an expected difference but passed: %s", c->xreason);
            break;
        case V_FAIL:
            if (!c->gating)
                fprintf(f, " # TODO level %s does not gate", level_name(c->level));
            break;
        default:
            break;
        }
        fputc('\n', f);
        if (c->verdict == V_FAIL || c->verdict == V_DRIFT || c->verdict == V_XFAIL) {
            fprintf(f, "  ---\n");
            fprintf(f, "  verdict: %s\n", verdict_name(c->verdict));
            fprintf(f, "  at: %s:%d\n", c->file, c->line);
            fprintf(f, "  level: %s\n", level_name(c->level));
            tap_yaml_str(f, "message", c->message);
            tap_yaml_str(f, "expected", c->expected);
            tap_yaml_str(f, "actual", c->actual);
            if (c->verdict == V_FAIL && c->request && *c->request) {
                tap_yaml_str(f, "request", c->request);
                tap_yaml_str(f, "response", c->response);
            }
            fprintf(f, "  ...\n");
        }
    }
    fflush(f);
}

void report_tap_plan(FILE *f, size_t n)
{
    fprintf(f, "1..%zu\n", n);
    fflush(f);
}

static int write_out(const char *path, const struct sbuf *sb)
{
    if (sb->oom) {
        fprintf(stderr, "refd-conform: out of memory writing %s\n", path);
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "refd-conform: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t n = fwrite(sb_str(sb), 1, sb->len, f);
    if (fclose(f) != 0 || n != sb->len) {
        fprintf(stderr, "refd-conform: %s: write failed\n", path);
        return -1;
    }
    return 0;
}

int report_junit(const char *path, const struct results *r, const struct report_meta *m)
{
    struct sbuf sb = {0};
    struct verdict_counts all;
    results_count(r, &all);
    double total = 0;
    for (size_t i = 0; i < r->n; i++)
        total += r->v[i].duration;
    sb_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"refd-conform\"");
    sb_addf(&sb, " tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n", r->n, all.gating,
            all.v[V_SKIP], total);
    /* one testsuite per session file, in the order they ran */
    for (size_t i = 0; i < r->n;) {
        size_t j = i;
        size_t fails = 0, skips = 0;
        double t = 0;
        while (j < r->n && strcmp(r->v[j].file, r->v[i].file) == 0) {
            fails += r->v[j].gating;
            skips += r->v[j].verdict == V_SKIP;
            t += r->v[j].duration;
            j++;
        }
        sb_adds(&sb, "  <testsuite name=\"");
        xml_escape(&sb, r->v[i].file);
        sb_addf(&sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
                j - i, fails, skips, t);
        sb_adds(&sb, "    <properties><property name=\"target\" value=\"");
        xml_escape(&sb, m->target_name);
        sb_adds(&sb, "\"/></properties>\n");
        for (size_t k = i; k < j; k++) {
            const struct case_result *c = &r->v[k];
            sb_adds(&sb, "    <testcase classname=\"");
            xml_escape(&sb, c->file);
            sb_adds(&sb, "\" name=\"");
            xml_escape(&sb, c->id);
            sb_addf(&sb, "\" time=\"%.3f\">\n", c->duration);
            if (c->verdict == V_SKIP) {
                sb_adds(&sb, "      <skipped message=\"");
                xml_escape(&sb, c->message);
                sb_adds(&sb, "\"/>\n");
            } else if (c->gating) {
                sb_adds(&sb, "      <failure message=\"");
                xml_escape(&sb, c->message ? c->message : verdict_name(c->verdict));
                sb_addf(&sb, "\" type=\"%s\">", verdict_name(c->verdict));
                sb_adds(&sb, "expected:\n");
                xml_escape(&sb, c->expected);
                sb_adds(&sb, "\nactual:\n");
                xml_escape(&sb, c->actual);
                if (c->request && *c->request) {
                    sb_adds(&sb, "\nrequest:\n");
                    xml_escape(&sb, c->request);
                    sb_adds(&sb, "\nresponse:\n");
                    xml_escape(&sb, c->response);
                }
                sb_adds(&sb, "</failure>\n");
            }
            if (c->verdict != V_PASS && c->verdict != V_SKIP) {
                sb_addf(&sb, "      <system-out>verdict: %s (level %s)", verdict_name(c->verdict),
                        level_name(c->level));
                if (c->xreason) {
                    sb_adds(&sb, "\nexpected difference: ");
                    xml_escape(&sb, c->xreason);
                }
                if (!c->gating && c->message) {
                    sb_adds(&sb, "\n");
                    xml_escape(&sb, c->message);
                    sb_adds(&sb, "\nexpected:\n");
                    xml_escape(&sb, c->expected);
                    sb_adds(&sb, "\nactual:\n");
                    xml_escape(&sb, c->actual);
                }
                sb_adds(&sb, "</system-out>\n");
            }
            sb_adds(&sb, "    </testcase>\n");
        }
        sb_adds(&sb, "  </testsuite>\n");
        i = j;
    }
    sb_adds(&sb, "</testsuites>\n");
    int rc = write_out(path, &sb);
    sb_free(&sb);
    return rc;
}

static void json_kv(struct sbuf *sb, const char *k, const char *v, int comma)
{
    if (comma)
        sb_addc(sb, ',');
    json_escape(sb, k);
    sb_addc(sb, ':');
    if (v)
        json_escape(sb, v);
    else
        sb_adds(sb, "null");
}

int report_json(const char *path, const struct results *r, const struct report_meta *m)
{
    struct sbuf sb = {0};
    struct verdict_counts c;
    results_count(r, &c);
    sb_adds(&sb, "{\"tool\":\"refd-conform\",\"version\":\"" REFD_VERSION "\",\"target\":{");
    json_kv(&sb, "name", m->target_name, 0);
    json_kv(&sb, "spec", m->target_spec, 1);
    json_kv(&sb, "api_version", r->api_version, 1);
    sb_addf(&sb, ",\"methods\":%zu", r->nmethods);
    sb_addf(&sb, "},\"summary\":{\"total\":%zu,\"pass\":%zu,\"fail\":%zu,\"doc-drift\":%zu,"
                 "\"skip\":%zu,\"xfail\":%zu,\"xpass\":%zu,\"gating_failures\":%zu},\"cases\":[",
            r->n, c.v[V_PASS], c.v[V_FAIL], c.v[V_DRIFT], c.v[V_SKIP], c.v[V_XFAIL], c.v[V_XPASS],
            c.gating);
    for (size_t i = 0; i < r->n; i++) {
        const struct case_result *cr = &r->v[i];
        sb_adds(&sb, i ? ",\n{" : "\n{");
        json_kv(&sb, "id", cr->id, 0);
        json_kv(&sb, "file", cr->file, 1);
        sb_addf(&sb, ",\"line\":%d,\"tags\":[", cr->line);
        for (size_t t = 0; cr->tags && cr->tags[t]; t++) {
            if (t)
                sb_addc(&sb, ',');
            json_escape(&sb, cr->tags[t]);
        }
        sb_adds(&sb, "]");
        json_kv(&sb, "level", level_name(cr->level), 1);
        json_kv(&sb, "verdict", verdict_name(cr->verdict), 1);
        sb_addf(&sb, ",\"gating\":%s", cr->gating ? "true" : "false");
        json_kv(&sb, "expected", cr->expected, 1);
        json_kv(&sb, "actual", cr->actual, 1);
        json_kv(&sb, "message", cr->message, 1);
        json_kv(&sb, "expected_difference", cr->xreason, 1);
        sb_addf(&sb, ",\"duration\":%.6f,\"http\":", cr->duration);
        if (cr->verdict == V_FAIL && cr->request) {
            sb_adds(&sb, "{");
            json_kv(&sb, "request", cr->request, 0);
            json_kv(&sb, "response", cr->response, 1);
            sb_adds(&sb, "}");
        } else {
            sb_adds(&sb, "null");
        }
        sb_adds(&sb, ",\"steps\":[");
        for (size_t k = 0; k < cr->nsteps; k++) {
            const struct step_result *s = &cr->steps[k];
            sb_adds(&sb, k ? ",{" : "{");
            sb_addf(&sb, "\"line\":%d", s->line);
            json_kv(&sb, "source", s->source, 1);
            json_kv(&sb, "verdict", verdict_name(s->verdict), 1);
            json_kv(&sb, "expected", s->expected, 1);
            json_kv(&sb, "actual", s->actual, 1);
            json_kv(&sb, "message", s->message, 1);
            sb_addf(&sb, ",\"duration\":%.6f}", s->duration);
        }
        sb_adds(&sb, "]}");
    }
    sb_adds(&sb, "\n]}\n");
    int rc = write_out(path, &sb);
    sb_free(&sb);
    return rc;
}
