/* signames.h — signal names and numbers as supervisord (Python's signal
 * module on Linux) knows them: used by stopsignal=, signalProcess and the
 * "terminated by SIGX" log text. */
#ifndef REFD_SIGNAMES_H
#define REFD_SIGNAMES_H

#include <stdbool.h>

/* Is n one of the host's signal numbers Python accepts (0-31, 34, 64)? */
bool sig_valid_number(long long n);
/* Look a name up: surrounding whitespace ignored, case-insensitive, "SIG"
 * prefix optional. Includes the aliases SIG_DFL, SIG_IGN, SIG_BLOCK,
 * SIG_UNBLOCK, SIG_SETMASK. Returns the number or -1. */
int sig_from_name(const char *s);
/* "SIGTERM" for 15; "signal 99" style text is the caller's business: NULL
 * for a number without a name. */
const char *sig_name(int n);

#endif
