/* URL parsing for rclient targets, and base64 for Basic auth. */
#include "rclient.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", why);
    return -1;
}

int rc_url_parse(const char *text, struct rc_url *url, char *err, size_t errlen)
{
    memset(url, 0, sizeof(*url));
    if (!text)
        return fail(err, errlen, "no URL");
    if (strncmp(text, "unix://", 7) == 0) {
        const char *p = text + 7;
        if (*p != '/')
            return fail(err, errlen, "unix URL needs an absolute path: unix:///path/to.sock");
        if (strlen(p) >= sizeof(url->sock))
            return fail(err, errlen, "unix socket path too long");
        url->scheme = RC_SCHEME_UNIX;
        snprintf(url->sock, sizeof(url->sock), "%s", p);
        snprintf(url->host, sizeof(url->host), "localhost");
        snprintf(url->path, sizeof(url->path), "/RPC2");
        return 0;
    }
    if (strncmp(text, "http://", 7) != 0)
        return fail(err, errlen, "URL must start with http:// or unix://");
    const char *h = text + 7;
    /* userinfo is not accepted: credentials come from --user/--password */
    const char *end = h + strcspn(h, "/?#");
    if (memchr(h, '@', (size_t)(end - h)))
        return fail(err, errlen, "credentials in the URL are not supported; use --user/--password");
    const char *hend, *pstart = NULL;
    if (*h == '[') {
        hend = memchr(h, ']', (size_t)(end - h));
        if (!hend)
            return fail(err, errlen, "unterminated [IPv6] host");
        if ((size_t)(hend - h - 1) >= sizeof(url->host))
            return fail(err, errlen, "host too long");
        memcpy(url->host, h + 1, (size_t)(hend - h - 1));
        hend++;
        if (hend < end && *hend == ':')
            pstart = hend + 1;
        else if (hend != end)
            return fail(err, errlen, "junk after [IPv6] host");
    } else {
        const char *colon = memchr(h, ':', (size_t)(end - h));
        hend = colon ? colon : end;
        if (hend == h)
            return fail(err, errlen, "URL has no host");
        if ((size_t)(hend - h) >= sizeof(url->host))
            return fail(err, errlen, "host too long");
        memcpy(url->host, h, (size_t)(hend - h));
        if (colon)
            pstart = colon + 1;
    }
    url->port = 80;
    if (pstart) {
        if (pstart == end)
            return fail(err, errlen, "empty port");
        long port = 0;
        for (const char *q = pstart; q < end; q++) {
            if (!isdigit((unsigned char)*q))
                return fail(err, errlen, "port is not a number");
            port = port * 10 + (*q - '0');
            if (port > 65535)
                return fail(err, errlen, "port out of range");
        }
        if (port < 1)
            return fail(err, errlen, "port out of range");
        url->port = (int)port;
    }
    url->scheme = RC_SCHEME_HTTP;
    if (*end == '/' && end[1]) {
        if (strlen(end) >= sizeof(url->path))
            return fail(err, errlen, "path too long");
        snprintf(url->path, sizeof(url->path), "%s", end);
    } else {
        snprintf(url->path, sizeof(url->path), "/RPC2");
    }
    return 0;
}

void rc_url_format(const struct rc_url *url, char *out, size_t outlen)
{
    if (url->scheme == RC_SCHEME_UNIX)
        snprintf(out, outlen, "unix://%s", url->sock);
    else if (strchr(url->host, ':'))
        snprintf(out, outlen, "http://[%s]:%d%s", url->host, url->port, url->path);
    else
        snprintf(out, outlen, "http://%s:%d%s", url->host, url->port, url->path);
}

void rc_base64(const void *in, size_t len, char *out)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = in;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        *out++ = tab[p[i] >> 2];
        *out++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
        *out++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
        *out++ = tab[p[i + 2] & 63];
    }
    if (i < len) {
        *out++ = tab[p[i] >> 2];
        if (i + 1 < len) {
            *out++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
            *out++ = tab[(p[i + 1] & 15) << 2];
        } else {
            *out++ = tab[(p[i] & 3) << 4];
            *out++ = '=';
        }
        *out++ = '=';
    }
    *out = '\0';
}
