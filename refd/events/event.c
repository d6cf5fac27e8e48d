/* event.c — events and their payloads (see event.h). */
#include "event.h"
#include "lib/buf.h"
#include "lib/mem.h"
#include "lib/pystr.h"
#include "lib/utf8.h"

#include <stdlib.h>
#include <string.h>

static struct event *event_new(int type, struct buf *payload, const char *group, const char *proc)
{
	struct event *ev = xcalloc(1, sizeof *ev);
	ev->refs = 1;
	ev->type = type;
	ev->serial = -1;
	ev->len = payload->len;
	ev->payload = payload->len ? buf_steal(payload) : xstrdup("");
	buf_free(payload);
	ev->groupname = group ? xstrdup(group) : NULL;
	ev->procname = proc ? xstrdup(proc) : NULL;
	return ev;
}

struct event *event_ref(struct event *ev)
{
	ev->refs++;
	return ev;
}

void event_unref(struct event *ev)
{
	if (!ev || --ev->refs > 0) return;
	free(ev->payload);
	free(ev->groupname);
	free(ev->procname);
	free(ev);
}

void event_render_data(struct buf *out, const char *data, size_t n)
{
	if (utf8_valid(data, n)) {
		buf_append(out, data, n);
		return;
	}
	buf_puts(out, "Undecodable: ");
	py_bytes_repr(out, data, n);
}

struct event *event_proc_state(int type, const struct event_proc *p, const char *from)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "processname:%s groupname:%s from_state:%s", p->name, p->group, from);
	switch (type) {
	case EV_PROCESS_STATE_STARTING:
	case EV_PROCESS_STATE_BACKOFF:
		buf_printf(&b, " tries:%d", p->tries);
		break;
	case EV_PROCESS_STATE_RUNNING:
	case EV_PROCESS_STATE_STOPPING:
	case EV_PROCESS_STATE_STOPPED:
		buf_printf(&b, " pid:%d", (int)p->pid);
		break;
	case EV_PROCESS_STATE_EXITED:
		buf_printf(&b, " expected:%d pid:%d", p->expected ? 1 : 0, (int)p->pid);
		break;
	default:                    /* FATAL, UNKNOWN: nothing more */
		break;
	}
	return event_new(type, &b, p->group, p->name);
}

struct event *event_proc_log(int type, const struct event_proc *p, const char *data, size_t n)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "processname:%s groupname:%s pid:%d channel:%s\n", p->name, p->group,
	           (int)p->pid, type == EV_PROCESS_LOG_STDERR ? "stderr" : "stdout");
	event_render_data(&b, data, n);
	return event_new(type, &b, p->group, p->name);
}

struct event *event_proc_comm(int type, const struct event_proc *p, const char *data, size_t n)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "processname:%s groupname:%s pid:%d\n", p->name, p->group, (int)p->pid);
	event_render_data(&b, data, n);
	return event_new(type, &b, p->group, p->name);
}

struct event *event_remote_comm(const char *type, size_t type_len, const char *data, size_t data_len)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "type:");
	buf_append(&b, type, type_len);
	buf_putc(&b, '\n');
	buf_append(&b, data, data_len);
	return event_new(EV_REMOTE_COMMUNICATION, &b, NULL, NULL);
}

struct event *event_sup_state(int type)
{
	struct buf b = BUF_INIT;
	return event_new(type, &b, NULL, NULL);
}

struct event *event_tick(int type, long long when)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "when:%lld", when);
	return event_new(type, &b, NULL, NULL);
}

struct event *event_group(int type, const char *group)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "groupname:%s\n", group);
	return event_new(type, &b, NULL, NULL);
}

void event_envelope(struct buf *out, const struct event *ev, const char *server,
                    const char *pool, long long poolserial)
{
	/* len counts bytes, the documented meaning; supervisord counts
	 * characters, which desynchronises listeners on non-ASCII payloads
	 * (docs/compat.md). */
	buf_printf(out, "ver:3.0 server:%s serial:%lld pool:%s poolserial:%lld eventname:%s len:%zu\n",
	           server, ev->serial, pool, poolserial, evtype_table[ev->type].name, ev->len);
	buf_append(out, ev->payload, ev->len);
}
