"""End-to-end: child output and the main log — nothing lost across
rotations, the log RPCs on odd bytes, clearing while writing, capture
mode, strip_ansi, AUTO log cleanup, a full disk, and the /logtail and
/mainlogtail streams (also through the real supervisorctl)."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from refdtest import Daemon, SLOW, wait_for, state


def read_stream(d, path, seconds, version="1.1", until=None):
    """GET a streaming path and collect what arrives for a while."""
    s = socket.create_connection(("127.0.0.1", d.port))
    s.sendall(("GET %s HTTP/%s\r\nHost: x\r\n\r\n" % (path, version)).encode())
    s.settimeout(0.2)
    data = b""
    deadline = time.monotonic() + seconds * SLOW
    while time.monotonic() < deadline:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            if until and until in data:
                break
            continue
        if not chunk:
            break
        data += chunk
        if until and until in data:
            break
    s.close()
    return data


def dechunk(body):
    out = b""
    while body:
        line, _, rest = body.partition(b"\r\n")
        if not line:
            break
        size = int(line, 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return out


class NoLoss(unittest.TestCase):
    def test_every_line_exactly_once_across_rotations(self):
        n = 20000
        conf = """
[program:counter]
command=/bin/sh -c 'i=0; while [ $i -lt {n} ]; do echo "line $i padding-padding-padding"; i=$((i+1)); done; exec sleep 1000'
stdout_logfile={{tmp}}/counter.log
stdout_logfile_maxbytes=64KB
stdout_logfile_backups=50
startsecs=0
""".format(n=n)
        with Daemon(extra=conf) as d:
            base = os.path.join(d.tmp, "counter.log")

            def complete():
                # Distinct lines: a file renamed by a rotation between the
                # glob and the read can be read twice, and a count of
                # newlines would then say "done" while the tail is still
                # being written.
                lines = set()
                for f in glob.glob(base + "*"):
                    try:
                        with open(f, "rb") as fh:
                            lines.update(fh.read().splitlines())
                    except FileNotFoundError:
                        return False
                return len(lines) >= n
            wait_for(complete, timeout=60, what="all lines written")
            seen = {}
            files = glob.glob(base + "*")
            self.assertGreater(len(files), 5)      # it did rotate
            for f in files:
                with open(f, "rb") as fh:
                    for line in fh.read().splitlines():
                        seen[line] = seen.get(line, 0) + 1
            want = {("line %d padding-padding-padding" % i).encode() for i in range(n)}
            self.assertEqual(set(seen), want)
            self.assertEqual(set(seen.values()), {1})
            for f in files:
                if f != base:
                    # rotated files end on the write that crossed the limit
                    self.assertGreaterEqual(os.path.getsize(f), 64 * 1024)


class OddBytes(unittest.TestCase):
    def test_invalid_utf8_controls_and_long_lines(self):
        conf = r"""
[program:odd]
command=/bin/sh -c 'printf "ok \377\376 \033[31mred\033[0m caf\303\251\n"; head -c 300000 /dev/zero | tr "\0" x; echo; exec sleep 1000'
stdout_logfile={tmp}/odd.log
startsecs=0
"""
        with Daemon(extra=conf) as d:
            s = d.rpc().supervisor
            path = os.path.join(d.tmp, "odd.log")
            # 25 bytes, 300000 x's and a newline
            wait_for(lambda: os.path.exists(path) and os.path.getsize(path) == 300026, what="output")
            raw = open(path, "rb").read()
            self.assertTrue(raw.startswith(b"ok \xff\xfe \x1b[31mred\x1b[0m caf\xc3\xa9\n"))   # byte for byte
            text = s.readProcessStdoutLog("odd", 0, 40)
            self.assertEqual(text, "ok \ufffd\ufffd \ufffd[31mred\ufffd[0m caf\u00e9\n" + "x" * 15)  # 40 bytes
            self.assertEqual(len(s.readProcessStdoutLog("odd", 0, 0)), len(raw.decode("utf-8", "replace")))
            data, offset, overflow = s.tailProcessStdoutLog("odd", 0, 10)
            self.assertEqual((data, offset, overflow), ("x" * 9 + "\n", len(raw), True))


class Clearing(unittest.TestCase):
    def test_clear_while_writing(self):
        conf = """
[program:chatty]
command=/bin/sh -c 'i=0; while :; do echo "n $i"; i=$((i+1)); sleep 0.01; done'
startsecs=0
"""
        with Daemon(extra=conf) as d:
            s = d.rpc().supervisor
            wait_for(lambda: len(s.readProcessStdoutLog("chatty", 0, 0)) > 100, what="output")
            self.assertTrue(s.clearProcessLogs("chatty"))
            after = s.readProcessStdoutLog("chatty", 0, 0)
            self.assertFalse(after.startswith("n 0\n"))
            wait_for(lambda: len(s.readProcessStdoutLog("chatty", 0, 0)) > 50, what="new output")
            res = s.clearAllProcessLogs()
            self.assertEqual(res, [{"name": "chatty", "group": "chatty", "status": 80, "description": "OK"}])


class CaptureAndAnsi(unittest.TestCase):
    def test_capture_trailing_fragment_is_kept(self):
        conf = r"""
[program:talker]
command=/bin/sh -c 'printf "hello\npre<!--XSUPERVISOR:BEGIN-->captured data<!--XSUPERVISOR:END-->post\n"; sleep 0.2'
stdout_logfile={tmp}/talker.log
stdout_capture_maxbytes=1MB
startsecs=0
autorestart=false
"""
        with Daemon(extra=conf) as d:
            wait_for(lambda: state(d, "talker") == "EXITED", what="EXITED")
            # supervisord loses "post\n" (a fragment no longer than the END
            # token, never followed by more data); refd flushes it at EOF.
            self.assertEqual(open(os.path.join(d.tmp, "talker.log"), "rb").read(), b"hello\npre" + b"post\n")

    def test_strip_ansi(self):
        conf = r"""
[program:color]
command=/bin/sh -c 'printf "line \033[31mred\033[0m x\n"; exec sleep 1000'
stdout_logfile={tmp}/color.log
startsecs=0
"""
        with Daemon(extra=conf, args=["-t"]) as d:
            path = os.path.join(d.tmp, "color.log")
            wait_for(lambda: os.path.getsize(path) > 0, what="output")
            self.assertEqual(open(path, "rb").read(), b"line red x\n")


class AutoLogs(unittest.TestCase):
    def test_cleanup_and_nocleanup(self):
        tmp = tempfile.mkdtemp(prefix="refd-autolog-")
        try:
            old = os.path.join(tmp, "x-stdout---supervisor-abcdefgh.log")
            keep = os.path.join(tmp, "unrelated.log")
            for p in (old, old + ".1", keep):
                open(p, "w").close()
            conf = "[program:a]\ncommand=sleep 1000\nstartsecs=0\n"
            def moved(daemon):
                text = open(daemon.conf_path).read()
                with open(daemon.conf_path, "w") as f:
                    f.write(text.replace("childlogdir=%s" % daemon.tmp, "childlogdir=%s" % tmp))
                return daemon
            d = moved(Daemon(extra=conf))
            with d:
                self.assertFalse(os.path.exists(old))
                self.assertFalse(os.path.exists(old + ".1"))
                self.assertTrue(os.path.exists(keep))
                info = d.rpc().supervisor.getProcessInfo("a")
                self.assertRegex(os.path.basename(info["stdout_logfile"]),
                                 r"^a-stdout---supervisor-[a-z0-9_]{8}\.log$")
                self.assertEqual(os.stat(info["stdout_logfile"]).st_mode & 0o777, 0o600)
            open(old, "w").close()
            with moved(Daemon(extra=conf, args=["-k"])):
                self.assertTrue(os.path.exists(old))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class Tail(unittest.TestCase):
    conf = """
[program:ticker]
command=/bin/sh -c 'head -c 2000 /dev/zero | tr "\\0" a; echo; i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.1; done'
stdout_logfile={tmp}/ticker.log
startsecs=0
[program:quiet]
command=sleep 1000
stdout_logfile=NONE
startsecs=0
"""

    def test_logtail_chunked_follows(self):
        with Daemon(extra=self.conf) as d:
            wait_for(lambda: "tick 3" in d.rpc().supervisor.readProcessStdoutLog("ticker", 0, 0), what="ticks")
            raw = read_stream(d, "/logtail/ticker", 5, until=b"tick 12")
            head, _, body = raw.partition(b"\r\n\r\n")
            self.assertTrue(head.startswith(b"HTTP/1.1 200 OK\r\n"))
            self.assertIn(b"Transfer-Encoding: chunked", head)
            self.assertIn(b"X-Accel-Buffering: no", head)
            self.assertIn(b"Content-Type: text/plain;charset=utf-8", head)
            self.assertTrue(body.startswith(b"400\r\n"))        # the last 1024 bytes first
            data = dechunk(body)
            self.assertIn(b"tick 12", data)

    def test_logtail_http10_raw_and_errors(self):
        with Daemon(extra=self.conf) as d:
            wait_for(lambda: "tick 1" in d.rpc().supervisor.readProcessStdoutLog("ticker", 0, 0), what="ticks")
            raw = read_stream(d, "/logtail/ticker/stdout", 3, version="1.0", until=b"tick 8")
            head, _, body = raw.partition(b"\r\n\r\n")
            self.assertTrue(head.startswith(b"HTTP/1.0 200 OK"))
            self.assertNotIn(b"chunked", head)
            self.assertIn(b"tick", body)
            for path in ("/logtail/quiet", "/logtail/nosuch", "/logtail/ticker/bogus", "/logtail",
                         "/logtail/ticker:*", "/logtail/ticker/stdout/extra"):
                resp = d.raw(("GET %s HTTP/1.0\r\n\r\n" % path).encode())
                self.assertTrue(resp.startswith(b"HTTP/1.0 404"), (path, resp[:40]))
            resp = d.raw(b"POST /logtail/ticker HTTP/1.0\r\nContent-Length: 0\r\n\r\n")
            self.assertTrue(resp.startswith(b"HTTP/1.0 400"))

    def test_mainlogtail_and_truncation(self):
        conf = """
[program:roller]
command=/bin/sh -c 'while :; do echo "0123456789012345678901234567890123456789"; sleep 0.05; done'
stdout_logfile={tmp}/roller.log
stdout_logfile_maxbytes=2KB
stdout_logfile_backups=0
startsecs=0
"""
        with Daemon(extra=conf) as d:
            raw = read_stream(d, "/mainlogtail", 3, until=b"supervisord started")
            self.assertIn(b"supervisord started with pid", dechunk(raw.partition(b"\r\n\r\n")[2]))
            # The file exists once the program has been spawned.
            wait_for(lambda: os.path.exists(os.path.join(d.tmp, "roller.log")), what="the log file")
            # backups=0 truncates the file in place: the stream says so.
            raw = read_stream(d, "/logtail/roller", 8, until=b"==> File truncated <==")
            self.assertIn(b"==> File truncated <==\n", dechunk(raw.partition(b"\r\n\r\n")[2]))

    def test_many_tail_clients_and_a_slow_one(self):
        with Daemon(extra=self.conf) as d:
            wait_for(lambda: "tick 1" in d.rpc().supervisor.readProcessStdoutLog("ticker", 0, 0), what="ticks")
            clients = []
            for _ in range(20):
                s = socket.create_connection(("127.0.0.1", d.port))
                s.sendall(b"GET /logtail/ticker HTTP/1.1\r\nHost: x\r\n\r\n")
                clients.append(s)
            # One client never reads; the daemon keeps serving everyone else.
            for _ in range(10):
                self.assertEqual(d.rpc().supervisor.getState()["statecode"], 1)
            for s in clients[1:]:
                s.settimeout(5 * SLOW)
                self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 200 OK"))
            for s in clients:
                s.close()

    def test_clients_that_leave_at_once(self):
        # Request a stream and hang up straight away, many times: the stream
        # may be torn down while it is being started.
        with Daemon(extra=self.conf) as d:
            for i in range(60):
                s = socket.create_connection(("127.0.0.1", d.port))
                path = "/mainlogtail" if i % 2 else "/logtail/ticker"
                s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.close()
            self.assertEqual(d.rpc().supervisor.getState()["statecode"], 1)

    def test_supervisorctl_tail_f(self):
        if not os.path.exists("/usr/bin/supervisorctl"):
            self.fail("supervisorctl is missing: ci/deps installs Debian's supervisor package")
        with Daemon(extra=self.conf) as d:
            wait_for(lambda: "tick 2" in d.rpc().supervisor.readProcessStdoutLog("ticker", 0, 0), what="ticks")
            p = subprocess.Popen(["/usr/bin/supervisorctl", "-s", "unix://" + d.sock, "tail", "-f", "ticker"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(1.5 * SLOW)
            p.terminate()
            out, err = p.communicate(timeout=10)
            self.assertIn(b"==> Press Ctrl-C to exit <==", out)
            ticks = [line for line in out.splitlines() if line.startswith(b"tick ")]
            self.assertGreater(len(ticks), 3)
            r = subprocess.run(["/usr/bin/supervisorctl", "-s", "http://127.0.0.1:%d" % d.port, "tail", "-30",
                                "ticker"], capture_output=True, timeout=30)
            self.assertEqual(r.returncode, 0)
            self.assertEqual(len(r.stdout), 31)         # the last 30 bytes and supervisorctl's newline


class FullDisk(unittest.TestCase):
    def test_full_log_disk_loses_nothing(self):
        if os.geteuid() != 0:
            self.skipTest("mounting a small tmpfs needs root")
        mnt = tempfile.mkdtemp(prefix="refd-tmpfs-")
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mnt]).returncode != 0:
            os.rmdir(mnt)
            self.skipTest("cannot mount a tmpfs here")
        try:
            filler = os.path.join(mnt, "filler")
            with open(filler, "wb") as f:
                try:
                    f.write(b"\0" * (600 * 1024))
                except OSError:
                    pass
            conf = """
[program:writer]
command=/bin/sh -c 'i=0; while [ $i -lt 2000 ]; do echo "entry $i"; i=$((i+1)); done; exec sleep 1000'
stdout_logfile=%s/writer.log
stdout_logfile_maxbytes=0
startsecs=0
""" % mnt
            with Daemon(extra=conf) as d:
                wait_for(lambda: "cannot write stdout log" in d.mainlog(), what="the error")
                time.sleep(0.5)
                self.assertEqual(d.mainlog().count("cannot write stdout log"), 1)    # once
                self.assertEqual(d.rpc().supervisor.getState()["statecode"], 1)      # still serving
                os.unlink(filler)                                                   # space returns
                log = os.path.join(mnt, "writer.log")
                wait_for(lambda: open(log, "rb").read().count(b"\n") >= 2000, timeout=15, what="the rest")
                lines = open(log, "rb").read().splitlines()
                self.assertEqual(lines, [("entry %d" % i).encode() for i in range(2000)])
                self.assertIn("writing stdout log", d.mainlog())
        finally:
            subprocess.run(["umount", mnt])
            os.rmdir(mnt)


if __name__ == "__main__":
    unittest.main()
