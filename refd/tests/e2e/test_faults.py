"""End-to-end: faults refd must survive — misbehaving children, running
out of descriptors and processes, and its own shutdown with many
children."""
import os
import pwd
import shutil
import socket
import subprocess
import time
import unittest

from refdtest import Daemon, SLOW, wait_for, state


def children_of(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append((int(entry), fields[0]))
        except OSError:
            pass
    return out


class Children(unittest.TestCase):
    def test_closed_stdout_and_flood(self):
        conf = """
[program:closer]
command=/bin/sh -c 'exec 1>&-; sleep 0.5; echo still here >&2; exec sleep 1000'
startsecs=0
[program:flood]
command=/bin/sh -c 'yes flooding-the-pipe-as-fast-as-possible'
stdout_logfile={tmp}/flood.log
stdout_logfile_maxbytes=1MB
stdout_logfile_backups=1
startsecs=0
"""
        with Daemon(extra=conf) as d:
            s = d.rpc().supervisor
            wait_for(lambda: "still here" in s.readProcessStderrLog("closer", 0, 0), what="stderr")
            self.assertEqual(state(d, "closer"), "RUNNING")
            # The daemon answers promptly while a child floods its pipe.
            worst = 0
            for _ in range(50):
                t0 = time.monotonic()
                s.getState()
                worst = max(worst, time.monotonic() - t0)
            self.assertLess(worst, 0.5 * SLOW)
            self.assertTrue(s.stopProcess("flood"))


class Descriptors(unittest.TestCase):
    def test_out_of_descriptors_then_recovery(self):
        conf = """
[supervisord]
minfds=16

[program:late]
command=sleep 1000
autostart=false
startsecs=0
"""
        d = Daemon(extra=conf)
        d.binary_prefix = None
        import resource

        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))
        cmd = [d.binary, "-c", d.conf_path, "-n"]
        with open(os.path.join(d.tmp, "stderr.txt"), "wb") as err:
            d.proc = subprocess.Popen(cmd, stderr=err, stdout=subprocess.DEVNULL, preexec_fn=low_limit,
                                      start_new_session=True)
        d.stderr_path = os.path.join(d.tmp, "stderr.txt")
        try:
            wait_for(d._ready, what="refd")
            socks = []
            try:
                for _ in range(60):
                    socks.append(socket.create_connection(("127.0.0.1", d.port), timeout=2))
            except OSError:
                pass
            time.sleep(0.5)
            # Out of descriptors: the daemon says so and keeps its head.
            wait_for(lambda: "cannot accept a connection on inet_http_server: Too many open files" in d.mainlog(),
                     what="EMFILE handling")
            self.assertEqual(d.proc.poll(), None)
            for s in socks:
                s.close()
            # Descriptors come back: so does service, and spawning.
            wait_for(lambda: d.rpc().supervisor.getState()["statecode"] == 1, timeout=15, what="recovery")
            self.assertTrue(d.rpc().supervisor.startProcess("late"))
        finally:
            d.__exit__(None, None, None)


class Processes(unittest.TestCase):
    def test_fork_failure_is_backoff(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root to run refd as an unprivileged user")
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            self.skipTest("no user nobody")
        conf = """
[supervisord]
minprocs=1

[program:many]
command=sleep 1000
numprocs=12
process_name=%(program_name)s_%(process_num)d
startsecs=0
startretries=1
"""
        d = Daemon(extra=conf)
        os.chmod(d.tmp, 0o777)
        running = int(subprocess.run(["sh", "-c", "ps -u nobody -o pid= | wc -l"], capture_output=True,
                                     text=True).stdout.strip() or 0)
        cmd = ["prlimit", "--nproc=%d" % (running + 6), "setpriv", "--reuid=%d" % nobody.pw_uid,
               "--regid=%d" % nobody.pw_gid, "--clear-groups", d.binary, "-c", d.conf_path, "-n"]
        d.stderr_path = os.path.join(d.tmp, "stderr.txt")
        with open(d.stderr_path, "wb") as err:
            d.proc = subprocess.Popen(cmd, stderr=err, stdout=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_for(d._ready, what="refd as nobody")
            wait_for(lambda: "Too many processes in process table to spawn" in d.mainlog(), timeout=15,
                     what="fork failure")
            infos = d.rpc().supervisor.getAllProcessInfo()
            states = {i["statename"] for i in infos}
            self.assertIn("RUNNING", states)
            self.assertTrue(states & {"BACKOFF", "FATAL"})
            self.assertEqual(d.rpc().supervisor.getState()["statecode"], 1)
        finally:
            d.__exit__(None, None, None)

    def test_shutdown_with_100_children(self):
        conf = """
[program:s]
command=sleep 1000
numprocs=100
process_name=%(program_name)s_%(process_num)d
startsecs=0
stopwaitsecs=5
"""
        with Daemon(extra=conf) as d:
            wait_for(lambda: sum(1 for i in d.rpc().supervisor.getAllProcessInfo() if i["statename"] == "RUNNING")
                     == 100, timeout=30, what="100 RUNNING")
            pids = [i["pid"] for i in d.rpc().supervisor.getAllProcessInfo()]
            t0 = time.monotonic()
            rc = d.stop()
            took = time.monotonic() - t0
            self.assertEqual(rc, 0)
            self.assertLess(took, 5 * SLOW)
            for pid in pids:         # no orphan left behind
                self.assertFalse(os.path.exists("/proc/%d" % pid) and
                                 open("/proc/%d/stat" % pid).read().split()[2] != "Z", pid)


if __name__ == "__main__":
    unittest.main()
