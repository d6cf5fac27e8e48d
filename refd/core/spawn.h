/* spawn.h — turning a program config into a running child: command
 * resolution (lifecycle.md §5.2), the environment (§5.4) and the child's
 * side of fork (§5.3). No state machine here: proc.c decides, sup.c calls. */
#ifndef REFD_CORE_SPAWN_H
#define REFD_CORE_SPAWN_H

#include <sys/types.h>

struct conf_proc;

/* What a resolution failure means to startProcess (xmlrpc-api.md §7.1). */
enum spawn_check {
	SPAWN_OK = 0,
	SPAWN_NO_FILE,          /* fault 20 */
	SPAWN_NOT_EXECUTABLE,   /* fault 21 */
};

struct spawn_cmd {
	char *filename;         /* what execve runs */
	char **argv;            /* argv[0] is the word as written */
};

/* Split and resolve the command. On failure *why is supervisord's text
 * ("can't find command 'x'", "command at '/tmp' is a directory", ...). */
enum spawn_check spawn_resolve(const struct conf_proc *cp, struct spawn_cmd *cmd, char **why);
void spawn_cmd_free(struct spawn_cmd *cmd);

/* The child's environment: base (the daemon's environment at start-up),
 * then SUPERVISOR_*, then the config's merged environment. NULL-terminated,
 * malloc'd; free with spawn_env_free. */
char **spawn_env(const struct conf_proc *cp, const char *group_name, const char *serverurl,
                 char **base);
void spawn_env_free(char **env);

/* Low descriptors reserved at start-up so that spawning costs the same
 * with 5 or 20,000 descriptors open (spawn.c explains). fd[] are -1 when
 * the kernel cannot do it (before Linux 5.9); spawn_fork then forks. The
 * owner (the sup) opens them once, before it opens much else. */
struct spawn_slots {
	int fd[3];
	int null_fd;
};
void spawn_slots_open(struct spawn_slots *s);
void spawn_slots_close(struct spawn_slots *s);

/* fork and exec. fds are the child's stdin, stdout and stderr (stderr may
 * equal stdout). slots may be NULL. Returns the pid, or -1 with *why the
 * spawnerr text. The child never returns: on failure it writes why to its
 * stderr and exits 127. */
pid_t spawn_fork(const struct conf_proc *cp, const struct spawn_cmd *cmd, char **env,
                 int in_fd, int out_fd, int err_fd, const struct spawn_slots *slots, char **why);

#endif
