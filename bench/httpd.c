/* httpd.c — the request/s ceiling: a trivial single-threaded HTTP/1.1
 * server (epoll, non-blocking, TCP_NODELAY) that answers every request
 * with one fixed reply read from a file. It parses only what framing
 * needs (the end of the head, Content-Length, Connection: close), so what
 * it achieves is what the machine, the kernel's loopback and the load
 * tool allow for a reply of that size.
 *
 * usage: bench-httpd BODYFILE (--tcp PORT | --unix PATH)...
 * Runs until SIGTERM or SIGINT. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

struct conn {
	int fd;
	char in[65536];
	size_t in_len;
	size_t out_off;         /* bytes of the current reply already sent; 0 = none pending */
	bool sending;
	bool close_after;
	bool is_listener;
};

static char *head, *body;
static size_t head_len, body_len;
static volatile sig_atomic_t stop;

static void on_signal(int sig) { stop = 1; }

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static int listen_tcp(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(fd, 1024) < 0) fail("bind");
	return fd;
}

static int listen_unix(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0 || listen(fd, 1024) < 0) fail("bind");
	return fd;
}

static void conn_close(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

/* Send what remains of the reply. Returns -1 when the connection died. */
static int send_reply(int ep, struct conn *c)
{
	while (c->sending) {
		size_t total = head_len + body_len;
		struct iovec iov[2];
		int n = 0;
		if (c->out_off < head_len) {
			iov[n++] = (struct iovec){head + c->out_off, head_len - c->out_off};
			iov[n++] = (struct iovec){body, body_len};
		} else {
			iov[n++] = (struct iovec){body + (c->out_off - head_len), total - c->out_off};
		}
		ssize_t w = writev(c->fd, iov, n);
		if (w < 0) {
			if (errno == EINTR) continue;
			if (errno == EAGAIN) {
				struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				return 0;
			}
			return -1;
		}
		c->out_off += (size_t)w;
		if (c->out_off == total) {
			c->sending = false;
			c->out_off = 0;
			struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			if (c->close_after) return -1;
		}
	}
	return 0;
}

/* Answer every complete request in the input buffer. */
static int process(int ep, struct conn *c)
{
	while (!c->sending) {
		char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
		if (!end) return c->in_len == sizeof c->in ? -1 : 0;
		size_t hl = (size_t)(end - c->in) + 4;
		size_t cl = 0;
		bool close_after = false;
		for (char *p = c->in; p < end;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl) break;
			if (strncasecmp(p, "Content-Length:", 15) == 0) cl = strtoul(p + 15, NULL, 10);
			else if (strncasecmp(p, "Connection:", 11) == 0 && strcasestr(p, "close") && strcasestr(p, "close") < nl)
				close_after = true;
			p = nl + 1;
		}
		if (hl + cl > sizeof c->in) return -1;
		if (c->in_len < hl + cl) return 0;
		memmove(c->in, c->in + hl + cl, c->in_len - hl - cl);
		c->in_len -= hl + cl;
		c->sending = true;
		c->out_off = 0;
		c->close_after = close_after;
		if (send_reply(ep, c) < 0) return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench-httpd BODYFILE (--tcp PORT | --unix PATH)...\n");
		return 2;
	}
	int bfd = open(argv[1], O_RDONLY);
	struct stat st;
	if (bfd < 0 || fstat(bfd, &st) < 0) fail(argv[1]);
	body_len = (size_t)st.st_size;
	body = malloc(body_len + 1);
	if (read(bfd, body, body_len) != (ssize_t)body_len) fail("read");
	close(bfd);
	head = malloc(256);
	head_len = (size_t)snprintf(head, 256, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %zu\r\n\r\n",
	                            body_len);

	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	for (int i = 2; i + 1 < argc; i += 2) {
		struct conn *l = calloc(1, sizeof *l);
		l->is_listener = true;
		if (!strcmp(argv[i], "--tcp")) l->fd = listen_tcp(atoi(argv[i + 1]));
		else if (!strcmp(argv[i], "--unix")) l->fd = listen_unix(argv[i + 1]);
		else { fprintf(stderr, "bench-httpd: unknown option %s\n", argv[i]); return 2; }
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = l};
		epoll_ctl(ep, EPOLL_CTL_ADD, l->fd, &ev);
	}
	struct epoll_event evs[64];
	while (!stop) {
		int n = epoll_wait(ep, evs, 64, -1);
		if (n < 0) {
			if (errno == EINTR) continue;
			fail("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c->is_listener) {
				for (;;) {
					int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
					if (fd < 0) break;
					int one = 1;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					struct conn *nc = calloc(1, sizeof *nc);
					nc->fd = fd;
					struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			if ((evs[i].events & EPOLLOUT) && send_reply(ep, c) < 0) { conn_close(ep, c); continue; }
			if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
			if (c->in_len == sizeof c->in) continue;   /* a pipelined backlog: answer first */
			ssize_t r = read(c->fd, c->in + c->in_len, sizeof c->in - c->in_len);
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) { conn_close(ep, c); continue; }
			if (r > 0) c->in_len += (size_t)r;
			if (process(ep, c) < 0) conn_close(ep, c);
		}
	}
	return 0;
}
