#!/usr/bin/python3
"""Runs refd-conform and checks what it reports: the exit status, that the
JUnit XML parses and agrees with the JSON, and that the JSON carries every
documented field. Used by ctest; needs only Debian's python3.

usage: check_reports.py [--exit N] [--min-pass N] [--max-fail N]
                        [--verdict ID=VERDICT ...] -- REFD_CONFORM ARGS...
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

CASE_FIELDS = {"id": str, "file": str, "line": int, "tags": list, "level": str,
               "verdict": str, "gating": bool, "duration": float, "steps": list}
NULLABLE = ("expected", "actual", "message", "expected_difference", "http")
VERDICTS = {"pass", "fail", "doc-drift", "skip", "xfail", "xpass"}


def fail(msg):
    print("check_reports: " + msg, file=sys.stderr)
    sys.exit(1)


def check_json(data):
    for key in ("tool", "version", "target", "summary", "cases"):
        if key not in data:
            fail("JSON lacks %r" % key)
    summary = data["summary"]
    counts = {v: 0 for v in VERDICTS}
    for case in data["cases"]:
        for key, typ in CASE_FIELDS.items():
            if key not in case:
                fail("case %s lacks %r" % (case.get("id"), key))
            if typ is float:
                ok = isinstance(case[key], (int, float))
            else:
                ok = isinstance(case[key], typ)
            if not ok:
                fail("case %s: %r is not a %s" % (case["id"], key, typ.__name__))
        for key in NULLABLE:
            if key not in case:
                fail("case %s lacks %r" % (case["id"], key))
        if case["level"] not in ("must", "should", "info"):
            fail("case %s: bad level %r" % (case["id"], case["level"]))
        if case["verdict"] not in VERDICTS:
            fail("case %s: bad verdict %r" % (case["id"], case["verdict"]))
        if case["verdict"] == "fail" and case["actual"] is None:
            fail("failed case %s has no actual value" % case["id"])
        if case["verdict"] == "fail" and case["steps"] and case["http"] is None:
            fail("failed case %s carries no HTTP exchange" % case["id"])
        if case["http"] is not None and not {"request", "response"} <= set(case["http"]):
            fail("case %s: http needs request and response" % case["id"])
        counts[case["verdict"]] += 1
    if summary["total"] != len(data["cases"]):
        fail("summary total %d != %d cases" % (summary["total"], len(data["cases"])))
    for v in VERDICTS:
        if summary[v] != counts[v]:
            fail("summary %s is %d, cases say %d" % (v, summary[v], counts[v]))
    return counts


def check_junit(path, data):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail("JUnit root is %s" % root.tag)
    cases = root.findall("./testsuite/testcase")
    if len(cases) != len(data["cases"]):
        fail("JUnit has %d testcases, JSON %d" % (len(cases), len(data["cases"])))
    failures = sum(1 for c in cases if c.find("failure") is not None)
    gating = sum(1 for c in data["cases"] if c["gating"])
    if failures != gating or int(root.get("failures")) != gating:
        fail("JUnit failures %d/%s, JSON gating %d" % (failures, root.get("failures"), gating))
    skipped = sum(1 for c in cases if c.find("skipped") is not None)
    if skipped != data["summary"]["skip"]:
        fail("JUnit skipped %d, JSON %d" % (skipped, data["summary"]["skip"]))
    for c in cases:
        for attr in ("name", "classname", "time"):
            if c.get(attr) is None:
                fail("testcase without %s" % attr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exit", type=int, default=0)
    ap.add_argument("--min-pass", type=int, default=1)
    ap.add_argument("--max-fail", type=int, default=0)
    ap.add_argument("--verdict", action="append", default=[])
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    with tempfile.TemporaryDirectory() as tmp:
        junit = os.path.join(tmp, "report.xml")
        js = os.path.join(tmp, "report.json")
        proc = subprocess.run(cmd + ["--junit", junit, "--json", js], timeout=1800)
        if proc.returncode != args.exit:
            fail("exit status %d, expected %d" % (proc.returncode, args.exit))
        with open(js, encoding="utf-8") as f:
            data = json.load(f)
        counts = check_json(data)
        check_junit(junit, data)
    if counts["pass"] < args.min_pass:
        fail("%d cases passed, expected at least %d" % (counts["pass"], args.min_pass))
    if counts["fail"] > args.max_fail:
        fail("%d cases failed, at most %d allowed" % (counts["fail"], args.max_fail))
    by_id = {c["id"]: c["verdict"] for c in data["cases"]}
    for spec in args.verdict:
        cid, want = spec.split("=", 1)
        if by_id.get(cid) != want:
            fail("case %s: verdict %s, expected %s" % (cid, by_id.get(cid), want))
    print("check_reports: %d cases, %s" % (len(data["cases"]),
          ", ".join("%d %s" % (n, v) for v, n in sorted(counts.items()) if n)))


if __name__ == "__main__":
    main()
