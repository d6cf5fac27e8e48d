/* server.c — the listeners: binding TCP and unix sockets the way
 * supervisord does (http.md §1), accepting without ever blocking, and
 * surviving descriptor exhaustion. */
#include "internal.h"
#include "conf/config.h"
#include "lib/mem.h"
#include "log/mainlog.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define ADDR_IN_USE \
	"Another program is already listening on a port that one of our HTTP servers " \
	"is configured to use.  Shut this program down first before starting supervisord."

struct http *http_new(struct ev_loop *loop, struct sup *sup, struct mainlog *log)
{
	struct http *h = xcalloc(1, sizeof *h);
	h->loop = loop;
	h->sup = sup;
	h->log = log;
	h->spare_fd = -1;
	h->started = time(NULL);
	return h;
}

void http_set_rpc(struct http *h, struct rpc *rpc)
{
	h->rpc = rpc;
}

static char *socket_error(int err)
{
	if (err == EADDRINUSE) return xstrdup(ADDR_IN_USE);
	const char *name = strerrorname_np(err);
	if (!name) return xasprintf("Cannot open an HTTP server: socket.error reported %d", err);
	return xasprintf("Cannot open an HTTP server: socket.error reported errno.%s (%d)", name, err);
}

static int bind_inet(const struct conf_server *cs, char **err)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)cs->port);
	if (cs->host && *cs->host && strcmp(cs->host, "*") != 0) {
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_INET;
		hints.ai_socktype = SOCK_STREAM;
		int rc = getaddrinfo(cs->host, NULL, &hints, &res);
		if (rc != 0 || !res) {
			*err = xasprintf("Cannot open an HTTP server: cannot resolve host %s: %s",
			                 cs->host, gai_strerror(rc));
			return -1;
		}
		sin.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	} else {
		sin.sin_addr.s_addr = htonl(INADDR_ANY);
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) { *err = socket_error(errno); return -1; }
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 1024) < 0) {
		*err = socket_error(errno);
		close(fd);
		return -1;
	}
	return fd;
}

/* The name medusa gives a listener: the reverse lookup of the address it
 * is bound to (the host's own address for all interfaces), or the address
 * itself. Looked up once, at start-up, never on the loop. */
static char *inet_server_name(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	char ip[INET_ADDRSTRLEN] = "127.0.0.1";
	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0) return xstrdup(ip);
	if (sin.sin_addr.s_addr == htonl(INADDR_ANY)) {
		char host[256];
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_INET;
		if (gethostname(host, sizeof host) == 0 && getaddrinfo(host, NULL, &hints, &res) == 0 && res) {
			sin.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
			freeaddrinfo(res);
		}
	}
	inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof ip);
	char name[NI_MAXHOST];
	if (getnameinfo((struct sockaddr *)&sin, sizeof sin, name, sizeof name, NULL, 0, NI_NAMEREQD) == 0)
		return xstrdup(name);
	return xstrdup(ip);
}

/* Is something answering on the unix socket path? (a live daemon) */
static bool unix_in_use(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) return false;
	struct sockaddr_un sun;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	bool used = false;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
		static const char probe[] = "GET / HTTP/1.0\r\n\r\n";
		struct timeval tv = {1, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		if (write(fd, probe, sizeof probe - 1) == (ssize_t)(sizeof probe - 1)) {
			char c;
			used = read(fd, &c, 1) == 1;
		}
	}
	close(fd);
	return used;
}

/* Bind to a temporary name, set its mode, then hard-link it into place:
 * the socket never exists under its real name with the wrong mode, and a
 * live daemon's socket is never stolen (http.md §1.2). */
static int bind_unix(const struct conf_server *cs, char **err)
{
	struct sockaddr_un sun;
	if (strlen(cs->file) + 24 >= sizeof sun.sun_path) {
		*err = xasprintf("Cannot open an HTTP server: socket path %s is too long", cs->file);
		return -1;
	}
	char *tmp = xasprintf("%s.%d", cs->file, (int)getpid());
	unlink(tmp);
	for (int attempt = 0;; attempt++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) { *err = socket_error(errno); break; }
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", tmp);
		if (bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 || chmod(tmp, (mode_t)cs->chmod) < 0) {
			*err = socket_error(errno);
			close(fd);
			break;
		}
		if (link(tmp, cs->file) < 0) {
			int e = errno;
			if (e == EEXIST && attempt < 3 && !unix_in_use(cs->file)) {
				fprintf(stderr, "Unlinking stale socket %s\n", cs->file);
				unlink(cs->file);
				close(fd);
				unlink(tmp);
				continue;
			}
			*err = socket_error(e == EEXIST ? EADDRINUSE : e);
			close(fd);
			break;
		}
		if (cs->has_chown && chown(cs->file, cs->chown_uid, cs->chown_gid) < 0) {
			int e = errno;
			if (e == EPERM)
				*err = xasprintf("Not permitted to chown %s to uid/gid (%d, %d); adjust "
				                 "\"sockchown\" value in config file or on command line to "
				                 "values that the current user can successfully chown",
				                 cs->file, (int)cs->chown_uid, (int)cs->chown_gid);
			else
				*err = socket_error(e);
			unlink(cs->file);
			close(fd);
			break;
		}
		unlink(tmp);
		free(tmp);
		if (listen(fd, 1024) < 0) {
			*err = socket_error(errno);
			unlink(cs->file);
			close(fd);
			return -1;
		}
		return fd;
	}
	unlink(tmp);
	free(tmp);
	return -1;
}

/* Out of descriptors: take the spare one back to accept and immediately
 * close the waiting connection, so that the listener does not spin, and
 * pause accepting for a moment. */
static void shed_connection(struct http_listener *l)
{
	struct http *h = l->http;
	if (h->spare_fd >= 0) {
		close(h->spare_fd);
		h->spare_fd = -1;
		int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) close(fd);
		h->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	ev_io_stop(h->loop, &l->io);
	ev_timer_set(&l->resume, 1.0, 0);
	ev_timer_start(h->loop, &l->resume);
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct http_listener *l = w->data;
	for (int i = 0; i < 64; i++) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED) continue;
			if (errno == EMFILE || errno == ENFILE) {
				mainlog_log(l->http->log, LVL_ERRO,
				            "cannot accept a connection on %s: %s", l->cs->section, strerror(errno));
				shed_connection(l);
			}
			return;
		}
		if (!l->cs->is_unix) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		}
		http_conn_accepted(l, fd);
	}
}

static void resume_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct http_listener *l = w->data;
	ev_io_start(loop, &l->io);
}

int http_open(struct http *h, const struct conf *conf, char **err)
{
	*err = NULL;
	if (h->spare_fd < 0) h->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	h->listeners = xcalloc(conf->n_servers ? conf->n_servers : 1, sizeof *h->listeners);
	h->n_listeners = 0;
	for (size_t i = 0; i < conf->n_servers; i++) {
		const struct conf_server *cs = &conf->servers[i];
		int fd = cs->is_unix ? bind_unix(cs, err) : bind_inet(cs, err);
		if (fd < 0) {
			http_close(h);
			return -1;
		}
		struct http_listener *l = &h->listeners[h->n_listeners++];
		l->http = h;
		l->cs = cs;
		l->fd = fd;
		if (cs->is_unix) l->unix_path = xstrdup(cs->file);
		l->server_name = cs->is_unix ? xstrdup("<unix domain socket>") : inet_server_name(fd);
		ev_io_init(&l->io, accept_cb, fd, EV_READ);
		ev_timer_init(&l->resume, resume_cb, 0, 0);
		l->io.data = l->resume.data = l;
		ev_io_start(h->loop, &l->io);
		for (size_t j = 0; j < conf->n_rpcifs; j++)
			mainlog_log(h->log, LVL_INFO, "RPC interface '%s' initialized", conf->rpcifs[j].name);
		if (!cs->username)
			mainlog_log(h->log, LVL_CRIT, "Server '%s' running without any HTTP authentication checking",
			            cs->section);
	}
	return 0;
}

void http_close(struct http *h)
{
	for (size_t i = 0; i < h->n_listeners; i++) {
		struct http_listener *l = &h->listeners[i];
		http_conn_destroy_all(l);
		ev_io_stop(h->loop, &l->io);
		ev_timer_stop(h->loop, &l->resume);
		close(l->fd);
		if (l->unix_path) {
			unlink(l->unix_path);
			free(l->unix_path);
		}
		free(l->server_name);
	}
	free(h->listeners);
	h->listeners = NULL;
	h->n_listeners = 0;
}

void http_free(struct http *h)
{
	if (!h) return;
	http_close(h);
	if (h->spare_fd >= 0) close(h->spare_fd);
	free(h);
}
