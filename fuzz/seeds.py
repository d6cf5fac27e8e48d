#!/usr/bin/python3
"""Build the seed corpora of fuzz/corpus/ from real material: the golden
configs of refd/tests/data/conf, the conformance sessions (their raw HTTP
exchanges, their XML-RPC calls encoded by Python's own xmlrpc.client, their
literals and twiddler option structs), the seed README and its sidecar,
plus hand-written inputs for what the material lacks (the XML dangers,
malformed heads). Seeds are named seed-*; files the campaign adds are
named by their SHA-1, as libFuzzer names them.

    fuzz/seeds.py            # (re)write every seed-* file
    fuzz/seeds.py xmlrpc     # one harness only

Stdlib only. Re-running it is harmless: it writes the same files."""
import ast
import glob
import hashlib
import os
import re
import sys
import xmlrpc.client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
SESSIONS = sorted(glob.glob(os.path.join(ROOT, "conformance", "sessions", "*.md")))
CONFS = os.path.join(ROOT, "refd", "tests", "data", "conf")
README = os.path.join(ROOT, "..", "shared", "seed", "twiddler-README.md")
SIDECAR = os.path.join(ROOT, "conformance", "sidecars", "twiddler-README.directives")


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


class Corpus:
    def __init__(self, name):
        self.dir = os.path.join(CORPUS, name)
        os.makedirs(self.dir, exist_ok=True)
        self.seen = set()

    def add(self, data, label=None):
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        digest = hashlib.sha1(data).hexdigest()
        if digest in self.seen:
            return
        self.seen.add(digest)
        label = re.sub(r"[^A-Za-z0-9_.-]+", "-", label or "")[:60].strip("-")
        name = "seed-%s-%s" % (label, digest[:8]) if label else "seed-" + digest[:12]
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)


def session_calls():
    """(file, method, args) of every `>>> s.ns.method(...)` line whose
    arguments are literals (the {tmp} placeholders kept as text)."""
    out = []
    for path in SESSIONS + [README]:
        if not os.path.exists(path):
            continue
        text = read(path)
        # joined continuation lines (`... ` prompts)
        text = re.sub(r"\n\s*\.\.\. ", " ", text)
        for m in re.finditer(r">>> (?:len\()?\w+\.(\w+\.\w+)\((.*)\)", text):
            method, args = m.group(1), m.group(2)
            args = re.sub(r"\)\)?(\[.*\])?\s*$", "", args) if args.count("(") < args.count(")") else args
            try:
                value = ast.literal_eval("(" + args + ",)") if args.strip() else ()
            except Exception:
                continue
            out.append((os.path.basename(path), method, value))
    return out


def http_blocks():
    """Raw requests of the ```http exchanges of the sessions: the `>`
    lines with CRLF line ends and {length} filled in."""
    reqs = []
    for path in SESSIONS:
        for block in re.findall(r"```http\n(.*?)```", read(path), re.S):
            sent = []
            for line in block.split("\n"):
                if line.startswith("> ") or line == ">":
                    sent.append(line[2:])
                elif sent and not line.startswith(">"):
                    reqs.append(sent)
                    sent = []
            if sent:
                reqs.append(sent)
    out = []
    for sent in reqs:
        if "" in sent:
            i = sent.index("")
            head, body = sent[:i], "\r\n".join(sent[i + 1:])
        else:
            head, body = sent, ""
        body = body.replace("{tmp}", "/tmp/x")
        text = "\r\n".join(head) + "\r\n\r\n" + body
        text = text.replace("{length}", str(len(body.encode())))
        text = re.sub(r"\{\w+\}", "x", text)
        out.append(text)
    return out


def xml_dangers():
    """The XML-RPC dangers, each a whole request body refd must refuse
    with 400 (or answer with a fault) without expanding or recursing."""
    call = "<methodCall><methodName>supervisor.getState</methodName><params>%s</params></methodCall>"
    laughs = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        laughs.append('<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (i - 1 if i > 1 else "")) * 10))
    d = {}
    d["billion-laughs"] = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n%s\n]>\n' % "\n".join(laughs)
                           + call % "<param><value><string>&lol9;</string></value></param>")
    d["external-entity"] = ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                            + call % "<param><value><string>&xxe;</string></value></param>")
    d["external-dtd"] = ('<?xml version="1.0"?>\n<!DOCTYPE methodCall SYSTEM "http://127.0.0.1:1/x.dtd">\n'
                         + call % "")
    d["parameter-entity"] = ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'
                             + call % "")
    deep = "<value><array><data>" * 10000 + "</data></array></value>" * 10000
    d["nesting-10k-arrays"] = call % ("<param>" + deep + "</param>")
    d["nesting-10k-elements"] = call % ("<param><value>" + "<a>" * 10000 + "</a>" * 10000 + "</value></param>")
    d["nesting-300-structs"] = call % ("<param>" + "<value><struct><member><name>k</name>" * 300
                                       + "<value>1</value>" + "</member></struct></value>" * 300 + "</param>")
    # depth hidden from a scanner that does not skip comments and CDATA
    d["nesting-behind-comment"] = (
        "<methodCall><!--" + "</a>" * 10000 + "--><methodName>supervisor.getState</methodName><params><param>"
        + deep + "</param></params></methodCall>")
    d["nesting-behind-cdata"] = (
        "<methodCall><methodName><![CDATA[" + "</a>" * 10000 + "]]></methodName><params><param>"
        + deep + "</param></params></methodCall>")
    d["huge-string-400k"] = call % ("<param><value><string>" + "A" * 400000 + "</string></value></param>")
    d["huge-string-600k"] = call % ("<param><value><string>" + "A" * 600000 + "</string></value></param>")
    d["huge-method-name"] = "<methodCall><methodName>" + "x" * 200000 + "</methodName></methodCall>"
    d["huge-array"] = call % ("<param><value><array><data>" + "<value><i4>1</i4></value>" * 20000
                              + "</data></array></value></param>")
    d["many-members"] = call % ("<param><value><struct>" + "".join(
        "<member><name>k%d</name><value>v</value></member>" % i for i in range(5000)) + "</struct></value></param>")
    invalid = [b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x00", b"\x01\x1b"]
    for i, bad in enumerate(invalid):
        d["invalid-utf8-%d" % i] = (b"<?xml version='1.0'?><methodCall><methodName>twiddler.log</methodName>"
                                    b"<params><param><value><string>" + bad
                                    + b"</string></value></param></params></methodCall>")
    d["invalid-utf8-method"] = b"<methodCall><methodName>supervisor.\xff\xfegetState</methodName></methodCall>"
    d["latin1-declared"] = (b"<?xml version='1.0' encoding='ISO-8859-1'?><methodCall><methodName>twiddler.log"
                            b"</methodName><params><param><value>caf\xe9</value></param></params></methodCall>")
    d["utf16"] = ("<?xml version='1.0' encoding='UTF-16'?>" + call % "").encode("utf-16")
    d["char-refs"] = call % "<param><value><string>&#0;&#x1;&#xD800;&#x110000;&#13;&#10;&amp;&lt;</string></value></param>"
    d["undefined-entity"] = call % "<param><value><string>&nosuch;</string></value></param>"
    d["processing-instruction"] = "<?xml version='1.0'?><?pi data?>" + call % ""
    d["truncated"] = (call % "<param><value><array><data><value>")[:-5]
    return d


def seeds_xmlrpc():
    c = Corpus("xmlrpc")
    for fname, method, args in session_calls():
        try:
            body = xmlrpc.client.dumps(args, methodname=method, allow_none=True)
        except Exception:
            continue
        c.add(body, fname.replace(".md", "") + "-" + method)
    for text in http_blocks():
        head, _, body = text.partition("\r\n\r\n")
        if head.startswith("POST /RPC2") and body:
            c.add(body, "http-body")
    for name, body in xml_dangers().items():
        c.add(body, "danger-" + name)
    # multicall sequences and waited operations
    M = lambda calls: xmlrpc.client.dumps(([{"methodName": m, "params": list(p)} for m, p in calls],),
                                          methodname="system.multicall")
    c.add(M([("supervisor.startProcess", ("web:web_00",)), ("supervisor.stopProcess", ("web:web_00",)),
             ("supervisor.getProcessInfo", ("web:web_00",))]), "multicall-start-stop")
    c.add(M([("supervisor.startAllProcesses", (True,)), ("supervisor.stopAllProcesses", (True,))]),
          "multicall-all")
    c.add(M([("twiddler.addGroup", ("dyn", 5)),
             ("twiddler.addProgramToGroup", ("dyn", "p", {"command": "/bin/cat", "autostart": False,
                                                          "numprocs": 2, "process_name": "p%(process_num)d"})),
             ("supervisor.startProcessGroup", ("dyn",)), ("supervisor.stopProcessGroup", ("dyn",)),
             ("twiddler.removeProcessFromGroup", ("dyn", "p0")), ("supervisor.removeProcessGroup", ("dyn",))]),
          "multicall-twiddler")
    c.add(M([("supervisor.reloadConfig", ()), ("supervisor.addProcessGroup", ("newprog",)),
             ("supervisor.reloadConfig", ()), ("supervisor.removeProcessGroup", ("quiet",)),
             ("supervisor.getAllConfigInfo", ())]), "multicall-reload")
    c.add(M([("supervisor.startProcess", ("stubborn",)), ("supervisor.stopProcess", ("stubborn",)),
             ("supervisor.startProcess", ("stuck",)), ("supervisor.stopProcess", ("stuck",)),
             ("supervisor.signalProcess", ("cat", "HUP")), ("supervisor.getAllProcessInfo", ())]),
          "multicall-signals")
    c.add(M([("supervisor.readProcessStdoutLog", ("cat", -100, 0)),
             ("supervisor.tailProcessStderrLog", ("cat", 0, 2000)), ("supervisor.readLog", (10, 30)),
             ("supervisor.clearLog", ()), ("supervisor.clearAllProcessLogs", ()),
             ("supervisor.sendProcessStdin", ("cat", "hi\n")), ("supervisor.sendRemoteCommEvent", ("t", "d"))]),
          "multicall-logs")
    c.add(M([("system.multicall", ([],)), ("tw.addGroup", ("x", 1)), ("tw.log", ("m", "WARN")),
             ("supervisor.restart", ()), ("supervisor.getState", ()), ("supervisor.shutdown", ())]),
          "multicall-restart")
    # every XML-RPC type in the argument positions that convert values
    typed = ["<i4>7</i4>", "<i8>9223372036854775807</i8>", "<int>-2147483648</int>", "<boolean>1</boolean>",
             "<double>-1.5e300</double>", "<string>12</string>", "<base64>MTI=</base64>", "<base64>/w==</base64>",
             "<nil/>", "<array><data><value>1</value></data></array>", "<struct></struct>",
             "<struct><member><name>k</name><value>v</value></member></struct>",
             "<dateTime.iso8601>20240101T00:00:00</dateTime.iso8601>", "plain"]
    def body(method, *args):
        return ("<?xml version='1.0'?><methodCall><methodName>%s</methodName><params>%s</params></methodCall>"
                % (method, "".join("<param><value>%s</value></param>" % a for a in args)))
    for i, t in enumerate(typed):
        c.add(body("supervisor.readProcessStdoutLog", "cat", t, t), "typed-read-%d" % i)
        c.add(body("supervisor.tailProcessStderrLog", "cat", t, "<int>100</int>"), "typed-tail-%d" % i)
        c.add(body("supervisor.startProcess", t, t), "typed-start-%d" % i)
        c.add(body("supervisor.signalProcess", "cat", t), "typed-signal-%d" % i)
        c.add(body("twiddler.addGroup", "<string>g%d</string>" % i, t), "typed-addgroup-%d" % i)
        c.add(body("twiddler.log", t, t), "typed-log-%d" % i)
        c.add(body("twiddler.addProgramToGroup", "grp", "p%d" % i,
                   "<struct><member><name>command</name><value>/bin/cat</value></member>"
                   "<member><name>startsecs</name><value>%s</value></member></struct>" % t), "typed-options-%d" % i)
        c.add(body("system.methodHelp", t), "typed-help-%d" % i)
        c.add(body("supervisor.sendProcessStdin", "cat", t), "typed-stdin-%d" % i)
    c.add(M([("supervisor.restart", ()), ("supervisor.restart", ()), ("supervisor.restart", ())]), "multicall-restarts")
    c.add(M([("supervisor.startProcess", ("stubborn",)), ("supervisor.stopProcess", ("stubborn", True)),
             ("supervisor.getState", ())]), "multicall-deferred-stop")
    c.add(M([("supervisor.startProcessGroup", ("grp", True)), ("supervisor.stopAllProcesses", (True,)),
             ("supervisor.startAllProcesses", (False,)), ("supervisor.signalAllProcesses", ("USR1",)),
             ("supervisor.signalProcessGroup", ("grp", 15))]), "multicall-bulk")
    c.add(M([("twiddler.addProgramToGroup", ("listener", "x", {"command": "/bin/cat"})),
             ("twiddler.addProgramToGroup", ("grp", "g3", [])),
             ("twiddler.addProgramToGroup", ("grp", "g4", {"command": "/bin/cat", "stdout_logfile": "/etc/passwd"})),
             ("supervisor.tailProcessStdoutLog", ("grp:g4", 0, 100)), ("supervisor.getAllConfigInfo", ())]),
          "multicall-twiddler-edges")
    for m in ["supervisor.startProcess", "supervisor.stopProcess", "supervisor.startProcessGroup",
              "supervisor.stopProcessGroup"]:
        for target in ["cat", "grp", "grp:g1", "grp:*", "flaky", "oneshot", "missing", "notexec", "listener"]:
            c.add(xmlrpc.client.dumps((target, True), methodname=m), "%s-%s" % (m, target))


def seeds_http():
    c = Corpus("http")
    for text in http_blocks():
        c.add(text, "session")
    body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getVersion</methodName>\n<params>\n</params>\n</methodCall>\n"
    ctl = ("POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\nContent-Type: text/xml\r\n"
           "User-Agent: Python-xmlrpc/3.11\r\nAuthorization: Basic dXNlcjoxMjM=\r\nContent-Length: %d\r\n\r\n%s"
           % (len(body), body))
    c.add(ctl, "supervisorctl")
    c.add(ctl + ctl, "supervisorctl-pipelined")
    c.add("GET /logtail/grp:foo/stdout HTTP/1.1\r\nHost: \r\nAccept-Encoding: chunked\r\nAccept: */*\r\n"
          "User-agent: Supervisor HTTP Client\r\nAuthorization: Basic dXNlcjoxMjM=\r\n\r\n\r\n", "tail-f")
    hand = {
        "http10-keepalive": "POST /RPC2 HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\nabcd",
        "http09": "GET /\r\n\r\n",
        "no-space-length": "POST /RPC2 HTTP/1.1\r\nContent-Length:88\r\n\r\n",
        "two-spaces-length": "POST /RPC2 HTTP/1.1\r\ncontent-length:  3\r\n\r\nabc",
        "bad-length": "POST /RPC2 HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        "conflicting-lengths": "POST /RPC2 HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "huge-length": "POST /RPC2 HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "chunked": "POST /RPC2 HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "continuation": "GET / HTTP/1.1\r\nX-Long: a\r\n  b\r\n\tc\r\nConnection: close,\r\n keep-alive\r\n\r\n",
        "bare-cr": "GET / HTTP/1.1\r\nA: b\rC: d\r\n\r\n",
        "leading-blank-lines": "\r\n\r\n\r\nGET /ok.html HTTP/1.1\r\n\r\n",
        "garbage-line": "garbage line here with spaces\r\n\r\n",
        "percent": "GET /logtail/grp%3Afoo/%00%zz%4?a=%41 HTTP/1.1\r\n\r\n",
        "auth-bad-base64": "GET / HTTP/1.1\r\nAuthorization: Basic !!!!\r\n\r\n",
        "auth-no-colon": "GET / HTTP/1.1\r\nAuthorization: basic dXNlcg==\r\n\r\n",
        "auth-digest": "GET / HTTP/1.1\r\nAuthorization: Digest username=x\r\n\r\n",
        "auth-invalid-utf8": "GET / HTTP/1.1\r\nAuthorization: Basic //79Ont9\r\n\r\n",
        "version-garbage": "GET / HTTP/1.1.1.1.1.1\r\n\r\n",
        "control-in-uri": "GET /\x01x HTTP/1.1\r\n\r\n",
        "no-colon-header": "GET / HTTP/1.1\r\nnocolon\r\n: empty-name\r\n\r\n",
        "many-headers": "GET / HTTP/1.1\r\n" + "".join("H%d: v\r\n" % i for i in range(101)) + "\r\n",
        "long-head": "GET /" + "a" * 2000 + " HTTP/1.1\r\n\r\n",
        "incomplete": "POST /RPC2 HTTP/1.1\r\nContent-Length: 10\r\n",
    }
    for k, v in hand.items():
        c.add(v, k)


def conf_files(text):
    """The %file parts a golden config's includes need."""
    extra = ""
    if "[include]" not in text:
        return extra
    for d in ("inc", "inc2", "inc3"):
        for f in sorted(os.listdir(os.path.join(CONFS, d))):
            extra += "\n%%file %s/%s\n" % (d, f) + read(os.path.join(CONFS, d, f), "rb").decode("utf-8", "surrogateescape")
    for f in sorted(glob.glob(os.path.join(CONFS, "debian-conf.d", "*.conf"))):
        extra += "\n%%file /etc/supervisor/conf.d/%s\n" % os.path.basename(f) + read(f)
    return extra


def seeds_config():
    c = Corpus("config")
    for path in sorted(glob.glob(os.path.join(CONFS, "*.conf"))):
        text = read(path, "rb").decode("utf-8", "surrogateescape")
        c.add(text + conf_files(text), os.path.basename(path)[:-5])
    for path in SESSIONS:
        for m in re.finditer(r"<!-- config\n(.*?)-->", read(path), re.S):
            c.add(m.group(1), "session-" + os.path.basename(path)[:-3])


def seeds_twiddler():
    c = Corpus("twiddler")
    for fname, method, args in session_calls():
        if method != "twiddler.addProgramToGroup" or len(args) != 3 or not isinstance(args[2], dict):
            continue
        fields = [str(args[0]), str(args[1])]
        for k, v in args[2].items():
            v = ("true" if v else "false") if isinstance(v, bool) else str(v)
            fields += [str(k), v]
        c.add("\0".join(fields), fname.replace(".md", ""))
    hand = [
        ["dyn", "p", "command", "/bin/cat", "environment", 'A="1",B=2', "user", "root", "umask", "022"],
        ["dyn", "w", "command", "sleep 1", "numprocs", "3", "numprocs_start", "2147483646",
         "process_name", "%(program_name)s_%(process_num)d"],
        ["dyn", "n", "command", "echo\nmore", "stdout_logfile", "/tmp/%(program_name)s\n.log"],
        ["dyn", "x", "command", "%(ENV_HOME)s/x %(here)s %(group_name)s %(host_node_name)s"],
        ["dyn", "e", "command", "cat", "exitcodes", "0,1,255,-1", "stopsignal", "SIGUSR2",
         "autorestart", "unexpected", "startsecs", "-1"],
        ["dyn", "l", "command", "cat", "stdout_logfile_maxbytes", "1GB", "stderr_capture_maxbytes", "1KB",
         "redirect_stderr", "true", "stderr_logfile", "/tmp/e.log"],
        ["dyn", " spaced ", "COMMAND", "cat", "Directory", "/nonexistent", "serverurl", "AUTO"],
    ]
    for h in hand:
        c.add("\0".join(h), "hand")


def seeds_shlex():
    c = Corpus("shlex")
    for path in sorted(glob.glob(os.path.join(CONFS, "*.conf"))) + SESSIONS:
        for m in re.finditer(r"^\s*(?:command|environment)\s*=\s*(.*)$", read(path, "rb").decode("utf-8", "replace"), re.M):
            c.add(m.group(1), "conf")
    for s in ['/bin/sh -c "echo \\"x\\"; exec sleep 1"', "a 'b c' \"d\\\\e\" f\\ g", "unterminated 'x",
              "trailing \\", 'A="1",B=\'two words\',C=3', "A=1 B=2", "K=\"v#x\" # comment\nL=2",
              "KEY=val,KEY=again", "A=", "=x", "é=ü,ß=\"ñ\"", "A=1,,B=2", "\x7f\x80\xff"]:
        c.add(s, "hand")


def seeds_session():
    c = Corpus("session")
    for path in SESSIONS + sorted(glob.glob(os.path.join(ROOT, "conformance", "tests", "fixtures", "*.md"))):
        c.add(read(path), os.path.basename(path)[:-3])
    if os.path.exists(README):
        c.add(read(README) + "\n%%sidecar\n" + read(SIDECAR), "twiddler-README-with-sidecar")


def seeds_pyval():
    c = Corpus("pyval")
    for path in SESSIONS + ([README] if os.path.exists(README) else []):
        text = read(path)
        # expected results: the lines after a >>> line up to a blank line or the next prompt
        for m in re.finditer(r"^>>> .*\n((?:(?!>>> |```|<!--).+\n)+)", text, re.M):
            out = m.group(1).strip()
            if out.startswith(("xmlrpc.client.", "Traceback")):
                continue
            c.add(out, os.path.basename(path)[:-3])
        for m in re.finditer(r">>> \w+\.\w+\.\w+(\(.*\))", text):
            c.add(m.group(1), "args")
    for s in ["{'a': [1, 2.5, -3e10, True, None, b'\\x00', ...], ...}", "'\\u00e9\\U0001f600\\x00\\n'",
              "float('nan')", "(1,)", "()", "[[[[[[[[[[]]]]]]]]]]", "0x10", "1_000", "-0.0", "1e400",
              "<DateTime '20240101T00:00:00' at 0x7f>", "'''x'''", "r'raw\\n'", "'a' 'b'",
              "{1: 2, 1: 3}", "Ellipsis", "...", "'unterminated"]:
        c.add(s, "hand")


def seeds_reply():
    c = Corpus("reply")
    R = lambda v: xmlrpc.client.dumps((v,), methodresponse=True, allow_none=True)
    info = {"name": "cat", "group": "cat", "start": 1700000000, "stop": 0, "now": 1700000100, "state": 20,
            "statename": "RUNNING", "spawnerr": "", "exitstatus": 0, "logfile": "/tmp/cat.log",
            "stdout_logfile": "/tmp/cat.log", "stderr_logfile": "", "pid": 42, "description": "pid 42, uptime 0:01:40"}
    for label, v in [("state", {"statecode": 1, "statename": "RUNNING"}), ("version", "3.0"), ("true", True),
                     ("all-info", [info, dict(info, name="web_00", group="web")]), ("none", None),
                     ("log", "line\r\nwith CR LF\x01 and \u00e9\n"), ("bytes", b"\x00\xff"),
                     ("multicall", ["3.0", {"faultCode": 1, "faultString": "UNKNOWN_METHOD"}]),
                     ("tail", ["data", 1024, False]), ("float", -1.5e300), ("int", -2147483648),
                     ("nested", [[[{"a": [1, 2, {"b": None}]}]]])]:
        c.add(R(v), label)
    c.add(xmlrpc.client.dumps(xmlrpc.client.Fault(10, "BAD_NAME: nosuch"), methodresponse=True), "fault")
    body = "<?xml version='1.0'?><methodResponse><params><param><value>%s</value></param></params></methodResponse>"
    for label, v in [("i8", "<i8>9223372036854775807</i8>"), ("i8-junk", "<i8>12x</i8>"),
                     ("ex-i8-range", "<ex:i8>9223372036854775808</ex:i8>"), ("ex-nil", "<ex:nil/>"),
                     ("date", "<dateTime.iso8601>20240101T00:00:00</dateTime.iso8601>"),
                     ("deep", "<array><data><value>" * 300 + "1" + "</value></data></array>" * 300),
                     ("doctype", "&a;")]:
        text = body % v
        if label == "doctype":
            text = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + text[text.index("<methodResponse>"):]
        c.add(text, label)


def seeds_form():
    """The web UI's query strings and POST bodies (http.md §8); the first
    byte picks the field (processname, action, limit, message, "", "a b")."""
    c = Corpus("form")
    queries = ["processname=cat&action=start", "action=stopall", "processname=web%3Aweb_00&action=restart",
               "message=Process+cat+started&processname=", "processname=&processname=cat",
               "limit=1024&processname=cat", "processname=%ZZ%4&action=%00", "processname=%e9%80%ff+x",
               "processname=%C3%A9t%C3%A9", "a+b=1&a%20b=2", ";;&&==", "processname==x=y", "&processname"]
    bodies = [None, "", "processname=other", "processname=a&processname=&processname=b",
              "action=clearlog&processname=%3Cscript%3E", "message=%22quoted%27%26", "\x00\x01processname=\xff\xfe"]
    # Every field x query x body would be 546 seeds of little variety: a
    # fixed third of them (the same on every run) covers each of the three.
    for k in range(6):
        for q in queries:
            for b in bodies:
                if (k + len(q) + len(b or "")) % 3:
                    continue
                c.add(bytes([k]) + q.encode("latin-1") + (b"\n" + b.encode("latin-1") if b is not None else b""),
                      "form")


ALL = {"form": seeds_form, "xmlrpc": seeds_xmlrpc, "reply": seeds_reply, "http": seeds_http, "config": seeds_config, "twiddler": seeds_twiddler,
       "shlex": seeds_shlex, "session": seeds_session, "pyval": seeds_pyval}

if __name__ == "__main__":
    for name in sys.argv[1:] or ALL:
        ALL[name]()
