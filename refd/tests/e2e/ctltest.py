"""ctltest — run a command-line client (Debian's supervisorctl, or refctl)
against a live daemon, and compare what two daemons make it print.

Every daemon here is started on a fresh temp dir with free ports and
stopped by pid; every wait is bounded.
"""
import os
import re
import select
import signal
import subprocess
import time
import warnings

from refdtest import Daemon, SLOW, wait_for

SUPERVISORD = "/usr/bin/supervisord"
SUPERVISORCTL = "/usr/bin/supervisorctl"

CTL_ENV = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8",
               PYTHONDONTWRITEBYTECODE="1")

# A configuration both daemons run: {tmp} {port} {inet_extra} {unix_extra}
# as in refdtest; programs whose output and states are deterministic.
CONF = """\
[supervisord]
logfile={tmp}/refd.log
pidfile={tmp}/daemon.pid
childlogdir={tmp}
loglevel=info
nodaemon=true
silent=true

[inet_http_server]
port=127.0.0.1:{port}
{inet_extra}

[unix_http_server]
file={tmp}/refd.sock
{unix_extra}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:cat]
command=/bin/cat
startsecs=0

[program:echoer]
command=/bin/sh -c "echo out-line; echo err-line >&2; exec /bin/sleep 1000"
startsecs=0

[program:sleeper]
command=/bin/sleep 1000
autostart=false
startsecs=0

[group:grp]
programs=alpha,beta

[program:alpha]
command=/bin/sleep 1001
startsecs=0

[program:beta]
command=/bin/sleep 1002
autostart=false
startsecs=0

[program:nofile]
command=/nonexistent/command
autostart=false

[program:dies]
command=/bin/sh -c "sleep 0.2; exit 3"
autostart=false
startsecs=1
startretries=0
"""


def quiet():
    """xmlrpc.client's proxies are left to the garbage collector; unittest
    resets the filters before running, so tests call this in setUp."""
    warnings.simplefilter("ignore", ResourceWarning)


def tool_path(path):
    """A tool the test cannot do without: a missing one fails the test."""
    if not os.access(path, os.X_OK):
        raise AssertionError("%s is required (ci/deps installs it)" % path)
    return path


def start_pair(conf=CONF, **kw):
    """The real supervisord and refd on the same configuration."""
    tool_path(SUPERVISORD)
    oracle = Daemon(conf=conf, binary=SUPERVISORD, wrapper=[], **kw)   # never under valgrind
    refd = Daemon(conf=conf, **kw)
    oracle.start()
    try:
        refd.start()
    except BaseException:
        oracle.__exit__(None, None, None)
        raise
    return oracle, refd


def running(d, *names):
    """Are all of names RUNNING on daemon d?"""
    infos = {("%s:%s" % (i["group"], i["name"]) if i["group"] != i["name"] else i["name"]): i
             for i in d.rpc(*d.auth).supervisor.getAllProcessInfo()}
    return all(infos[n]["statename"] == "RUNNING" for n in names)


def normalize(text, daemon):
    """What may differ between two runs of the same session: temp dirs,
    ports, pids, times."""
    text = text.replace(daemon.tmp, "TMP").replace(str(daemon.port), "PORT")
    text = re.sub(r"pid \d+, uptime \d+:\d\d:\d\d", "pid N, uptime T", text)
    text = re.sub(r"(?m)^[1-9]\d*$", "N", text)
    text = re.sub(r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d [AP]M", "DATE", text)
    return text


class Ctl:
    """A command-line client bound to one daemon and one way in."""

    def __init__(self, daemon, args, binary=SUPERVISORCTL):
        self.daemon = daemon
        self.args = list(args)
        self.binary = tool_path(binary)

    def run(self, *words, stdin=None, timeout=30):
        p = subprocess.run([self.binary] + self.args + list(words), input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=CTL_ENV, timeout=timeout * SLOW)
        return p.returncode, p.stdout.decode("utf-8", "replace")

    def stream(self, *words, until, stdin_lines=(), timeout=15):
        """Run a command that streams (tail -f, maintail -f, fg) until its
        output contains `until` (after each of stdin_lines is typed, when
        given), then interrupt it as Ctrl-C would (or close its stdin for
        fg). Returns (rc, output)."""
        p = subprocess.Popen([self.binary] + self.args + list(words), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=CTL_ENV)
        out = b""
        deadline = time.monotonic() + timeout * SLOW
        try:
            def read_until(marker):
                nonlocal out
                while marker.encode() not in out:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise AssertionError("no %r in %r from %s" % (marker, out, words))
                    r, _, _ = select.select([p.stdout], [], [], left)
                    if r:
                        chunk = os.read(p.stdout.fileno(), 65536)
                        if not chunk:
                            raise AssertionError("%s ended early: %r" % (words, out))
                        out += chunk
            for line in stdin_lines:
                read_until("==> Press Ctrl-C to exit <==")
                p.stdin.write(line.encode())
                p.stdin.flush()
            read_until(until)
            if stdin_lines:
                # EOF: fg says "Exiting foreground", but its streaming
                # thread may sit in a 30 s select() before the process
                # can end; what it printed is all the test needs.
                p.stdin.close()
                p.stdin = None
                read_until("Exiting foreground\n")
                p.kill()
                p.wait()
                return 0, out.decode("utf-8", "replace")
            p.send_signal(signal.SIGINT)
            rest, _ = p.communicate(timeout=10 * SLOW)
            out += rest
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        return p.returncode, out.decode("utf-8", "replace")


def wait_ready(d):
    wait_for(lambda: d.rpc(*d.auth).supervisor.getState()["statecode"] == 1,
             timeout=15, what="the daemon to run again")


def wait_gone(d):
    """After shutdown: wait for the daemon's process to exit."""
    d.proc.wait(timeout=20 * SLOW)
