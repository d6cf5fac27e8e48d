/* webui.c — the web UI's views (http.md §8): the status page with its
 * actions, the tail page and ok.html, at supervisord's URLs, working
 * without JavaScript.
 *
 * Pages are read from core state. An action runs through the RPC methods
 * it stands for (rpc_call_local), so that it behaves exactly as they do,
 * the daemon-state gate and the wait for a start or stop included; the
 * connection waits for it without blocking the loop, then gets a 301 to
 * "/?message=...". supervisord delays each render by about 0.5 s; refd
 * answers as soon as the action is over. */
#include "internal.h"
#include "form.h"
#include "conf/config.h"
#include "core/sup.h"
#include "lib/mem.h"
#include "lib/timefmt.h"
#include "log/readlog.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NO_CACHE \
	"Pragma: no-cache\r\nCache-Control: no-cache\r\n" \
	"Expires: Thu, 01 Jan 1970 00:00:00 GMT\r\n"

#define TAIL_MIN 1024

/* supervisord's fault codes, as the action messages name them. */
enum {
	F_NO_FILE = 20, F_NOT_EXECUTABLE = 21, F_ABNORMAL_TERMINATION = 40,
	F_SPAWN_ERROR = 50, F_ALREADY_STARTED = 60, F_BAD_NAME = 10, F_FAILED = 30,
	F_SHUTDOWN_STATE = 6,
};

enum action { ACT_STOPALL, ACT_RESTARTALL, ACT_START, ACT_STOP, ACT_RESTART, ACT_CLEARLOG };

/* An action in progress: a sequence of RPC calls, then a redirect. */
struct webui_op {
	struct http_conn *conn;
	enum action action;
	char *ns;                   /* processname as given */
	char *server_url;
	const char *steps[2];       /* method names */
	int n_steps, step;
	struct rpc_req *req;        /* the call in flight */
	bool in_call;               /* inside rpc_call_local */
	int fault_code;             /* of the last call */
	char *fault_string;
};

/* ---- helpers -------------------------------------------------------------------- */

static void respond_page(struct http_conn *c, struct buf *body)
{
	http_respond(c, 200, "text/html;charset=utf-8", NO_CACHE, body);
}

/* "http://" + Host, or the listener's own name and port (http.md §8.2). */
static char *server_url(const struct http_conn *c)
{
	struct buf u = BUF_INIT;
	const char *host = http_request_header(&c->req, "Host");
	if (host && *host) {
		buf_puts(&u, "http://");
		for (const char *p = host; *p; p++)     /* nothing that could end the header */
			if ((unsigned char)*p >= ' ' && *p != 0x7f) buf_putc(&u, *p);
	} else if (c->lst->cs->is_unix) {
		buf_printf(&u, "http://%s:%s", c->lst->server_name, c->lst->cs->file);
	} else if (c->lst->cs->port == 80) {
		buf_printf(&u, "http://%s", c->lst->server_name);
	} else {
		buf_printf(&u, "http://%s:%d", c->lst->server_name, c->lst->cs->port);
	}
	return buf_steal(&u);
}

static void redirect(struct http_conn *c, const char *url, const char *message)
{
	struct buf h = BUF_INIT;
	buf_printf(&h, "Location: %s/?message=", url);
	url_quote(&h, message);
	buf_puts(&h, "\r\n" NO_CACHE);
	http_respond_error(c, 301, buf_cstr(&h), false);
	buf_free(&h);
}

static void now_ctime(struct buf *out)
{
	time_ctime(out, time(NULL));
}

/* ---- actions ---------------------------------------------------------------------- */

static void op_free(struct webui_op *op)
{
	free(op->ns);
	free(op->server_url);
	free(op->fault_string);
	free(op);
}

void http_ui_cancel(struct webui_op *op)
{
	if (op->req) rpc_req_cancel(op->req);
	op_free(op);
}

/* The message of a finished action (http.md §8.2's table). */
static void op_message(const struct webui_op *op, struct buf *m)
{
	int code = op->fault_code;
	const char *fs = op->fault_string ? op->fault_string : "";
	switch (op->action) {
	case ACT_STOPALL:
		buf_puts(m, "All stopped at ");
		now_ctime(m);
		break;
	case ACT_RESTARTALL:
		buf_puts(m, "All restarted at ");
		now_ctime(m);
		break;
	case ACT_START:
		if (!code) {
			buf_printf(m, "Process %s started", op->ns);
			break;
		}
		buf_printf(m, "ERROR: Process %s: ", op->ns);
		switch (code) {
		case F_NO_FILE: buf_puts(m, "no such file"); break;
		case F_NOT_EXECUTABLE: buf_puts(m, "file not executable"); break;
		case F_ALREADY_STARTED: buf_puts(m, "already started"); break;
		case F_SPAWN_ERROR: buf_puts(m, "spawn error"); break;
		case F_ABNORMAL_TERMINATION: buf_puts(m, "abnormal termination"); break;
		default: buf_printf(m, "unexpected rpc fault [%d] %s", code, fs); break;
		}
		break;
	case ACT_STOP:
		if (code) buf_printf(m, "unexpected rpc fault [%d] %s", code, fs);
		else buf_printf(m, "Process %s stopped", op->ns);
		break;
	case ACT_RESTART:
		buf_printf(m, "Process %s restarted", op->ns);     /* faults ignored */
		break;
	case ACT_CLEARLOG:
		if (code) buf_printf(m, "unexpected rpc fault [%d] %s", code, fs);
		else buf_printf(m, "Log for %s cleared", op->ns);
		break;
	}
}

static void op_finish(struct webui_op *op)
{
	struct http_conn *c = op->conn;
	struct buf m = BUF_INIT;
	op_message(op, &m);
	c->ui = NULL;
	http_conn_hold(c);
	if (!c->dead) redirect(c, op->server_url, buf_cstr(&m));
	http_conn_release(c);
	buf_free(&m);
	op_free(op);
}

static void op_run(struct webui_op *op);

static void op_called(void *ctx, int fault_code, const char *fault_string)
{
	struct webui_op *op = ctx;
	op->req = NULL;
	op->fault_code = fault_code;
	free(op->fault_string);
	op->fault_string = fault_string ? xstrdup(fault_string) : NULL;
	op->step++;
	if (!op->in_call) op_run(op);       /* a deferred call: continue from here */
}

/* Run the remaining calls; each may answer now or later. */
static void op_run(struct webui_op *op)
{
	struct rpc *rpc = op->conn->lst->http->rpc;
	while (op->step < op->n_steps) {
		const char *args[1] = {op->ns};
		int nargs = op->ns ? 1 : 0;
		struct rpc_req *req = NULL;
		op->in_call = true;
		if (rpc) req = rpc_call_local(rpc, op->steps[op->step], args, nargs, op_called, op);
		else op_called(op, F_FAILED, "FAILED");     /* between configurations */
		op->in_call = false;
		if (req) {
			op->req = req;
			return;
		}
	}
	op_finish(op);
}

/* Does ns name one process, as supervisord's split_namespec resolves it? */
static bool names_process(struct sup *s, const char *ns)
{
	struct pgroup *g;
	struct proc *p;
	const char *colon = strchr(ns, ':');
	if (colon && (colon[1] == '\0' || strcmp(colon + 1, "*") == 0)) return false;
	return sup_find(s, ns, &g, &p) == 1 && p;
}

/* index.html with action=...: false when the request is a server error. */
static bool start_action(struct http_conn *c, const char *action, const char *ns)
{
	struct sup *s = c->lst->http->sup;
	char *url = server_url(c);
	if (strcmp(action, "refresh") == 0) {
		struct buf m = BUF_INIT;
		buf_puts(&m, "Page refreshed at ");
		now_ctime(&m);
		redirect(c, url, buf_cstr(&m));
		buf_free(&m);
		free(url);
		return true;
	}
	struct webui_op *op = xcalloc(1, sizeof *op);
	op->conn = c;
	op->server_url = url;
	if (strcmp(action, "stopall") == 0) {
		op->action = ACT_STOPALL;
		op->steps[op->n_steps++] = "stopAllProcesses";
	} else if (strcmp(action, "restartall") == 0) {
		op->action = ACT_RESTARTALL;
		op->steps[op->n_steps++] = "stopAllProcesses";
		op->steps[op->n_steps++] = "startAllProcesses";
	} else {
		/* supervisord checks the name before it looks at the action. */
		if (!ns) {
			op_free(op);
			return false;
		}
		if (!names_process(s, ns)) {
			struct buf m = BUF_INIT;
			buf_printf(&m, "No such process named %s", ns);
			redirect(c, url, buf_cstr(&m));
			buf_free(&m);
			op_free(op);
			return true;
		}
		op->ns = xstrdup(ns);
		if (strcmp(action, "start") == 0) {
			op->action = ACT_START;
			op->steps[op->n_steps++] = "startProcess";
		} else if (strcmp(action, "stop") == 0) {
			op->action = ACT_STOP;
			op->steps[op->n_steps++] = "stopProcess";
		} else if (strcmp(action, "restart") == 0) {
			op->action = ACT_RESTART;
			op->steps[op->n_steps++] = "stopProcess";
			op->steps[op->n_steps++] = "startProcess";
		} else if (strcmp(action, "clearlog") == 0) {
			op->action = ACT_CLEARLOG;
			op->steps[op->n_steps++] = "clearProcessLogs";
		} else {
			op_free(op);
			return false;
		}
	}
	c->ui = op;
	op_run(op);
	return true;
}

/* ---- the status page ------------------------------------------------------------------ */

static int by_namespec(const void *a, const void *b)
{
	const struct proc *x = *(struct proc *const *)a, *y = *(struct proc *const *)b;
	int r = strcmp(x->group->name, y->group->name);
	return r ? r : strcmp(x->cfg->name, y->cfg->name);
}

static const char *state_class(int state)
{
	if (state == PROC_RUNNING) return "statusrunning";
	if (state == PROC_FATAL || state == PROC_BACKOFF) return "statuserror";
	return "statusnominal";
}

static void action_link(struct buf *b, const char *label, const char *href_fmt, const char *q,
                        bool blank)
{
	buf_puts(b, "<li><a href=\"");
	buf_printf(b, href_fmt, q);
	buf_printf(b, "\" name=\"%s\"%s>%s</a></li>\n", label, blank ? " target=\"_blank\"" : "", label);
}

static void process_row(struct buf *b, const struct proc *p, bool shade, long long now)
{
	char *ns = sup_namespec(p);
	struct buf q = BUF_INIT, desc = BUF_INIT;
	url_quote(&q, ns);
	const char *qs = buf_cstr(&q);
	rpc_process_description(&desc, p, now);

	buf_printf(b, "<tr class=\"%s\">\n", shade ? "shade" : "");
	buf_printf(b, "<td class=\"status\"><span class=\"%s\">", state_class(p->state));
	const char *name = proc_state_name(p->state);
	for (const char *s = name; *s; s++) buf_putc(b, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s));
	buf_puts(b, "</span></td>\n<td><span>");
	html_escape(b, desc.p ? desc.p : "", desc.len);
	buf_puts(b, "</span></td>\n<td><a href=\"tail.html?processname=");
	html_escape_str(b, qs);
	buf_puts(b, "\" target=\"_blank\">");
	html_escape_str(b, ns);
	buf_puts(b, "</a></td>\n<td class=\"action\"><ul>\n");

	/* The quoted name holds only URL-safe characters: no escaping needed. */
	static const char hidden[] = "<li><a class=\"hidden\" href=\"#\" name=\"#\"></a></li>\n";
	if (p->state == PROC_RUNNING) {
		action_link(b, "Restart", "index.html?processname=%s&amp;action=restart", qs, false);
		action_link(b, "Stop", "index.html?processname=%s&amp;action=stop", qs, false);
	} else if (p->state == PROC_STOPPED || p->state == PROC_EXITED || p->state == PROC_FATAL) {
		action_link(b, "Start", "index.html?processname=%s&amp;action=start", qs, false);
		buf_puts(b, hidden);
	} else {
		buf_puts(b, hidden);
		buf_puts(b, hidden);
	}
	action_link(b, "Clear Log", "index.html?processname=%s&amp;action=clearlog", qs, false);
	action_link(b, "Tail -f Stdout", "logtail/%s", qs, true);
	action_link(b, "Tail -f Stderr", "logtail/%s/stderr", qs, true);
	buf_puts(b, "</ul></td>\n</tr>\n");
	buf_free(&q);
	buf_free(&desc);
	free(ns);
}

static void page_head(struct buf *b, const char *title)
{
	buf_puts(b,
	         "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
	         "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
	         "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
	         "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n<title>");
	html_escape_str(b, title);
	buf_puts(b, "</title>\n"
	         "<link href=\"stylesheets/supervisor.css\" rel=\"stylesheet\" type=\"text/css\" />\n"
	         "<link href=\"images/icon.png\" rel=\"icon\" type=\"image/png\" />\n"
	         "</head>\n");
}

static void status_page(struct http_conn *c, const char *message)
{
	struct sup *s = c->lst->http->sup;
	struct buf b = BUF_INIT;
	page_head(&b, "Supervisor Status");
	buf_puts(&b, "<body>\n<div id=\"page\">\n"
	         "<div id=\"banner\"><img src=\"images/supervisor.gif\" alt=\"Supervisor status\" /></div>\n");
	if (message) {
		buf_puts(&b, "<div class=\"status_msg\">");
		html_escape_str(&b, message);
		buf_puts(&b, "</div>\n");
	} else {
		buf_puts(&b, "<div class=\"hidden\"></div>\n");
	}
	buf_puts(&b, "<ul id=\"buttons\">\n"
	         "<li class=\"action-button\"><a href=\"index.html?action=refresh\">Refresh</a></li>\n"
	         "<li class=\"action-button\"><a href=\"index.html?action=restartall\">Restart All</a></li>\n"
	         "<li class=\"action-button\"><a href=\"index.html?action=stopall\">Stop All</a></li>\n"
	         "</ul>\n");

	size_t total = 0;
	for (size_t i = 0; i < sup_group_count(s); i++) total += sup_group_at(s, i)->n_procs;
	if (total == 0) {
		buf_puts(&b, "<p class=\"empty\">No programs to manage</p>\n");
	} else {
		struct proc **v = xmalloc(total * sizeof *v);
		size_t k = 0;
		for (size_t i = 0; i < sup_group_count(s); i++) {
			struct pgroup *g = sup_group_at(s, i);
			for (size_t j = 0; j < g->n_procs; j++) v[k++] = g->procs[j];
		}
		qsort(v, total, sizeof *v, by_namespec);
		buf_puts(&b, "<table cellspacing=\"0\" id=\"statustable\">\n<thead>\n<tr>"
		         "<th class=\"state\">State</th><th class=\"desc\">Description</th>"
		         "<th class=\"name\">Name</th><th class=\"action\">Action</th></tr>\n"
		         "</thead>\n<tbody>\n");
		long long now = (long long)time(NULL);
		for (size_t i = 0; i < total; i++) process_row(&b, v[i], i % 2 == 1, now);
		buf_puts(&b, "</tbody>\n</table>\n");
		free(v);
	}

	struct tm tm;
	time_t t = time(NULL);
	localtime_r(&t, &tm);
	buf_printf(&b, "<div id=\"footer\"><a href=\"http://supervisord.org\">Supervisor</a> "
	           "<span>" RPC_SUPERVISOR_VERSION "</span> (refd " REFD_VERSION ") "
	           "&#169; 2006-<span>%d</span></div>\n</div>\n</body>\n</html>\n",
	           tm.tm_year + 1900);
	respond_page(c, &b);
}

/* ---- the tail page ---------------------------------------------------------------------- */

/* readProcessStdoutLog(ns, -bytes, 0) as the RPC answers it (xmlrpc-api.md
 * §9). Returns 0 with the data, or the fault code with its string. */
static int read_tail(struct sup *s, const char *ns, long long bytes, struct buf *data,
                     struct buf *fault)
{
	if (sup_state(s) != SUP_RUNNING) {
		buf_puts(fault, "SHUTDOWN_STATE");
		return F_SHUTDOWN_STATE;
	}
	struct pgroup *g;
	struct proc *p;
	if (sup_find(s, ns, &g, &p) != 1 || !p) {
		buf_printf(fault, "BAD_NAME: %s", ns);
		return F_BAD_NAME;
	}
	const char *path = sup_proc_logfile(p, 0);
	if (!path || access(path, F_OK) != 0) return F_NO_FILE;
	if (readlog_read(path, -bytes, 0, data) < 0) {
		buf_puts(fault, "FAILED");
		return F_FAILED;
	}
	return 0;
}

static void tail_page(struct http_conn *c, const char *ns, const char *limit)
{
	/* max(1024, limit) for a limit of ASCII digits; the refresh link
	 * repeats the number as Python's str(int) would write it. */
	struct buf lim = BUF_INIT;
	long long bytes = TAIL_MIN;
	bool digits = limit && *limit;
	for (const char *p = limit; digits && *p; p++) digits = *p >= '0' && *p <= '9';
	if (digits) {
		while (limit[0] == '0' && limit[1]) limit++;
		size_t n = strlen(limit);
		long long v = n > 15 ? (1LL << 50) : atoll(limit);
		if (v > TAIL_MIN) {
			bytes = v;
			buf_puts(&lim, limit);
		}
	}
	if (!lim.len) buf_printf(&lim, "%d", TAIL_MIN);

	struct buf text = BUF_INIT, fault = BUF_INIT;
	if (!ns) {
		buf_puts(&text, "No process name found");
	} else {
		int code = read_tail(c->lst->http->sup, ns, bytes, &text, &fault);
		if (code == F_NO_FILE) {
			buf_reset(&text);
			buf_printf(&text, "No file for %s", ns);
		} else if (code) {
			buf_reset(&text);
			buf_printf(&text, "ERROR: unexpected rpc fault [%d] %s", code, buf_cstr(&fault));
		}
	}

	struct buf title = BUF_INIT, b = BUF_INIT;
	buf_printf(&title, "Supervisor tail of process %s", ns ? ns : "None");
	page_head(&b, buf_cstr(&title));
	buf_puts(&b, "<body>\n<div id=\"page\">\n<pre id=\"tailbody\">");
	html_escape(&b, text.p ? text.p : "", text.len);
	buf_puts(&b, "</pre>\n");
	if (ns) {
		buf_puts(&b, "<div class=\"refresh\"><a href=\"tail.html?processname=");
		struct buf q = BUF_INIT;
		url_quote(&q, ns);
		html_escape_str(&b, buf_cstr(&q));
		buf_printf(&b, "&amp;limit=%s\"><input type=\"button\" value=\" Refresh \" name=\"refresh\" />"
		           "</a></div>\n", buf_cstr(&lim));
		buf_free(&q);
	}
	buf_puts(&b, "</div>\n</body>\n</html>\n");
	respond_page(c, &b);
	buf_free(&title);
	buf_free(&text);
	buf_free(&fault);
	buf_free(&lim);
}

/* ---- dispatch ------------------------------------------------------------------------------ */

void http_ui_handle(struct http_conn *c, const char *body, size_t len)
{
	const struct http_request *r = &c->req;
	const char *view = r->path;
	while (*view == '/') view++;
	if (strcmp(view, "ok.html") == 0) {
		struct buf b = BUF_INIT;
		buf_puts(&b, "OK");
		http_respond(c, 200, "text/plain", NULL, &b);
		return;
	}
	/* Only an urlencoded POST body holds fields (supervisord parses any
	 * body that way; a multipart form yields nothing it would use). */
	if (strcmp(r->method, "POST") != 0) len = 0;
	char *ns = form_value(r->query, body, len, "processname");
	if (strcmp(view, "tail.html") == 0) {
		char *limit = form_value(r->query, body, len, "limit");
		tail_page(c, ns, limit);
		free(limit);
		free(ns);
		return;
	}
	char *action = form_value(r->query, body, len, "action");
	if (action) {
		if (!start_action(c, action, ns)) http_respond_error(c, 500, NULL, false);
	} else {
		char *message = form_value(r->query, body, len, "message");
		status_page(c, message);
		free(message);
	}
	free(action);
	free(ns);
}
