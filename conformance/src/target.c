/* Starting, probing and stopping the server under test. */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sbuf.h"

const char target_default_config[] =
    "[supervisord]\n"
    "logfile={tmp}/supervisord.log\n"
    "pidfile={tmp}/supervisord.pid\n"
    "childlogdir={tmp}\n"
    "nodaemon=true\n"
    "\n"
    "[inet_http_server]\n"
    "port=127.0.0.1:{port}\n"
    "\n"
    "[unix_http_server]\n"
    "file={sock}\n"
    "\n"
    "[rpcinterface:supervisor]\n"
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
    "\n"
    "[rpcinterface:twiddler]\n"
    "supervisor.rpcinterface_factory = supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface\n";

/* The one piece of global state: the daemon a signal handler must stop. */
static volatile pid_t emergency_pid;

void target_emergency_stop(void)
{
    if (emergency_pid > 0)
        kill(emergency_pid, SIGTERM);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int set_failure(struct target *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_failure(struct target *t, const char *fmt, ...)
{
    struct sbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    free(t->failure);
    t->failure = sb_steal(&sb);
    return -1;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);
    int port = -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

char *target_fill(const struct target *t, const char *text)
{
    struct sbuf sb = {0};
    for (const char *p = text; *p; p++) {
        if (p[0] == '{' && p[1] == '{') {
            sb_addc(&sb, '{');
            p++;
        } else if (p[0] == '}' && p[1] == '}') {
            sb_addc(&sb, '}');
            p++;
        } else if (strncmp(p, "{port}", 6) == 0 && t->port) {
            sb_addf(&sb, "%d", t->port);
            p += 5;
        } else if (strncmp(p, "{sock}", 6) == 0 && t->sock[0]) {
            sb_adds(&sb, t->sock);
            p += 5;
        } else if (strncmp(p, "{tmp}", 5) == 0 && t->tmp[0]) {
            sb_adds(&sb, t->tmp);
            p += 4;
        } else {
            sb_addc(&sb, *p);
        }
    }
    return sb_steal(&sb);
}

const struct rc_url *target_default_url(const struct target *t)
{
    return t->has_inet ? &t->inet : &t->unix_sock;
}

/* Does the config text open a section whose name starts with prefix? */
static int has_section(const char *conf, const char *prefix)
{
    size_t pl = strlen(prefix);
    for (const char *p = conf; p && *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, prefix, pl) == 0)
            return 1;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return 0;
}

static char *read_tail(const char *path, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    off_t sz = lseek(fd, 0, SEEK_END);
    off_t from = sz > (off_t)max ? sz - (off_t)max : 0;
    lseek(fd, from, SEEK_SET);
    char *buf = malloc(max + 1);
    ssize_t n = buf ? read(fd, buf, max) : -1;
    close(fd);
    if (n < 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    const char *p = text;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return close(fd);
}

/* Asks system.listMethods; 0 when the server answered with a reply. */
static int probe(const struct rc_url *url, const char *user, const char *pw, int timeout_ms)
{
    struct rc_conn *c = rc_conn_new(url, timeout_ms, 0);
    if (!c)
        return -1;
    if (user)
        rc_conn_set_auth(c, user, pw);
    struct rc_rpc_result res;
    const char *xml = "<?xml version='1.0'?>\n<methodCall>\n<methodName>system.listMethods"
                      "</methodName>\n<params>\n</params>\n</methodCall>\n";
    int rc = rc_rpc_call_xml(c, xml, strlen(xml), &res, NULL);
    /* a 401 still proves the server is up */
    int up = rc == 0 || res.http_status == 401;
    rc_rpc_result_free(&res);
    rc_conn_free(c);
    return up ? 0 : -1;
}

static char *exit_text(int status)
{
    struct sbuf sb = {0};
    if (WIFEXITED(status))
        sb_addf(&sb, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        sb_addf(&sb, "was killed by signal %d", WTERMSIG(status));
    else
        sb_adds(&sb, "stopped");
    return sb_steal(&sb);
}

static int fail_with_stderr(struct target *t, const char *what)
{
    char path[400];
    snprintf(path, sizeof(path), "%s/daemon.stderr", t->tmp);
    char *err = read_tail(path, 4000);
    snprintf(path, sizeof(path), "%s/daemon.stdout", t->tmp);
    char *out = read_tail(path, 2000);
    set_failure(t, "%s\n--- command: %s\n--- daemon stderr (last 4000 bytes):\n%s%s%s",
                what, t->spawn_cmd, err && *err ? err : "(empty)\n",
                out && *out ? "--- daemon stdout:\n" : "", out && *out ? out : "");
    free(err);
    free(out);
    return -1;
}

int target_start(struct target *t, const char *config)
{
    free(t->failure);
    t->failure = NULL;
    t->pid = 0;
    if (!t->spawn_cmd) {
        char err[200];
        struct rc_url u;
        if (rc_url_parse(t->url, &u, err, sizeof(err)) < 0)
            return set_failure(t, "bad --url %s: %s", t->url, err);
        t->has_inet = u.scheme == RC_SCHEME_HTTP;
        t->has_unix = !t->has_inet;
        if (t->has_inet)
            t->inet = u;
        else
            t->unix_sock = u;
        t->session_user = t->user;
        t->session_password = t->password;
        if (probe(&u, t->user, t->password, (int)(t->start_timeout * 1000)) < 0)
            return set_failure(t, "%s does not answer system.listMethods", t->url);
        return 0;
    }
    const char *base = getenv("TMPDIR");
    if (!base || !*base || strlen(base) > 60)
        base = "/tmp";
    snprintf(t->tmp, sizeof(t->tmp), "%s/refd-conform.XXXXXX", base);
    if (!mkdtemp(t->tmp)) {
        t->tmp[0] = '\0';
        return set_failure(t, "mkdtemp: %s", strerror(errno));
    }
    snprintf(t->sock, sizeof(t->sock), "%s/supervisor.sock", t->tmp);
    t->port = free_port();
    if (t->port <= 0)
        return set_failure(t, "no free TCP port on 127.0.0.1");
    free(t->config_text);
    t->config_text = target_fill(t, config ? config : target_default_config);
    t->has_inet = has_section(t->config_text, "[inet_http_server]");
    t->has_unix = has_section(t->config_text, "[unix_http_server]");
    if (!t->has_inet && !t->has_unix)
        return set_failure(t, "the session config has neither [inet_http_server] nor [unix_http_server]");
    memset(&t->inet, 0, sizeof(t->inet));
    t->inet.scheme = RC_SCHEME_HTTP;
    snprintf(t->inet.host, sizeof(t->inet.host), "127.0.0.1");
    t->inet.port = t->port;
    snprintf(t->inet.path, sizeof(t->inet.path), "/RPC2");
    memset(&t->unix_sock, 0, sizeof(t->unix_sock));
    t->unix_sock.scheme = RC_SCHEME_UNIX;
    snprintf(t->unix_sock.host, sizeof(t->unix_sock.host), "localhost");
    snprintf(t->unix_sock.sock, sizeof(t->unix_sock.sock), "%s", t->sock);
    snprintf(t->unix_sock.path, sizeof(t->unix_sock.path), "/RPC2");

    char conf[400];
    snprintf(conf, sizeof(conf), "%s/supervisord.conf", t->tmp);
    if (write_file(conf, t->config_text) < 0)
        return set_failure(t, "write %s: %s", conf, strerror(errno));
    /* the command: {config} plus the session placeholders */
    struct sbuf cmd = {0};
    sb_adds(&cmd, "exec ");
    for (const char *p = t->spawn_cmd; *p; p++) {
        if (strncmp(p, "{config}", 8) == 0) {
            sb_adds(&cmd, conf);
            p += 7;
        } else {
            sb_addc(&cmd, *p);
        }
    }
    char *filled = target_fill(t, sb_str(&cmd));
    sb_free(&cmd);

    char outp[400], errp[400];
    snprintf(outp, sizeof(outp), "%s/daemon.stdout", t->tmp);
    snprintf(errp, sizeof(errp), "%s/daemon.stderr", t->tmp);
    pid_t pid = fork();
    if (pid < 0) {
        free(filled);
        return set_failure(t, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int er = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || er < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(er, 2);
        if (chdir(t->tmp) < 0)
            _exit(126);
        execl("/bin/sh", "sh", "-c", filled, (char *)NULL);
        _exit(127);
    }
    free(filled);
    t->pid = pid;
    emergency_pid = pid;
    double deadline = now_s() + t->start_timeout;
    const char *u = t->session_user, *pw = t->session_password;
    for (int delay = 20;; delay = delay < 200 ? delay * 2 : 200) {
        int status;
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            t->pid = 0;
            emergency_pid = 0;
            char *why = exit_text(status);
            struct sbuf sb = {0};
            sb_addf(&sb, "the daemon %s before it answered", why);
            free(why);
            fail_with_stderr(t, sb_str(&sb));
            sb_free(&sb);
            return -1;
        }
        if (probe(target_default_url(t), u, pw, 1000) == 0)
            return 0;
        if (now_s() > deadline) {
            struct sbuf sb = {0};
            sb_addf(&sb, "the daemon did not answer system.listMethods within %.0f s", t->start_timeout);
            fail_with_stderr(t, sb_str(&sb));
            sb_free(&sb);
            return -1;
        }
        sleep_ms(delay);
    }
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void target_stop(struct target *t)
{
    if (t->pid > 0) {
        kill(t->pid, SIGTERM);
        double deadline = now_s() + t->stop_timeout;
        int status, done = 0;
        while (!done) {
            pid_t w = waitpid(t->pid, &status, WNOHANG);
            if (w == t->pid || (w < 0 && errno == ECHILD)) {
                done = 1;
                break;
            }
            if (now_s() > deadline)
                break;
            sleep_ms(20);
        }
        if (!done) {
            fprintf(stderr, "refd-conform: daemon pid %d ignored SIGTERM for %.0f s; sending SIGKILL\n",
                    (int)t->pid, t->stop_timeout);
            kill(t->pid, SIGKILL);
            waitpid(t->pid, &status, 0);
        }
        t->pid = 0;
        emergency_pid = 0;
    }
    if (t->tmp[0] && t->spawn_cmd) {
        if (t->keep_tmp)
            fprintf(stderr, "refd-conform: kept %s\n", t->tmp);
        else
            nftw(t->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    t->tmp[0] = '\0';
    t->sock[0] = '\0';
    t->port = 0;
    free(t->config_text);
    t->config_text = NULL;
}
