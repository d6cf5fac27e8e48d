"""refctl against a live refd (issue 10).

The commands refctl shares with supervisorctl are run by both clients,
each against its own refd on the same configuration, and must print the
same text and exit with the same code. The twiddler commands are checked
against what the daemon then reports over XML-RPC.
"""
import os
import unittest

from ctltest import CONF, Ctl, quiet, running, tool_path, wait_gone, SUPERVISORCTL
from refdtest import Daemon, wait_for
from test_supervisorctl import AUTH_LINES, PASSWORD, USER, Differential, ctl_conf

REFCTL = os.environ.get("REFCTL_BIN", "refctl")

TWIDDLER = """
[rpcinterface:twiddler]
supervisor.rpcinterface_factory = supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface
"""


def start_two(conf=CONF + TWIDDLER, **kw):
    a, b = Daemon(conf=conf, **kw), Daemon(conf=conf, **kw)
    a.start()
    try:
        b.start()
    except BaseException:
        a.__exit__(None, None, None)
        raise
    for d in (a, b):
        wait_for(lambda: running(d, "cat", "echoer", "grp:alpha"), what="autostart")
        wait_for(lambda: d.rpc(*d.auth).supervisor.readProcessStderrLog("echoer", 0, 0)
                 == "err-line\n", what="echoer's output")
    return a, b


class SameAsSupervisorctl(Differential):
    """supervisorctl on one refd, refctl on the other: same output."""

    def setUp(self):
        quiet()
        tool_path(SUPERVISORCTL)
        self.a, self.b = start_two()
        self.daemons = (self.a, self.b)
        self.ctls = (Ctl(self.a, ["-s", "http://127.0.0.1:%d" % self.a.port]),
                     Ctl(self.b, ["-s", "http://127.0.0.1:%d" % self.b.port], binary=REFCTL))

    def tearDown(self):
        for d in self.daemons:
            d.__exit__(None, None, None)

    def test_everyday_commands(self):
        self.same("status", expect_rc=3)
        self.same("status", "cat", "grp:*", expect_rc=3)
        self.same("status", "nosuch", "nogroup:*", expect_rc=4)
        self.same("start", "sleeper", expect_rc=0)
        self.same("start", "sleeper", "nofile", "dies", "nosuch", expect_rc=1)
        self.same("start", "nogroup:*", expect_rc=2)
        self.same("start", expect_rc=2, first_line=True)
        self.same("signal", "CONT", expect_rc=1, first_line=True)
        self.same("tail", expect_rc=1, first_line=True)
        self.same("reread", "x", expect_rc=1, first_line=True)
        self.same("stop", "sleeper", expect_rc=0)
        self.same("stop", "sleeper", expect_rc=0)
        self.same("stop", "grp:*", expect_rc=0)
        self.same("restart", "cat", expect_rc=0)
        self.same("restart", "grp:*", expect_rc=0, any_order=True)
        self.same("signal", "CONT", "cat", "grp:*", "sleeper", expect_rc=7)
        self.same("signal", "BOGUS", "cat", expect_rc=1)
        self.same("signal", "CONT", "all", expect_rc=0)
        self.same("pid", "cat", expect_rc=0)
        self.same("pid", "sleeper", "nosuch", expect_rc=1)
        self.same("pid", "all", expect_rc=0)
        self.same("tail", "echoer", expect_rc=0, contains="out-line")
        self.same("tail", "-4", "echoer", "stderr", expect_rc=0)
        self.same("tail", "nosuch", expect_rc=1)
        self.same("tail", "-x", "echoer", expect_rc=1)
        self.same("clear", "echoer", "nosuch", expect_rc=1)
        self.same("clear", "all", expect_rc=0)
        self.same("version", expect_rc=0)
        self.same("avail", expect_rc=0)
        self.same("reread", expect_rc=0)
        self.same("add", "cat", "nosuch", expect_rc=1)
        self.same("remove", "cat", "nosuch", expect_rc=1)
        self.same("stop", "all", expect_rc=0, any_order=True)
        self.same("remove", "cat", expect_rc=0)
        self.same("add", "cat", expect_rc=0)
        self.same("start", "all", expect_rc=7)
        self.same("bogus", "words", expect_rc=1)

    def test_tail_follow(self):
        for ctl in self.ctls:
            rc, out = ctl.stream("tail", "-f", "echoer", until="out-line")
            self.assertTrue(out.startswith("==> Press Ctrl-C to exit <==\nout-line\n"), out)
            rc, out = ctl.stream("maintail", "-f", until="\n")
            self.assertTrue(out.startswith("==> Press Ctrl-C to exit <=="), out)

    def test_update_reload_shutdown(self):
        for d in self.daemons:
            with open(d.conf_path) as f:
                text = f.read()
            text = text.replace("command=/bin/sleep 1000\nautostart=false",
                                "command=/bin/sleep 999\nautostart=false")
            text = text.replace("[program:dies]", "[program:newbie]\ncommand=/bin/sleep 998\n"
                                "startsecs=0\n\n[program:dies_gone]")
            with open(d.conf_path, "w") as f:
                f.write(text)
        self.same("reread", expect_rc=0)
        self.same("update", "nogroup", expect_rc=1)
        self.same("update", expect_rc=0, any_order=True)
        self.same("reload", expect_rc=0)
        for d in self.daemons:
            wait_for(lambda: running(d, "cat", "echoer"), timeout=15, what="the reload")
        self.same("shutdown", expect_rc=0)
        for d in self.daemons:
            wait_gone(d)
        self.same("status", expect_rc=4)
        self.same("version", expect_rc=4)
        self.same("shutdown", expect_rc=1)


class Transports(unittest.TestCase):
    """The unix socket and passwords, from -c and from the command line."""

    def setUp(self):
        quiet()
        self.d = Daemon(conf=CONF + TWIDDLER, inet_extra=AUTH_LINES, unix_extra=AUTH_LINES,
                        auth=(USER, PASSWORD))
        self.d.start()
        wait_for(lambda: running(self.d, "cat"), what="autostart")

    def tearDown(self):
        self.d.__exit__(None, None, None)

    def test_config_and_flags(self):
        d = self.d
        for args in (["-c", ctl_conf(d, "unix://" + d.sock, auth=True)],
                     ["-s", "unix://" + d.sock, "-u", USER, "-p", PASSWORD],
                     ["-s", "http://127.0.0.1:%d" % d.port, "-u", USER, "-p", PASSWORD]):
            rc, out = Ctl(d, args, binary=REFCTL).run("status", "cat")
            self.assertEqual(rc, 0, out)
            self.assertRegex(out, r"^cat {30}RUNNING   pid \d+, uptime ")
            rc, out = Ctl(d, args, binary=REFCTL).stream("tail", "-f", "cat", until="==>")
            self.assertTrue(out.startswith("==> Press Ctrl-C to exit <==\n"), out)
        for args in (["-s", "unix://" + d.sock], ["-s", "unix://" + d.sock, "-u", USER, "-p", "no"]):
            rc, out = Ctl(d, args, binary=REFCTL).run("status")
            self.assertEqual((rc, out), (1, "Server requires authentication\n"))

    def test_usage_errors(self):
        ctl = Ctl(self.d, [], binary=REFCTL)
        rc, out = ctl.run("-s", "nonsense", "status")
        self.assertEqual((rc, out), (2, "Error: value 'nonsense' is not a URL\n"
                                        "For help, use %s -h\n" % ctl.binary))
        rc, out = ctl.run("-c", "/nonexistent.conf", "status")
        self.assertEqual(rc, 2, out)
        self.assertIn("could not find config file /nonexistent.conf", out)
        empty = os.path.join(self.d.tmp, "empty.conf")
        with open(empty, "w") as f:
            f.write("[supervisord]\n")
        rc, out = ctl.run("-c", empty, "status")
        self.assertEqual(rc, 2, out)
        self.assertIn(".ini file does not include supervisorctl section", out)
        rc, out = ctl.run("-h")
        self.assertEqual(rc, 0)
        for word in ("addgroup", "addprogram", "removeprocess", "log", "status", "tail"):
            self.assertIn(word, out)
        rc, out = ctl.run("-s", "unix://" + self.d.tmp + "/none.sock", "status")
        self.assertEqual((rc, out), (4, "unix://%s/none.sock no such file\n" % self.d.tmp))

    def test_twiddler(self):
        d = self.d
        ctl = Ctl(d, ["-s", "http://127.0.0.1:%d" % d.port, "-u", USER, "-p", PASSWORD],
                  binary=REFCTL)
        rpc = d.rpc(USER, PASSWORD)
        self.assertEqual(ctl.run("addgroup", "dyn", "50"), (0, "dyn: added group\n"))
        self.assertIn("dyn", rpc.twiddler.getGroupNames())
        self.assertEqual(ctl.run("addgroup", "dyn", "50"), (1, "ERROR: BAD_NAME: dyn\n"))
        self.assertEqual(ctl.run("addgroup", "dyn2", "abc"),
                         (1, "ERROR: INCORRECT_PARAMETERS: invalid literal for int() with "
                             "base 10: 'abc'\n"))
        self.assertEqual(ctl.run("addgroup", "dyn"), (2, "Error: usage: addgroup <name> <priority>\n"))
        self.assertEqual(ctl.run("addprogram", "dyn", "worker", "command=/bin/sleep 1003",
                                 "startsecs=0", "autostart=false"),
                         (0, "worker: added to group dyn\n"))
        info = rpc.supervisor.getProcessInfo("dyn:worker")
        self.assertEqual(info["statename"], "STOPPED")
        self.assertEqual(ctl.run("start", "dyn:worker"), (0, "dyn:worker: started\n"))
        self.assertEqual(rpc.supervisor.getProcessInfo("dyn:worker")["statename"], "RUNNING")
        rc, out = ctl.run("addprogram", "nogroup", "x", "command=/bin/true")
        self.assertEqual((rc, out), (1, "ERROR: BAD_NAME: group: nogroup\n"))
        rc, out = ctl.run("addprogram", "dyn", "bad")
        self.assertEqual(rc, 1)
        self.assertIn("ERROR: INCORRECT_PARAMETERS: ", out)
        self.assertEqual(ctl.run("addprogram", "dyn", "x", "novalue"),
                         (2, "Error: option novalue is not key=value\n"))
        self.assertEqual(ctl.run("removeprocess", "dyn", "worker"),
                         (1, "ERROR: STILL_RUNNING: worker\n"))
        self.assertEqual(ctl.run("stop", "dyn:*"), (0, "dyn:worker: stopped\n"))
        self.assertEqual(ctl.run("removeprocess", "dyn", "worker"),
                         (0, "worker: removed from group dyn\n"))
        self.assertEqual(rpc.supervisor.getAllProcessInfo()[0]["group"], "cat")
        self.assertNotIn("dyn", [i["group"] for i in rpc.supervisor.getAllProcessInfo()])
        self.assertEqual(ctl.run("log", "WARN", "hello", "from", "refctl"), (0, "logged\n"))
        wait_for(lambda: "WARN hello from refctl" in d.mainlog(), what="the log line")
        self.assertEqual(ctl.run("log", "LOUD", "x"), (1, "ERROR: INCORRECT_PARAMETERS\n"))
        rc, out = ctl.run("groups")
        self.assertEqual(rc, 0)
        self.assertEqual(out.split(), rpc.twiddler.getGroupNames())


if __name__ == "__main__":
    unittest.main()
