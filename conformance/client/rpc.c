/* rclient's XML-RPC side: post a <methodCall>, pre-check and parse the reply
 * with xmlrpc-c. */
#include "rclient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_MAX_DEPTH 256

void rc_rpc_init(size_t max_xml)
{
    xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, max_xml);
    /* the nesting limit counts values, not elements; ours is checked first */
    xmlrpc_limit_set(XMLRPC_NESTING_LIMIT_ID, DEFAULT_MAX_DEPTH);
}

static int pre_fail(char *err, size_t errlen, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", why);
    return -1;
}

/* xmlrpc-c 1.33.14 crashes on an <i8> whose text is not a 64-bit integer
 * (its fault message is formatted with an argument missing), so a reply
 * carrying one is refused here. tag is the start tag's name, gt its '>'. */
static int i8_ok(const char *tag, const char *gt, const char *end)
{
    size_t nl = 0;      /* the name; the buffer is not NUL-terminated */
    while (tag + nl < gt && !strchr(" \t\r\n/", tag[nl]))
        nl++;
    if (!((nl == 2 && memcmp(tag, "i8", 2) == 0) || (nl == 5 && memcmp(tag, "ex:i8", 5) == 0)) ||
        gt[-1] == '/')
        return 1;
    const char *t = gt + 1;
    const char *lt = memchr(t, '<', (size_t)(end - t));
    if (!lt || lt + 1 >= end || lt[1] != '/')
        return 0;
    int neg = 0;
    if (t < lt && (*t == '+' || *t == '-'))
        neg = *t++ == '-';
    if (t == lt)
        return 0;
    unsigned long long v = 0, limit = neg ? 9223372036854775808ULL : 9223372036854775807ULL;
    for (; t < lt; t++) {
        if (*t < '0' || *t > '9' || v > (limit - (unsigned)(*t - '0')) / 10)
            return 0;
        v = v * 10 + (unsigned)(*t - '0');
    }
    return 1;
}

int rc_xml_precheck(const char *xml, size_t len, int max_depth, char *err, size_t errlen)
{
    const char *p = xml, *end = xml + len;
    int depth = 0;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt)
            break;
        p = lt + 1;
        if (p >= end)
            return pre_fail(err, errlen, "truncated tag");
        if (*p == '?') {
            const char *q = memmem(p, (size_t)(end - p), "?>", 2);
            if (!q)
                return pre_fail(err, errlen, "unterminated processing instruction");
            p = q + 2;
        } else if (*p == '!') {
            if ((size_t)(end - p) >= 3 && memcmp(p, "!--", 3) == 0) {
                const char *q = memmem(p, (size_t)(end - p), "-->", 3);
                if (!q)
                    return pre_fail(err, errlen, "unterminated comment");
                p = q + 3;
            } else if ((size_t)(end - p) >= 8 && memcmp(p, "![CDATA[", 8) == 0) {
                const char *q = memmem(p, (size_t)(end - p), "]]>", 3);
                if (!q)
                    return pre_fail(err, errlen, "unterminated CDATA section");
                p = q + 3;
            } else {
                return pre_fail(err, errlen, "reply carries a DOCTYPE or declaration");
            }
        } else if (*p == '/') {
            depth--;
            const char *q = memchr(p, '>', (size_t)(end - p));
            if (!q)
                return pre_fail(err, errlen, "unterminated end tag");
            p = q + 1;
        } else {
            char quote = 0;
            const char *q = p;
            for (; q < end; q++) {
                if (quote) {
                    if (*q == quote)
                        quote = 0;
                } else if (*q == '"' || *q == '\'') {
                    quote = *q;
                } else if (*q == '>') {
                    break;
                }
            }
            if (q >= end)
                return pre_fail(err, errlen, "unterminated start tag");
            if (!i8_ok(p, q, end))
                return pre_fail(err, errlen, "reply carries an <i8> that is not a 64-bit integer");
            if (q[-1] != '/' && ++depth > max_depth) {
                if (err && errlen)
                    snprintf(err, errlen, "reply nests deeper than %d elements", max_depth);
                return -1;
            }
            p = q + 1;
        }
    }
    return 0;
}

void rc_rpc_result_free(struct rc_rpc_result *res)
{
    free(res->fault_string);
    if (res->value)
        xmlrpc_DECREF(res->value);
    memset(res, 0, sizeof(*res));
}

int rc_rpc_call_xml(struct rc_conn *conn, const char *xml, size_t len,
                    struct rc_rpc_result *res, struct rc_response *resp_out)
{
    struct rc_response local;
    struct rc_response *resp = resp_out ? resp_out : &local;
    memset(res, 0, sizeof(*res));
    memset(resp, 0, sizeof(*resp));
    const char *path = rc_conn_url(conn)->path;
    int rc = rc_request(conn, "POST", path[0] ? path : "/RPC2",
                        "Content-Type: text/xml\r\nAccept: text/xml\r\n", xml, len, resp);
    if (rc < 0) {
        res->http_status = resp->status;
        if (!resp_out)
            rc_response_free(&local);
        return -1;
    }
    res->http_status = resp->status;
    int out = -1;
    char why[200];
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    if (resp->status != 200) {
        /* the caller reads the status from res->http_status */
        snprintf(why, sizeof(why), "HTTP %d %s", resp->status, resp->reason ? resp->reason : "");
    } else if (rc_xml_precheck(resp->body, resp->body_len, DEFAULT_MAX_DEPTH, why, sizeof(why)) == 0) {
        const char *fs = NULL;
        int fc = 0;
        xmlrpc_value *v = NULL;
        xmlrpc_parse_response2(&env, resp->body, resp->body_len, &v, &fc, &fs);
        if (!env.fault_occurred) {
            if (fs) {
                res->is_fault = 1;
                res->fault_code = fc;
                res->fault_string = strdup(fs);
                free((void *)fs);
            } else {
                res->value = v;
            }
            out = 0;
        } else {
            snprintf(why, sizeof(why), "unparsable reply: %s", env.fault_string);
        }
    }
    xmlrpc_env_clean(&env);
    if (!resp_out)
        rc_response_free(&local);
    if (out < 0) {
        /* like Python's xmlrpc.client: a failed exchange ends the connection */
        rc_conn_close(conn);
        res->fault_string = strdup(why);
    }
    return out;
}

int rc_rpc_call(struct rc_conn *conn, const char *method, xmlrpc_value *params,
                struct rc_rpc_result *res)
{
    xmlrpc_env env;
    xmlrpc_env_init(&env);
    xmlrpc_mem_block *mb = xmlrpc_mem_block_new(&env, 0);
    xmlrpc_value *empty = NULL;
    if (!params)
        params = empty = xmlrpc_array_new(&env);
    if (!env.fault_occurred)
        xmlrpc_serialize_call(&env, mb, method, params);
    if (empty)
        xmlrpc_DECREF(empty);
    if (env.fault_occurred) {
        memset(res, 0, sizeof(*res));
        res->fault_string = strdup(env.fault_string);
        xmlrpc_env_clean(&env);
        if (mb)
            xmlrpc_mem_block_free(mb);
        return -1;
    }
    int rc = rc_rpc_call_xml(conn, xmlrpc_mem_block_contents(mb),
                             xmlrpc_mem_block_size(mb), res, NULL);
    xmlrpc_mem_block_free(mb);
    xmlrpc_env_clean(&env);
    return rc;
}
