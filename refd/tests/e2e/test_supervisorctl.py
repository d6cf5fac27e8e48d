"""Debian's supervisorctl against a live refd, compared line by line with
what the same supervisorctl prints against Debian's supervisord 4.2.5
running the same configuration (issue 10).

Every command of supervisorctl is covered, over the inet listener and the
unix socket, with and without authentication. Output is compared after
normalize() (temp dirs, ports, pids, uptimes, dates); exit codes exactly.
"""
import os
import unittest

from ctltest import (CONF, Ctl, normalize, quiet, running, start_pair, tool_path, wait_gone,
                     wait_ready, SUPERVISORCTL)
from refdtest import wait_for

USER, PASSWORD = "admin", "s3cret"
AUTH_LINES = "username=%s\npassword=%s" % (USER, PASSWORD)


def ctl_conf(d, url, auth=False):
    """A [supervisorctl] section for supervisorctl -c."""
    path = os.path.join(d.tmp, "ctl.conf")
    with open(path, "w") as f:
        f.write("[supervisorctl]\nserverurl=%s\n" % url)
        if auth:
            f.write(AUTH_LINES + "\n")
    return path


class Differential(unittest.TestCase):
    """Runs each command against both daemons and compares."""

    maxDiff = None

    def same(self, *words, expect_rc=None, contains=None, ctls=None, any_order=False,
             first_line=False):
        """any_order: the lines of a bulk stop come in the order the
        processes happen to exit, which varies from run to run.
        first_line: compare only the first line (a usage error, after which
        each client prints its own help)."""
        (ctl_o, ctl_r) = ctls or self.ctls
        rc_o, out_o = ctl_o.run(*words)
        rc_r, out_r = ctl_r.run(*words)
        norm_o, norm_r = normalize(out_o, ctl_o.daemon), normalize(out_r, ctl_r.daemon)
        if any_order:
            norm_o, norm_r = ("".join(sorted(t.splitlines(True))) for t in (norm_o, norm_r))
        if first_line:
            norm_o, norm_r = (t.split("\n", 1)[0] for t in (norm_o, norm_r))
        what = "supervisorctl %s" % " ".join(words)
        self.assertEqual((rc_r, norm_r), (rc_o, norm_o),
                         "%s: refd (left) differs from supervisord (right)" % what)
        if expect_rc is not None:
            self.assertEqual(rc_r, expect_rc, "%s: %s" % (what, out_r))
        if contains is not None:
            self.assertIn(contains, out_r, what)
        return out_r

    def both(self, fn):
        for d in self.daemons:
            fn(d)


class InetNoAuth(Differential):
    """The whole command set, over TCP without a password (-s URL)."""

    def setUp(self):
        quiet()
        tool_path(SUPERVISORCTL)
        self.oracle, self.refd = start_pair()
        self.daemons = (self.oracle, self.refd)
        self.ctls = tuple(Ctl(d, ["-s", "http://127.0.0.1:%d" % d.port]) for d in self.daemons)
        for d in self.daemons:
            wait_for(lambda: running(d, "cat", "echoer", "grp:alpha"), what="autostart")
            wait_for(lambda: d.rpc().supervisor.readProcessStderrLog("echoer", 0, 0) == "err-line\n",
                     what="echoer's output")

    def tearDown(self):
        for d in (self.refd, self.oracle):
            d.__exit__(None, None, None)

    def test_status_forms(self):
        self.same("status", expect_rc=3)
        self.same("status", "cat", expect_rc=0)
        self.same("status", "cat", "echoer", expect_rc=0)
        self.same("status", "grp:*", expect_rc=3)
        self.same("status", "grp:alpha", expect_rc=0)
        self.same("status", "all", expect_rc=3)
        self.same("status", "nosuch", expect_rc=4, contains="nosuch: ERROR (no such process)")
        self.same("status", "grp:nosuch", expect_rc=4)
        self.same("status", "nogroup:*", expect_rc=4, contains="nogroup: ERROR (no such group)")
        self.same("status", "sleeper", expect_rc=3)

    def test_start_stop_restart(self):
        self.same("start", "sleeper", expect_rc=0, contains="sleeper: started")
        self.same("start", "sleeper", expect_rc=0, contains="sleeper: ERROR (already started)")
        self.same("start", "grp:*", expect_rc=0, contains="grp:beta: started")
        self.same("start", "nofile", expect_rc=1, contains="nofile: ERROR (no such file)")
        self.same("start", "dies", expect_rc=7, contains="dies: ERROR (spawn error)")
        self.same("start", "nosuch", expect_rc=1, contains="nosuch: ERROR (no such process)")
        self.same("start", "nogroup:*", expect_rc=2, contains="nogroup: ERROR (no such group)")
        self.same("start", expect_rc=2)
        self.same("stop", "sleeper", expect_rc=0, contains="sleeper: stopped")
        self.same("stop", "sleeper", expect_rc=0, contains="sleeper: ERROR (not running)")
        self.same("stop", "grp:*", expect_rc=0, any_order=True)
        self.same("stop", "nosuch", expect_rc=1)
        self.same("stop", "nogroup:*", expect_rc=1)
        self.same("restart", "cat", expect_rc=0, contains="cat: stopped\ncat: started")
        self.same("restart", "grp:*", expect_rc=0, any_order=True)
        self.same("restart", "cat", "sleeper", expect_rc=0, any_order=True)
        self.same("stop", "all", expect_rc=0, any_order=True)
        self.same("status", expect_rc=3)
        self.same("start", "all", expect_rc=7)
        self.same("restart", "all", expect_rc=7, any_order=True)
        self.same("restart", expect_rc=1)

    def test_signal(self):
        self.same("signal", "CONT", "cat", expect_rc=0, contains="cat: signalled")
        self.same("signal", "CONT", "grp:*", expect_rc=0)
        self.same("signal", "CONT", "all", expect_rc=0)
        self.same("signal", "BOGUS", "cat", expect_rc=1, contains="cat: ERROR (bad signal name)")
        self.same("signal", "CONT", "sleeper", expect_rc=7, contains="sleeper: ERROR (not running)")
        self.same("signal", "CONT", "nosuch", expect_rc=1)
        self.same("signal", "CONT", "nogroup:*", expect_rc=1)
        self.same("signal", "CONT", expect_rc=1)

    def test_pid(self):
        self.same("pid", expect_rc=0)
        self.same("pid", "cat", expect_rc=0)
        self.same("pid", "sleeper", expect_rc=7)
        self.same("pid", "all", expect_rc=0)
        self.same("pid", "nosuch", expect_rc=1, contains="No such process nosuch")

    def test_tail_and_clear(self):
        self.same("tail", "echoer", expect_rc=0, contains="out-line")
        self.same("tail", "-4", "echoer", expect_rc=0)
        self.same("tail", "echoer", "stderr", expect_rc=0, contains="err-line")
        self.same("tail", "echoer", "bogus", expect_rc=1)
        self.same("tail", "nosuch", expect_rc=1, contains="nosuch: ERROR (no such process name)")
        self.same("tail", "nofile", expect_rc=0)
        self.same("tail", "-x", "echoer", expect_rc=1, contains="Error: bad argument -x")
        self.same("tail", expect_rc=1)
        self.same("clear", "echoer", expect_rc=0, contains="echoer: cleared")
        self.same("tail", "echoer", expect_rc=0)
        self.same("clear", "nosuch", expect_rc=1)
        self.same("clear", "all", expect_rc=0)
        self.same("clear", expect_rc=1)

    def test_tail_follow(self):
        for ctl in self.ctls:
            # What supervisorctl prints after Ctrl-C depends on where the
            # interrupt lands; what came before it must be exact.
            rc, out = ctl.stream("tail", "-f", "echoer", until="out-line")
            self.assertTrue(out.startswith("==> Press Ctrl-C to exit <==\nout-line\n"), out)
            rc, out = ctl.stream("tail", "-f", "echoer", "stderr", until="err-line")
            self.assertTrue(out.startswith("==> Press Ctrl-C to exit <==\nerr-line\n"), out)
            rc, out = ctl.stream("maintail", "-f", until="\n", timeout=15)
            self.assertTrue(out.startswith("==> Press Ctrl-C to exit <=="), out)
            # A stream that comes later: tail -f shows new output.
            rc, out = ctl.stream("fg", "cat", until="typed-line", stdin_lines=["typed-line\n"])
            self.assertEqual(rc, 0)
            self.assertTrue(out.startswith("==> Press Ctrl-C to exit <==\n"), out)
            self.assertIn("typed-line", out)
            # supervisorctl's reading thread may print once more as it is
            # stopped ("CLOSED Cannot connect, error: <class 'SystemExit'>"),
            # whichever daemon it talks to.
            rest = out.split("Exiting foreground\n", 1)
            self.assertEqual(len(rest), 2, out)
            self.assertTrue(rest[1] == "" or rest[1].startswith("CLOSED Cannot connect"), out)
        self.same("fg", expect_rc=1)
        self.same("fg", "sleeper", expect_rc=1, contains="ERROR: process not running")
        self.same("fg", "nosuch", expect_rc=1, contains="ERROR: bad process name supplied")

    def test_maintail_version_avail(self):
        for ctl in self.ctls:
            rc, out = ctl.run("maintail", "-200")
            self.assertEqual(rc, 0, out)
            self.assertTrue(out.strip(), out)
        self.same("maintail", "-x", expect_rc=1)
        self.same("version", expect_rc=0, contains="4.2.5")
        self.same("version", "extra", expect_rc=1)
        self.same("avail", expect_rc=0)
        self.same("bogus", expect_rc=1, contains="*** Unknown syntax: bogus")

    def test_reread_update_add_remove(self):
        self.same("reread", expect_rc=0, contains="No config updates to processes")
        for d in self.daemons:
            with open(d.conf_path) as f:
                text = f.read()
            text = text.replace("command=/bin/sleep 1000\nautostart=false",
                                "command=/bin/sleep 999\nautostart=false")
            text = text.replace("[program:dies]", "[program:newbie]\ncommand=/bin/sleep 998\n"
                                "startsecs=0\n\n[program:dies_gone]")
            text += "\n[program:later]\ncommand=/bin/sleep 997\nautostart=false\n"
            with open(d.conf_path, "w") as f:
                f.write(text)
        self.same("reread", expect_rc=0, contains="sleeper: changed")
        self.same("avail", expect_rc=0)
        self.same("add", "newbie", expect_rc=0, contains="newbie: added process group")
        self.same("add", "newbie", expect_rc=0, contains="ERROR: process group already active")
        self.same("add", "nosuch", expect_rc=1, contains="ERROR: no such process/group: nosuch")
        self.same("remove", "cat", expect_rc=1, contains="ERROR: process/group still running: cat")
        self.same("remove", "nosuch", expect_rc=1)
        self.same("remove", "dies", expect_rc=0, contains="dies: removed process group")
        self.same("update", "nogroup", expect_rc=1, contains="ERROR: no such group: nogroup")
        self.same("update", "sleeper", expect_rc=0, contains="sleeper: updated process group")
        self.same("update", expect_rc=0, any_order=True)
        self.same("reread", expect_rc=0, contains="No config updates to processes")
        self.same("status", expect_rc=3)

    def test_reload_then_shutdown(self):
        self.same("reload", "now", expect_rc=1)
        for ctl in self.ctls:
            rc, out = ctl.run("reload")
            self.assertEqual((rc, out), (0, "Restarted supervisord\n"), ctl.daemon.binary)
        for d in self.daemons:
            wait_ready(d)
            wait_for(lambda: running(d, "cat", "echoer", "grp:alpha"), what="autostart")
        self.same("status", expect_rc=3)
        self.same("shutdown", "now", expect_rc=1)
        self.same("shutdown", expect_rc=0, contains="Shut down")
        for d in self.daemons:
            wait_gone(d)
        self.same("status", expect_rc=4, contains="refused connection")
        self.same("shutdown", expect_rc=1, contains="(already shut down?)")


class AuthAndUnix(Differential):
    """The everyday commands over the unix socket with a password (-c with a
    [supervisorctl] section), over TCP with one (-s -u -p), and without one
    over the unix socket; wrong or missing credentials are refused."""

    def setUp(self):
        quiet()
        tool_path(SUPERVISORCTL)
        self.oracle, self.refd = start_pair(inet_extra=AUTH_LINES, unix_extra=AUTH_LINES,
                                            auth=(USER, PASSWORD))
        self.daemons = (self.oracle, self.refd)
        for d in self.daemons:
            wait_for(lambda: running(d, "cat", "echoer"), what="autostart")

    def tearDown(self):
        for d in (self.refd, self.oracle):
            d.__exit__(None, None, None)

    def everyday(self, ctls):
        self.ctls = ctls
        self.same("status", expect_rc=3)
        self.same("start", "sleeper", expect_rc=0)
        self.same("stop", "sleeper", expect_rc=0)
        self.same("restart", "grp:*", expect_rc=0, any_order=True)
        self.same("tail", "echoer", expect_rc=0, contains="out-line")
        self.same("version", expect_rc=0)
        self.same("avail", expect_rc=0)
        self.same("reread", expect_rc=0)
        self.same("pid", "cat", expect_rc=0)
        for ctl in ctls:
            rc, out = ctl.stream("tail", "-f", "echoer", until="out-line")
            self.assertTrue(out.startswith("==> Press Ctrl-C to exit <==\nout-line\n"), out)

    def test_unix_with_password_from_config(self):
        self.everyday(tuple(Ctl(d, ["-c", ctl_conf(d, "unix://" + d.sock, auth=True)])
                            for d in self.daemons))

    def test_inet_with_password_on_command_line(self):
        self.everyday(tuple(Ctl(d, ["-s", "http://127.0.0.1:%d" % d.port, "-u", USER,
                                    "-p", PASSWORD]) for d in self.daemons))

    def test_refused(self):
        for args in (lambda d: ["-s", "http://127.0.0.1:%d" % d.port],
                     lambda d: ["-s", "unix://" + d.sock, "-u", USER, "-p", "wrong"]):
            self.ctls = tuple(Ctl(d, args(d)) for d in self.daemons)
            self.same("status", expect_rc=1, contains="Server requires authentication")
            self.same("version", expect_rc=1, contains="Server requires authentication")
            self.same("reread", expect_rc=1)

    def test_unix_without_password(self):
        conf = CONF
        oracle, refd = start_pair(conf=conf)
        try:
            for d in (oracle, refd):
                wait_for(lambda: running(d, "cat", "echoer"), what="autostart")
            self.daemons = (oracle, refd)
            self.everyday(tuple(Ctl(d, ["-c", ctl_conf(d, "unix://" + d.sock)])
                                for d in (oracle, refd)))
            self.same("shutdown", expect_rc=0)
            for d in (oracle, refd):
                wait_gone(d)
            self.same("status", expect_rc=4, contains="no such file")
        finally:
            for d in (refd, oracle):
                d.__exit__(None, None, None)


if __name__ == "__main__":
    unittest.main()
