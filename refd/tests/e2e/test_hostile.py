"""End-to-end: hostile clients. Each attack gets a clear status or fault
and a closed connection, other clients are served throughout, and the
daemon's memory returns to where it was. Loopback only; every loop is
bounded in count and time."""
import base64
import os
import socket
import threading
import time
import unittest
import xmlrpc.client

from refdtest import Daemon, RSS_MEANINGFUL, SLOW, post, status_of, wait_for, xml_call, rss_kb


def connect(d):
    s = socket.create_connection(("127.0.0.1", d.port))
    s.settimeout(10 * SLOW)
    return s


def recv_all(s):
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    return data


class Attacks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(inet_extra="request_timeout=2\nmax_connections=64").__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.d.__exit__(None, None, None)

    def serving(self):
        self.assertEqual(self.d.rpc().supervisor.getAPIVersion(), "3.0")

    def test_traversal_names(self):
        # CVE-2017-11610: only registered namespace.method names are callable.
        s = self.d.rpc()
        for name in ("supervisor.supervisord.options.execve", "supervisor._update", "supervisor.__init__",
                     "supervisor.getState.__globals__", "system.__class__", "supervisor..getState",
                     ".getState", "getState", "supervisor.", "supervisor.getState.x"):
            try:
                getattr(s, name)()
                self.fail("%s answered" % name)
            except xmlrpc.client.Fault as f:
                self.assertEqual((f.faultCode, f.faultString), (1, "UNKNOWN_METHOD"), name)
        self.serving()

    def test_slowloris(self):
        s = connect(self.d)
        t0 = time.monotonic()
        closed = False
        for ch in b"POST /RPC2 HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
            try:
                s.sendall(bytes([ch]))
            except OSError:
                closed = True
                break
            self.serving()                  # others are served meanwhile
            time.sleep(0.05)
            if time.monotonic() - t0 > 4 * SLOW:
                break
        resp = recv_all(s)
        s.close()
        self.assertTrue(closed or status_of(resp) == 408, resp[:60])

    def test_idle_flood(self):
        socks = [connect(self.d) for _ in range(100)]
        try:
            # Past the limit; idle ones give way, so real clients still get in.
            for _ in range(5):
                self.serving()
        finally:
            for s in socks:
                s.close()

    def test_oversized_and_lying_bodies(self):
        d = self.d
        resp = d.raw(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 104857600\r\n\r\n" + b"x" * 65536)
        self.assertEqual(status_of(resp), 413)
        # A body shorter than its Content-Length: the request times out.
        resp = d.raw(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 500\r\n\r\n<?xml", timeout=6)
        self.assertEqual(status_of(resp), 408)
        # Longer than it says: the rest is the next request, which is garbage.
        body = xml_call("supervisor.getAPIVersion")
        resp = d.raw(b"POST /RPC2 HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body + b"garbage here\r\n\r\n")
        self.assertIn(b"<string>3.0</string>", resp)
        self.assertIn(b" 400 Bad Request\r\n", resp)
        self.serving()

    def test_pipelined_garbage(self):
        body = xml_call("supervisor.getAPIVersion")
        resp = self.d.raw(post("/RPC2", body) + b"\x00\x01\x02 nonsense \xff\r\n\r\n" + post("/RPC2", body))
        self.assertEqual(resp.count(b"<string>3.0</string>"), 1)     # nothing after the garbage
        self.assertIn(b" 400 ", resp)
        self.serving()

    def test_xml_dangers(self):
        d = self.d
        laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']><methodCall><methodName>&lol9;</methodName></methodCall>')
        external = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    b'<methodCall><methodName>&e;</methodName></methodCall>')
        deep = (b"<?xml version='1.0'?><methodCall><methodName>system.listMethods</methodName><params><param>"
                + b"<value><array><data>" * 5000 + b"</data></array></value>" * 5000 + b"</param></params></methodCall>")
        nested64 = (b"<?xml version='1.0'?><methodCall><methodName>system.methodHelp</methodName><params><param>"
                    + b"<value><array><data>" * 70 + b"</data></array></value>" * 70 + b"</param></params></methodCall>")
        for body in (laughs, external, deep):
            self.assertEqual(status_of(d.raw(post("/RPC2", body), responses=1)), 400)
        resp = d.raw(post("/RPC2", nested64), responses=1)
        self.assertIn(status_of(resp), (200, 400))          # a fault or a 400, never a crash
        huge = (b"<?xml version='1.0'?><methodCall><methodName>system.methodHelp</methodName><params><param>"
                b"<value><string>" + b"A" * (900 * 1024) + b"</string></value></param></params></methodCall>")
        resp = d.raw(post("/RPC2", huge), responses=1)
        self.assertIn(b"SIGNATURE_UNSUPPORTED", resp)
        bad_utf8 = (b"<?xml version='1.0'?><methodCall><methodName>system.methodHelp</methodName><params>"
                    b"<param><value><string>\xff\xfe</string></value></param></params></methodCall>")
        self.assertEqual(status_of(d.raw(post("/RPC2", bad_utf8), responses=1)), 400)
        self.serving()

    def test_huge_multicall(self):
        calls = "".join("<value><struct><member><name>methodName</name><value>supervisor.getPID</value>"
                        "</member></struct></value>" for _ in range(100000))
        body = xml_call("system.multicall", "<param><value><array><data>%s</data></array></value></param>" % calls)
        resp = self.d.raw(post("/RPC2", body), timeout=10)
        self.assertEqual(status_of(resp), 413)
        # A big one inside the limit is answered in full.
        results = self.d.rpc().system.multicall([{"methodName": "supervisor.getPID"}] * 5000)
        self.assertEqual(len(results), 5000)
        self.serving()

    def test_memory_returns_to_baseline(self):
        d = self.d
        pid = d.proc.pid
        for _ in range(3):
            self.serving()
        base = rss_kb(pid)
        for _ in range(20):
            d.raw(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 999000, timeout=0.3)
            d.raw(post("/RPC2", b"<?xml version='1.0'?><methodCall><methodName>system.methodHelp</methodName>"
                                b"<params><param><value><string>" + b"B" * 900000
                                + b"</string></value></param></params></methodCall>"), responses=1)
        socks = [connect(d) for _ in range(60)]
        for s in socks:
            s.sendall(b"GET /ok.html HTTP/1.1\r\nX-Pad: " + b"p" * 8000)
        time.sleep(0.3)
        for s in socks:
            s.close()
        if not RSS_MEANINGFUL:
            self.serving()
            return
        wait_for(lambda: rss_kb(pid) < base + 4096, timeout=10, what="RSS back near %d kB (now %d)" % (base, rss_kb(pid)))


class AuthEverywhere(unittest.TestCase):
    def test_every_path_needs_credentials(self):
        with Daemon(inet_extra="username=admin\npassword={SHA}d033e22ae348aeb5660fc2140aec35850c4da997",
                    extra="[program:p]\ncommand=sleep 1000\nstartsecs=0\n", auth=("admin", "admin")) as d:
            good = "Authorization: Basic %s\r\n" % base64.b64encode(b"admin:admin").decode()
            bad = "Authorization: Basic %s\r\n" % base64.b64encode(b"admin:wrong").decode()
            for path in ("/RPC2", "/logtail/p", "/mainlogtail", "/", "/index.html", "/tail.html?processname=p",
                         "/ok.html", "/stylesheets/supervisor.css", "/nosuch"):
                for headers in ("", bad, "Authorization: Digest x\r\n", "Authorization: Basic\r\n"):
                    resp = d.raw(("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path, headers)).encode())
                    self.assertEqual(status_of(resp), 401, (path, headers))
                    self.assertIn(b"WWW-Authenticate: Basic realm=\"default\"", resp)
            resp = d.raw(("GET /ok.html HTTP/1.0\r\n%s\r\n" % good).encode())
            self.assertEqual(status_of(resp), 200)
            resp = d.raw(post("/RPC2", xml_call("supervisor.getAPIVersion"), headers=good), responses=1)
            self.assertIn(b"<string>3.0</string>", resp)

    def test_unix_socket_mode_before_accepting(self):
        with Daemon(unix_extra="chmod=0600") as d:
            self.assertEqual(os.stat(d.sock).st_mode & 0o777, 0o600)
        if os.geteuid() == 0:
            import pwd
            nobody = pwd.getpwnam("nobody")
            with Daemon(unix_extra="chmod=0660\nchown=nobody") as d:
                st = os.stat(d.sock)
                self.assertEqual((st.st_mode & 0o777, st.st_uid), (0o660, nobody.pw_uid))
                # The temporary name the socket was bound to is gone.
                self.assertEqual([n for n in os.listdir(d.tmp) if n.startswith("refd.sock.")], [])


class Concurrency(unittest.TestCase):
    def test_many_clients_at_once(self):
        with Daemon(extra="[program:p]\ncommand=sleep 1000\nstartsecs=0\nnumprocs=20\n"
                          "process_name=%(program_name)s_%(process_num)d\n") as d:
            errors = []

            def client():
                try:
                    s = d.rpc()
                    for _ in range(30):
                        self.assertEqual(len(s.supervisor.getAllProcessInfo()), 20)
                except Exception as e:      # reported below
                    errors.append(e)

            threads = [threading.Thread(target=client) for _ in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60 * SLOW)
            self.assertEqual(errors, [])


if __name__ == "__main__":
    unittest.main()
