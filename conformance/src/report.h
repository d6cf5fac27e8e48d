/* report: TAP (stdout), JUnit XML and JSON views of a run's results. */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "runner.h"

struct report_meta {
    const char *target_name;
    const char *target_spec;    /* the --spawn command or --url */
};

/* Prints TAP lines for results [from, r->n), numbered from first_number. */
void report_tap_cases(FILE *f, const struct results *r, size_t from);
void report_tap_plan(FILE *f, size_t n);
int report_junit(const char *path, const struct results *r, const struct report_meta *m);
int report_json(const char *path, const struct results *r, const struct report_meta *m);

/* Escapes for the two formats, appended to sb. Invalid UTF-8 and, for XML,
 * characters XML 1.0 cannot carry become U+FFFD. */
void json_escape(struct sbuf *sb, const char *s);
void xml_escape(struct sbuf *sb, const char *s);

struct verdict_counts { size_t v[6]; size_t gating; };
void results_count(const struct results *r, struct verdict_counts *c);

#endif
