"""End-to-end: supervising real processes — the state machine's timing,
stop escalation, process groups, priorities, signals, stdin, the child's
environment and descriptors, and the daemon's own signals."""
import os
import re
import signal
import threading
import time
import unittest
import xmlrpc.client

from refdtest import Daemon, SLOW, wait_for, state, fault


def log_times(text, pattern):
    """Times (seconds) of the main-log lines matching pattern."""
    out = []
    for line in text.splitlines():
        if re.search(pattern, line):
            stamp = line[:23]
            t = time.mktime(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S")) + int(stamp[20:23]) / 1000
            out.append(t)
    return out


class Backoff(unittest.TestCase):
    def test_quick_exit_backoff_then_fatal(self):
        conf = """
[program:quick]
command=/bin/sh -c 'exit 0'
startretries=2
"""
        with Daemon(extra=conf) as d:
            wait_for(lambda: state(d, "quick") == "FATAL", timeout=15, what="FATAL")
            info = d.rpc().supervisor.getProcessInfo("quick")
            self.assertEqual(info["spawnerr"], "Exited too quickly (process log may have details)")
            self.assertEqual(info["description"], "Exited too quickly (process log may have details)")
            log = d.mainlog()
            spawns = log_times(log, r"INFO spawned: 'quick' with pid \d+")
            self.assertEqual(len(spawns), 3)       # startretries + 1 attempts
            self.assertEqual(log.count("WARN exited: quick (exit status 0; not expected)"), 3)
            self.assertIn("INFO gave up: quick entered FATAL state, too many start retries too quickly", log)
            if not os.environ.get("REFD_WRAPPER"):
                # Retries wait 1 s, then 2 s (plus the time it takes to exit).
                self.assertGreaterEqual(spawns[1] - spawns[0], 0.95)
                self.assertLess(spawns[1] - spawns[0], 1.6)
                self.assertGreaterEqual(spawns[2] - spawns[1], 1.95)
                self.assertLess(spawns[2] - spawns[1], 2.6)

    def test_missing_command(self):
        conf = """
[program:missing]
command=/nonexistent/foo
startretries=1
"""
        with Daemon(extra=conf) as d:
            wait_for(lambda: state(d, "missing") == "FATAL", timeout=10, what="FATAL")
            log = d.mainlog()
            self.assertEqual(log.count("INFO spawnerr: can't find command '/nonexistent/foo'"), 2)
            self.assertEqual(fault(lambda: d.rpc().supervisor.startProcess("missing")),
                             (20, "NO_FILE: can't find command '/nonexistent/foo'"))


class Exits(unittest.TestCase):
    conf = """
[program:expected]
command=/bin/sh -c 'sleep 0.3; exit 0'
startsecs=0
autorestart=unexpected
[program:unexpected]
command=/bin/sh -c 'sleep 0.3; exit 3'
startsecs=0
autorestart=false
[program:coded]
command=/bin/sh -c 'sleep 0.3; exit 3'
startsecs=0
exitcodes=0,3
autorestart=unexpected
[program:always]
command=/bin/sh -c 'sleep 0.3; exit 0'
startsecs=0
autorestart=true
autostart=false
"""

    def test_autorestart_and_exitcodes(self):
        with Daemon(extra=self.conf) as d:
            wait_for(lambda: state(d, "expected") == "EXITED" and state(d, "unexpected") == "EXITED"
                     and state(d, "coded") == "EXITED", timeout=10, what="exits")
            s = d.rpc().supervisor
            self.assertEqual(s.getProcessInfo("unexpected")["spawnerr"], "Bad exit code 3")
            self.assertEqual(s.getProcessInfo("unexpected")["exitstatus"], 3)
            self.assertEqual(s.getProcessInfo("coded")["spawnerr"], "")
            log = d.mainlog()
            self.assertIn("INFO exited: expected (exit status 0; expected)", log)
            self.assertIn("WARN exited: unexpected (exit status 3; not expected)", log)
            self.assertIn("INFO exited: coded (exit status 3; expected)", log)
            time.sleep(0.5)
            self.assertEqual(log.count("spawned: 'expected'"), 1)
            # autorestart=true restarts even an expected exit
            self.assertTrue(s.startProcess("always"))
            wait_for(lambda: d.mainlog().count("spawned: 'always'") >= 2, timeout=10, what="restart")
            self.assertTrue(s.stopProcess("always"))

    def test_startsecs_zero_exit_is_true(self):
        with Daemon(extra=self.conf.replace("autostart=false", "autostart=false")) as d:
            s = d.rpc().supervisor
            wait_for(lambda: state(d, "unexpected") == "EXITED", timeout=10, what="exit")
            # RUNNING then EXITED is not a start failure.
            self.assertTrue(s.startProcess("unexpected"))
            wait_for(lambda: state(d, "unexpected") == "EXITED", timeout=10, what="exit")


class Stopping(unittest.TestCase):
    conf = """
[program:stubborn]
command=/bin/sh -c 'trap "" TERM; echo ready; while :; do sleep 1; done'
startsecs=1
stopwaitsecs=2
"""
    # Only the test that kills its orphan runs these (each start of loner
    # leaves a sleep behind, as it would under supervisord).
    family = """
[program:family]
command=/bin/sh -c 'sleep 1000 & sleep 1000 & echo $! > {tmp}/grandchild; wait'
startsecs=1
stopasgroup=true
[program:loner]
command=/bin/sh -c 'sleep 1000 & echo $! > {tmp}/orphan; wait'
startsecs=1
"""

    def test_sigkill_after_stopwaitsecs(self):
        with Daemon(extra=self.conf) as d:
            wait_for(lambda: state(d, "stubborn") == "RUNNING", what="RUNNING")
            t0 = time.monotonic()
            self.assertTrue(d.rpc().supervisor.stopProcess("stubborn"))
            took = time.monotonic() - t0
            self.assertEqual(state(d, "stubborn"), "STOPPED")
            if not os.environ.get("REFD_WRAPPER"):
                self.assertGreaterEqual(took, 1.9)
                self.assertLess(took, 3.5)
            log = d.mainlog()
            self.assertIn("WARN killing 'stubborn' (", log)
            self.assertIn("WARN stopped: stubborn (terminated by SIGKILL)", log)
            self.assertIn("INFO waiting for stubborn to stop", log)

    def test_stopasgroup_reaches_grandchildren(self):
        with Daemon(extra=self.conf + self.family) as d:
            wait_for(lambda: state(d, "family") == "RUNNING" and state(d, "loner") == "RUNNING",
                     what="RUNNING")
            grandchild = int(wait_for(lambda: open(os.path.join(d.tmp, "grandchild")).read().strip()))
            orphan = int(wait_for(lambda: open(os.path.join(d.tmp, "orphan")).read().strip()))
            self.assertTrue(d.rpc().supervisor.stopProcess("family"))
            wait_for(lambda: not os.path.exists("/proc/%d" % grandchild) or
                     open("/proc/%d/stat" % grandchild).read().split()[2] == "Z", what="grandchild gone")
            # Without stopasgroup only the shell is signalled: its child lives on.
            self.assertTrue(d.rpc().supervisor.stopProcess("loner"))
            self.assertTrue(os.path.exists("/proc/%d" % orphan))
            os.kill(orphan, signal.SIGKILL)

    def test_waited_start_does_not_block_others(self):
        with Daemon(extra="[program:slow]\ncommand=sleep 1000\nstartsecs=2\nautostart=false\n") as d:
            result = {}

            def start():
                t0 = time.monotonic()
                result["value"] = d.rpc().supervisor.startProcess("slow")
                result["took"] = time.monotonic() - t0

            th = threading.Thread(target=start)
            th.start()
            time.sleep(0.3)
            t0 = time.monotonic()
            for _ in range(10):
                self.assertEqual(d.rpc().supervisor.getState()["statecode"], 1)
            self.assertLess(time.monotonic() - t0, 1.5 * SLOW)
            th.join(timeout=10 * SLOW)
            self.assertTrue(result["value"])
            if not os.environ.get("REFD_WRAPPER"):
                self.assertGreaterEqual(result["took"], 1.95)
                self.assertLess(result["took"], 2.6)
            self.assertEqual(state(d, "slow"), "RUNNING")


    def test_waited_stop_finishes_when_another_client_restarts(self):
        # A waited stop is over once the process has stopped, even when
        # another client starts it again before refd looks at the stop
        # (seen in the soak: the stop then waited for a second stop).
        # Two clients restart the process as fast as they can while this
        # one stops it, waited, again and again; every stop must return.
        conf = "[program:quick]\ncommand=sleep 1000\nstartsecs=0\nautostart=true\n"
        with Daemon(extra=conf) as d:
            wait_for(lambda: state(d, "quick") == "RUNNING", what="RUNNING")
            done = threading.Event()

            def restarter():
                s = d.rpc()
                while not done.is_set():
                    try:
                        s.supervisor.startProcess("quick", False)
                    except xmlrpc.client.Fault:
                        pass

            helpers = [threading.Thread(target=restarter) for _ in range(2)]
            for t in helpers:
                t.start()
            try:
                s = d.rpc(timeout=5 * SLOW)
                deadline = time.monotonic() + 8
                stops = 0
                while time.monotonic() < deadline and stops < 300:
                    try:
                        self.assertTrue(s.supervisor.stopProcess("quick", True))
                        stops += 1
                    except xmlrpc.client.Fault as f:
                        self.assertEqual(f.faultCode, 70, f)      # NOT_RUNNING: a helper has not restarted it yet
            finally:
                done.set()
                for t in helpers:
                    t.join(timeout=10 * SLOW)
            self.assertGreater(stops, 10 // SLOW)     # valgrind runs few in the time


class Priorities(unittest.TestCase):
    def test_start_and_stop_order(self):
        conf = """
[program:c]
command=sleep 1000
priority=30
startsecs=0
[program:a]
command=sleep 1000
priority=10
startsecs=0
[program:b]
command=sleep 1000
priority=20
startsecs=0
"""
        with Daemon(extra=conf) as d:
            wait_for(lambda: all(state(d, n) == "RUNNING" for n in "abc"), what="RUNNING")
            spawned = re.findall(r"spawned: '(\w)'", d.mainlog())
            self.assertEqual(spawned, ["a", "b", "c"])
            res = d.rpc().supervisor.stopAllProcesses()
            self.assertEqual([r["name"] for r in res], ["a", "b", "c"])
            res = d.rpc().supervisor.startAllProcesses()
            self.assertEqual([r["name"] for r in res], ["a", "b", "c"])
            d.stop()
            stopped = re.findall(r"stopped: (\w) ", d.mainlog())
            self.assertEqual(stopped[-3:], ["c", "b", "a"])   # shutdown: highest priority first


class Signals(unittest.TestCase):
    conf = """
[program:trap]
command=/bin/sh -c 'trap "echo got HUP" HUP; trap "echo got USR1" USR1; echo ready; while :; do sleep 0.1; done'
startsecs=1
"""

    def test_signal_by_name_and_number(self):
        with Daemon(extra=self.conf) as d:
            s = d.rpc().supervisor
            wait_for(lambda: "ready" in s.readProcessStdoutLog("trap", 0, 0), what="ready")
            self.assertTrue(s.signalProcess("trap", "HUP"))
            wait_for(lambda: "got HUP" in s.readProcessStdoutLog("trap", 0, 0), what="HUP")
            self.assertTrue(s.signalProcess("trap", 10))
            wait_for(lambda: "got USR1" in s.readProcessStdoutLog("trap", 0, 0), what="USR1")
            wait_for(lambda: state(d, "trap") == "RUNNING", what="still running")
            self.assertEqual(fault(lambda: s.signalProcess("trap", "FOO")), (11, "BAD_SIGNAL: FOO"))
            self.assertEqual(fault(lambda: s.signalProcess("trap", 35)), (11, "BAD_SIGNAL: 35"))
            self.assertEqual(fault(lambda: s.signalProcess("nosuch", "HUP")), (10, "BAD_NAME: nosuch"))
            res = s.signalAllProcesses("FOO")
            self.assertEqual(res, [{"name": "trap", "group": "trap", "status": 11, "description": "BAD_SIGNAL: FOO"}])


class Stdin(unittest.TestCase):
    def test_cat_echoes(self):
        with Daemon(extra="[program:cat]\ncommand=cat\nstartsecs=0\n[program:off]\ncommand=cat\nautostart=false\n") as d:
            s = d.rpc().supervisor
            wait_for(lambda: state(d, "cat") == "RUNNING", what="RUNNING")
            self.assertTrue(s.sendProcessStdin("cat", "hello\n"))
            self.assertTrue(s.sendProcessStdin("cat", "caf\u00e9\n"))
            wait_for(lambda: s.readProcessStdoutLog("cat", 0, 0) == "hello\ncaf\u00e9\n", what="echo")
            self.assertEqual(fault(lambda: s.sendProcessStdin("off", "x")), (70, "NOT_RUNNING: off"))
            self.assertEqual(fault(lambda: s.sendProcessStdin("nosuch", 42)), (2, "INCORRECT_PARAMETERS: 42"))
            self.assertEqual(fault(lambda: s.sendProcessStdin("cat:*", "x")), (10, "BAD_NAME: cat:*"))
            # A large write is buffered without blocking the loop.
            big = "x" * 500000 + "\n"
            self.assertTrue(s.sendProcessStdin("cat", big))
            wait_for(lambda: len(s.readProcessStdoutLog("cat", 0, 0)) >= 500000, timeout=20, what="big echo")


class ChildEnvironment(unittest.TestCase):
    def test_env_fds_signals_dir_umask(self):
        conf = """
[supervisord]
environment=GLOBAL="g 1",SHARED=global

[program:probe]
command=/bin/sh -c 'env > {tmp}/env; ls /proc/self/fd > {tmp}/fds; grep -E "^Sig(Blk|Ign)" /proc/self/status > {tmp}/sig; pwd > {tmp}/pwd; umask > {tmp}/umask; exec sleep 1000'
environment=SHARED=program,OWN=yes
directory=/tmp
umask=027
startsecs=0
"""
        # [supervisord] appears twice: sections merge, as in supervisord.
        with Daemon(extra=conf) as d:
            wait_for(lambda: os.path.exists(os.path.join(d.tmp, "umask")) and
                     open(os.path.join(d.tmp, "umask")).read(), what="probe output")
            env = dict(line.split("=", 1) for line in open(os.path.join(d.tmp, "env")).read().splitlines() if "=" in line)
            self.assertEqual(env["SUPERVISOR_ENABLED"], "1")
            self.assertEqual(env["SUPERVISOR_PROCESS_NAME"], "probe")
            self.assertEqual(env["SUPERVISOR_GROUP_NAME"], "probe")
            self.assertEqual(env["SUPERVISOR_SERVER_URL"], "unix://" + d.sock)
            self.assertEqual(env["GLOBAL"], "g 1")
            self.assertEqual(env["SHARED"], "program")
            self.assertEqual(env["OWN"], "yes")
            fds = open(os.path.join(d.tmp, "fds")).read().split()
            # 0, 1, 2 and the one ls opens to list the directory
            self.assertLessEqual(len(fds), 4, fds)
            sig = open(os.path.join(d.tmp, "sig")).read()
            self.assertIn("SigBlk:\t0000000000000000", sig)
            self.assertEqual(open(os.path.join(d.tmp, "pwd")).read().strip(), "/tmp")
            self.assertEqual(open(os.path.join(d.tmp, "umask")).read().strip(), "0027")


class SpawnErrors(unittest.TestCase):
    def test_faults(self):
        conf = """
[program:dir]
command=/tmp
autostart=false
[program:notexec]
command={tmp}/refd.conf
autostart=false
[program:badquote]
command=/bin/sh -c 'unterminated
autostart=false
[program:badchdir]
command=/bin/true
directory=/nonexistent
autostart=false
startsecs=0
autorestart=false
"""
        with Daemon(extra=conf) as d:
            s = d.rpc().supervisor
            self.assertEqual(fault(lambda: s.startProcess("dir")), (21, "NOT_EXECUTABLE: command at '/tmp' is a directory"))
            self.assertEqual(fault(lambda: s.startProcess("notexec")),
                             (21, "NOT_EXECUTABLE: command at '%s/refd.conf' is not executable" % d.tmp))
            self.assertEqual(fault(lambda: s.startProcess("badquote")),
                             (21, "NOT_EXECUTABLE: can't parse command \"/bin/sh -c 'unterminated\": No closing quotation"))
            self.assertTrue(s.startProcess("badchdir"))
            wait_for(lambda: state(d, "badchdir") == "EXITED", what="EXITED")
            err = s.readProcessStderrLog("badchdir", 0, 0)
            self.assertEqual(err, "supervisor: couldn't chdir to /nonexistent: ENOENT\n"
                                  "supervisor: child process was not spawned\n")
            self.assertIn("WARN exited: badchdir (exit status 127; not expected)", d.mainlog())


class DaemonSignals(unittest.TestCase):
    def test_sighup_restart_and_broken_config(self):
        with Daemon(extra="[program:s]\ncommand=sleep 1000\nstartsecs=0\n") as d:
            wait_for(lambda: state(d, "s") == "RUNNING", what="RUNNING")
            pid1 = d.rpc().supervisor.getProcessInfo("s")["pid"]
            d.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: d.rpc().supervisor.getProcessInfo("s")["pid"] != pid1 and state(d, "s") == "RUNNING",
                     timeout=15, what="restart")
            self.assertIn("WARN received SIGHUP indicating restart request", d.mainlog())
            pid2 = d.rpc().supervisor.getProcessInfo("s")["pid"]
            # A broken config: refd keeps running on the old one, children untouched.
            with open(d.conf_path, "a") as f:
                f.write("[program:broken]\nstopsignal=NOPE\ncommand=x\n")
            d.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: "restart refused" in d.mainlog(), what="refusal")
            self.assertEqual(d.rpc().supervisor.getProcessInfo("s")["pid"], pid2)
            self.assertEqual(state(d, "s"), "RUNNING")
            self.assertEqual(fault(lambda: d.rpc().supervisor.restart())[0], 92)
            self.assertEqual(d.rpc().supervisor.getProcessInfo("s")["pid"], pid2)

    def test_sigusr2_reopens_logs(self):
        with Daemon(extra="[program:talk]\ncommand=/bin/sh -c 'while :; do echo tick; sleep 0.1; done'\n"
                          "stdout_logfile={tmp}/talk.log\nstartsecs=0\n") as d:
            talk = os.path.join(d.tmp, "talk.log")
            wait_for(lambda: os.path.getsize(talk) > 0, what="output")
            os.rename(talk, talk + ".old")
            os.rename(os.path.join(d.tmp, "refd.log"), os.path.join(d.tmp, "refd.log.old"))
            d.proc.send_signal(signal.SIGUSR2)
            wait_for(lambda: os.path.exists(talk) and os.path.getsize(talk) > 0, what="reopened child log")
            wait_for(lambda: os.path.exists(os.path.join(d.tmp, "refd.log")), what="reopened main log")
            old = open(os.path.join(d.tmp, "refd.log.old")).read()
            self.assertIn("INFO received SIGUSR2 indicating log reopen request", old)
            self.assertIn("INFO supervisord logreopen", old)


if __name__ == "__main__":
    unittest.main()
