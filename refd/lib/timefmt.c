/* timefmt.c — time texts (see timefmt.h). Month and day names are fixed
 * English, as Python's strftime gives them in the C locale supervisord runs
 * under; refd never calls setlocale, so strftime's %b and %a are the same. */
#include "timefmt.h"
#include "buf.h"

#include <string.h>

static const char *const wday[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void time_log_stamp(struct buf *out, const struct timespec *ts)
{
	struct tm tm;
	time_t t = ts->tv_sec;
	localtime_r(&t, &tm);
	buf_printf(out, "%04d-%02d-%02d %02d:%02d:%02d,%03ld",
	           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	           tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000000);
}

void time_http_date(struct buf *out, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d GMT", wday[tm.tm_wday],
	           tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	           tm.tm_hour, tm.tm_min, tm.tm_sec);
}

time_t time_http_parse(const char *s)
{
	struct tm tm;
	const char *fmts[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
	                      "%a %b %d %H:%M:%S %Y"};
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		memset(&tm, 0, sizeof tm);
		const char *end = strptime(s, fmts[i], &tm);
		if (end && (*end == '\0' || *end == ';')) return timegm(&tm);
	}
	return (time_t)-1;
}

void time_ctime(struct buf *out, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	buf_printf(out, "%s %s %2d %02d:%02d:%02d %d", wday[tm.tm_wday], mon[tm.tm_mon],
	           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

void time_stop_desc(struct buf *out, time_t t)
{
	struct tm tm;
	localtime_r(&t, &tm);
	int h12 = tm.tm_hour % 12;
	if (h12 == 0) h12 = 12;
	buf_printf(out, "%s %02d %02d:%02d %s", mon[tm.tm_mon], tm.tm_mday, h12,
	           tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM");
}

void time_uptime(struct buf *out, long long s)
{
	if (s < 0) s = 0;
	long long days = s / 86400;
	s %= 86400;
	if (days == 1) buf_puts(out, "1 day, ");
	else if (days > 1) buf_printf(out, "%lld days, ", days);
	buf_printf(out, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
}
