"""End-to-end: events and event listeners (events.md), with real listeners
(listeners/record.py) that write down every envelope they receive.

The expectations were checked against Debian's supervisord 4.2.5: run this
suite with REFD_E2E_SUPERVISORD=/usr/bin/supervisord to run it against the
real thing. Where refd deliberately differs (docs/compat.md, "Events"), a
test asserts refd's behaviour and, against supervisord, the original's;
tests of refd-only features are skipped there.
"""
import ast
import os
import re
import signal
import sys
import unittest

from refdtest import RSS_MEANINGFUL, Daemon, rss_kb, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "..", "..", "..", "docs")
RECORD = os.path.join(HERE, "listeners", "record.py")
ORACLE = os.environ.get("REFD_E2E_SUPERVISORD")
IS_REFD = not ORACLE

CONF = """\
[supervisord]
logfile={tmp}/refd.log
pidfile={tmp}/refd.pid
childlogdir={tmp}
loglevel=debug
nodaemon=true
silent=true

[inet_http_server]
port=127.0.0.1:{port}

[unix_http_server]
file={tmp}/refd.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
"""

ENVELOPE = re.compile(rb"ver:3\.0 server:(\S+) serial:(\d+) pool:(\S+) poolserial:(\d+) "
                      rb"eventname:([A-Z_0-9]+) len:(\d+)\n\Z")


def listener(name, out, events, options="", extra="", startsecs=0):
    """An [eventlistener:name] section running record.py into {tmp}/out."""
    return ("\n[eventlistener:%s]\ncommand=%s %s {tmp}/%s %s\nevents=%s\nstartsecs=%d\n%s\n"
            % (name, sys.executable, RECORD, out, options, events, startsecs, extra))


class Env:
    """One envelope as a listener received it."""

    def __init__(self, line, payload):
        m = ENVELOPE.match(line)
        if not m:
            raise AssertionError("bad envelope header %r" % line)
        self.line, self.payload = line, payload
        self.server = m.group(1).decode()
        self.serial, self.poolserial = int(m.group(2)), int(m.group(4))
        self.pool, self.name = m.group(3).decode(), m.group(5).decode()
        self.len = int(m.group(6))

    def __repr__(self):
        return "<%s %d/%d %r>" % (self.name, self.serial, self.poolserial, self.payload)


def received(d, out):
    path = os.path.join(d.tmp, out)
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        return [Env(*ast.literal_eval(line.decode())) for line in f if line.strip()]


def wait_received(d, out, pred, what):
    return wait_for(lambda: (lambda evs: evs if pred(evs) else None)(received(d, out)),
                    timeout=20, what=what)


def daemon(extra):
    return Daemon(conf=CONF + extra, binary=ORACLE or None)


def state_events(evs, proc):
    """(eventname, payload with the pid replaced by P) of one process."""
    want = b"processname:%s " % proc.encode()
    return [(e.name, re.sub(rb"pid:\d+", b"pid:P", e.payload))
            for e in evs if e.name.startswith("PROCESS_STATE_") and e.payload.startswith(want)]


class ProcessState(unittest.TestCase):
    def test_start_run_exit_and_backoff(self):
        conf = listener("lis", "lis.out", "PROCESS_STATE") + """
[program:quick]
command=sh -c 'sleep 2.5; exit 3'
startsecs=1
autorestart=false

[program:flaky]
command=sh -c 'exit 0'
startsecs=2
startretries=1
"""
        with daemon(conf) as d:
            evs = wait_received(d, "lis.out", lambda evs: len(state_events(evs, "quick")) >= 3
                                and len(state_events(evs, "flaky")) >= 5, "state events")
            self.assertEqual(state_events(evs, "quick"), [
                ("PROCESS_STATE_STARTING", b"processname:quick groupname:quick from_state:STOPPED tries:0"),
                ("PROCESS_STATE_RUNNING", b"processname:quick groupname:quick from_state:STARTING pid:P"),
                ("PROCESS_STATE_EXITED",
                 b"processname:quick groupname:quick from_state:RUNNING expected:0 pid:P"),
            ])
            self.assertEqual(state_events(evs, "flaky"), [
                ("PROCESS_STATE_STARTING", b"processname:flaky groupname:flaky from_state:STOPPED tries:0"),
                ("PROCESS_STATE_BACKOFF", b"processname:flaky groupname:flaky from_state:STARTING tries:1"),
                ("PROCESS_STATE_STARTING", b"processname:flaky groupname:flaky from_state:BACKOFF tries:1"),
                ("PROCESS_STATE_BACKOFF", b"processname:flaky groupname:flaky from_state:STARTING tries:2"),
                ("PROCESS_STATE_FATAL", b"processname:flaky groupname:flaky from_state:BACKOFF"),
            ])
            # The pid of RUNNING and EXITED is the one that ran.
            pids = {re.search(rb"pid:(\d+)", e.payload).group(1) for e in evs
                    if e.payload.startswith(b"processname:quick") and b"pid:" in e.payload}
            self.assertEqual(len(pids), 1)
            self.assertNotEqual(pids, {b"0"})
            # One pool: serials and pool serials agree, from 0, in order;
            # the listener's own STARTING and RUNNING are there too.
            self.assertEqual([e.serial for e in evs], list(range(len(evs))))
            self.assertEqual([e.poolserial for e in evs], list(range(len(evs))))
            self.assertEqual(state_events(evs, "lis")[:1],
                             [("PROCESS_STATE_STARTING", b"processname:lis groupname:lis from_state:STOPPED tries:0")])
            for e in evs:
                self.assertEqual((e.server, e.pool, e.len), ("supervisor", "lis", len(e.payload)))


class Protocol(unittest.TestCase):
    def test_ok_and_fail_redelivery(self):
        with daemon(listener("lis", "lis.out", "REMOTE_COMMUNICATION", "--fail-first")) as d:
            d.rpc().supervisor.sendRemoteCommEvent("mytype", "my data\nline2")
            evs = wait_received(d, "lis.out", lambda evs: len(evs) >= 2, "the redelivery")
            # The rejected event comes back with the same serials.
            self.assertEqual(evs[0].line, evs[1].line)
            self.assertEqual(evs[0].line, b"ver:3.0 server:supervisor serial:0 pool:lis poolserial:0 "
                                          b"eventname:REMOTE_COMMUNICATION len:25\n")
            self.assertEqual(evs[1].payload, b"type:mytype\nmy data\nline2")
            wait_for(lambda: "lis: event was processed" in d.mainlog(), what="the OK")
            log = d.mainlog()
            self.assertIn(" WARN lis: event was rejected\n", log)
            self.assertIn(" DEBG lis: BUSY -> ACKNOWLEDGED\n", log)
            self.assertIn(" DEBG rebuffering event 0 for pool lis (buf size=0, max=10)\n", log)
            self.assertIn(" DEBG event 0 sent to listener lis\n", log)
            self.assertIn(" DEBG lis: ACKNOWLEDGED -> READY\n", log)
            self.assertIn(" DEBG 'lis' stdout output:\nb'READY\\n'\n", log)

    def test_buffer_overflow(self):
        conf = listener("slow", "slow.out", "REMOTE_COMMUNICATION", "--wait {tmp}/go", "buffer_size=2")
        with daemon(conf) as d:
            for word in "abcde":
                d.rpc().supervisor.sendRemoteCommEvent("t", word)
            log = d.mainlog()
            for serial in (0, 1, 2):
                self.assertIn(" ERRO pool slow event buffer overflowed, discarding event %d\n" % serial, log)
            self.assertNotIn("discarding event 3", log)
            open(os.path.join(d.tmp, "go"), "w").close()
            evs = wait_received(d, "slow.out", lambda evs: len(evs) >= 2, "the two kept events")
            self.assertEqual([(e.serial, e.poolserial, e.payload) for e in evs],
                             [(3, 3, b"type:t\nd"), (4, 4, b"type:t\ne")])

    def test_listener_dies_while_busy(self):
        conf = listener("lis", "lis.out", "REMOTE_COMMUNICATION", "--die-once {tmp}/died",
                        "autorestart=true")
        with daemon(conf) as d:
            d.rpc().supervisor.sendRemoteCommEvent("t", "x")
            evs = wait_received(d, "lis.out", lambda evs: len(evs) >= 2, "the redelivery")
            self.assertEqual(evs[0].line, evs[1].line)
            self.assertIn("rebuffering event 0 for pool lis", d.mainlog())

    def test_numprocs_pool(self):
        conf = listener("pool", "pool.out", "REMOTE_COMMUNICATION", "",
                        "numprocs=2\nprocess_name=%(program_name)s_%(process_num)d")
        with daemon(conf) as d:
            wait_for(lambda: all(p["state"] == 20 for p in d.rpc().supervisor.getAllProcessInfo()),
                     what="both listeners")
            for word in "abcd":
                d.rpc().supervisor.sendRemoteCommEvent("t", word)
            evs = wait_received(d, "pool.out", lambda evs: len(evs) >= 4, "four events")
            self.assertEqual(sorted(e.payload for e in evs), [b"type:t\na", b"type:t\nb", b"type:t\nc", b"type:t\nd"])
            self.assertEqual({e.pool for e in evs}, {"pool"})

    def test_result_prefix_is_checked(self):
        with daemon(listener("lis", "lis.out", "REMOTE_COMMUNICATION", "--prefix 'RESULTX '")) as d:
            d.rpc().supervisor.sendRemoteCommEvent("t", "x")
            wait_received(d, "lis.out", lambda evs: len(evs) >= 1, "the event")
            if IS_REFD:
                # refd: a line that does not start with "RESULT " is a bad one.
                wait_for(lambda: "rebuffering event 0 for pool lis" in d.mainlog(), what="the rejection")
                log = d.mainlog()
                self.assertIn(" WARN lis: bad result line: 'RESULTX 2'\n", log)
                self.assertIn(" WARN lis: has entered the UNKNOWN state and will no longer receive events, "
                              "this usually indicates the process violated the eventlistener protocol\n", log)
            else:
                # supervisord skips 7 bytes unchecked and takes the event as processed.
                wait_for(lambda: "lis: event was processed" in d.mainlog(), what="processing")


class Payloads(unittest.TestCase):
    def test_capture_and_log_events(self):
        conf = listener("comm", "comm.out", "PROCESS_COMMUNICATION") \
            + listener("logs", "logs.out", "PROCESS_LOG") + r"""
[program:talker]
command=sh -c 'printf "hello\npre<!--XSUPERVISOR:BEGIN-->captured data<!--XSUPERVISOR:END-->"; printf "x\210\n" >&2; exec sleep 100'
stdout_capture_maxbytes=1000
stdout_events_enabled=true
stderr_events_enabled=true
startsecs=0
"""
        with daemon(conf) as d:
            comm = wait_received(d, "comm.out", lambda evs: len(evs) >= 1, "the comm event")
            pid = d.rpc().supervisor.getProcessInfo("talker")["pid"]
            self.assertEqual([(e.name, e.payload) for e in comm], [
                ("PROCESS_COMMUNICATION_STDOUT",
                 b"processname:talker groupname:talker pid:%d\ncaptured data" % pid)])
            logs = wait_received(d, "logs.out", lambda evs: len(evs) >= 3, "the log events")
            self.assertEqual(sorted((e.name, e.payload) for e in logs), sorted([
                ("PROCESS_LOG_STDOUT", b"processname:talker groupname:talker pid:%d channel:stdout\nhello\npre" % pid),
                ("PROCESS_LOG_STDOUT", b"processname:talker groupname:talker pid:%d channel:stdout\ncaptured data" % pid),
                ("PROCESS_LOG_STDERR",
                 b"processname:talker groupname:talker pid:%d channel:stderr\nUndecodable: b'x\\x88\\n'" % pid),
            ]))

    def test_remote_comm_len_counts_bytes(self):
        options = "" if IS_REFD else "--chars"
        with daemon(listener("lis", "lis.out", "REMOTE_COMMUNICATION", options)) as d:
            d.rpc().supervisor.sendRemoteCommEvent("t", "caf\u00e9")
            d.rpc().supervisor.sendRemoteCommEvent("t", "next")
            evs = wait_received(d, "lis.out", lambda evs: len(evs) >= 2, "two events")
            self.assertEqual([e.payload for e in evs], [b"type:t\ncaf\xc3\xa9", b"type:t\nnext"])
            # refd: the byte length; supervisord: the number of characters.
            self.assertEqual(evs[0].len, 12 if IS_REFD else 11)

    def test_tick_5(self):
        with daemon(listener("ticker", "tick.out", "TICK_5")) as d:
            evs = wait_received(d, "tick.out", lambda evs: len(evs) >= 1, "a tick")
            self.assertEqual(evs[0].name, "TICK_5")
            m = re.fullmatch(rb"when:(\d+)", evs[0].payload)
            self.assertIsNotNone(m, evs[0].payload)
            self.assertEqual(int(m.group(1)) % 5, 0)
            self.assertEqual((evs[0].serial, evs[0].poolserial), (0, 0))


class Groups(unittest.TestCase):
    def test_startup_order_and_group_removal(self):
        # startsecs=1: all start in one pass, then all reach RUNNING.
        conf = listener("lis", "lis.out", "PROCESS_GROUP,SUPERVISOR_STATE_CHANGE,PROCESS_STATE",
                        startsecs=1) + """
[group:grp]
programs=member

[program:member]
command=sleep 1000

[program:talker]
command=sleep 1000
"""
        with daemon(conf) as d:
            wait_received(d, "lis.out", lambda evs: len(evs) >= 10, "the start-up")
            s = d.rpc().supervisor
            s.stopProcess("talker")
            s.removeProcessGroup("talker")
            evs = wait_received(d, "lis.out", lambda evs: evs[-1].name == "PROCESS_GROUP_REMOVED",
                                "the removal")
            names = [(e.name, e.payload.split(b" ")[0]) for e in evs]
            self.assertEqual(names[:10], [
                ("PROCESS_GROUP_ADDED", b"groupname:lis\n"),
                ("PROCESS_GROUP_ADDED", b"groupname:grp\n"),
                ("PROCESS_GROUP_ADDED", b"groupname:talker\n"),
                ("SUPERVISOR_STATE_CHANGE_RUNNING", b""),
                ("PROCESS_STATE_STARTING", b"processname:lis"),
                ("PROCESS_STATE_STARTING", b"processname:member"),
                ("PROCESS_STATE_STARTING", b"processname:talker"),
                ("PROCESS_STATE_RUNNING", b"processname:lis"),
                ("PROCESS_STATE_RUNNING", b"processname:member"),
                ("PROCESS_STATE_RUNNING", b"processname:talker"),
            ])
            self.assertEqual(names[-3:], [
                ("PROCESS_STATE_STOPPING", b"processname:talker"),
                ("PROCESS_STATE_STOPPED", b"processname:talker"),
                ("PROCESS_GROUP_REMOVED", b"groupname:talker\n"),
            ])

    def test_rejected_event_stays_in_its_pool(self):
        conf = listener("a", "a.out", "REMOTE_COMMUNICATION", "--fail-first") \
            + listener("b", "b.out", "PROCESS_STATE_STOPPED") + """
[program:sleeper]
command=sleep 1000
startsecs=0
"""
        with daemon(conf) as d:
            d.rpc().supervisor.sendRemoteCommEvent("t", "x")
            wait_received(d, "a.out", lambda evs: len(evs) >= 2, "the redelivery to a")
            d.rpc().supervisor.stopProcess("sleeper")
            evs = wait_received(d, "b.out", lambda evs: any(e.name == "PROCESS_STATE_STOPPED" for e in evs),
                                "b's STOPPED event")
            if IS_REFD:
                self.assertEqual([e.name for e in evs], ["PROCESS_STATE_STOPPED"])
            else:
                # supervisord also rebuffers into every pool with a process
                # of equal priority, subscribed or not.
                self.assertEqual([e.name for e in evs], ["REMOTE_COMMUNICATION", "PROCESS_STATE_STOPPED"])

    def test_restart_keeps_the_serial(self):
        with daemon(listener("lis", "lis.out", "REMOTE_COMMUNICATION")) as d:
            d.rpc().supervisor.sendRemoteCommEvent("t", "before")
            wait_received(d, "lis.out", lambda evs: len(evs) >= 1, "the first event")
            pid = d.rpc().supervisor.getPID()
            d.proc.send_signal(signal.SIGHUP)
            wait_for(lambda: "received SIGHUP" in d.mainlog() and d.rpc().supervisor.getState()["statecode"] == 1
                     and d.rpc().supervisor.getProcessInfo("lis")["state"] == 20, what="the restart")
            self.assertEqual(d.rpc().supervisor.getPID(), pid)
            d.rpc().supervisor.sendRemoteCommEvent("t", "after")
            evs = wait_received(d, "lis.out", lambda evs: len(evs) >= 2, "the second event")
            # The global serial goes on; the new pool counts from 0.
            self.assertEqual([(e.serial, e.poolserial, e.payload) for e in evs],
                             [(0, 0, b"type:t\nbefore"), (1, 0, b"type:t\nafter")])


def has_childutils():
    try:
        import supervisor.childutils  # noqa: F401
        return True
    except ImportError:
        return False


@unittest.skipUnless(has_childutils(), "needs Debian's python3-supervisor")
class Childutils(unittest.TestCase):
    def test_childutils_listener(self):
        # supervisor.childutils reads a text-mode stdin; ASCII payloads
        # read the same whether len counts bytes or characters.
        conf = """
[eventlistener:cu]
command=%s %s {tmp}/cu.out
events=REMOTE_COMMUNICATION,PROCESS_STATE_RUNNING
startsecs=0
""" % (sys.executable, os.path.join(HERE, "listeners", "childutils_listener.py"))
        with daemon(conf) as d:
            d.rpc().supervisor.sendRemoteCommEvent("mytype", "my data\nline2")
            path = os.path.join(d.tmp, "cu.out")

            def two_events():
                if not os.path.exists(path):
                    return None
                with open(path) as f:
                    got = [ast.literal_eval(line) for line in f]
                return got if len(got) >= 2 else None
            got = wait_for(two_events, timeout=20, what="two events")
            names = sorted(h["eventname"] for h, p in got)
            self.assertEqual(names, ["PROCESS_STATE_RUNNING", "REMOTE_COMMUNICATION"])
            for h, p in got:
                self.assertEqual(int(h["len"]), len(p))
                if h["eventname"] == "REMOTE_COMMUNICATION":
                    self.assertEqual(p, "type:mytype\nmy data\nline2")


class DocExample(unittest.TestCase):
    """docs/events.md's example listener and config, as written."""

    def test_example_reports_unexpected_exits(self):
        with open(os.path.join(DOCS, "events.md")) as f:
            text = f.read()
        example = text[text.index("## Example"):]
        script = re.findall(r"```python\n(.*?)```", example, re.S)[0]
        ini = re.findall(r"```ini\n(.*?)```", example, re.S)[0]
        d = daemon(ini.replace("/usr/local/bin/exits.py", "{tmp}/exits.py"))
        with open(os.path.join(d.tmp, "exits.py"), "w") as f:
            f.write(script)
        with d:
            s = d.rpc().supervisor
            line = wait_for(lambda: re.search(r"flaky:flaky exited unexpectedly \(pid (\d+)\)\n",
                                              s.readProcessStderrLog("exits", 0, 0)),
                            timeout=20, what="the report")
            self.assertGreater(int(line.group(1)), 0)


@unittest.skipUnless(IS_REFD, "supervisor_twiddler's handler is refd's (broken under 4.2.5's Python 3)")
class StdinHandler(unittest.TestCase):
    def test_stdin_result_writes_to_the_process(self):
        conf = listener("lst", "lst.out", "PROCESS_COMMUNICATION_STDOUT",
                        "--result 'STDIN:hello from the listener, at some length\\n'",
                        "result_handler=supervisor_twiddler.resulthandler:stdin_write_handler") + """
[program:cat]
command=cat
stdout_capture_maxbytes=1000
startsecs=0
"""
        with daemon(conf) as d:
            s = d.rpc().supervisor
            wait_for(lambda: s.getProcessInfo("cat")["state"] == 20, what="cat")
            s.sendProcessStdin("cat", "<!--XSUPERVISOR:BEGIN-->ping<!--XSUPERVISOR:END-->")
            evs = wait_received(d, "lst.out", lambda evs: len(evs) >= 1, "the comm event")
            self.assertEqual(evs[0].payload, b"processname:cat groupname:cat pid:%d\nping"
                             % s.getProcessInfo("cat")["pid"])
            wait_for(lambda: "hello from the listener, at some length\n" in s.readProcessStdoutLog("cat", 0, 0),
                     what="the STDIN: write to cat")
            self.assertIn("lst: event was processed", d.mainlog())


@unittest.skipUnless(IS_REFD, "refd's bound")
class Bounds(unittest.TestCase):
    def test_listener_that_does_not_read_its_stdin(self):
        # READY and OK for ever, never reading: refd stops queueing once
        # 1 MiB is unsent, and stays small.
        conf = """
[eventlistener:deaf]
command=sh -c 'while :; do printf "READY\\n"; sleep 0.1; printf "RESULT 2\\nOK"; done'
events=REMOTE_COMMUNICATION
startsecs=0
buffer_size=5
"""
        with daemon(conf) as d:
            s = d.rpc().supervisor
            data = "x" * 300000
            for _ in range(10):
                s.sendRemoteCommEvent("t", data)
            wait_for(lambda: "stdin of listener deaf is full" in d.mainlog(), what="the full queue")
            if not RSS_MEANINGFUL:
                return
            # 30 MB more for a listener that reads nothing: refd keeps at
            # most buffer_size events and 1 MiB of stdin for it.
            pid = s.getPID()
            before = rss_kb(pid)
            for _ in range(100):
                s.sendRemoteCommEvent("t", data)
            self.assertLess(rss_kb(pid) - before, 16 * 1024)


if __name__ == "__main__":
    unittest.main()
