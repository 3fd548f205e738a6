# SPDX-License-Identifier: Apache-2.0
"""Reading Cutpoint's NDJSON in the lab checkers: one JSON object with a string "type"
per line, `meta` first and `stats` last.

  from ndjson import load, read_records, framing_problems, Problems

load(path) and by_type(path) are strict: a bad line raises NdjsonError naming the file and
line. read_records(path, on_bad_line) hands bad lines to the caller instead (a checker
lists them among its problems and goes on). The scripts that import this module put its
folder on the path: the lab tests through lab_test_lib.sh (PYTHONPATH), the checkers and
tools/lab/summarize_trace.py through their own location.
"""

import ipaddress
import json
from collections import Counter, defaultdict


class NdjsonError(ValueError):
    """A line that is not a JSON object with a string "type"."""


def _bad_line_reason(line):
    """(record, None) for a good line, (None, why) for a bad one."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as e:
        return None, f"invalid JSON ({e})"
    if not isinstance(rec, dict):
        return None, "not a JSON object"
    if not isinstance(rec.get("type"), str):
        return None, "object without a string 'type'"
    return rec, None


def read_records(path, on_bad_line=None):
    """Returns (records, line_count): records as (lineno, dict) in file order.

    A bad line raises NdjsonError, or, given on_bad_line(lineno, why, line), is passed to
    it and skipped. OSError (no such file, ...) is the caller's to handle.
    """
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    records = []
    for lineno, line in enumerate(lines, 1):
        rec, why = _bad_line_reason(line)
        if rec is not None:
            records.append((lineno, rec))
        elif on_bad_line is None:
            raise NdjsonError(f"{path}:{lineno}: {why}: {line[:120]!r}")
        else:
            on_bad_line(lineno, why, line)
    return records, len(lines)


def load(path):
    """Every record of `path`, in order; NdjsonError on a bad line."""
    return [rec for _, rec in read_records(path)[0]]


def by_type(path):
    """{type: [record, ...]} in file order; NdjsonError on a bad line."""
    grouped = defaultdict(list)
    for rec in load(path):
        grouped[rec["type"]].append(rec)
    return grouped


def framing_problems(records, line_count):
    """Messages for a file that is not `meta` first, `stats` last, neither in between."""
    if not records:
        return []
    problems = []
    first_no, first = records[0]
    last_no, last = records[-1]
    if first_no != 1 or first["type"] != "meta":
        problems.append(f"first line is not type=meta (line {first_no}: type={first['type']!r})")
    if last_no != line_count or last["type"] != "stats":
        problems.append(f"last line is not type=stats (line {last_no}: type={last['type']!r})")
    for lineno, rec in records[1:-1]:
        if rec["type"] in ("meta", "stats"):
            problems.append(f"line {lineno}: extra {rec['type']} record")
    return problems


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_dotted(v):
    if not isinstance(v, str):
        return False
    try:
        return isinstance(ipaddress.ip_address(v), ipaddress.IPv4Address)
    except ValueError:
        return False


class Problems:
    """What a checker found, by category: the first `max_listed` messages of each and up
    to `max_records` offending records are reported."""

    def __init__(self, max_listed=20, max_records=8):
        self.by_cat = defaultdict(list)
        self.counts = Counter()
        self.records = []
        self.max_listed = max_listed
        self.max_records = max_records

    def add(self, cat, msg, rec=None):
        self.counts[cat] += 1
        if len(self.by_cat[cat]) < self.max_listed:
            self.by_cat[cat].append(msg)
        if rec is not None and len(self.records) < self.max_records and rec not in self.records:
            self.records.append(rec)

    def __bool__(self):
        return bool(self.counts)

    def report(self, out, records_title="offending records"):
        for cat, n in self.counts.items():
            print(f"  {cat}: {n}", file=out)
            for msg in self.by_cat[cat]:
                print(f"    - {msg}", file=out)
            if n > len(self.by_cat[cat]):
                print(f"    ... and {n - len(self.by_cat[cat])} more", file=out)
        if self.records:
            print(f"  {records_title}:", file=out)
            for rec in self.records:
                print(f"    {json.dumps(rec, sort_keys=True)}", file=out)
