"""The web UI over HTTP (http.md §8, §9), against refd and against Debian's
supervisord on the same configuration.

Pages are compared by what they say, not by their markup (refd's page is
its own): the rows (state, its class, description, name link, the five
action slots), the message, the buttons, the tail text and its refresh
link. Redirects are compared by status and Location; static files by
status and headers. Hostile query strings must get the same kind of
answer and never hurt the daemon.
"""
import html.parser
import http.client
import re
import socket
import time
import unittest

from ctltest import normalize, quiet, running, start_pair
from refdtest import SLOW, wait_for

NO_CACHE = {"pragma": "no-cache", "cache-control": "no-cache",
            "expires": "Thu, 01 Jan 1970 00:00:00 GMT"}


class Page(html.parser.HTMLParser):
    """What a status or tail page says."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.message = None
        self.buttons = []
        self.rows = []
        self.pre = None
        self.refresh = None
        self.footer = ""
        self._stack = []
        self._in = None
        self._row = None
        self._anchor = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._stack.append((tag, a))
        cls = a.get("class") or ""
        if tag == "title":
            self._in = "title"
        elif tag == "div" and cls == "status_msg":
            self._in = "message"
            self.message = ""
        elif tag == "div" and a.get("id") == "footer":
            self._in = "footer"
        elif tag == "pre":
            self._in = "pre"
            self.pre = ""
        elif tag == "tr" and any(t == "tbody" for t, _ in self._stack):
            self._row = {"shade": cls == "shade", "cells": [], "actions": []}
            self.rows.append(self._row)
        elif tag == "td" and self._row is not None:
            self._row["cells"].append({"text": "", "span": None, "href": None, "target": None})
        elif tag == "span" and self._row is not None and self._row["cells"]:
            self._row["cells"][-1]["span"] = cls
        elif tag == "a":
            self._anchor = {"class": a.get("class"), "href": a.get("href"), "name": a.get("name"),
                            "target": a.get("target"), "text": ""}
            if self._row is not None and len(self._row["cells"]) == 3:
                self._row["cells"][-1]["href"] = a.get("href")
                self._row["cells"][-1]["target"] = a.get("target")
            elif self._row is not None and len(self._row["cells"]) == 4:
                self._row["actions"].append(self._anchor)
            elif any(t == "li" and d.get("class") == "action-button" for t, d in self._stack):
                self.buttons.append(self._anchor)
            elif a.get("href", "").startswith("tail.html"):
                self.refresh = a.get("href")

    def handle_endtag(self, tag):
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break
        if tag in ("title", "div", "pre") and self._in != "footer" or (tag == "div" and self._in == "footer"):
            self._in = None
        if tag == "tr":
            self._row = None
        if tag == "a":
            self._anchor = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "message":
            self.message += data
        elif self._in == "pre":
            self.pre += data
        elif self._in == "footer":
            self.footer += data
        if self._anchor is not None:
            self._anchor["text"] += data
        if self._row is not None and self._row["cells"]:
            self._row["cells"][-1]["text"] += data

    def summary(self):
        """The comparable content of a status page."""
        rows = []
        for r in self.rows:
            cells = r["cells"]
            actions = [(x["class"], x["href"], x["name"], x["target"],
                        None if x["class"] == "hidden" else x["text"].strip())
                       for x in r["actions"]]
            rows.append((r["shade"], cells[0]["span"], cells[0]["text"].strip(),
                         cells[1]["text"].strip(), cells[2]["href"], cells[2]["target"],
                         cells[2]["text"].strip(), actions))
        return {"title": self.title.strip(), "message": self.message,
                "buttons": [(b["href"], b["text"]) for b in self.buttons], "rows": rows}


def request(d, method, target, body=None, headers=None, unix=False):
    """One request on a fresh connection: (status, headers, body)."""
    if unix:
        conn = http.client.HTTPConnection("localhost", timeout=30 * SLOW)
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30 * SLOW)
        s.connect(d.sock)
        conn.sock = s
    else:
        conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30 * SLOW)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


def ctime_free(text):
    return re.sub(r"[A-Z][a-z]{2}(%20| )[A-Z][a-z]{2}(%20| )[ \d]?\d(%20| )\d\d(%3A|:)\d\d(%3A|:)\d\d"
                  r"(%20| )\d{4}", "CTIME", text)


class WebUI(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        quiet()
        cls.oracle, cls.refd = start_pair()
        cls.daemons = (cls.oracle, cls.refd)
        for d in cls.daemons:
            wait_for(lambda: running(d, "cat", "echoer", "grp:alpha"), what="autostart")
            wait_for(lambda: d.rpc().supervisor.readProcessStdoutLog("echoer", 0, 0) == "out-line\n",
                     what="echoer's output")

    @classmethod
    def tearDownClass(cls):
        for d in (cls.refd, cls.oracle):
            d.__exit__(None, None, None)

    def setUp(self):
        """Both daemons in the same state, whatever the last test did."""
        quiet()
        for d in self.daemons:
            sup = d.rpc().supervisor
            for name in ("sleeper", "grp:beta"):
                if sup.getProcessInfo(name)["statename"] == "RUNNING":
                    sup.stopProcess(name)
            for name in ("cat", "echoer", "grp:alpha"):
                if sup.getProcessInfo(name)["statename"] != "RUNNING":
                    sup.startProcess(name)

    def both(self, method, target, **kw):
        return [request(d, method, target, **kw) for d in self.daemons]

    def page(self, target, **kw):
        (so, ho, bo), (sr, hr, br) = self.both("GET", target, **kw)
        self.assertEqual((sr, so), (200, 200), target)
        self.assertEqual(hr["content-type"], "text/html;charset=utf-8")
        for k, v in NO_CACHE.items():
            self.assertEqual(hr.get(k), v, k)
        po = Page(normalize(bo.decode(), self.oracle))
        pr = Page(normalize(br.decode(), self.refd))
        return po, pr

    def same_page(self, target):
        po, pr = self.page(target)
        self.assertEqual(pr.summary(), po.summary(), target)
        return pr

    def redirect(self, target, method="GET", body=None, headers=None):
        """Both answer 301 with the same Location (ports and times aside)."""
        locs = []
        for d, (status, h, _) in zip(self.daemons, self.both(method, target, body=body,
                                                             headers=headers)):
            self.assertEqual(status, 301, "%s %s: %s" % (d.binary, target, h))
            locs.append(ctime_free(h["location"].replace(str(d.port), "PORT")))
        self.assertEqual(locs[1], locs[0], target)
        return locs[1]

    # ---- the status page ------------------------------------------------------------

    def test_status_page(self):
        pr = self.same_page("/")
        self.assertEqual(pr.title.strip(), "Supervisor Status")
        self.assertIsNone(pr.message)
        self.assertIn("4.2.5", pr.footer)
        names = [r[6] for r in pr.summary()["rows"]]
        self.assertEqual(names, sorted(names))
        self.assertIn("grp:alpha", names)
        self.same_page("/index.html")
        self.same_page("//index.html?ignored=1")
        pr = self.same_page("/?message=Hello%20%3Cb%3E%26%22world%22")
        self.assertEqual(pr.message, 'Hello <b>&"world"')

    def test_escaping(self):
        (_, _, body) = request(self.refd, "GET", "/?message=%3Cscript%3Ealert(1)%3C/script%3E%27%22")
        self.assertNotIn(b"<script>", body)
        self.assertIn(b"&lt;script&gt;alert(1)&lt;/script&gt;&#39;&quot;", body)

    def test_actions(self):
        # Each action as a link; the result checked over XML-RPC too.
        loc = self.redirect("/index.html?processname=sleeper&action=start")
        self.assertEqual(loc, "http://127.0.0.1:PORT/?message=Process%20sleeper%20started")
        for d in self.daemons:
            self.assertEqual(d.rpc().supervisor.getProcessInfo("sleeper")["statename"], "RUNNING")
        self.same_page("/")
        self.assertIn("already%20started", self.redirect("/index.html?processname=sleeper&action=start"))
        self.redirect("/index.html?processname=sleeper&action=restart")
        self.redirect("/index.html?processname=sleeper&action=stop")
        for d in self.daemons:
            self.assertEqual(d.rpc().supervisor.getProcessInfo("sleeper")["statename"], "STOPPED")
        self.assertIn("NOT_RUNNING", self.redirect("/index.html?processname=sleeper&action=stop"))
        self.assertIn("spawn%20error", self.redirect("/index.html?processname=dies&action=start"))
        self.assertIn("no%20such%20file", self.redirect("/index.html?processname=nofile&action=start"))
        self.redirect("/index.html?processname=grp%3Aalpha&action=clearlog")
        self.redirect("/index.html?processname=grp:alpha&action=restart")
        self.redirect("/index.html?processname=nosuch&action=stop")
        self.redirect("/index.html?processname=grp:*&action=clearlog")
        self.redirect("/index.html?processname=nosuch&action=bogus")
        self.redirect("/index.html?action=refresh")
        # A POSTed form: its fields win over the query's, its last value wins.
        self.redirect("/index.html?action=stopall", method="POST",
                      body="action=refresh&action=refresh",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        # Host is used verbatim; without one, the listener's own name.
        self.assertTrue(self.redirect("/?action=refresh", headers={"Host": "myhost:19001"})
                        .startswith("http://myhost:19001/?message=Page%20refreshed%20at%20"))
        self.same_page("/")

    def test_all_actions(self):
        self.redirect("/index.html?action=stopall")
        for d in self.daemons:
            states = {i["name"]: i["statename"] for i in d.rpc().supervisor.getAllProcessInfo()}
            self.assertEqual(states["cat"], "STOPPED")
        self.same_page("/")
        self.redirect("/index.html?action=restartall")
        for d in self.daemons:
            wait_for(lambda: running(d, "cat", "echoer"), what="restart all")
            # dies starts too, and takes its 0.2 s to become FATAL.
            wait_for(lambda: not {i["statename"] for i in d.rpc().supervisor.getAllProcessInfo()}
                     & {"STARTING", "BACKOFF", "STOPPING"}, what="every process settled")
        self.same_page("/")

    def test_server_errors(self):
        for target in ("/index.html?action=bogus", "/index.html?action=start",
                       "/index.html?processname=cat&action=bogus", "/?action=start&processname="):
            statuses = [s for s, _, _ in self.both("GET", target)]
            self.assertEqual(statuses, [500, 500], target)
        reply = self.refd.raw(b"POST / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 411 "), reply)

    # ---- the tail page ------------------------------------------------------------------

    def test_tail_page(self):
        for target in ("/tail.html?processname=echoer", "/tail.html?processname=echoer&limit=5",
                       "/tail.html?processname=echoer&limit=2000", "/tail.html?processname=echoer&limit=x",
                       "/tail.html", "/tail.html?processname=", "/tail.html?processname=nosuch",
                       "/tail.html?processname=grp%3A%2A", "/tail.html?processname=%3Cb%3E"):
            po, pr = self.page(target)
            self.assertEqual((pr.title.strip(), pr.pre, pr.refresh),
                             (po.title.strip(), po.pre, po.refresh), target)
        po, pr = self.page("/tail.html?processname=echoer")
        self.assertTrue(pr.pre.endswith("out-line\n"), pr.pre)
        whole = pr.pre
        self.assertEqual(pr.refresh, "tail.html?processname=echoer&limit=1024")
        # A limit past what Python can read makes supervisord answer 500;
        # refd shows the whole file (docs/compat.md).
        target = "/tail.html?processname=echoer&limit=99999999999999999999999"
        self.assertEqual([s for s, _, _ in self.both("GET", target)], [500, 200])
        pr = Page(request(self.refd, "GET", target)[2].decode())
        self.assertEqual((pr.pre, pr.refresh), (whole, target[1:]))

    # ---- static files -------------------------------------------------------------------

    def test_static(self):
        types = {"/stylesheets/supervisor.css": "text/css", "/images/icon.png": "image/png",
                 "/images/supervisor.gif": "image/gif", "/images/rule.gif": "image/gif",
                 "/images/state0.gif": "image/gif", "/images/state3.gif": "image/gif"}
        for path, ctype in types.items():
            for d, (status, h, body) in zip(self.daemons, self.both("GET", path)):
                self.assertEqual((status, h["content-type"]), (200, ctype), (d.binary, path))
                self.assertEqual(int(h["content-length"]), len(body))
                self.assertIn("last-modified", h)
            status, h, body = request(self.refd, "HEAD", path)
            self.assertEqual((status, body), (200, b""))
            self.assertGreater(int(h["content-length"]), 0)
            status, h2, body = request(self.refd, "GET", path,
                                       headers={"If-Modified-Since": h["last-modified"]})
            self.assertEqual((status, body), (304, b""))
            status, _, _ = request(self.refd, "GET", path, headers={
                "If-Modified-Since": h["last-modified"] + "; length=1"})
            self.assertEqual(status, 200)
            status, _, _ = request(self.refd, "GET", path, headers={
                "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"})
            self.assertEqual(status, 200)
        png = request(self.refd, "GET", "/images/icon.png")[2]
        self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))
        gif = request(self.refd, "GET", "/images/supervisor.gif")[2]
        self.assertTrue(gif.startswith(b"GIF89a"))
        for path, want in (("/images", 301), ("/images/", 404), ("/stylesheets", 301),
                           ("/../../etc/passwd", 404), ("/images/../../../etc/passwd", 404),
                           ("/%2e%2e/%2e%2e/etc/passwd", 404), ("/nosuch.png", 404),
                           ("/images/nosuch.gif", 404)):
            statuses = [s for s, _, _ in self.both("GET", path)]
            self.assertEqual(statuses, [want, want], path)
        locs = [h["location"] for _, h, _ in self.both("GET", "/images")]
        self.assertEqual(locs, ["http://localhost/images/"] * 2)
        self.assertEqual([s for s, _, _ in self.both("HEAD", "/")], [404, 404])
        self.assertEqual([s for s, _, _ in self.both("DELETE", "/")], [400, 400])
        status, h, body = request(self.refd, "GET", "/images/../images/icon.png")
        self.assertEqual(status, 200)
        status, h, body = request(self.refd, "GET", "/images", unix=True)
        self.assertEqual((status, h["location"]), (301, "http://<unix domain socket>/images/"))

    def test_unix_socket_redirect(self):
        status, h, _ = request(self.refd, "GET", "/index.html?action=refresh", unix=True,
                               headers={"Host": ""})
        self.assertEqual(status, 301)
        self.assertTrue(h["location"].startswith(
            "http://<unix domain socket>:%s/?message=Page%%20refreshed" % self.refd.sock), h)

    # ---- robustness -------------------------------------------------------------------------

    def test_hostile_queries(self):
        nasty = ["/?" + "a=&" * 2000, "/?message=%", "/?message=%zz%e9%00%ff",
                 "/?processname=%00&action=start", "/?action=" + "x" * 8000,
                 "/tail.html?processname=" + "%FF" * 3000, "/?message=" + "%0D%0ALocation:%20evil",
                 "/index.html?processname=a%0d%0aSet-Cookie:x&action=stop", "/?&&&==&=&",
                 "/tail.html?processname=echoer&limit=-5", "/tail.html?limit=%31%30",
                 "/?action=refresh&action=stopall"]
        for target in nasty:
            so, _, _ = request(self.oracle, "GET", target)
            sr, hr, br = request(self.refd, "GET", target)
            self.assertEqual(sr, so, target[:80])
            self.assertIn(sr, (200, 301, 500), target[:80])
            if "location" in hr:
                self.assertNotIn("\r", hr["location"])
                self.assertNotIn("\n", hr["location"])
        # A query longer than the header limit is refused, not a crash.
        sr, _, _ = request(self.refd, "GET", "/?" + "m" * 200000)
        self.assertIn(sr, (400, 431))
        # Everything still works.
        self.assertEqual(request(self.refd, "GET", "/ok.html")[:1], (200,))
        self.assertEqual(self.refd.rpc().supervisor.getState()["statename"], "RUNNING")

    def test_keep_alive_after_action(self):
        """A deferred reply keeps the connection open for the next request."""
        request(self.oracle, "GET", "/index.html?processname=sleeper&action=start")
        request(self.oracle, "GET", "/index.html?processname=sleeper&action=stop")
        conn = http.client.HTTPConnection("127.0.0.1", self.refd.port, timeout=30 * SLOW)
        try:
            conn.request("GET", "/index.html?processname=sleeper&action=start")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 301)
            self.assertEqual(r.version, 11)
            sock = conn.sock
            conn.request("GET", "/ok.html")
            r = conn.getresponse()
            self.assertEqual((r.status, r.read()), (200, b"OK"))
            self.assertIs(conn.sock, sock)
            conn.request("GET", "/index.html?processname=sleeper&action=stop")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 301)
        finally:
            conn.close()

    def test_client_leaves_during_action(self):
        """The connection closes while a stop waits: nothing breaks."""
        d = self.refd
        request(self.oracle, "GET", "/index.html?processname=sleeper&action=start")
        request(self.oracle, "GET", "/index.html?processname=sleeper&action=stop")
        request(d, "GET", "/index.html?processname=sleeper&action=start")
        s = socket.create_connection(("127.0.0.1", d.port), timeout=10 * SLOW)
        s.sendall(b"GET /index.html?processname=sleeper&action=stop HTTP/1.1\r\nHost: x\r\n\r\n")
        s.close()
        wait_for(lambda: d.rpc().supervisor.getProcessInfo("sleeper")["statename"] == "STOPPED",
                 what="the stop")
        time.sleep(0.1)
        self.assertEqual(request(d, "GET", "/ok.html")[0], 200)


if __name__ == "__main__":
    unittest.main()
