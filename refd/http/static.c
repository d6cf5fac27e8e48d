/* static.c — the web UI's stylesheet and images, compiled into refd, served
 * at the paths supervisord serves its own (http.md §9): GET and HEAD,
 * Last-Modified and If-Modified-Since, a redirect for a directory named
 * without its slash, and nothing outside the UI's own files. */
#include "internal.h"
#include "assets.h"
#include "lib/mem.h"
#include "lib/timefmt.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The path relative to the UI root with "." and ".." resolved (never above
 * the root) and empty segments dropped; *dir_slash tells whether it ended
 * in a slash. */
static char *normalize(const char *path, bool *dir_slash)
{
	size_t n = strlen(path);
	char *out = xmalloc(n + 1);
	size_t len = 0;
	*dir_slash = n > 0 && path[n - 1] == '/';
	const char *p = path;
	while (*p) {
		while (*p == '/') p++;
		const char *seg = p;
		while (*p && *p != '/') p++;
		size_t sl = (size_t)(p - seg);
		if (sl == 0 || (sl == 1 && seg[0] == '.')) continue;
		if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
			while (len > 0 && out[len - 1] != '/') len--;
			if (len > 0) len--;
			continue;
		}
		if (len) out[len++] = '/';
		memcpy(out + len, seg, sl);
		len += sl;
	}
	out[len] = '\0';
	return out;
}

static const struct ui_asset *find_asset(const char *rel)
{
	for (const struct ui_asset *a = ui_assets; a->path; a++)
		if (strcmp(a->path, rel) == 0) return a;
	return NULL;
}

/* Is rel the root or a directory that holds assets? */
static bool is_dir(const char *rel)
{
	if (!*rel) return true;
	size_t n = strlen(rel);
	for (const struct ui_asset *a = ui_assets; a->path; a++)
		if (strncmp(a->path, rel, n) == 0 && a->path[n] == '/') return true;
	return false;
}

/* If-Modified-Since: <date>[; length=<n>] (http.md §9). */
static bool not_modified(const struct http_request *r, time_t mtime, size_t len)
{
	const char *ims = http_request_header(r, "If-Modified-Since");
	if (!ims) return false;
	char date[128];
	const char *semi = strchr(ims, ';');
	size_t dl = semi ? (size_t)(semi - ims) : strlen(ims);
	if (dl >= sizeof date) return false;
	memcpy(date, ims, dl);
	date[dl] = '\0';
	if (semi) {
		const char *l = semi + 1;
		while (*l == ' ') l++;
		if (strncasecmp(l, "length=", 7) == 0) {
			char *end;
			unsigned long long want = strtoull(l + 7, &end, 10);
			if (end != l + 7 && want != len) return false;
		}
	}
	time_t since = time_http_parse(date);
	return since > 0 && mtime <= since;
}

/* A Location header value: bytes that would break the header are escaped. */
static void location_safe(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			buf_putc(out, '%');
			buf_putc(out, hex[*p >> 4]);
			buf_putc(out, hex[*p & 15]);
		} else {
			buf_putc(out, (char)*p);
		}
	}
}

void http_static_handle(struct http_conn *c)
{
	const struct http_request *r = &c->req;
	const char *path = r->path;
	while (*path == '/') path++;
	bool slash;
	char *rel = normalize(path, &slash);
	if (is_dir(rel)) {
		if (*path && !slash) {
			/* The server name without the port, as medusa writes it. */
			struct buf h = BUF_INIT;
			buf_printf(&h, "Location: http://%s/", c->lst->server_name);
			location_safe(&h, path);
			buf_puts(&h, "/\r\n");
			http_respond_error(c, 301, buf_cstr(&h), false);
			buf_free(&h);
		} else {
			http_respond_error(c, 404, NULL, false);    /* no index.html in any directory */
		}
		free(rel);
		return;
	}
	const struct ui_asset *a = find_asset(rel);
	free(rel);
	if (!a) {
		http_respond_error(c, 404, NULL, false);
		return;
	}
	time_t mtime = c->lst->http->started;
	if (not_modified(r, mtime, a->len)) {
		http_respond_bodiless(c, 304, NULL);
		return;
	}
	struct buf extra = BUF_INIT, body = BUF_INIT;
	buf_puts(&extra, "Last-Modified: ");
	time_http_date(&extra, mtime);
	buf_puts(&extra, "\r\n");
	buf_append(&body, a->data, a->len);     /* HEAD: http_respond sends the head only */
	http_respond(c, 200, a->content_type, buf_cstr(&extra), &body);
	buf_free(&extra);
}
