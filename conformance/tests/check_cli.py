#!/usr/bin/python3
"""Checks refd-conform's command line: exit statuses, error messages, --list,
--url targets over TCP and a unix socket (against a supervisord this script
starts), a target that fails to start, and a differential run.

usage: check_cli.py REFD_CONFORM FIXTURES_DIR SESSIONS_DIR
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SUPERVISORD = "/usr/bin/supervisord"
SPAWN = SUPERVISORD + " -c {config} -n"


def run(args, cwd=None):
    p = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def expect(name, cond, detail=""):
    if not cond:
        print("check_cli: FAIL %s\n%s" % (name, detail), file=sys.stderr)
        sys.exit(1)
    print("check_cli: ok %s" % name)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_supervisord(tmp, port, sock, user, password):
    conf = os.path.join(tmp, "sv.conf")
    with open(conf, "w") as f:
        f.write("""[supervisord]
logfile=%(tmp)s/sv.log
pidfile=%(tmp)s/sv.pid
childlogdir=%(tmp)s
nodaemon=true
[inet_http_server]
port=127.0.0.1:%(port)d
username=%(user)s
password=%(password)s
[unix_http_server]
file=%(sock)s
username=%(user)s
password=%(password)s
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:cat]
command=cat
startsecs=0
stopwaitsecs=2
""" % dict(tmp=tmp, port=port, sock=sock, user=user, password=password))
    proc = subprocess.Popen([SUPERVISORD, "-c", conf, "-n"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/ok.html" % port, timeout=1)
        except urllib.error.HTTPError:
            return proc            # 401: up
        except OSError:
            time.sleep(0.1)
            continue
        return proc
    proc.kill()
    sys.exit("check_cli: supervisord did not come up")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main():
    binary, fixtures, sessions = sys.argv[1:4]
    sample = os.path.join(fixtures, "report-sample.md")

    rc, out, err = run([binary])
    expect("no target is a usage error", rc == 2 and "--url" in err, err)

    rc, out, err = run([binary, "--spawn", SPAWN, "--id", "no.such.case", sample])
    expect("no cases selected exits 2", rc == 2 and "no cases selected" in err, err)

    rc, out, err = run([binary, "--spawn", SPAWN, "--tag", "no-such-tag", sample])
    expect("a tag that selects nothing exits 2", rc == 2, err)

    rc, out, err = run([binary, "--spawn", "/usr/bin/supervisord -n", sample])
    expect("--spawn without {config} is refused", rc == 2 and "{config}" in err, err)

    rc, out, err = run([binary, "--url", "ftp://x", sample])
    expect("a bad URL is a usage error", rc == 2 and "http://" in err, err)

    rc, out, err = run([binary, "--url", "http://127.0.0.1:%d" % free_port(),
                        os.path.join(fixtures, "url-sample.md")])
    expect("an unreachable URL exits 3", rc == 3 and "does not answer" in err, err)

    rc, out, err = run([binary, "--spawn", "/bin/sh -c 'echo config-was-bad >&2; exit 4' {config}",
                        "--id", "sample.pass", sample])
    expect("a target that fails to start exits 3 and shows its stderr",
           rc == 3 and "config-was-bad" in err and "exited with status 4" in err, err)
    expect("... and its cases are reported as failures", "not ok 1 - sample.pass" in out, out)

    malformed = os.path.join(fixtures, "malformed.md")
    rc, out, err = run([binary, "--list", malformed])
    expect("a malformed session names file and line",
           rc == 2 and "malformed.md:3: error:" in err and "unterminated code fence" in err, err)

    rc, out, err = run([binary, "--list", os.path.join(sessions, "system.md"), "--id",
                        "system.methodSignature.system."])
    lines = out.strip().splitlines()
    expect("--list selects by id prefix", rc == 0 and len(lines) == 4 and
           lines[0].startswith("system.methodSignature.system.listMethods\tmust\tsystem"), out)

    rc, out, err = run([binary, "--list"], cwd="/")
    expect("with no PATH the installed sessions are listed, from any directory",
           rc == 0 and len(out.splitlines()) > 150, err)

    rc, out, err = run([binary, "--list", "--tag", "!twiddler", "--tag", "!system"])
    listed = out.splitlines()
    expect("--tag '!T' excludes", rc == 0 and listed and
           not any("twiddler" in l.split("\t")[2] or "\tsystem" in l for l in listed), out)

    # a target given by URL, over TCP and over a unix socket, with auth
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        sock = os.path.join(tmp, "sv.sock")
        proc = start_supervisord(tmp, port, sock, "u1", "p1")
        try:
            url_sample = os.path.join(fixtures, "url-sample.md")
            rc, out, err = run([binary, "--url", "http://127.0.0.1:%d" % port, "--user", "u1",
                                "--password", "p1", url_sample])
            expect("--url over TCP with credentials", rc == 0 and out.count("\nok ") == 3,
                   out + err)
            rc, out, err = run([binary, "--url", "unix://" + sock, "--user", "u1",
                                "--password", "p1", url_sample])
            expect("--url over a unix socket", rc == 0 and out.count("\nok ") == 3, out + err)
            rc, out, err = run([binary, "--url", "http://127.0.0.1:%d" % port, "--user", "u1",
                                "--password", "wrong", url_sample])
            expect("wrong credentials are reported", rc != 0, out + err)
            rc, out, err = run([binary, "--url", "http://127.0.0.1:%d" % port, "--user", "u1",
                                "--password", "p1", os.path.join(sessions, "stdin.md")])
            expect("a session with its own config is skipped for --url, and that is not a pass",
                   rc == 2 and "every selected case was skipped" in err, out + err)
        finally:
            stop(proc)

    rc, out, err = run([binary, "--spawn", SPAWN, "--spawn", SPAWN,
                        os.path.join(sessions, "supervisor-state.md")])
    expect("a differential run of one implementation against itself finds no difference",
           rc == 0 and "0 of 20 cases differ" in out, out + err)

    rc, out, err = run([binary, "--spawn", SPAWN, "--target-name", "a", "--spawn", SPAWN,
                        "--target-name", "b", "--id", "sample.pass", "--id", "sample.fail", sample])
    expect("a differential run names its targets",
           rc == 0 and out.startswith("case") and " a " in out and " b " in out
           and "0 of 3 cases differ" in out, out + err)


if __name__ == "__main__":
    main()
