/* rclient's HTTP/1.1 side: connect over TCP or a unix socket, send, and read
 * responses (Content-Length, chunked, or until close) with poll-bounded waits. */
#include "rclient.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define HEAD_LIMIT (64 * 1024)
#define LAST_CAP (64 * 1024)

struct capbuf { char *p; size_t len; };

struct rc_conn {
    struct rc_url url;
    int fd;
    int timeout_ms;
    size_t max_body;
    char *auth;            /* "Basic xxx" or NULL */
    char err[512];
    char *rbuf;            /* bytes read but not consumed */
    size_t rlen, rcap;
    unsigned connects;
    unsigned served;       /* responses read on the current socket */
    int sys_errno;         /* of the last failed connect */
    struct capbuf last_req, last_resp;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int seterr(struct rc_conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof(c->err), fmt, ap);
    va_end(ap);
    return -1;
}

static void cap_append(struct capbuf *b, const void *p, size_t n)
{
    if (b->len >= LAST_CAP)
        return;
    if (n > LAST_CAP - b->len)
        n = LAST_CAP - b->len;
    if (!b->p && !(b->p = malloc(LAST_CAP + 1)))
        return;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

struct rc_conn *rc_conn_new(const struct rc_url *url, int timeout_ms, size_t max_body)
{
    struct rc_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->url = *url;
    c->fd = -1;
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    c->max_body = max_body ? max_body : (size_t)256 << 20;
    return c;
}

void rc_conn_close(struct rc_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->rlen = 0;
    c->served = 0;
}

void rc_conn_free(struct rc_conn *c)
{
    if (!c)
        return;
    rc_conn_close(c);
    free(c->auth);
    free(c->rbuf);
    free(c->last_req.p);
    free(c->last_resp.p);
    free(c);
}

int rc_conn_set_auth(struct rc_conn *c, const char *user, const char *password)
{
    free(c->auth);
    c->auth = NULL;
    if (!user)
        return 0;
    size_t ul = strlen(user), pl = password ? strlen(password) : 0;
    char *plain = malloc(ul + pl + 2);
    char *enc = malloc(4 * ((ul + pl + 3) / 3) + 8 + 6);
    if (!plain || !enc) {
        free(plain);
        free(enc);
        return seterr(c, "out of memory");
    }
    memcpy(plain, user, ul);
    plain[ul] = ':';
    if (pl)
        memcpy(plain + ul + 1, password, pl);
    memcpy(enc, "Basic ", 6);
    rc_base64(plain, ul + pl + 1, enc + 6);
    free(plain);
    c->auth = enc;
    return 0;
}

void rc_conn_set_timeout(struct rc_conn *c, int timeout_ms)
{
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
}

const struct rc_url *rc_conn_url(const struct rc_conn *c) { return &c->url; }
const char *rc_conn_error(const struct rc_conn *c) { return c->err; }
int rc_conn_errno(const struct rc_conn *c) { return c->sys_errno; }
int rc_conn_is_open(const struct rc_conn *c) { return c->fd >= 0; }
unsigned rc_conn_connects(const struct rc_conn *c) { return c->connects; }

void rc_conn_last_exchange(const struct rc_conn *c, const char **req, size_t *req_len,
                           const char **resp, size_t *resp_len)
{
    *req = c->last_req.p ? c->last_req.p : "";
    *req_len = c->last_req.len;
    *resp = c->last_resp.p ? c->last_resp.p : "";
    *resp_len = c->last_resp.len;
}

static int wait_fd(struct rc_conn *c, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = { .fd = c->fd, .events = events };
        int r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return seterr(c, "poll: %s", strerror(errno));
        if (r > 0)
            return 1;
    }
}

static int do_connect(struct rc_conn *c)
{
    int64_t deadline = now_ms() + c->timeout_ms;
    c->rlen = 0;
    c->served = 0;
    c->sys_errno = 0;
    if (c->url.scheme == RC_SCHEME_UNIX) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(c->url.sock) >= sizeof(sa.sun_path))
            return seterr(c, "socket path too long: %s", c->url.sock);
        memcpy(sa.sun_path, c->url.sock, strlen(c->url.sock) + 1);
        c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c->fd < 0)
            return seterr(c, "socket: %s", strerror(errno));
        if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            int e = errno;
            c->sys_errno = e;
            rc_conn_close(c);
            return seterr(c, "connect %s: %s", c->url.sock, strerror(e));
        }
        fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
        c->connects++;
        return 0;
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    char port[16];
    snprintf(port, sizeof(port), "%d", c->url.port);
    int gai = getaddrinfo(c->url.host, port, &hints, &res);
    if (gai != 0)
        return seterr(c, "resolve %s: %s", c->url.host, gai_strerror(gai));
    int last = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       ai->ai_protocol);
        if (c->fd < 0) {
            last = errno;
            continue;
        }
        if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
            int w = wait_fd(c, POLLOUT, deadline);
            int soerr = 0;
            socklen_t sl = sizeof(soerr);
            if (w > 0 && getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) {
                int one = 1;
                setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                freeaddrinfo(res);
                c->connects++;
                return 0;
            }
            last = w == 0 ? ETIMEDOUT : soerr ? soerr : errno;
        } else {
            last = errno;
        }
        close(c->fd);
        c->fd = -1;
    }
    freeaddrinfo(res);
    c->sys_errno = last;
    return seterr(c, "connect %s:%d: %s", c->url.host, c->url.port, strerror(last));
}

int rc_conn_send(struct rc_conn *c, const void *buf, size_t len)
{
    if (c->fd < 0 && do_connect(c) < 0)
        return -1;
    c->last_req.len = 0;
    c->last_resp.len = 0;
    cap_append(&c->last_req, buf, len);
    int64_t deadline = now_ms() + c->timeout_ms;
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int w = wait_fd(c, POLLOUT, deadline);
            if (w < 0)
                return -1;
            if (w == 0)
                return seterr(c, "timed out sending after %d ms", c->timeout_ms);
            continue;
        }
        return seterr(c, "send: %s", strerror(errno));
    }
    return 0;
}

/* Reads more bytes into rbuf. 1 = got some, 0 = EOF, -1 = error,
 * -2 = deadline passed. */
static int fill(struct rc_conn *c, int64_t deadline)
{
    if (c->fd < 0)
        return 0;
    if (c->rcap - c->rlen < 16384) {
        size_t ncap = c->rcap ? c->rcap * 2 : 65536;
        char *n = realloc(c->rbuf, ncap + 1);
        if (!n)
            return seterr(c, "out of memory");
        c->rbuf = n;
        c->rcap = ncap;
    }
    for (;;) {
        ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
        if (n > 0) {
            cap_append(&c->last_resp, c->rbuf + c->rlen, (size_t)n);
            c->rlen += (size_t)n;
            return 1;
        }
        if (n == 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno == ECONNRESET)
            return 0;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return seterr(c, "recv: %s", strerror(errno));
        int w = wait_fd(c, POLLIN, deadline);
        if (w < 0)
            return -1;
        if (w == 0)
            return -2;
    }
}

static void consume(struct rc_conn *c, size_t n)
{
    memmove(c->rbuf, c->rbuf + n, c->rlen - n);
    c->rlen -= n;
}

void rc_response_free(struct rc_response *r)
{
    free(r->version);
    free(r->reason);
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

const char *rc_response_header(const struct rc_response *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static char *dupn(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

static int parse_head(struct rc_conn *c, struct rc_response *r, const char *head, size_t len)
{
    const char *end = head + len;
    const char *eol = memchr(head, '\n', len);
    if (!eol)
        eol = end;
    size_t l = (size_t)(eol - head);
    if (l && head[l - 1] == '\r')
        l--;
    const char *sp = memchr(head, ' ', l);
    if (!sp || strncmp(head, "HTTP/", 5) != 0)
        return seterr(c, "malformed status line");
    r->version = dupn(head, (size_t)(sp - head));
    const char *code = sp + 1;
    int status = 0, digits = 0;
    while (code < head + l && *code >= '0' && *code <= '9' && digits < 3) {
        status = status * 10 + (*code++ - '0');
        digits++;
    }
    if (digits != 3)
        return seterr(c, "malformed status code");
    r->status = status;
    if (code < head + l && *code == ' ')
        code++;
    r->reason = dupn(code, (size_t)(head + l - code));
    const char *p = eol < end ? eol + 1 : end;
    size_t cap = 0;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        size_t ll = (size_t)(e - p);
        if (ll && p[ll - 1] == '\r')
            ll--;
        if (ll == 0)
            break;
        if ((*p == ' ' || *p == '\t') && r->nheaders) {
            /* obsolete line folding: append to the previous value */
            struct rc_header *h = &r->headers[r->nheaders - 1];
            size_t ol = strlen(h->value);
            char *nv = realloc(h->value, ol + ll + 1);
            if (nv) {
                memcpy(nv + ol, p, ll);
                nv[ol + ll] = '\0';
                h->value = nv;
            }
        } else {
            const char *colon = memchr(p, ':', ll);
            if (colon) {
                if (r->nheaders == cap) {
                    cap = cap ? cap * 2 : 16;
                    struct rc_header *nh = realloc(r->headers, cap * sizeof(*nh));
                    if (!nh)
                        return seterr(c, "out of memory");
                    r->headers = nh;
                }
                const char *v = colon + 1;
                while (v < p + ll && (*v == ' ' || *v == '\t'))
                    v++;
                size_t vl = (size_t)(p + ll - v);
                while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                    vl--;
                r->headers[r->nheaders].name = dupn(p, (size_t)(colon - p));
                r->headers[r->nheaders].value = dupn(v, vl);
                r->nheaders++;
            }
        }
        p = e < end ? e + 1 : end;
    }
    return 0;
}

static int body_append(struct rc_conn *c, struct rc_response *r, size_t *cap,
                       const char *p, size_t n)
{
    if (r->body_len + n > c->max_body)
        return seterr(c, "response body exceeds %zu bytes", c->max_body);
    if (r->body_len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 4096;
        while (ncap < r->body_len + n + 1)
            ncap *= 2;
        char *nb = realloc(r->body, ncap);
        if (!nb)
            return seterr(c, "out of memory");
        r->body = nb;
        *cap = ncap;
    }
    memcpy(r->body + r->body_len, p, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return 0;
}

/* Returns the index just past the first line ending in rbuf at or after from,
 * or 0 when no full line is buffered. */
static size_t line_end(const struct rc_conn *c, size_t from)
{
    const char *nl = memchr(c->rbuf + from, '\n', c->rlen - from);
    return nl ? (size_t)(nl - c->rbuf) + 1 : 0;
}

int rc_conn_read_response(struct rc_conn *c, struct rc_response *r, int is_head, int stream_ms)
{
    memset(r, 0, sizeof(*r));
    int64_t deadline = now_ms() + c->timeout_ms;
    size_t headlen = 0;
    /* head */
    for (;;) {
        if (c->rlen) {
            char *hend = memmem(c->rbuf, c->rlen, "\r\n\r\n", 4);
            if (hend) {
                headlen = (size_t)(hend - c->rbuf) + 4;
                break;
            }
            hend = memmem(c->rbuf, c->rlen, "\n\n", 2);
            if (hend) {
                headlen = (size_t)(hend - c->rbuf) + 2;
                break;
            }
            if (c->rlen > HEAD_LIMIT)
                return seterr(c, "response head exceeds %d bytes", HEAD_LIMIT);
        }
        int f = fill(c, deadline);
        if (f == 1)
            continue;
        if (f == -2)
            return seterr(c, "timed out after %d ms waiting for a response", c->timeout_ms);
        if (f == 0) {
            r->closed = 1;
            int partial = c->rlen > 0;
            rc_conn_close(c);
            return seterr(c, partial ? "connection closed inside the response head"
                                     : "connection closed without a response");
        }
        return -1;
    }
    if (parse_head(c, r, c->rbuf, headlen) < 0)
        return -1;
    consume(c, headlen);
    c->served++;

    size_t cap = 0;
    if (body_append(c, r, &cap, "", 0) < 0)
        return -1;
    if (!r->body && !(r->body = calloc(1, 1)))
        return seterr(c, "out of memory");
    if (is_head || r->status == 204 || r->status == 304 || r->status / 100 == 1) {
        r->complete = 1;
        return 0;
    }
    const char *te = rc_response_header(r, "Transfer-Encoding");
    const char *cl = rc_response_header(r, "Content-Length");
    int64_t stream_deadline = stream_ms > 0 ? now_ms() + stream_ms : deadline;
    if (te && strcasestr(te, "chunked")) {
        r->chunked = 1;
        int f = 1;
        for (;;) {
            size_t le = line_end(c, 0);
            if (!le) {
                if ((f = fill(c, stream_deadline)) == 1)
                    continue;
                break;
            }
            char *endp;
            unsigned long long sz = strtoull(c->rbuf, &endp, 16);
            if (endp == c->rbuf)
                return seterr(c, "malformed chunk size line");
            if (sz == 0) {
                /* trailers up to an empty line */
                size_t t = le;
                for (;;) {
                    size_t te2 = line_end(c, t);
                    if (!te2) {
                        if ((f = fill(c, deadline)) == 1)
                            continue;
                        break;
                    }
                    size_t ll = te2 - t;
                    t = te2;
                    if (ll <= 2) {
                        consume(c, t);
                        r->complete = 1;
                        return 0;
                    }
                }
                break;
            }
            if (sz > c->max_body)
                return seterr(c, "chunk of %llu bytes exceeds the body limit", sz);
            size_t need = le + (size_t)sz;
            while (c->rlen < need + 2 && (f = fill(c, stream_deadline)) == 1)
                ;
            if (c->rlen < need + 2)
                break;
            if (body_append(c, r, &cap, c->rbuf + le, (size_t)sz) < 0)
                return -1;
            size_t after = need;
            if (c->rbuf[after] == '\r')
                after++;
            if (after < c->rlen && c->rbuf[after] == '\n')
                after++;
            consume(c, after);
        }
        if (f == -2 && stream_ms > 0) {
            r->timed_out = 1;
            return 0;
        }
        if (f == -2)
            return seterr(c, "timed out reading a chunked body");
        if (f == 0) {
            /* the body ended by close before its last chunk: complete stays 0 */
            r->closed = 1;
            rc_conn_close(c);
            return 0;
        }
        return -1;
    }
    if (cl) {
        char *endp;
        errno = 0;
        unsigned long long n = strtoull(cl, &endp, 10);
        if (endp == cl || errno)
            return seterr(c, "malformed Content-Length: %s", cl);
        if (n > c->max_body)
            return seterr(c, "Content-Length %llu exceeds the body limit", n);
        while (c->rlen < n) {
            int f = fill(c, deadline);
            if (f == 1)
                continue;
            if (f == 0) {
                r->closed = 1;
                body_append(c, r, &cap, c->rbuf, c->rlen);
                rc_conn_close(c);
                return seterr(c, "connection closed after %zu of %llu body bytes",
                              r->body_len, n);
            }
            if (f == -2)
                return seterr(c, "timed out reading the body");
            return -1;
        }
        if (body_append(c, r, &cap, c->rbuf, (size_t)n) < 0)
            return -1;
        consume(c, (size_t)n);
        r->complete = 1;
        return 0;
    }
    /* no framing: the body runs to EOF */
    for (;;) {
        if (c->rlen) {
            if (body_append(c, r, &cap, c->rbuf, c->rlen) < 0)
                return -1;
            c->rlen = 0;
        }
        int f = fill(c, stream_deadline);
        if (f == 1)
            continue;
        if (f == 0) {
            r->closed = 1;
            r->complete = 1;
            rc_conn_close(c);
            return 0;
        }
        if (f == -2 && stream_ms > 0) {
            r->timed_out = 1;
            return 0;
        }
        if (f == -2)
            return seterr(c, "timed out reading a body delimited by close");
        return -1;
    }
}

int rc_stream(struct rc_conn *c, const char *path,
              int (*on_data)(void *ctx, const char *data, size_t len), void *ctx,
              int idle_ms, int *status)
{
    *status = 0;
    size_t hl = strlen(path) + 700 + (c->auth ? strlen(c->auth) : 0);
    char *req = malloc(hl);
    if (!req)
        return seterr(c, "out of memory");
    int n = snprintf(req, hl, "GET %s HTTP/1.1\r\nHost: ", path);
    if (c->url.scheme == RC_SCHEME_UNIX)
        n += snprintf(req + n, hl - (size_t)n, "localhost\r\n");
    else
        n += snprintf(req + n, hl - (size_t)n, "%s:%d\r\n", c->url.host, c->url.port);
    if (c->auth)
        n += snprintf(req + n, hl - (size_t)n, "Authorization: %s\r\n", c->auth);
    n += snprintf(req + n, hl - (size_t)n, "Accept-Encoding: chunked\r\n\r\n");
    int rc = rc_conn_send(c, req, (size_t)n);
    free(req);
    if (rc < 0)
        return -1;
    /* The head, bounded by the usual timeout. */
    int64_t deadline = now_ms() + c->timeout_ms;
    size_t headlen = 0;
    for (;;) {
        char *hend = c->rlen ? memmem(c->rbuf, c->rlen, "\r\n\r\n", 4) : NULL;
        if (hend) {
            headlen = (size_t)(hend - c->rbuf) + 4;
            break;
        }
        if (c->rlen > HEAD_LIMIT)
            return seterr(c, "response head exceeds %d bytes", HEAD_LIMIT);
        int f = fill(c, deadline);
        if (f == 1)
            continue;
        rc_conn_close(c);
        return f == -1 ? -1 : seterr(c, f == -2 ? "timed out waiting for a response"
                                                 : "connection closed without a response");
    }
    struct rc_response r;
    memset(&r, 0, sizeof(r));
    if (parse_head(c, &r, c->rbuf, headlen) < 0) {
        rc_response_free(&r);
        rc_conn_close(c);
        return -1;
    }
    consume(c, headlen);
    *status = r.status;
    const char *te = rc_response_header(&r, "Transfer-Encoding");
    int chunked = te && strcasestr(te, "chunked");
    rc_response_free(&r);
    if (*status != 200) {
        rc_conn_close(c);
        return 0;
    }
    /* The body: each read is passed on at once. */
    int64_t forever = INT64_MAX / 2;
    int result = 0;
    for (;;) {
        int64_t dl = idle_ms > 0 ? now_ms() + idle_ms : forever;
        if (!chunked) {
            if (c->rlen) {
                if (on_data(ctx, c->rbuf, c->rlen))
                    break;
                c->rlen = 0;
            }
            int f = fill(c, dl);
            if (f == 1)
                continue;
            result = f == -1 ? -1 : 0;
            break;
        }
        size_t le = line_end(c, 0);
        if (le) {
            char *endp;
            unsigned long long sz = strtoull(c->rbuf, &endp, 16);
            if (endp == c->rbuf) {
                result = seterr(c, "malformed chunk size line");
                break;
            }
            if (sz == 0)
                break;                          /* the stream ended */
            if (sz > c->max_body) {
                result = seterr(c, "chunk of %llu bytes exceeds the body limit", sz);
                break;
            }
            size_t need = le + (size_t)sz + 2;
            if (c->rlen >= need) {
                if (on_data(ctx, c->rbuf + le, (size_t)sz))
                    break;
                consume(c, need);
                continue;
            }
        }
        int f = fill(c, dl);
        if (f == 1)
            continue;
        result = f == -1 ? -1 : 0;
        break;
    }
    rc_conn_close(c);
    return result;
}

int rc_conn_wait_closed(struct rc_conn *c, int wait_ms)
{
    if (c->fd < 0)
        return 1;
    int64_t deadline = now_ms() + wait_ms;
    for (;;) {
        int f = fill(c, deadline);
        if (f == 1)
            continue;
        if (f == 0) {
            rc_conn_close(c);
            return 1;
        }
        if (f == -2)
            return 0;
        return -1;
    }
}

int rc_request(struct rc_conn *c, const char *method, const char *path,
               const char *extra_headers, const void *body, size_t len,
               struct rc_response *resp)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int reused = c->fd >= 0 && c->served > 0;
        memset(resp, 0, sizeof(*resp));
        char host[300];
        if (c->url.scheme == RC_SCHEME_UNIX)
            snprintf(host, sizeof(host), "localhost");
        else if (c->url.port == 80)
            snprintf(host, sizeof(host), "%s", c->url.host);
        else
            snprintf(host, sizeof(host), "%s:%d", c->url.host, c->url.port);
        size_t hl = strlen(method) + strlen(path) + strlen(host) + 256 +
                    (extra_headers ? strlen(extra_headers) : 0) +
                    (c->auth ? strlen(c->auth) : 0);
        char *req = malloc(hl + len);
        if (!req)
            return seterr(c, "out of memory");
        int n = snprintf(req, hl, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, host);
        if (c->auth)
            n += snprintf(req + n, hl - (size_t)n, "Authorization: %s\r\n", c->auth);
        if (body || strcmp(method, "POST") == 0)
            n += snprintf(req + n, hl - (size_t)n, "Content-Length: %zu\r\n", len);
        if (extra_headers)
            n += snprintf(req + n, hl - (size_t)n, "%s", extra_headers);
        n += snprintf(req + n, hl - (size_t)n, "\r\n");
        if (body && len)
            memcpy(req + n, body, len);
        int rc = rc_conn_send(c, req, (size_t)n + (body ? len : 0));
        free(req);
        if (rc == 0) {
            rc = rc_conn_read_response(c, resp, strcmp(method, "HEAD") == 0, 0);
            if (rc == 0) {
                const char *conn_h = rc_response_header(resp, "Connection");
                int close_it = resp->closed ||
                    (conn_h && strcasecmp(conn_h, "close") == 0) ||
                    (resp->version && strcmp(resp->version, "HTTP/1.0") == 0 &&
                     !(conn_h && strcasecmp(conn_h, "keep-alive") == 0));
                if (close_it)
                    rc_conn_close(c);
                return 0;
            }
        }
        /* a kept-alive socket the server had already closed: retry once */
        if (reused && resp->status == 0 && attempt == 0) {
            rc_response_free(resp);
            rc_conn_close(c);
            continue;
        }
        return -1;
    }
    return -1;
}
