"""End-to-end: the known XML dangers, each sent to a live refd as a whole
request body (the same inputs live in fuzz/corpus/xmlrpc/seed-danger-*).
Each must get a clean answer, 400 or a fault, at once, and leave the daemon
serving: no entity is expanded, no external entity or DTD is fetched, no
recursion follows the nesting, nothing undecodable reaches a reply, and
nothing reaches xmlrpc-c that crashes it."""
import time
import unittest
import xmlrpc.client

from refdtest import SLOW, Daemon, post, status_of

CALL = "<methodCall><methodName>supervisor.getState</methodName><params>%s</params></methodCall>"
DEEP = "<value><array><data>" * 10000 + "</data></array></value>" * 10000


def billion_laughs():
    ents = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        ents.append('<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (i - 1 if i > 1 else "")) * 10))
    return ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n%s\n]>\n' % "\n".join(ents)
            + CALL % "<param><value><string>&lol9;</string></value></param>")


REFUSED = {
    "billion laughs": billion_laughs(),
    "external entity": '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                       + CALL % "<param><value><string>&x;</string></value></param>",
    "external DTD": '<?xml version="1.0"?>\n<!DOCTYPE methodCall SYSTEM "http://127.0.0.1:1/x.dtd">\n'
                    + CALL % "",
    "parameter entity": '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'
                        + CALL % "",
    "10k nested arrays": CALL % ("<param>" + DEEP + "</param>"),
    "10k nested elements": CALL % ("<param><value>" + "<a>" * 10000 + "</a>" * 10000 + "</value></param>"),
    "nesting behind a comment": ("<methodCall><!--" + "</a>" * 10000 + "--><methodName>supervisor.getState"
                                 "</methodName><params><param>" + DEEP + "</param></params></methodCall>"),
    "nesting behind CDATA": ("<methodCall><methodName><![CDATA[" + "</a>" * 10000 + "]]></methodName>"
                             "<params><param>" + DEEP + "</param></params></methodCall>"),
    # xmlrpc-c 1.33.14 crashes on an i8 that is not a 64-bit integer (found by fuzzing)
    "i8 with junk": CALL % "<param><value><i8>12x</i8></value></param>",
    "i8 out of range": CALL % "<param><value><ex:i8>9223372036854775808</ex:i8></value></param>",
}

INVALID_UTF8 = [b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x00", b"\x01"]


class XmlDangers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.d.__exit__(None, None, None)

    def answer(self, body):
        if isinstance(body, str):
            body = body.encode()
        started = time.monotonic()
        resp = self.d.raw(post("/RPC2", body), timeout=10, responses=1)
        return resp, time.monotonic() - started

    def assertServing(self):
        with self.d.rpc() as s:
            self.assertEqual(s.supervisor.getState()["statename"], "RUNNING")

    def test_refused_with_400(self):
        for name, body in REFUSED.items():
            with self.subTest(name):
                resp, took = self.answer(body)
                self.assertEqual(status_of(resp), 400)
                self.assertNotIn(b"root:", resp)
                self.assertNotIn(b"lollol", resp)
                self.assertLess(took, 2.0 * SLOW)
                self.assertServing()

    def test_invalid_utf8(self):
        for bad in INVALID_UTF8:
            with self.subTest(bad=bad):
                body = (b"<?xml version='1.0'?><methodCall><methodName>twiddler.log</methodName><params>"
                        b"<param><value><string>" + bad + b"</string></value></param></params></methodCall>")
                resp, _ = self.answer(body)
                self.assertEqual(status_of(resp), 400)
        resp, _ = self.answer(b"<methodCall><methodName>supervisor.\xff\xfegetState</methodName></methodCall>")
        self.assertEqual(status_of(resp), 400)
        # What was refused is logged repr'd; the log still reads as UTF-8.
        with self.d.rpc() as s:
            self.assertIn("is invalid: unmarshallable", s.supervisor.readLog(0, 0))
        self.assertServing()

    def test_huge_string_within_limits(self):
        # 900 KB fits the 1 MiB body limit, which refd also gives xmlrpc-c
        # (its own default is 512 KiB; supervisord has none): a fault that
        # echoes the name back, as supervisord's does.
        name = "A" * 900000
        with self.d.rpc() as s, self.assertRaises(xmlrpc.client.Fault) as cm:
            s.supervisor.getProcessInfo(name)
        self.assertEqual(cm.exception.faultCode, 10)
        self.assertEqual(cm.exception.faultString, "BAD_NAME: " + name)
        self.assertServing()

    def test_string_over_the_body_limit(self):
        body = CALL % ("<param><value><string>" + "A" * (1024 * 1024) + "</string></value></param>")
        resp, took = self.answer(body)
        self.assertEqual(status_of(resp), 413)
        self.assertLess(took, 2.0 * SLOW)
        self.assertServing()

    def test_character_references(self):
        # &#0; and a lone surrogate are not XML characters: refused, not passed on.
        for ref in ("&#0;", "&#xD800;", "&#x110000;", "&#1;"):
            with self.subTest(ref=ref):
                resp, _ = self.answer(CALL % ("<param><value><string>%s</string></value></param>" % ref))
                self.assertEqual(status_of(resp), 400)
        self.assertServing()


if __name__ == "__main__":
    unittest.main()
