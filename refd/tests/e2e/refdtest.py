"""refdtest — start a real refd on a temporary config and talk to it.

Used by the end-to-end tests (unittest, Debian's /usr/bin/python3, stdlib
only). Every wait is bounded; every process started here is stopped here,
by pid.
"""
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import xmlrpc.client

REFD = os.environ.get("REFD_BIN", "refd")
# A command prefix for every daemon started (e.g. "valgrind --error-exitcode=99 ...").
WRAPPER = os.environ.get("REFD_WRAPPER", "").split()
SLOW = 10 if WRAPPER else 1     # timing allowance under valgrind
# The daemon's RSS says something about refd only when it runs bare:
# valgrind's own memory and ASan's quarantine of freed blocks hide it.
RSS_MEANINGFUL = not WRAPPER and not os.environ.get("REFD_SANITIZED")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, timeout=10.0, interval=0.02, what="condition"):
    deadline = time.monotonic() + timeout * SLOW
    last = None
    while time.monotonic() < deadline:
        try:
            last = cond()
            if last:
                return last
        except (OSError, xmlrpc.client.Error) as e:
            last = e
        time.sleep(interval)
    raise AssertionError("timed out waiting for %s (last: %r)" % (what, last))


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


class TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self.timeout
        return conn


class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path):
        super().__init__()
        self.path = path

    def make_connection(self, host):
        return UnixHTTPConnection(self.path)


BASE_CONF = """\
[supervisord]
logfile={tmp}/refd.log
pidfile={tmp}/refd.pid
childlogdir={tmp}
loglevel={loglevel}
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

[rpcinterface:twiddler]
supervisor.rpcinterface_factory = supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface
{twiddler_extra}
"""


class Daemon:
    """One refd on a fresh temp dir. Use as a context manager."""

    def __init__(self, extra="", inet_extra="", unix_extra="", twiddler_extra="",
                 loglevel="info", args=(), binary=None, conf=None, auth=(None, None),
                 wrapper=None):
        self.tmp = tempfile.mkdtemp(prefix="refd-e2e-")
        self.sock = os.path.join(self.tmp, "refd.sock")
        self.conf_path = os.path.join(self.tmp, "refd.conf")
        self.fields = dict(tmp=self.tmp, inet_extra=inet_extra, unix_extra=unix_extra,
                           twiddler_extra=twiddler_extra, loglevel=loglevel)
        self.template = conf if conf is not None else BASE_CONF + extra
        self.port = None
        self._write_conf()
        self.args = list(args)
        self.binary = binary or REFD
        self.auth = auth
        self.wrapper = WRAPPER if wrapper is None else wrapper
        self.proc = None
        self.expect_clean_exit = True

    def _write_conf(self):
        """(Re)write the config with a fresh free port."""
        self.port = free_port()
        with open(self.conf_path, "w") as f:
            f.write(self.template.format(port=self.port, **self.fields))

    def start(self, wait=True):
        # A port found free can be taken by someone else before refd binds
        # it (tests run in parallel): then refd says so and we try another.
        for attempt in range(5):
            self.stderr_path = os.path.join(self.tmp, "stderr.txt")
            self.stdout_path = os.path.join(self.tmp, "stdout.txt")
            cmd = self.wrapper + [self.binary, "-c", self.conf_path, "-n"] + self.args
            with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
                self.proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
            if not wait:
                return self
            try:
                wait_for(self._ready, timeout=10, what="refd to answer")
                return self
            except AssertionError:
                if (self.proc.poll() is not None and "Another program is already listening" in self.stderr()
                        and "{port}" in self.template and attempt < 4):
                    self._write_conf()
                    continue
                raise
        return self

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError("refd exited with %s: %s" % (self.proc.returncode, self.stderr()))
        s = self.rpc(*self.auth).supervisor
        # The answer must come from our daemon, not from whoever else has
        # the port (valgrind runs refd in the same pid).
        if s.getPID() != self.proc.pid:
            raise AssertionError("another server answers on port %d" % self.port)
        return s.getState()["statecode"] == 1

    def stderr(self):
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def mainlog(self):
        with open(os.path.join(self.tmp, "refd.log"), errors="replace") as f:
            return f.read()

    def rpc(self, user=None, password=None, timeout=None):
        """A client; with timeout, a call that gets no answer in time raises."""
        auth = "%s:%s@" % (user, password) if user else ""
        transport = TimeoutTransport(timeout) if timeout else None
        return xmlrpc.client.ServerProxy("http://%s127.0.0.1:%d/RPC2" % (auth, self.port), transport=transport)

    def unix_rpc(self):
        return xmlrpc.client.ServerProxy("http://localhost/RPC2", transport=UnixTransport(self.sock))

    def raw(self, data, timeout=5.0, unix=False, close_write=False, responses=None):
        """Send raw bytes, return everything received until close or timeout,
        or until `responses` complete responses (with Content-Length) arrived."""
        s = socket.socket(socket.AF_UNIX if unix else socket.AF_INET)
        s.settimeout(timeout * SLOW)
        s.connect(self.sock if unix else ("127.0.0.1", self.port))
        s.sendall(data)
        if close_write:
            s.shutdown(socket.SHUT_WR)
        out = b""
        try:
            while True:
                if responses is not None and count_responses(out) >= responses:
                    break
                d = s.recv(65536)
                if not d:
                    break
                out += d
        except socket.timeout:
            pass
        s.close()
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20 * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        rc = self.stop()
        stderr = self.stderr() if self.proc else ""
        shutil.rmtree(self.tmp, ignore_errors=True)
        # A clean stop exits 0; under valgrind a memory error or leak makes
        # it exit 99 and is reported here.
        if exc[0] is None and self.proc is not None and self.expect_clean_exit and rc != 0:
            raise AssertionError("refd exited with %s on SIGTERM: %s" % (rc, stderr[-4000:]))


def xml_call(method, params=""):
    body = ("<?xml version='1.0'?><methodCall><methodName>%s</methodName>"
            "<params>%s</params></methodCall>" % (method, params)).encode()
    return body


def post(path, body, version="1.1", headers=""):
    return (("POST %s HTTP/%s\r\nHost: x\r\n%sContent-Length: %d\r\n\r\n"
             % (path, version, headers, len(body))).encode() + body)


def count_responses(data):
    """How many complete responses with a Content-Length data holds."""
    n = 0
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return n
        head = data[:end].lower()
        length = 0
        for line in head.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if len(data) < end + 4 + length:
            return n
        data = data[end + 4 + length:]
        n += 1


def status_of(response):
    line = response.split(b"\r\n", 1)[0]
    parts = line.split(b" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def state(d, name):
    """The statename of a process on daemon d."""
    return d.rpc(*d.auth).supervisor.getProcessInfo(name)["statename"]


def fault(call):
    """(faultCode, faultString) of the fault call() raises."""
    try:
        call()
    except xmlrpc.client.Fault as f:
        return (f.faultCode, f.faultString)
    raise AssertionError("expected a fault")


def rss_kb(pid):
    """The resident set size of pid, in kB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
