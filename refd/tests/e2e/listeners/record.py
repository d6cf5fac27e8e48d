#!/usr/bin/python3
"""An event listener for the end-to-end tests: it appends every envelope it
receives to a file, one repr((header, payload)) per line, and answers as
its options say. It reads `len` bytes of payload (the documented meaning);
--chars reads `len` characters instead, as supervisord 4.2.5 counts them.

  record.py OUT [--fail-first] [--result TEXT] [--wait FILE] [--die-once FILE]
            [--prefix TOKEN] [--chars]
"""
import argparse
import io
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--fail-first", action="store_true", help="answer FAIL to the first event")
ap.add_argument("--result", default="OK", help="the result body (\\n allowed)")
ap.add_argument("--wait", help="say READY only once this file exists")
ap.add_argument("--die-once", help="the first time (FILE does not exist yet): create FILE and exit on the first event, unanswered")
ap.add_argument("--prefix", default="RESULT ", help="the result line's prefix")
ap.add_argument("--chars", action="store_true", help="len counts characters")
args = ap.parse_args()

out = open(args.out, "ab", buffering=0)
stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
result = args.result.replace("\\n", "\n").encode()

if args.wait:
    deadline = time.monotonic() + 60
    while not os.path.exists(args.wait) and time.monotonic() < deadline:
        time.sleep(0.02)

if args.chars:
    text = io.TextIOWrapper(stdin, encoding="utf-8", errors="surrogateescape", newline="")

n = 0
while True:
    stdout.write(b"READY\n")
    stdout.flush()
    if args.chars:
        line = text.readline().encode("utf-8", "surrogateescape")
    else:
        line = stdin.readline()
    if not line:
        break
    headers = dict(x.split(b":", 1) for x in line.split())
    length = int(headers[b"len"])
    if args.chars:
        payload = text.read(length).encode("utf-8", "surrogateescape")
    else:
        payload = stdin.read(length)
    out.write(repr((line, payload)).encode() + b"\n")
    n += 1
    if args.die_once and n == 1 and not os.path.exists(args.die_once):
        open(args.die_once, "w").close()
        sys.exit(0)
    body = b"FAIL" if args.fail_first and n == 1 else result
    stdout.write(args.prefix.encode() + b"%d\n" % len(body) + body)
    stdout.flush()
