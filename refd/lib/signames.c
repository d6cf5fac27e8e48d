/* signames.c — the Linux signal table of Python's signal module. */
#include "signames.h"
#include "pystr.h"

#include <ctype.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct signame { const char *name; int num; };

/* Names Python's signal module exports on Linux, canonical ones first so
 * that sig_name() returns what Python's signame() returns. */
static const struct signame table[] = {
	{"SIGHUP", 1}, {"SIGINT", 2}, {"SIGQUIT", 3}, {"SIGILL", 4}, {"SIGTRAP", 5},
	{"SIGABRT", 6}, {"SIGBUS", 7}, {"SIGFPE", 8}, {"SIGKILL", 9}, {"SIGUSR1", 10},
	{"SIGSEGV", 11}, {"SIGUSR2", 12}, {"SIGPIPE", 13}, {"SIGALRM", 14},
	{"SIGTERM", 15}, {"SIGSTKFLT", 16}, {"SIGCHLD", 17}, {"SIGCONT", 18},
	{"SIGSTOP", 19}, {"SIGTSTP", 20}, {"SIGTTIN", 21}, {"SIGTTOU", 22},
	{"SIGURG", 23}, {"SIGXCPU", 24}, {"SIGXFSZ", 25}, {"SIGVTALRM", 26},
	{"SIGPROF", 27}, {"SIGWINCH", 28}, {"SIGPOLL", 29}, {"SIGPWR", 30},
	{"SIGSYS", 31}, {"SIGRTMIN", 34}, {"SIGRTMAX", 64},
	/* aliases */
	{"SIGIOT", 6}, {"SIGCLD", 17}, {"SIGIO", 29},
	{"SIG_DFL", 0}, {"SIG_IGN", 1}, {"SIG_BLOCK", 0}, {"SIG_UNBLOCK", 1},
	{"SIG_SETMASK", 2},
};

bool sig_valid_number(long long n)
{
	return (n >= 0 && n <= 31) || n == 34 || n == 64;
}

int sig_from_name(const char *s)
{
	while (*s && py_isspace((unsigned char)*s)) s++;
	size_t n = strlen(s);
	while (n && py_isspace((unsigned char)s[n - 1])) n--;
	char name[32];
	size_t off = 0;
	if (n < 3 || strncasecmp(s, "SIG", 3) != 0) {
		memcpy(name, "SIG", 3);
		off = 3;
	}
	if (n + off >= sizeof name) return -1;
	for (size_t i = 0; i < n; i++) name[off + i] = (char)toupper((unsigned char)s[i]);
	name[off + n] = '\0';
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0) return table[i].num;
	return -1;
}

const char *sig_name(int n)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].num == n && strncmp(table[i].name, "SIG_", 4) != 0)
			return table[i].name;
	return NULL;
}
