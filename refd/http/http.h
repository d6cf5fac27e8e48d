/* http.h — refd's HTTP servers: one listener per [inet_http_server] and
 * [unix_http_server] section, all on the one libev loop (http.md). */
#ifndef REFD_HTTP_HTTP_H
#define REFD_HTTP_HTTP_H

struct ev_loop;
struct conf;
struct sup;
struct rpc;
struct mainlog;
struct http;

struct http *http_new(struct ev_loop *loop, struct sup *sup, struct mainlog *log);
/* The rpc that /RPC2 requests go to (replaced at restart). */
void http_set_rpc(struct http *h, struct rpc *rpc);
/* Bind every listener of conf. Returns 0, or -1 and *err (caller frees)
 * with supervisord's startup message. */
int http_open(struct http *h, const struct conf *conf, char **err);
/* Close every listener and connection (pending requests are cancelled),
 * and remove the unix socket files this process created. */
void http_close(struct http *h);
void http_free(struct http *h);

#endif
