/* childlog.c — a child's output channel (see childlog.h). */
#include "childlog.h"
#include "mainlog.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static const char BEGIN_TOKEN[] = "<!--XSUPERVISOR:BEGIN-->";
static const char END_TOKEN[] = "<!--XSUPERVISOR:END-->";

static const char *chan_name(int channel)
{
	return channel == CHAN_STDERR ? "stderr" : "stdout";
}

int childlog_open(struct childlog *c, const struct childlog_config *cfg, struct mainlog *mainlog,
                  struct logwatch_hub *hub, const struct childlog_hooks *hooks)
{
	memset(c, 0, sizeof *c);
	rotfile_init(&c->file);
	c->procname = xstrdup(cfg->procname);
	c->channel = cfg->channel;
	c->syslog = cfg->syslog;
	c->strip_ansi = cfg->strip_ansi;
	c->raw_echo = cfg->raw_echo;
	c->capture_maxbytes = cfg->capture_maxbytes;
	c->mainlog = mainlog;
	if (hooks) c->hooks = *hooks;
	if (!cfg->path) return 0;
	c->has_file = true;
	if (rotfile_open(&c->file, cfg->path, cfg->maxbytes, cfg->backups, hub) < 0) {
		int e = errno;
		mainlog_log(mainlog, LVL_ERRO, "cannot open %s log %s for '%s': %s",
		            chan_name(c->channel), cfg->path, c->procname, strerror(e));
		c->write_errno = e;
		errno = e;
		return -1;
	}
	return 0;
}

size_t childlog_strip_ansi(char *data, size_t n)
{
	static const char finals[] = "HfABCDRsuJKhlpm";
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (data[i] == 0x1b && i + 1 < n && data[i + 1] == '[') {
			size_t j = i + 2;
			while (j < n && !memchr(finals, data[j], sizeof finals - 1)) j++;
			if (j >= n) break;      /* no final byte: the rest is dropped */
			i = j;
			continue;
		}
		data[w++] = data[i];
	}
	return w;
}

/* The main log echo (logging.md §3): DEBG "'name' stdout output:\n<text>". */
static void echo(struct childlog *c, const char *data, size_t n)
{
	if (!mainlog_enabled(c->mainlog, LVL_DEBG)) return;
	struct buf msg = BUF_INIT;
	py_repr(&msg, c->procname, strlen(c->procname));
	buf_printf(&msg, " %s output:\n", chan_name(c->channel));
	if (!c->raw_echo && utf8_valid(data, n)) {
		buf_append(&msg, data, n);
	} else {
		if (!c->raw_echo) buf_puts(&msg, "Undecodable: ");
		py_bytes_repr(&msg, data, n);
	}
	mainlog_write(c->mainlog, LVL_DEBG, buf_cstr(&msg), msg.len);
	buf_free(&msg);
}

static void to_syslog(struct childlog *c, const char *data, size_t n)
{
	/* logging.md §2.5: trailing newlines stripped, one record per line. */
	while (n && data[n - 1] == '\n') n--;
	const char *p = data, *end = data + n;
	do {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		syslog(LOG_USER | LOG_INFO, "%s %.*s", c->procname, (int)(stop - p), p);
		p = nl ? nl + 1 : end;
	} while (p < end);
}

/* Write to the file; what does not fit is kept for childlog_retry. */
static void write_file(struct childlog *c, const char *data, size_t n)
{
	if (!c->has_file) return;
	if (c->unwritten.len) {         /* keep the order: behind what is waiting */
		buf_append(&c->unwritten, data, n);
		return;
	}
	if (!rotfile_is_open(&c->file) && (!c->file.path || rotfile_reopen(&c->file) < 0)) {
		buf_append(&c->unwritten, data, n);
		return;
	}
	size_t done = 0;
	if (rotfile_write(&c->file, data, n, &done) < 0) {
		buf_append(&c->unwritten, data + done, n - done);
		if (errno != c->write_errno) {
			c->write_errno = errno;
			mainlog_log(c->mainlog, LVL_ERRO, "cannot write %s log %s for '%s': %s",
			            chan_name(c->channel), c->file.path, c->procname, strerror(errno));
		}
	}
}

bool childlog_blocked(const struct childlog *c)
{
	return c->unwritten.len > 0;
}

int childlog_retry(struct childlog *c)
{
	if (!c->unwritten.len) return 0;
	if (!rotfile_is_open(&c->file) && (!c->file.path || rotfile_reopen(&c->file) < 0)) return -1;
	size_t done = 0;
	int rc = rotfile_write(&c->file, c->unwritten.p, c->unwritten.len, &done);
	buf_consume(&c->unwritten, done);
	if (rc < 0) return -1;
	if (c->write_errno) {
		c->write_errno = 0;
		mainlog_log(c->mainlog, LVL_INFO, "writing %s log %s for '%s' again",
		            chan_name(c->channel), c->file.path, c->procname);
	}
	return 0;
}

/* The bounded capture buffer: when a chunk would overflow it, as many
 * bytes as the chunk has are dropped from its front first. */
static void capture_append(struct childlog *c, const char *data, size_t n)
{
	if ((long long)(c->capture.len + n) > c->capture_maxbytes) buf_consume(&c->capture, n);
	buf_append(&c->capture, data, n);
}

/* Log one piece of output (supervisord's _log). */
static void emit(struct childlog *c, char *data, size_t n)
{
	if (n == 0) return;
	/* A listener's bytes are echoed as read, before strip_ansi (logging.md §4). */
	if (c->raw_echo) echo(c, data, n);
	if (c->strip_ansi) n = childlog_strip_ansi(data, n);
	if (n == 0) return;
	if (c->capturing) {
		capture_append(c, data, n);
	} else {
		write_file(c, data, n);
		if (c->syslog) to_syslog(c, data, n);
	}
	if (!c->raw_echo) echo(c, data, n);
	if (c->hooks.logged) c->hooks.logged(c->hooks.ctx, c->channel, data, n);
}

static void toggle(struct childlog *c)
{
	c->capturing = !c->capturing;
	if (c->capturing) return;
	if (c->hooks.captured) c->hooks.captured(c->hooks.ctx, c->channel, buf_cstr(&c->capture), c->capture.len);
	if (mainlog_enabled(c->mainlog, LVL_DEBG)) {
		char *name = py_repr_str(c->procname);
		mainlog_log(c->mainlog, LVL_DEBG, "%s %s emitted a comm event", name, chan_name(c->channel));
		free(name);
	}
	buf_reset(&c->capture);
}

/* Largest l < len(tok) such that data ends with tok[:l] (find_prefix_at_end). */
static size_t prefix_at_end(const char *data, size_t n, const char *tok, size_t toklen)
{
	for (size_t l = toklen - 1; l > 0; l--)
		if (n >= l && memcmp(data + n - l, tok, l) == 0) return l;
	return 0;
}

static void *memmem_safe(const char *h, size_t hn, const char *n, size_t nn)
{
	return hn >= nn ? memmem(h, hn, n, nn) : NULL;
}

/* supervisord's record_output, as a loop rather than recursion. */
static void process(struct childlog *c)
{
	if (c->capture_maxbytes <= 0) {
		struct buf data = c->pending;
		buf_init(&c->pending);
		emit(c, data.p, data.len);
		buf_free(&data);
		return;
	}
	for (;;) {
		const char *tok = c->capturing ? END_TOKEN : BEGIN_TOKEN;
		size_t toklen = strlen(tok);
		if (c->pending.len <= toklen) return;
		struct buf data = c->pending;
		buf_init(&c->pending);
		char *at = memmem_safe(data.p, data.len, tok, toklen);
		if (!at) {
			size_t k = prefix_at_end(data.p, data.len, tok, toklen);
			if (k) buf_append(&c->pending, data.p + data.len - k, k);
			emit(c, data.p, data.len - k);
			buf_free(&data);
			return;
		}
		size_t before = (size_t)(at - data.p);
		emit(c, data.p, before);
		toggle(c);
		size_t after = data.len - before - toklen;
		buf_append(&c->pending, at + toklen, after);
		buf_free(&data);
		if (after == 0) return;
	}
}

void childlog_feed(struct childlog *c, const char *data, size_t n)
{
	buf_append(&c->pending, data, n);
	process(c);
}

void childlog_eof(struct childlog *c)
{
	if (c->pending.len == 0) return;
	/* Held back while waiting to see whether a token follows: nothing
	 * follows now, so it is output like any other. */
	struct buf data = c->pending;
	buf_init(&c->pending);
	emit(c, data.p, data.len);
	buf_free(&data);
}

void childlog_reopen(struct childlog *c)
{
	if (c->has_file && c->file.path) rotfile_reopen(&c->file);
}

int childlog_clear(struct childlog *c)
{
	buf_reset(&c->capture);
	if (!c->has_file || !c->file.path) return 0;
	rotfile_close(&c->file);
	if (unlink(c->file.path) < 0 && errno != ENOENT) {
		int e = errno;
		rotfile_reopen(&c->file);
		errno = e;
		return -1;
	}
	return rotfile_reopen(&c->file);
}

void childlog_close(struct childlog *c)
{
	childlog_eof(c);
	childlog_retry(c);          /* a last attempt: the process is gone */
	buf_free(&c->unwritten);
	rotfile_free(&c->file);
	buf_free(&c->pending);
	buf_free(&c->capture);
	free(c->procname);
	c->procname = NULL;
	c->has_file = false;
}
