"""A bounded soak: several clients do random starts, stops, signals,
twiddler adds and removes and log reads against 200 programs whose
children exit and restart, for REFD_SOAK_SECONDS (default 60). Afterwards
the daemon must hold no more descriptors than before, its RSS must be
near where it started, and every child log must be complete.

    REFD_BIN=build/refd/refd REFD_SOAK_SECONDS=600 python3 soak.py   # ten minutes
"""
import os
import random
import re
import sys
import threading
import time
import unittest
import xmlrpc.client

from refdtest import Daemon, RSS_MEANINGFUL, SLOW, wait_for, rss_kb

SECONDS = float(os.environ.get("REFD_SOAK_SECONDS", "60"))
STEADY = int(os.environ.get("REFD_SOAK_STEADY", "150"))
FLAKY = int(os.environ.get("REFD_SOAK_FLAKY", "50"))
CLIENTS = 6

CONF = """
[program:steady]
command=/bin/sh -c 'i=0; while :; do echo "steady $i"; i=$((i+1)); sleep 0.2; done'
numprocs={steady}
process_name=%(program_name)s_%(process_num)03d
stdout_logfile={tmp}/%(program_name)s_%(process_num)03d.log
stdout_logfile_maxbytes=0
startsecs=0
stopwaitsecs=3

[program:flaky]
command=/bin/sh -c 'echo "flaky start"; sleep 0.$$; exit 3'
numprocs={flaky}
process_name=%(program_name)s_%(process_num)03d
autorestart=true
startsecs=0
stopwaitsecs=3
"""


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def client(d, seed, deadline, errors, counts):
    rnd = random.Random(seed)
    s = d.rpc()
    names = ["steady:steady_%03d" % i for i in range(STEADY)] + ["flaky:flaky_%03d" % i for i in range(FLAKY)]
    added = []
    while time.monotonic() < deadline:
        op = rnd.randrange(8)
        name = rnd.choice(names)
        try:
            if op == 0:
                s.supervisor.stopProcess(name, rnd.random() < 0.5)
            elif op == 1:
                s.supervisor.startProcess(name, rnd.random() < 0.5)
            elif op == 2:
                s.supervisor.signalProcess(name, rnd.choice(["CONT", "USR2", 0, "WINCH"]))
            elif op == 3:
                s.supervisor.readProcessStdoutLog(name, -200, 0)
            elif op == 4:
                s.supervisor.getAllProcessInfo()
            elif op == 5:
                prog = "dyn%d_%d" % (seed, len(added))
                s.twiddler.addProgramToGroup("dyn", prog, {"command": "sleep 30", "startsecs": "0",
                                                           "autostart": rnd.choice(["true", "false"])})
                added.append(prog)
            elif op == 6 and added:
                prog = added.pop(rnd.randrange(len(added)))
                try:
                    s.supervisor.stopProcess("dyn:" + prog)
                except xmlrpc.client.Fault:
                    pass
                s.twiddler.removeProcessFromGroup("dyn", prog)
            elif op == 7:
                s.supervisor.tailProcessStdoutLog(name, 0, 100)
            counts[0] += 1
        except xmlrpc.client.Fault as f:
            # The faults a racing client can expect; anything else is a bug.
            if f.faultCode not in (10, 50, 60, 70, 40, 91):
                errors.append("%s %s: %s" % (op, name, f))
        except Exception as e:      # transport errors are failures
            errors.append("%s %s: %r" % (op, name, e))


class Soak(unittest.TestCase):
    def test_soak(self):
        with Daemon(extra=CONF.replace("{steady}", str(STEADY)).replace("{flaky}", str(FLAKY))) as d:
            s = d.rpc()
            wait_for(lambda: sum(1 for i in s.supervisor.getAllProcessInfo() if i["statename"] == "RUNNING")
                     >= STEADY, timeout=60 * SLOW, what="the programs")
            self.assertTrue(s.twiddler.addGroup("dyn", 999))
            time.sleep(1)
            fds0, rss0 = fd_count(d.proc.pid), rss_kb(d.proc.pid)
            deadline = time.monotonic() + SECONDS
            errors, counts = [], [0]
            threads = [threading.Thread(target=client, args=(d, i, deadline, errors, counts))
                       for i in range(CLIENTS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=SECONDS + 120)
            self.assertEqual(errors[:10], [])
            # Put everything back the way it was, then compare.
            s.supervisor.stopProcessGroup("dyn")
            for info in s.supervisor.getAllProcessInfo():
                if info["group"] == "dyn":
                    s.twiddler.removeProcessFromGroup("dyn", info["name"])
            s.supervisor.startProcessGroup("steady", False)
            wait_for(lambda: sum(1 for i in s.supervisor.getAllProcessInfo() if i["statename"] == "RUNNING")
                     >= STEADY, timeout=60 * SLOW, what="steady again")
            time.sleep(2)
            fds1, rss1 = fd_count(d.proc.pid), rss_kb(d.proc.pid)
            print("soak: %.0f s, %d operations, fds %d -> %d, RSS %d -> %d kB"
                  % (SECONDS, counts[0], fds0, fds1, rss0, rss1), file=sys.stderr)
            self.assertLessEqual(fds1, fds0 + 8)       # flaky children come and go
            if RSS_MEANINGFUL:
                self.assertLess(rss1, rss0 + 8 * 1024)
            # Every steady log holds an unbroken count for each run of it.
            for i in range(STEADY):
                with open(os.path.join(d.tmp, "steady_%03d.log" % i)) as f:
                    numbers = [int(m) for m in re.findall(r"^steady (\d+)$", f.read(), re.M)]
                runs = 0
                for a, b in zip(numbers, numbers[1:]):
                    if b != a + 1:
                        self.assertEqual(b, 0, "steady_%03d: %d then %d" % (i, a, b))
                        runs += 1


if __name__ == "__main__":
    unittest.main()
