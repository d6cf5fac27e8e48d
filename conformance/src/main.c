/* refd-conform: replays documented XML-RPC sessions against a
 * supervisord-compatible server and reports what differs. */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rclient.h"
#include "report.h"
#include "runner.h"

#ifndef REFD_CONFORM_SOURCE_DIR
#define REFD_CONFORM_SOURCE_DIR ""
#endif
#ifndef REFD_CONFORM_DATADIR
#define REFD_CONFORM_DATADIR "/usr/local/share/refd-conform"
#endif

enum exit_code { EXIT_PASS = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_TARGET = 3 };

static const char usage_text[] =
    "usage: refd-conform [--url URL | --spawn 'CMD {config}'] [--user U --password P]\n"
    "                    [--tag T] [--id PREFIX] [--strict] [--junit FILE] [--json FILE]\n"
    "                    [--list] [PATH ...]\n"
    "\n"
    "Replays the XML-RPC sessions in PATH (Markdown files or directories of them;\n"
    "default: the sessions installed with refd-conform) against a target.\n"
    "\n"
    "targets (give two for a differential run):\n"
    "  --url URL            http://host:port or unix:///path/to.sock\n"
    "  --spawn CMD          start CMD per session file; {config} is the config path\n"
    "  --user U, --password P   HTTP Basic credentials for --url targets\n"
    "  --target-name NAME   name for only:/except: and expected-difference lookup\n"
    "                       (default: the --spawn command's program name, or 'remote')\n"
    "selection:\n"
    "  --id PREFIX          cases whose id starts with PREFIX (repeatable)\n"
    "  --tag T              cases tagged T; --tag '!T' excludes T (repeatable)\n"
    "  --list               list the selected cases and exit\n"
    "grading:\n"
    "  --strict             'should' cases gate too, and so do unexpected passes\n"
    "  --expect-diff FILE   expected-difference list (default: expected/NAME.diff)\n"
    "  --no-expect-diff     use no expected-difference list\n"
    "  --sidecar FILE       an extra sidecar of directives (repeatable)\n"
    "output:\n"
    "  --junit FILE, --json FILE   reports besides the TAP stream on stdout\n"
    "  -v, --verbose        progress on stderr\n"
    "timing:\n"
    "  --start-timeout S    seconds for a spawned daemon to answer (default 10)\n"
    "  --call-timeout S     seconds per call (default 30)\n"
    "  --stop-timeout S     seconds between SIGTERM and SIGKILL (default 20)\n"
    "  --keep-tmp           keep each spawned daemon's temp dir\n"
    "\n"
    "exit status: 0 every gating case passed; 1 a gating case failed (or, in a\n"
    "differential run, the targets differ); 2 usage error, unreadable or malformed\n"
    "session, or no case selected; 3 a target could not be started or reached.\n";

struct paths {
    char sessions[PATH_MAX], docs[PATH_MAX], sidecars[PATH_MAX], expected[PATH_MAX];
};

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where the installed data lives: next to the binary (bin/../share/...),
 * the source tree (a build-tree binary), or the configured install path. */
static void find_paths(struct paths *p)
{
    char base[PATH_MAX] = "";
    const char *env = getenv("REFD_CONFORM_SHARE");
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (env && *env) {
        snprintf(base, sizeof(base), "%s", env);
    } else if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        char share[PATH_MAX + 64];
        snprintf(share, sizeof(share), "%s/../share/refd-conform", exe);
        if (is_dir(share))
            snprintf(base, sizeof(base), "%.*s", PATH_MAX - 1, share);
    }
    static const char src[] = REFD_CONFORM_SOURCE_DIR;
    char cand[PATH_MAX];
    snprintf(cand, sizeof(cand), "%s/sessions", src);
    if (!base[0] && src[0] && is_dir(cand)) {
        snprintf(p->sessions, sizeof(p->sessions), "%s/sessions", src);
        snprintf(p->docs, sizeof(p->docs), "%s/../docs", src);
        snprintf(p->sidecars, sizeof(p->sidecars), "%s/sidecars", src);
        snprintf(p->expected, sizeof(p->expected), "%s/expected", src);
        return;
    }
    if (!base[0])
        snprintf(base, sizeof(base), "%s", REFD_CONFORM_DATADIR);
    snprintf(p->sessions, sizeof(p->sessions), "%.*s/sessions", PATH_MAX - 20, base);
    snprintf(p->docs, sizeof(p->docs), "%.*s/docs", PATH_MAX - 20, base);
    snprintf(p->sidecars, sizeof(p->sidecars), "%.*s/sidecars", PATH_MAX - 20, base);
    snprintf(p->expected, sizeof(p->expected), "%.*s/expected", PATH_MAX - 20, base);
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends PATH (a file, or the *.md files of a directory, sorted). */
static int add_path(char ***files, size_t *n, const char *path, int must_exist)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        if (must_exist) {
            fprintf(stderr, "refd-conform: %s: no such file or directory\n", path);
            return -1;
        }
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        char **nf = realloc(*files, (*n + 1) * sizeof(char *));
        if (!nf)
            return -1;
        *files = nf;
        (*files)[(*n)++] = strdup(path);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "refd-conform: %s: cannot open\n", path);
        return -1;
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 3 && strcmp(e->d_name + l - 3, ".md") == 0 && e->d_name[0] != '.') {
            char **x = realloc(names, (nn + 1) * sizeof(char *));
            if (!x)
                break;
            names = x;
            names[nn++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, nn, sizeof(char *), cmpstr);
    for (size_t i = 0; i < nn; i++) {
        char full[PATH_MAX * 2];
        snprintf(full, sizeof(full), "%s/%s", path, names[i]);
        char **nf = realloc(*files, (*n + 1) * sizeof(char *));
        if (nf) {
            *files = nf;
            (*files)[(*n)++] = strdup(full);
        }
        free(names[i]);
    }
    free(names);
    return 0;
}

static void on_signal(int sig)
{
    target_emergency_stop();
    signal(sig, SIG_DFL);
    raise(sig);
}

static char **push(char **v, size_t *n, const char *s)
{
    char **nv = realloc(v, (*n + 2) * sizeof(char *));
    if (!nv)
        return v;
    nv[(*n)++] = strdup(s);
    nv[*n] = NULL;
    return nv;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static const char *program_name_of(const char *cmd, char *buf, size_t len)
{
    /* the first word of the command, without its directory */
    size_t i = strspn(cmd, " \t");
    size_t e = i + strcspn(cmd + i, " \t");
    const char *w = cmd + i;
    size_t wl = e - i;
    const char *slash = memrchr(w, '/', wl);
    if (slash) {
        wl -= (size_t)(slash + 1 - w);
        w = slash + 1;
    }
    snprintf(buf, len, "%.*s", (int)wl, w);
    return buf;
}

struct tspec {
    int spawn;
    const char *value;
    const char *name;
};

static void print_summary(const char *name, const struct results *r)
{
    struct verdict_counts c;
    results_count(r, &c);
    fprintf(stderr,
            "refd-conform: %s: %zu cases: %zu pass, %zu fail (%zu gating), %zu doc-drift, "
            "%zu skip, %zu xfail, %zu xpass\n",
            name, r->n, c.v[V_PASS], c.v[V_FAIL], c.gating, c.v[V_DRIFT], c.v[V_SKIP],
            c.v[V_XFAIL], c.v[V_XPASS]);
}

/* Prints a table of the cases whose outcome differs between two runs. */
static size_t diff_table(const struct tspec *ts, const struct results *a, const struct results *b,
                         const char *json_path)
{
    size_t ndiff = 0;
    struct sbuf js = {0};
    sb_adds(&js, "{\"tool\":\"refd-conform\",\"differential\":true,\"targets\":[");
    json_escape(&js, ts[0].name);
    sb_addc(&js, ',');
    json_escape(&js, ts[1].name);
    sb_adds(&js, "],\"rows\":[");
    printf("%-44s %-12s %-12s\n", "case", ts[0].name, ts[1].name);
    for (size_t i = 0; i < a->n; i++) {
        const struct case_result *x = &a->v[i], *y = NULL;
        for (size_t j = 0; j < b->n && !y; j++)
            if (strcmp(b->v[j].id, x->id) == 0 && strcmp(b->v[j].file, x->file) == 0)
                y = &b->v[j];
        if (!y)
            continue;
        /* the failure message, not the raw answer: answers carry dates and pids */
        int differ = x->verdict != y->verdict ||
                     (x->verdict != V_PASS && x->verdict != V_SKIP &&
                      strcmp(x->message ? x->message : "", y->message ? y->message : "") != 0);
        if (!differ)
            continue;
        printf("%-44s %-12s %-12s\n", x->id, verdict_name(x->verdict), verdict_name(y->verdict));
        if (x->verdict != V_SKIP && y->verdict != V_SKIP) {
            /* the first line of each answer is enough to see the difference */
            for (int k = 0; k < 2; k++) {
                const char *txt = (k ? y : x)->actual ? (k ? y : x)->actual : "";
                int l = (int)strcspn(txt, "\n");
                printf("    %s: %.*s\n", ts[k].name, l > 200 ? 200 : l, txt);
            }
        }
        sb_adds(&js, ndiff ? ",\n{" : "\n{");
        sb_adds(&js, "\"id\":");
        json_escape(&js, x->id);
        sb_adds(&js, ",\"file\":");
        json_escape(&js, x->file);
        for (int k = 0; k < 2; k++) {
            const struct case_result *c = k ? y : x;
            sb_addf(&js, ",\"%s\":{\"verdict\":\"%s\",\"actual\":", k ? "b" : "a", verdict_name(c->verdict));
            json_escape(&js, c->actual);
            sb_adds(&js, ",\"message\":");
            json_escape(&js, c->message);
            sb_adds(&js, "}");
        }
        sb_adds(&js, "}");
        ndiff++;
    }
    printf("%zu of %zu cases differ\n", ndiff, a->n);
    sb_adds(&js, "\n]}\n");
    if (json_path) {
        FILE *f = fopen(json_path, "w");
        if (f) {
            fwrite(sb_str(&js), 1, js.len, f);
            fclose(f);
        } else {
            perror(json_path);
        }
    }
    sb_free(&js);
    return ndiff;
}

int main(int argc, char **argv)
{
    enum {
        O_URL = 256, O_SPAWN, O_USER, O_PASSWORD, O_TAG, O_ID, O_STRICT, O_JUNIT, O_JSON, O_LIST,
        O_TNAME, O_XDIFF, O_NOXDIFF, O_SIDECAR, O_START_TO, O_CALL_TO, O_STOP_TO, O_KEEP, O_VERSION
    };
    static const struct option longopts[] = {
        { "url", required_argument, NULL, O_URL },
        { "spawn", required_argument, NULL, O_SPAWN },
        { "user", required_argument, NULL, O_USER },
        { "password", required_argument, NULL, O_PASSWORD },
        { "tag", required_argument, NULL, O_TAG },
        { "id", required_argument, NULL, O_ID },
        { "strict", no_argument, NULL, O_STRICT },
        { "junit", required_argument, NULL, O_JUNIT },
        { "json", required_argument, NULL, O_JSON },
        { "list", no_argument, NULL, O_LIST },
        { "target-name", required_argument, NULL, O_TNAME },
        { "expect-diff", required_argument, NULL, O_XDIFF },
        { "no-expect-diff", no_argument, NULL, O_NOXDIFF },
        { "sidecar", required_argument, NULL, O_SIDECAR },
        { "start-timeout", required_argument, NULL, O_START_TO },
        { "call-timeout", required_argument, NULL, O_CALL_TO },
        { "stop-timeout", required_argument, NULL, O_STOP_TO },
        { "keep-tmp", no_argument, NULL, O_KEEP },
        { "verbose", no_argument, NULL, 'v' },
        { "version", no_argument, NULL, O_VERSION },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct tspec ts[2];
    size_t nts = 0, ntags = 0, nids = 0, nnames = 0;
    const char *names[2] = { NULL, NULL };
    const char *user = NULL, *password = NULL, *junit = NULL, *json = NULL, *xdiff_path = NULL;
    char **tags = NULL, **ids = NULL, **extra_sidecars = NULL;
    size_t nextra = 0;
    int strict = 0, list = 0, no_xdiff = 0, keep = 0, verbose = 0, opt;
    double start_to = 10, call_to = 30, stop_to = 20;
    while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (opt) {
        case O_URL:
        case O_SPAWN:
            if (nts == 2) {
                fprintf(stderr, "refd-conform: at most two targets (a differential run)\n");
                return EXIT_USAGE;
            }
            ts[nts].spawn = opt == O_SPAWN;
            ts[nts].value = optarg;
            ts[nts].name = NULL;
            nts++;
            break;
        case O_USER: user = optarg; break;
        case O_PASSWORD: password = optarg; break;
        case O_TAG: tags = push(tags, &ntags, optarg); break;
        case O_ID: ids = push(ids, &nids, optarg); break;
        case O_STRICT: strict = 1; break;
        case O_JUNIT: junit = optarg; break;
        case O_JSON: json = optarg; break;
        case O_LIST: list = 1; break;
        case O_TNAME:
            if (nnames < 2)
                names[nnames++] = optarg;
            break;
        case O_XDIFF: xdiff_path = optarg; break;
        case O_NOXDIFF: no_xdiff = 1; break;
        case O_SIDECAR: extra_sidecars = push(extra_sidecars, &nextra, optarg); break;
        case O_START_TO: start_to = atof(optarg); break;
        case O_CALL_TO: call_to = atof(optarg); break;
        case O_STOP_TO: stop_to = atof(optarg); break;
        case O_KEEP: keep = 1; break;
        case 'v': verbose = 1; break;
        case O_VERSION: printf("refd-conform %s\n", REFD_VERSION); return EXIT_PASS;
        case 'h': fputs(usage_text, stdout); return EXIT_PASS;
        default: fputs(usage_text, stderr); return EXIT_USAGE;
        }
    }
    if (start_to <= 0 || call_to <= 0 || stop_to <= 0) {
        fprintf(stderr, "refd-conform: timeouts must be positive seconds\n");
        return EXIT_USAGE;
    }
    if (!nts && !list) {
        fprintf(stderr, "refd-conform: give a target: --url URL or --spawn 'CMD {config}'\n");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (nts == 2 && junit) {
        fprintf(stderr, "refd-conform: --junit is for single-target runs; a differential run writes --json\n");
        return EXIT_USAGE;
    }
    if ((user == NULL) != (password == NULL)) {
        fprintf(stderr, "refd-conform: --user and --password go together\n");
        return EXIT_USAGE;
    }
    char namebuf[2][128], numbered[2][140];
    for (size_t i = 0; i < nts; i++) {
        if (ts[i].spawn && !strstr(ts[i].value, "{config}")) {
            fprintf(stderr, "refd-conform: --spawn command needs {config}: %s\n", ts[i].value);
            return EXIT_USAGE;
        }
        if (!ts[i].spawn) {
            struct rc_url u;
            char err[200];
            if (rc_url_parse(ts[i].value, &u, err, sizeof(err)) < 0) {
                fprintf(stderr, "refd-conform: --url %s: %s\n", ts[i].value, err);
                return EXIT_USAGE;
            }
        }
        ts[i].name = names[i] ? names[i]
                     : ts[i].spawn ? program_name_of(ts[i].value, namebuf[i], sizeof(namebuf[i]))
                                   : "remote";
    }
    if (nts == 2 && strcmp(ts[0].name, ts[1].name) == 0) {
        snprintf(numbered[0], sizeof(numbered[0]), "%s#1", ts[0].name);
        snprintf(numbered[1], sizeof(numbered[1]), "%s#2", ts[1].name);
        ts[0].name = numbered[0];
        ts[1].name = numbered[1];
    }

    struct paths paths;
    find_paths(&paths);
    char **files = NULL;
    size_t nfiles = 0;
    int usage_err = 0;
    if (optind < argc) {
        for (int i = optind; i < argc; i++)
            if (add_path(&files, &nfiles, argv[i], 1) < 0)
                usage_err = 1;
    } else {
        add_path(&files, &nfiles, paths.sessions, 0);
        add_path(&files, &nfiles, paths.docs, 0);
        if (!nfiles) {
            fprintf(stderr, "refd-conform: no sessions installed in %s; give PATH\n", paths.sessions);
            return EXIT_USAGE;
        }
    }
    if (usage_err)
        return EXIT_USAGE;

    struct sidecars scs = {0};
    if (sidecars_load_dir(&scs, paths.sidecars) < 0)
        usage_err = 1;
    for (size_t i = 0; i < nextra; i++)
        if (sidecars_load_file(&scs, extra_sidecars[i]) < 0)
            usage_err = 1;
    if (usage_err) {
        sidecars_free(&scs);
        return EXIT_USAGE;
    }

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    rc_rpc_init((size_t)256 << 20);

    struct selection sel = { .ids = ids, .tags = tags };
    struct results res[2];
    memset(res, 0, sizeof(res));
    struct xdiff xd[2];
    memset(xd, 0, sizeof(xd));
    int exit_code = EXIT_PASS;
    size_t nsel = 0;
    size_t runs = nts ? nts : 1;
    for (size_t k = 0; k < runs; k++) {
        struct target t;
        memset(&t, 0, sizeof(t));
        t.name = nts ? ts[k].name : "none";
        t.spawn_cmd = nts && ts[k].spawn ? ts[k].value : NULL;
        t.url = nts && !ts[k].spawn ? ts[k].value : NULL;
        t.user = user;
        t.password = password;
        t.start_timeout = start_to;
        t.stop_timeout = stop_to;
        t.keep_tmp = keep;
        if (!list && !no_xdiff) {
            char p[PATH_MAX + 200];
            if (xdiff_path && k == 0)
                xdiff_load(xdiff_path, &xd[k]) == 0 || (exit_code = EXIT_USAGE);
            else if (!xdiff_path) {
                snprintf(p, sizeof(p), "%s/%s.diff", paths.expected, t.name);
                if (access(p, R_OK) == 0)
                    xdiff_load(p, &xd[k]);
            }
        }
        struct run_config rc = {
            .target = &t, .sel = &sel, .sidecars = &scs, .xdiff = &xd[k], .strict = strict,
            .call_timeout = call_to, .list_only = list, .verbose = verbose,
        };
        if (nts == 1 && !list)
            printf("TAP version 13\n");
        nsel = 0;
        for (size_t f = 0; f < nfiles; f++) {
            size_t before = res[k].n;
            if (verbose)
                fprintf(stderr, "refd-conform: %s: %s\n", t.name, files[f]);
            nsel += runner_run_file(&rc, files[f], &res[k]);
            if (nts == 1 && !list)
                report_tap_cases(stdout, &res[k], before);
        }
        free(t.failure);
        if (list) {
            for (size_t i = 0; i < res[k].n; i++) {
                const struct case_result *c = &res[k].v[i];
                printf("%s\t%s\t", c->id, level_name(c->level));
                for (size_t t2 = 0; c->tags && c->tags[t2]; t2++)
                    printf("%s%s", t2 ? "," : "", c->tags[t2]);
                printf("\t%s:%d\n", c->file, c->line);
            }
            break;
        }
        if (nts == 1)
            report_tap_plan(stdout, res[k].n);
        print_summary(t.name, &res[k]);
    }
    if (!nsel && !res[0].session_errors) {
        fprintf(stderr, "refd-conform: no cases selected\n");
        exit_code = EXIT_USAGE;
    } else if (!list) {
        struct verdict_counts c;
        results_count(&res[0], &c);
        size_t ran = res[0].n - c.v[V_SKIP];
        if (nts == 2) {
            if (diff_table(ts, &res[0], &res[1], json))
                exit_code = EXIT_FAILED;
        } else {
            struct report_meta m = { .target_name = ts[0].name, .target_spec = ts[0].value };
            if (junit && report_junit(junit, &res[0], &m) < 0)
                exit_code = EXIT_USAGE;
            if (json && report_json(json, &res[0], &m) < 0)
                exit_code = EXIT_USAGE;
            if (c.gating)
                exit_code = EXIT_FAILED;
            if (!ran && !c.gating) {
                fprintf(stderr, "refd-conform: every selected case was skipped; nothing was tested\n");
                exit_code = EXIT_USAGE;
            }
        }
    }
    if (res[0].session_errors || res[1].session_errors)
        exit_code = exit_code == EXIT_PASS || exit_code == EXIT_FAILED ? EXIT_USAGE : exit_code;
    if (res[0].target_errors || res[1].target_errors)
        exit_code = EXIT_TARGET;
    for (size_t k = 0; k < 2; k++) {
        results_free(&res[k]);
        xdiff_free(&xd[k]);
    }
    sidecars_free(&scs);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free_strv(tags);
    free_strv(ids);
    free_strv(extra_sidecars);
    return exit_code;
}
