/* xmlw.c — XML-RPC reply writer (see xmlw.h). */
#include "xmlw.h"
#include "lib/buf.h"
#include "lib/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Literal markup without strlen: a 1000-process getAllProcessInfo writes
 * some 60,000 of these (docs/performance.md). */
#define PUT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)

static void put_int(struct buf *b, long long v)
{
	char tmp[24], *end = tmp + sizeof tmp, *p = end;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0) *--p = '-';
	buf_append(b, p, (size_t)(end - p));
}

void xw_response_begin(struct buf *b)
{
	PUT(b, "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
}

void xw_response_end(struct buf *b)
{
	PUT(b, "</param>\n</params>\n</methodResponse>\n");
}

void xw_fault_value(struct buf *b, int code, const char *string)
{
	xw_struct_begin(b);
	xw_member_int(b, "faultCode", code);
	xw_member_string(b, "faultString", string);
	xw_struct_end(b);
}

void xw_fault_response(struct buf *b, int code, const char *string)
{
	buf_puts(b, "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n");
	xw_fault_value(b, code, string);
	buf_puts(b, "</fault>\n</methodResponse>\n");
}

void xw_int(struct buf *b, long long v)
{
	PUT(b, "<value><int>");
	put_int(b, v);
	PUT(b, "</int></value>\n");
}

void xw_bool(struct buf *b, bool v)
{
	if (v) PUT(b, "<value><boolean>1</boolean></value>\n");
	else PUT(b, "<value><boolean>0</boolean></value>\n");
}

void xw_double(struct buf *b, double v)
{
	char tmp[40];
	if (isnan(v)) snprintf(tmp, sizeof tmp, "nan");
	else if (isinf(v)) snprintf(tmp, sizeof tmp, v > 0 ? "inf" : "-inf");
	else {
		/* The shortest text that reads back as v, as Python's repr. */
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(tmp, sizeof tmp, "%.*g", prec, v);
			if (strtod(tmp, NULL) == v) break;
		}
		if (!strpbrk(tmp, ".eninf")) strcat(tmp, ".0");
	}
	buf_printf(b, "<value><double>%s</double></value>\n", tmp);
}

void xw_string_n(struct buf *b, const char *s, size_t n)
{
	PUT(b, "<value><string>");
	utf8_xml_escape(b, s, n);
	PUT(b, "</string></value>\n");
}

void xw_string(struct buf *b, const char *s)
{
	xw_string_n(b, s, strlen(s));
}

void xw_array_begin(struct buf *b) { PUT(b, "<value><array><data>\n"); }
void xw_array_end(struct buf *b) { PUT(b, "</data></array></value>\n"); }
void xw_struct_begin(struct buf *b) { PUT(b, "<value><struct>\n"); }
void xw_struct_end(struct buf *b) { PUT(b, "</struct></value>\n"); }

void xw_member(struct buf *b, const char *name)
{
	PUT(b, "<member>\n<name>");
	utf8_xml_escape(b, name, strlen(name));
	PUT(b, "</name>\n");
}

void xw_member_end(struct buf *b) { PUT(b, "</member>\n"); }

void xw_member_int(struct buf *b, const char *name, long long v)
{
	xw_member(b, name);
	xw_int(b, v);
	xw_member_end(b);
}

void xw_member_bool(struct buf *b, const char *name, bool v)
{
	xw_member(b, name);
	xw_bool(b, v);
	xw_member_end(b);
}

void xw_member_string(struct buf *b, const char *name, const char *s)
{
	xw_member(b, name);
	xw_string(b, s);
	xw_member_end(b);
}

void xw_pre_string(struct buf *b, const char *pre, size_t prelen, const char *s)
{
	buf_append(b, pre, prelen);
	utf8_xml_escape(b, s, strlen(s));
	PUT(b, "</string></value>\n</member>\n");
}

void xw_pre_int(struct buf *b, const char *pre, size_t prelen, long long v)
{
	buf_append(b, pre, prelen);
	put_int(b, v);
	PUT(b, "</int></value>\n</member>\n");
}
