/* logtail.c — /logtail/<namespec>[/<channel>] and /mainlogtail: what
 * `supervisorctl tail -f`, `maintail -f` and `fg` read (http.md §7).
 *
 * A stream starts with the last 1024 bytes of the file and then follows it.
 * refd writes every log file itself, so the log writer tells the stream
 * when the file grew, was rotated or truncated (log/watch.h): nothing
 * polls. A slow client never costs memory: past a high-water mark of
 * queued output the stream stops reading the file and resumes from its
 * offset when the connection has drained. */
#include "internal.h"
#include "core/sup.h"
#include "lib/mem.h"
#include "lib/timefmt.h"
#include "log/mainlog.h"
#include "log/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL_HEAD 1024
#define TAIL_CHUNK 65536
#define TAIL_HIGH_WATER (256 * 1024)

struct tail {
	struct http_conn *conn;
	struct logwatch watch;
	struct logwatch_hub *hub;
	char *path;
	int fd;
	ino_t ino;
	dev_t dev;
	off_t offset;
	bool pumping;
	bool dead;                  /* the connection closed while pumping */
};

static int tail_open(struct tail *t)
{
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (t->fd >= 0) close(t->fd);
	t->fd = fd;
	t->ino = st.st_ino;
	t->dev = st.st_dev;
	t->offset = 0;
	return 0;
}

/* Send whatever the file has beyond our offset, as far as the client
 * keeps up. */
static void tail_free(struct tail *t)
{
	logwatch_remove(t->hub, &t->watch);
	if (t->fd >= 0) close(t->fd);
	free(t->path);
	free(t);
}

static void tail_pump(struct tail *t)
{
	if (t->pumping || t->conn->dead) return;
	struct http_conn *c = t->conn;
	http_conn_hold(c);
	t->pumping = true;
	struct stat st;
	/* Replaced (rotated, cleared): follow the path to the new file. */
	if (stat(t->path, &st) == 0 && (st.st_ino != t->ino || st.st_dev != t->dev)) tail_open(t);
	char *chunk = NULL;
	while (!t->dead && t->fd >= 0 && http_conn_queued(c) < TAIL_HIGH_WATER) {
		if (fstat(t->fd, &st) < 0) break;
		if (st.st_size < t->offset) {
			static const char msg[] = "==> File truncated <==\n";
			t->offset = 0;
			http_stream_write(c, msg, sizeof msg - 1);
			continue;
		}
		if (st.st_size == t->offset) break;
		if (!chunk) chunk = xmalloc(TAIL_CHUNK);
		size_t want = (size_t)(st.st_size - t->offset);
		if (want > TAIL_CHUNK) want = TAIL_CHUNK;
		ssize_t n = pread(t->fd, chunk, want, t->offset);
		if (n <= 0) break;
		t->offset += n;
		http_stream_write(c, chunk, (size_t)n);
	}
	free(chunk);
	t->pumping = false;
	if (t->dead) tail_free(t);
	http_conn_release(c);
}

static void tail_changed(struct logwatch *w)
{
	struct tail *t = (struct tail *)((char *)w - offsetof(struct tail, watch));
	tail_pump(t);
}

static void tail_drained(void *ctx)
{
	tail_pump(ctx);
}

static void tail_closed(void *ctx)
{
	struct tail *t = ctx;
	if (t->pumping) t->dead = true;     /* tail_pump frees it on its way out */
	else tail_free(t);
}

static const struct http_stream_ops tail_ops = {tail_drained, tail_closed};

static void tail_start(struct http_conn *c, const char *path, bool accel_header)
{
	struct stat st;
	if (!path || stat(path, &st) < 0) {
		/* No file yet is a temporary condition: the client retries. */
		http_respond_error(c, 404, NULL, false);
		return;
	}
	struct tail *t = xcalloc(1, sizeof *t);
	t->conn = c;
	t->fd = -1;
	t->path = xstrdup(path);
	t->hub = sup_logwatch(c->lst->http->sup);
	if (tail_open(t) < 0) {
		free(t->path);
		free(t);
		http_respond_error(c, 404, NULL, false);
		return;
	}
	if (fstat(t->fd, &st) == 0 && st.st_size >= TAIL_HEAD) t->offset = st.st_size - TAIL_HEAD;
	struct buf h = BUF_INIT;
	http_head_begin(c, &h, 200);
	buf_puts(&h, "Last-Modified: ");
	time_http_date(&h, st.st_mtime);
	buf_puts(&h, "\r\nContent-Type: text/plain;charset=utf-8\r\n");
	if (accel_header) buf_puts(&h, "X-Accel-Buffering: no\r\n");
	if (http_stream_chunked(c)) buf_puts(&h, "Transfer-Encoding: chunked\r\n");
	buf_puts(&h, "\r\n");
	if (t->hub) logwatch_add(t->hub, &t->watch, t->path, tail_changed);
	/* Beginning the stream may already pump it (the head is written, the
	 * queue drains) and may close the connection, which frees t: look at
	 * the connection, kept allocated meanwhile, before touching t. */
	http_conn_hold(c);
	http_stream_begin(c, &h, &tail_ops, t);
	if (!c->dead) tail_pump(t);
	http_conn_release(c);
}

void http_logtail_handle(struct http_conn *c)
{
	const char *p = c->req.path;
	while (*p == '/') p++;
	/* "logtail<anything>/<namespec>[/<channel>]" */
	const char *slash = strchr(p, '/');
	if (!slash) {
		http_respond_error(c, 404, NULL, false);
		return;
	}
	const char *rest = slash + 1;
	const char *chan_slash = strchr(rest, '/');
	char *namespec = chan_slash ? xstrndup(rest, (size_t)(chan_slash - rest)) : xstrdup(rest);
	const char *channel = chan_slash ? chan_slash + 1 : "stdout";
	int ch = strcmp(channel, "stdout") == 0 ? 0 : strcmp(channel, "stderr") == 0 ? 1 : -1;
	struct pgroup *g;
	struct proc *proc;
	int found = sup_find(c->lst->http->sup, namespec, &g, &proc);
	free(namespec);
	if (ch < 0 || found != 1) {
		http_respond_error(c, 404, NULL, false);
		return;
	}
	tail_start(c, sup_proc_logfile(proc, ch), true);
}

void http_mainlogtail_handle(struct http_conn *c)
{
	tail_start(c, mainlog_path(sup_log(c->lst->http->sup)), false);
}
