/* rclient: a small blocking HTTP/1.1 and XML-RPC client for supervisord-
 * compatible servers, over TCP (http://host:port) and unix sockets
 * (unix:///path). Shared by refd-conform and the other client tools.
 *
 * Ownership: every struct returned by an rc_*_new function is freed by the
 * matching rc_*_free. struct rc_response owns all its strings and is reset by
 * rc_response_free (safe on a zeroed struct). struct rc_rpc_result owns its
 * fault string and its xmlrpc_value (released by rc_rpc_result_free).
 *
 * Errors: functions return 0 (or a pointer) on success and -1 (or NULL) on
 * failure; the reason is in rc_conn_error(). Every wait is bounded by the
 * connection's timeout; every buffer by its limit.
 *
 * Global state: rc_rpc_init() raises xmlrpc-c's process-wide XML size limit
 * once; nothing else is global. Replies are pre-scanned for nesting depth and
 * DOCTYPE before xmlrpc-c sees them, because xmlrpc-c recurses per element
 * before its own nesting check and expands entities without bound. */
#ifndef RCLIENT_H
#define RCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <xmlrpc-c/base.h>

enum rc_scheme { RC_SCHEME_HTTP, RC_SCHEME_UNIX };

struct rc_url {
    enum rc_scheme scheme;
    char host[256];      /* http: host name or address; unix: "localhost" */
    int port;            /* http: 1..65535 (default 80); unix: 0 */
    char sock[512];      /* unix: socket path */
    char path[512];      /* request path for XML-RPC, default "/RPC2" */
};

/* Parses "http://host[:port][/path]" or "unix:///abs/path.sock". Writes a
 * reason into err (if non-NULL) on failure. */
int rc_url_parse(const char *text, struct rc_url *url, char *err, size_t errlen);
/* Writes the URL back as text ("http://h:p/path" or "unix:///p"). */
void rc_url_format(const struct rc_url *url, char *out, size_t outlen);

/* --- HTTP ------------------------------------------------------------ */

struct rc_header { char *name; char *value; };

struct rc_response {
    char *version;         /* "HTTP/1.1" */
    int status;            /* 0 when no status line arrived */
    char *reason;
    struct rc_header *headers;
    size_t nheaders;
    char *body;            /* decoded (de-chunked); NUL-terminated */
    size_t body_len;
    int chunked;           /* the body came Transfer-Encoding: chunked */
    int complete;          /* the body ended as its framing says */
    int closed;            /* the server closed the connection */
    int timed_out;         /* a streaming read stopped at its time bound */
};

void rc_response_free(struct rc_response *resp);
/* First header with that name (case-insensitive), or NULL. */
const char *rc_response_header(const struct rc_response *resp, const char *name);

struct rc_conn;

/* A connection to url (nothing is opened until the first request).
 * timeout_ms bounds every connect, write and read; max_body bounds any
 * response body (0 = 256 MiB). */
struct rc_conn *rc_conn_new(const struct rc_url *url, int timeout_ms, size_t max_body);
void rc_conn_free(struct rc_conn *conn);
/* Credentials for HTTP Basic auth; NULL user disables auth. Copied. */
int rc_conn_set_auth(struct rc_conn *conn, const char *user, const char *password);
void rc_conn_set_timeout(struct rc_conn *conn, int timeout_ms);
const struct rc_url *rc_conn_url(const struct rc_conn *conn);
const char *rc_conn_error(const struct rc_conn *conn);
/* Closes the socket; the next request opens a new one. */
void rc_conn_close(struct rc_conn *conn);
int rc_conn_is_open(const struct rc_conn *conn);
/* How many TCP/unix connections this conn has opened so far. */
unsigned rc_conn_connects(const struct rc_conn *conn);

/* Sends raw bytes, connecting first if needed. */
int rc_conn_send(struct rc_conn *conn, const void *buf, size_t len);
/* Reads one response. is_head: the request was HEAD (no body). stream_ms:
 * when > 0, a body without an end (an endless chunked stream) is read for at
 * most that long and returned with timed_out set. Returns -1 with status 0
 * when the connection closed before a status line. */
int rc_conn_read_response(struct rc_conn *conn, struct rc_response *resp,
                          int is_head, int stream_ms);
/* The errno of the last failed connect (ECONNREFUSED, ENOENT...), or 0. */
int rc_conn_errno(const struct rc_conn *conn);

/* GET path and hand the response body to on_data as it arrives (de-chunked,
 * or up to the close when unframed), for endless streams such as
 * /logtail. Runs until the body ends, the server closes, or on_data
 * returns non-zero; with no data at all for idle_ms (0 = wait forever) it
 * returns too. Sets *status to the response status (0 if none came): a
 * non-200 response's body is not passed on. Returns 0, or -1 on a
 * transport error (rc_conn_error says why). */
int rc_stream(struct rc_conn *conn, const char *path,
              int (*on_data)(void *ctx, const char *data, size_t len), void *ctx,
              int idle_ms, int *status);

/* Waits up to wait_ms for the server to close the connection. 1 = closed,
 * 0 = still open, -1 = error. Data that arrives meanwhile is kept. */
int rc_conn_wait_closed(struct rc_conn *conn, int wait_ms);

/* A complete request: method, path, extra header lines ("Name: v\r\n"...,
 * may be NULL), body. Adds Host, Content-Length (when body != NULL or method
 * is POST) and Authorization. A request on a reused keep-alive connection
 * that the server had closed is retried once on a new connection. */
int rc_request(struct rc_conn *conn, const char *method, const char *path,
               const char *extra_headers, const void *body, size_t len,
               struct rc_response *resp);

/* The last bytes sent and received on this connection (each capped at
 * 64 KiB), for failure reports. Pointers stay valid until the next call. */
void rc_conn_last_exchange(const struct rc_conn *conn, const char **req, size_t *req_len,
                           const char **resp, size_t *resp_len);

/* Base64 (RFC 4648, padded). out needs 4*((len+2)/3)+1 bytes. */
void rc_base64(const void *in, size_t len, char *out);

/* --- XML-RPC --------------------------------------------------------- */

/* Raises xmlrpc-c's XML size limit to max_xml bytes (process-wide). */
void rc_rpc_init(size_t max_xml);

/* 0 when xml nests at most max_depth elements deep, carries no DOCTYPE and
 * no <i8> that would crash xmlrpc-c; otherwise -1 with a reason in err. */
int rc_xml_precheck(const char *xml, size_t len, int max_depth, char *err, size_t errlen);

struct rc_rpc_result {
    int http_status;          /* 200 for a reply or a fault */
    int is_fault;
    int fault_code;
    char *fault_string;       /* owned, UTF-8 */
    xmlrpc_value *value;      /* owned reference; NULL on fault */
};
void rc_rpc_result_free(struct rc_rpc_result *res);

/* Posts an already serialised <methodCall> to the URL's path. Returns 0 when
 * a reply or a fault came back (res filled), -1 on a transport or HTTP error
 * (res->http_status says which status came, 0 if none, and for a reply that
 * came but could not be used res->fault_string says why; resp, if non-NULL,
 * receives the raw HTTP response either way). */
int rc_rpc_call_xml(struct rc_conn *conn, const char *xml, size_t len,
                    struct rc_rpc_result *res, struct rc_response *resp);

/* Serialises method(params) with xmlrpc-c and calls it. params is an array
 * (or NULL for none). Note: xmlrpc-c's serialiser turns CR LF into LF inside
 * strings; callers that must send CR exactly build the XML themselves. */
int rc_rpc_call(struct rc_conn *conn, const char *method, xmlrpc_value *params,
                struct rc_rpc_result *res);

#endif
