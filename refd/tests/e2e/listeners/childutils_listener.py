#!/usr/bin/python3
"""A listener written with supervisord's own helper, supervisor.childutils
(as superlance's are): it appends repr((headers, payload)) for every event
to OUT and answers OK."""
import sys

from supervisor import childutils

out = open(sys.argv[1], "a")
while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    out.write(repr((headers, payload)) + "\n")
    out.flush()
    childutils.listener.ok(sys.stdout)
