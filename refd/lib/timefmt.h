/* timefmt.h — the time texts clients and people see. */
#ifndef REFD_TIMEFMT_H
#define REFD_TIMEFMT_H

#include <stddef.h>
#include <time.h>

struct buf;

/* "2026-11-28 00:46:02,195": local time, milliseconds truncated (logging.md §1.2). */
void time_log_stamp(struct buf *out, const struct timespec *ts);
/* "Sat, 28 Nov 2026 00:46:57 GMT" (RFC 1123, for Date and Last-Modified). */
void time_http_date(struct buf *out, time_t t);
/* Parse an RFC 1123 / RFC 850 / asctime date; returns -1 when it is none. */
time_t time_http_parse(const char *s);
/* "Sat Nov 28 00:46:57 2026" (Python's time.ctime(), local time). */
void time_ctime(struct buf *out, time_t t);
/* "Nov 28 12:45 AM" (the ProcessInfo description of a stopped process). */
void time_stop_desc(struct buf *out, time_t t);
/* "0:00:07", "1 day, 2:03:04", "3 days, 0:00:01" (Python's timedelta). */
void time_uptime(struct buf *out, long long seconds);

#endif
