#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks `cutpoint locate` NDJSON output against a lab's ground truth.

  check_locate.py --truth truth.json --ndjson out.ndjson [--label NAME]
                  [--compare other.ndjson]

The truth file is written by `tools/lab/lab.sh up ... --truth FILE`.  Checks:

* every line is a JSON object with a `type`; `meta` first, `stats` last;
* exactly one `verdict` per (target, test port) for every address of every
  scanned prefix (verdicts for the control ports, if any, are at most one per
  (target, port) and must be `reachable`);
* a filtered target gets the truth's verdict (and mechanism for
  rst_injection); the filter hop k lies in [after_ttl, before_ttl], and
  after_addr / before_addr are the truth's addresses at those TTLs (TTL 0 =
  the prober, TTL = distance -> the target itself); icmp_prohibited names the
  filter router as icmp_from with code 13;
* with an ECMP hop J carrying the filter on branch a, a filtered candidate may
  also be `reachable` (its flow hashed onto branch b), or `partial_drop` /
  `inconclusive` (loss) when its probes took both branches (compared as one finding), a blocked one must name
  branch a's address at hop J, and at least one candidate must be blocked;
* a partial filter (truth `expected_verdict` partial_drop, `pass_fraction`) wants
  `partial_drop` located like silent_drop, or `inconclusive` with reason `loss`
  (undecided); either way the truth's pass fraction must lie in the reported
  [pass_ci_low, pass_ci_high] (or, the 95 % interval missing it once in 20 by design,
  in the 99.9 % Wilson interval of the record's counts), and at least one must be
  `partial_drop`;
* every unfiltered target is `reachable`: no blocking verdict;
* every verdict's `distance` equals the truth's.

--compare FILE: the verdict records of FILE (e.g. an offline `--from-pcap`
re-judgement) must equal those of --ndjson, ignoring only timing fields.

`inconclusive` is a failure unless allowed: --allow-inconclusive REASON (repeatable)
lets any target be `inconclusive` with that reason (a lossy lab: `loss`; an
interrupted run: `interrupted`) — a filtered target must still never be `reachable`
and an unfiltered one never blocked. --lossy also accepts a distance one or more hops
too long for a verdict that is not blocking (every control at the true distance lost).
--expect-interrupted: the stats record must say `interrupted: true`.

IPv6 (issue 12): --family 4|6|both chooses which of the truth's prefixes were scanned
(default 4: the IPv4 prefixes only, as before). An IPv6 target is checked against the
truth's `*6` twins: `prefix6`/`hops6` per network, `prober_addr6`, per filter `filtered6`,
`filter_addr6`, `icmp6_code` (the ICMPv6 code icmp_prohibited must name, where IPv4 wants
13), `ecmp_filter_branch_addr6`, `ecmp_branch_addrs6`; addresses in IPv6 records must be
RFC 5952 text. A filter whose `expected_verdict` is `inconclusive` (blackhole) wants
exactly that verdict with the truth's `expected_reason`. --expect-scope SCOPE: every
blocking verdict must carry that `scope`. --table prints an "expected vs got" table of
the filtered targets (and a count line for the unfiltered ones) to stdout.

Exits 0 when everything holds, 1 otherwise (listing the first problems and the
offending verdict records), 2 on usage/input errors.
"""

import argparse
import ipaddress
import json
import re
import sys
from collections import Counter, defaultdict

from ndjson import Problems, framing_problems, is_dotted, is_int, read_records


def is_ip6_text(v):
    """An IPv6 address in RFC 5952 text (lower case, longest zero run compressed)."""
    if not isinstance(v, str):
        return False
    try:
        a = ipaddress.ip_address(v)
    except ValueError:
        return False
    return isinstance(a, ipaddress.IPv6Address) and str(a) == v


def is_addr(v, version):
    """Dotted IPv4 for version 4, RFC 5952 IPv6 for version 6."""
    return is_dotted(v) if version == 4 else is_ip6_text(v)


def version_of(target):
    """4 or 6 for a target string (6 for any parseable IPv6 text), None if unparseable."""
    try:
        return ipaddress.ip_address(target).version
    except (ValueError, TypeError):
        return None

VERDICTS = {"silent_drop", "partial_drop", "rst_injection", "icmp_prohibited", "reachable",
            "closed", "unreachable", "inconclusive", "blackholed"}
BLOCKING = {"silent_drop", "partial_drop", "rst_injection", "icmp_prohibited", "blackholed"}
PASS_FIELDS = ("pass_fraction", "pass_ci_low", "pass_ci_high")
MECHANISMS = {"in_path", "on_path"}
SCOPES = {"host", "port", "prefix"}
MAX_LISTED = 15
MAX_RECORDS = 8
# Keys whose values depend on timing and may differ between a live run and an
# offline re-judgement of its capture.
TIMING_KEY = re.compile(r"(^|_)(rtt|time|ts|timestamp|us|ms|duration|elapsed|start|end)($|_)")
TIMING_TEXT = re.compile(r"\b\d+(\.\d+)?\s*(us|µs|ms|s)\b")


def load_ndjson(path, probs, tag):
    """Returns (records, raw line count); records are (lineno, dict)."""
    def bad_line(lineno, why, line):
        probs.add("json", f"{tag} line {lineno}: {why}: {line[:120]!r}")
    records, line_count = read_records(path, bad_line)
    for msg in framing_problems(records, line_count):
        probs.add("framing", f"{tag}: {msg}")
    return records, line_count


def check_schema(rec, where, probs):
    ok = True
    for f in ("target", "port", "verdict"):
        if f not in rec:
            probs.add("schema", f"{where}: missing '{f}'", rec)
            ok = False
    if not ok:
        return False
    version = version_of(rec["target"])
    if version == 6:
        if not is_ip6_text(rec["target"]):
            probs.add("schema", f"{where}: target {rec['target']!r} is not RFC 5952 IPv6", rec)
            ok = False
    elif not is_dotted(rec["target"]):
        probs.add("schema", f"{where}: target {rec['target']!r} is not dotted IPv4", rec)
        ok = False
    fam = "IPv6 (RFC 5952)" if version == 6 else "dotted IPv4"
    version = 6 if version == 6 else 4
    if not (is_int(rec["port"]) and 0 < rec["port"] <= 65535):
        probs.add("schema", f"{where}: port {rec['port']!r} invalid", rec)
        ok = False
    v = rec["verdict"]
    if v not in VERDICTS:
        probs.add("schema", f"{where}: verdict {v!r} not one of {sorted(VERDICTS)}", rec)
        ok = False
    if v == "rst_injection" and rec.get("mechanism") not in MECHANISMS:
        probs.add("schema", f"{where}: rst_injection without mechanism in_path/on_path", rec)
    if v == "inconclusive" and not isinstance(rec.get("reason"), str):
        probs.add("schema", f"{where}: inconclusive without a 'reason' string", rec)
    if v in BLOCKING:
        for f in ("after_ttl", "before_ttl"):
            if not is_int(rec.get(f)):
                probs.add("schema", f"{where}: {v} without integer '{f}'", rec)
        for f in ("after_addr", "before_addr"):
            if f in rec and not is_addr(rec[f], version):
                probs.add("schema", f"{where}: {f} {rec[f]!r} is not {fam}", rec)
    if v == "partial_drop" or any(f in rec for f in PASS_FIELDS):
        vals = [rec.get(f) for f in PASS_FIELDS]
        if not (all(isinstance(x, (int, float)) for x in vals) and 0 <= vals[1] <= vals[0] <= vals[2] <= 1):
            probs.add("schema", f"{where}: pass_fraction/pass_ci_low/pass_ci_high {vals} are not "
                      "0 <= low <= fraction <= high <= 1", rec)
    if v == "icmp_prohibited":
        if not is_addr(rec.get("icmp_from"), version) or not is_int(rec.get("icmp_code")):
            probs.add("schema", f"{where}: icmp_prohibited without icmp_from/icmp_code", rec)
    if version == 6 and rec.get("ip_version", 6) != 6:
        probs.add("schema", f"{where}: IPv6 target with ip_version {rec.get('ip_version')!r}", rec)
    if "distance" in rec and not is_int(rec["distance"]):
        probs.add("schema", f"{where}: distance {rec['distance']!r} is not an integer", rec)
    if "scope" in rec and rec["scope"] not in SCOPES:
        probs.add("schema", f"{where}: scope {rec['scope']!r} not one of {sorted(SCOPES)}", rec)
    if "evidence" in rec:
        ev = rec["evidence"]
        if not isinstance(ev, list) or not all(
                isinstance(e, dict) and isinstance(e.get("name"), str)
                and isinstance(e.get("detail"), str) for e in ev):
            probs.add("schema", f"{where}: evidence is not a list of {{name, detail}}", rec)
    if "confidence" in rec:
        c = rec["confidence"]
        if not (isinstance(c, dict) and is_int(c.get("supporting"))
                and is_int(c.get("contradicting"))):
            probs.add("schema", f"{where}: confidence is not {{supporting, contradicting}}", rec)
    return ok


def strip_timing(v):
    if isinstance(v, dict):
        return {k: strip_timing(x) for k, x in v.items() if not TIMING_KEY.search(k)}
    if isinstance(v, list):
        return [strip_timing(x) for x in v]
    if isinstance(v, str):
        return TIMING_TEXT.sub("<t>", v)
    return v


def family_filter(f, version):
    """The filter entry `f` as seen by targets of IP version `version`: for 6 the `*6`
    twins replace filter_addr, ecmp_filter_branch_addr and the ICMP code (IPv4: 13)."""
    if version == 4:
        return dict(f, icmp_code=13)
    return dict(f, filter_addr=f.get("filter_addr6"),
                ecmp_filter_branch_addr=f.get("ecmp_filter_branch_addr6"),
                icmp_code=f.get("icmp6_code"))


class Truth:
    def __init__(self, path, families=(4,)):
        with open(path, encoding="utf-8") as f:
            t = json.load(f)
        self.raw = t
        self.scenario = t["scenario"]
        self.port = int(t["port"])
        self.prober = {4: t["prober_addr"], 6: t.get("prober_addr6")}
        self.open_ports = set(t.get("open_ports") or [])
        self.networks = []
        for n in t["networks"]:
            if 4 in families:
                self.networks.append((ipaddress.ip_network(n["prefix"]), int(n["distance"]),
                                      {int(k): v for k, v in n["hops"].items()}))
            if 6 in families:
                self.networks.append((ipaddress.ip_network(n["prefix6"]), int(n["distance"]),
                                      {int(k): v for k, v in n["hops6"].items()}))
        self.filter_of = {}
        for f in t.get("filters") or []:
            for a in f["filtered"] if 4 in families else []:
                self.filter_of[a] = family_filter(f, 4)
            for a in f.get("filtered6") or [] if 6 in families else []:
                self.filter_of[a] = family_filter(f, 6)
        self.ecmp_hop = t.get("ecmp_hop")
        self.ecmp_addrs = {4: t.get("ecmp_branch_addrs") or {},
                           6: t.get("ecmp_branch_addrs6") or {}}

    def network(self, target):
        a = ipaddress.ip_address(target)
        for net, dist, hops in self.networks:
            if a in net:
                return net, dist, hops
        return None

    def hop_addrs(self, target, ttl, blocking_filter=None):
        """Addresses acceptable for TTL `ttl` on `target`'s path."""
        net = self.network(target)
        if net is None:
            return set()
        _, dist, hops = net
        version = version_of(target)
        if ttl == 0:
            return {self.prober[version]}
        if ttl == dist:
            return {target}
        if self.ecmp_hop is not None and ttl == self.ecmp_hop:
            if blocking_filter is not None and blocking_filter.get("ecmp_filter_branch_addr"):
                return {blocking_filter["ecmp_filter_branch_addr"]}
            return set(self.ecmp_addrs[version].values())
        if version == 6 and self.ecmp_hop is not None and ttl == self.ecmp_hop + 1:
            # Not in the truth (lab.sh says router J+1 answers from its lnk<J> address
            # either way, which holds for IPv4 only): Linux answers IPv6 hop-limit expiry
            # of a probe that came through branch b from its b-link address
            # 2001:2:0:(100+J)::2 (measured), so either of router J+1's addresses is right.
            b_link = ipaddress.ip_address(f"2001:2:0:{100 + int(self.ecmp_hop)}::2")
            return {hops[ttl], str(b_link)} if ttl in hops else set()
        return {hops[ttl]} if ttl in hops else set()


FINDING_KEYS = ("verdict", "mechanism", "reason", "after_ttl", "after_addr", "before_ttl",
                "before_addr", "icmp_from", "icmp_code", "scope", "cut_prefix", "control_host",
                "dual_stack_peer")


def finding(rec):
    """What a verdict or cut record finds, without how much evidence it took."""
    f = {k: rec.get(k) for k in FINDING_KEYS}
    if rec["type"] == "cut":
        f.update(prefix=rec.get("prefix"), targets=rec.get("targets"),
                 before_is_destination=rec.get("before_is_destination"))
    if rec.get("verdict") in BLOCKING:
        ev = rec.get("evidence", [])
        f["evidence"] = sorted(set(e["name"] if isinstance(e, dict) else e for e in ev))
    return f


def ecmp_split(rec, truth):
    """An ECMP filter candidate whose test SYNs took both branches (the IPv6 flow label
    varies per probe): reachable, partial_drop or inconclusive (loss) are one finding —
    which of them depends on how many probes each branch drew, i.e. on chance."""
    f = truth.filter_of.get(rec.get("target"))
    return (f is not None and f.get("ecmp_filter_branch_addr") is not None
            and (rec.get("verdict") in ("reachable", "partial_drop")
                 or (rec.get("verdict") == "inconclusive" and rec.get("reason") == "loss")))


def compare_findings(records, path, probs, truth):
    cprobs = Problems(MAX_LISTED, MAX_RECORDS)
    try:
        other, _ = load_ndjson(path, cprobs, "compare")
    except OSError as e:
        print(f"cannot read {path}: {e}", file=sys.stderr)
        return None

    def index(recs):
        out = {}
        for _, rec in recs:
            if rec["type"] == "verdict":
                out[("verdict", rec.get("target"), rec.get("port"))] = rec
            elif rec["type"] == "cut":
                out[("cut", rec.get("prefix"), rec.get("port"))] = rec
        return out

    mine, theirs = index(records), index(other)
    for key in sorted(set(mine) | set(theirs), key=str):
        a, b = mine.get(key), theirs.get(key)
        if a is None or b is None:
            probs.add("compare_findings", f"{key}: only in {'--ndjson' if b is None else path}")
            continue
        if ecmp_split(a, truth) and ecmp_split(b, truth):
            continue
        fa, fb = finding(a), finding(b)
        da, db = a.get("distance"), b.get("distance")
        if da is not None and db is not None and da != db:
            fa["distance"], fb["distance"] = da, db
        if fa != fb:
            diff = sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))
            probs.add("compare_findings", f"{key[1]}:{key[2]}: the findings differ in {diff}: "
                      f"{json.dumps({k: fa.get(k) for k in diff})} vs "
                      f"{json.dumps({k: fb.get(k) for k in diff})}")
    return len(mine)


def check_cuts(records, truth, probs):
    """`cut` records and the verdicts' `cut_prefix`: a prefix holds its target, names only
    filtered targets (a prefix claim over an unfiltered host is a false accusation), and
    its record counts exactly the verdicts that name it, all with its verdict."""
    members = defaultdict(list)  # cut_prefix -> verdict records
    for _, rec in records:
        if rec["type"] != "verdict" or "cut_prefix" not in rec:
            continue
        try:
            net = ipaddress.ip_network(rec["cut_prefix"])
        except ValueError:
            probs.add("schema", f"{rec['target']}: cut_prefix {rec['cut_prefix']!r} is no prefix", rec)
            continue
        if ipaddress.ip_address(rec["target"]) not in net:
            probs.add("cut", f"{rec['target']}: outside its cut_prefix {net}", rec)
        if rec["verdict"] not in BLOCKING:
            probs.add("cut", f"{rec['target']}: cut_prefix on a {rec['verdict']!r} verdict", rec)
        members[(str(net), rec["port"])].append(rec)
    cuts = [rec for _, rec in records if rec["type"] == "cut"]
    for cut in cuts:
        key = (cut.get("prefix"), cut.get("port"))
        got = members.pop(key, [])
        try:
            net = ipaddress.ip_network(cut.get("prefix"))
        except (TypeError, ValueError):
            probs.add("schema", f"cut record with prefix {cut.get('prefix')!r}", cut)
            continue
        if not (is_int(cut.get("targets")) and cut["targets"] == net.num_addresses == len(got)):
            probs.add("cut", f"cut {net}: targets {cut.get('targets')!r}, {net.num_addresses} "
                      f"addresses, {len(got)} verdicts name it", cut)
        if any(r["verdict"] != cut.get("verdict") for r in got):
            probs.add("cut", f"cut {net}: verdict {cut.get('verdict')!r} differs from its targets'", cut)
        for addr in (net if net.num_addresses <= 1 << 16 else ()):
            if str(addr) not in truth.filter_of and truth.network(str(addr)) is not None:
                probs.add("false_cut", f"cut {net} holds {addr}, which is not filtered", cut)
                break
    for (prefix, port), recs in members.items():
        probs.add("cut", f"{len(recs)} verdicts name cut_prefix {prefix} (port {port}) but no "
                  "cut record does", recs[0])


def verdict_problems(rec, truth, probs, allowed_inconclusive=(), lossy=False,
                     interrupted=False, expect_scope=None):
    """Checks one (target, test port) verdict; returns 'blocked'/'passed'/None."""
    target, v = rec["target"], rec["verdict"]
    net = truth.network(target)
    _, dist, _ = net
    f = truth.filter_of.get(target)
    expected = f["expected_verdict"] if f is not None else "reachable"
    if (v == "inconclusive" and rec.get("reason") in allowed_inconclusive
            and expected != "inconclusive"):
        return "inconclusive"
    got_dist = rec.get("distance")
    long_ok = lossy and v not in BLOCKING and is_int(got_dist) and got_dist > dist
    # An interrupted run states no distance: what it saw may lack the nearest answers.
    withheld_ok = interrupted and "distance" not in rec
    # Judged on the screen alone (clean at TTL max, not swept): no distance is measured.
    screened_ok = "distance" not in rec and v == "reachable" and any(
        e.get("name") == "screened" for e in rec.get("evidence", []))
    if got_dist != dist and not long_ok and not withheld_ok and not screened_ok:
        probs.add("distance", f"{target}: distance {rec.get('distance')!r}, truth {dist}", rec)
    if f is None:
        if v != "reachable":
            cat = "false_block" if v in BLOCKING else "unfiltered_not_reachable"
            probs.add(cat, f"{target} (unfiltered): verdict {v!r}, expected 'reachable'", rec)
        return None
    candidate = f.get("ecmp_filter_branch_addr") is not None
    if candidate and ecmp_split(rec, truth):
        return "passed"
    if expected == "partial_drop" and v == "inconclusive" and rec.get("reason") == "loss":
        # A share of SYNs passing is proven only with enough rows: undecided, not wrong,
        # and its measured fraction must still hold the truth.
        check_pass_fraction(rec, f, probs)
        return "undecided"
    if v != expected:
        probs.add("wrong_verdict", f"{target} (filtered at hop {f['filter_router']}): verdict "
                  f"{v!r}, expected {expected!r}" + (" or 'reachable'" if candidate else ""), rec)
        return None
    if expected == "inconclusive":  # blackhole: the host says nothing at all
        if rec.get("reason") != f.get("expected_reason"):
            probs.add("wrong_reason", f"{target}: inconclusive with reason "
                      f"{rec.get('reason')!r}, expected {f.get('expected_reason')!r}", rec)
        return "inconclusive"
    if expect_scope is not None and rec.get("scope") != expect_scope:
        # Adjacent filtered targets cut alike form a prefix (its every address filtered,
        # which check_cuts verifies): scope `prefix` is the more precise word for them.
        if not (expect_scope == "host" and rec.get("scope") == "prefix"
                and "cut_prefix" in rec):
            probs.add("wrong_scope", f"{target}: scope {rec.get('scope')!r}, expected "
                      f"{expect_scope!r}", rec)
    if expected == "rst_injection" and rec.get("mechanism") != f["mechanism"]:
        probs.add("wrong_mechanism", f"{target}: mechanism {rec.get('mechanism')!r}, "
                  f"expected {f['mechanism']!r}", rec)
    k = int(f["filter_router"])
    at, bt = rec.get("after_ttl"), rec.get("before_ttl")
    if is_int(at) and is_int(bt):
        if not at <= k <= bt:
            probs.add("wrong_location", f"{target}: filter hop {k} not in [after_ttl {at}, "
                      f"before_ttl {bt}]", rec)
        for side, ttl in (("after", at), ("before", bt)):
            want = truth.hop_addrs(target, ttl, f)
            got = rec.get(f"{side}_addr")
            if side == "after" and ttl == 0 and got is None:
                continue  # the prober: the schema states after_addr only for after_ttl > 0
            if got not in want:
                probs.add("wrong_location", f"{target}: {side}_addr {got!r} at TTL {ttl}, truth "
                          f"{sorted(want) if want else 'no such hop'}", rec)
    if expected == "partial_drop":
        check_pass_fraction(rec, f, probs)
    if expected == "icmp_prohibited":
        if (rec.get("icmp_from") != f["filter_addr"]
                or rec.get("icmp_code") != f["icmp_code"]):
            probs.add("wrong_icmp", f"{target}: icmp_from {rec.get('icmp_from')!r} code "
                      f"{rec.get('icmp_code')!r}, expected {f['filter_addr']} code "
                      f"{f['icmp_code']}", rec)
    return "blocked"


def wilson(passes, n, z):
    """The Wilson score interval of passes in n at z."""
    if n <= 0:
        return 0.0, 1.0
    phat = passes / n
    center = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (phat * (1 - phat) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    return max(0.0, center - half), min(1.0, center + half)


def check_pass_fraction(rec, f, probs):
    """A partial filter's true pass fraction must lie in the reported interval. A 95 %
    interval misses the truth once in 20 by design: a miss fails only if the 99.9 %
    interval of the same counts (confidence.pass_probes / test_passes) misses it too."""
    truth_pass = f.get("pass_fraction")
    if truth_pass is None or not all(isinstance(rec.get(k), (int, float)) for k in PASS_FIELDS):
        return
    if rec["pass_ci_low"] <= truth_pass <= rec["pass_ci_high"]:
        return
    c = rec.get("confidence", {})
    low, high = wilson(c.get("test_passes", 0), c.get("pass_probes", 0), 3.29)
    if low <= truth_pass <= high:
        print(f"note: {rec['target']}: true pass fraction {truth_pass} outside the 95 % CI "
              f"[{rec['pass_ci_low']:.3f}, {rec['pass_ci_high']:.3f}], inside 99.9 % "
              f"[{low:.3f}, {high:.3f}]")
        return
    probs.add("wrong_pass_fraction", f"{rec['target']}: true pass fraction {truth_pass} outside "
              f"the reported CI [{rec['pass_ci_low']:.3f}, {rec['pass_ci_high']:.3f}] "
              f"(and the 99.9 % one [{low:.3f}, {high:.3f}])", rec)


def describe_expected(f, truth):
    """The truth's expectation for a filtered target, one table cell."""
    v = f["expected_verdict"]
    if v == "inconclusive":
        return f"inconclusive ({f.get('expected_reason')}) at hop {f['filter_router']}"
    parts = [v]
    if v == "rst_injection":
        parts.append(f["mechanism"])
    where = f["ecmp_filter_branch_addr"] or f["filter_addr"]
    parts.append(f"hop {f['filter_router']} ({where})")
    if v == "icmp_prohibited":
        parts.append(f"code {f['icmp_code']}")
    if v == "partial_drop":
        parts.append(f"pass {f.get('pass_fraction')} (or inconclusive loss)")
    if f.get("ecmp_filter_branch_addr"):
        parts.append("or reachable via branch b")
    return " ".join(parts)


def describe_got(rec):
    """One verdict record, one table cell."""
    v = rec["verdict"]
    if v == "inconclusive":
        return f"inconclusive ({rec.get('reason')})"
    parts = [v]
    if rec.get("mechanism"):
        parts.append(rec["mechanism"])
    if is_int(rec.get("after_ttl")):
        parts.append(f"after {rec['after_ttl']} ({rec.get('after_addr')}) "
                     f"before {rec.get('before_ttl')} ({rec.get('before_addr')})")
    if v == "icmp_prohibited":
        parts.append(f"code {rec.get('icmp_code')} from {rec.get('icmp_from')}")
    if "pass_fraction" in rec:
        parts.append(f"pass {rec['pass_fraction']:.2f} [{rec.get('pass_ci_low', 0):.2f}, "
                     f"{rec.get('pass_ci_high', 1):.2f}]")
    if rec.get("scope"):
        parts.append(f"scope {rec['scope']}")
    return " ".join(parts)


def print_table(label, rows, unfiltered):
    """rows: (target, expected, got, ok); unfiltered: Counter of their verdicts."""
    print(f"{label}: expected vs got")
    w_t = max([len("target")] + [len(r[0]) for r in rows])
    w_e = max([len("expected")] + [len(r[1]) for r in rows])
    print(f"  {'target':<{w_t}}  {'expected':<{w_e}}  got")
    for target, exp, got, ok in rows:
        print(f"  {target:<{w_t}}  {exp:<{w_e}}  {got}{'' if ok else '   <-- MISMATCH'}")
    n = sum(unfiltered.values())
    if n:
        bad = n - unfiltered.get("reachable", 0)
        print(f"  {str(n) + ' unfiltered':<{w_t}}  {'reachable':<{w_e}}  "
              f"{dict(sorted(unfiltered.items()))}{'   <-- MISMATCH' if bad else ''}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--truth", required=True)
    ap.add_argument("--ndjson", required=True)
    ap.add_argument("--label", default="lab.locate")
    ap.add_argument("--compare", help="NDJSON whose verdict records must equal --ndjson's")
    ap.add_argument("--compare-findings", metavar="FILE",
                    help="NDJSON of the same lab located another way (e.g. --sweep all): every "
                         "verdict's finding (verdict, mechanism, reason, location, ICMP, scope, "
                         "cut prefix; evidence names of blocking verdicts; distance where both "
                         "state it) and every cut record must equal --ndjson's")
    ap.add_argument("--allow-inconclusive", action="append", default=[], metavar="REASON",
                    help="any target may be inconclusive with this reason")
    ap.add_argument("--lossy", action="store_true",
                    help="random loss in the lab: non-blocking verdicts may see a longer distance")
    ap.add_argument("--expect-interrupted", action="store_true",
                    help="the stats record must say interrupted")
    ap.add_argument("--family", choices=("4", "6", "both"), default="4",
                    help="which of the truth's prefixes were scanned (default 4)")
    ap.add_argument("--expect-scope", choices=sorted(SCOPES),
                    help="every blocking verdict must carry this scope")
    ap.add_argument("--table", action="store_true",
                    help="print an expected-vs-got table of the filtered targets")
    args = ap.parse_args()
    label = args.label

    try:
        truth = Truth(args.truth, (4, 6) if args.family == "both" else (int(args.family),))
    except (OSError, ValueError, KeyError) as e:
        print(f"{label}: cannot read truth: {e!r}", file=sys.stderr)
        return 2

    probs = Problems(MAX_LISTED, MAX_RECORDS)
    try:
        records, _ = load_ndjson(args.ndjson, probs, "output")
    except OSError as e:
        print(f"{label}: cannot read NDJSON: {e}", file=sys.stderr)
        return 2
    if not records:
        print(f"{label}: FAIL: no records in {args.ndjson}", file=sys.stderr)
        probs.report(sys.stderr, "offending verdict records")
        return 1

    verdicts = defaultdict(list)  # (target, port) -> [rec]
    for lineno, rec in records:
        if rec["type"] != "verdict":
            continue
        if check_schema(rec, f"line {lineno}", probs):
            verdicts[(rec["target"], rec["port"])].append(rec)

    check_cuts(records, truth, probs)
    counts = Counter()
    filtered_counts = Counter()
    blocked = passed = 0
    table_rows = []
    unfiltered_counts = Counter()
    stats = [rec for _, rec in records if rec["type"] == "stats"]
    if args.expect_interrupted and not (stats and stats[-1].get("interrupted") is True):
        probs.add("interrupted", "the stats record does not say interrupted: true")
    n_targets = 0
    for net, _, _ in truth.networks:
        for addr in net:
            target = str(addr)
            n_targets += 1
            got = verdicts.pop((target, truth.port), [])
            if len(got) != 1:
                probs.add("count", f"{target}:{truth.port}: {len(got)} verdict records, expected 1",
                          got[1] if len(got) > 1 else None)
                if not got:
                    continue
            rec = got[0]
            counts[rec["verdict"]] += 1
            n_probs = sum(probs.counts.values())
            r = verdict_problems(rec, truth, probs, set(args.allow_inconclusive), args.lossy,
                                 args.expect_interrupted, args.expect_scope)
            blocked += r == "blocked"
            passed += r == "passed"
            f = truth.filter_of.get(target)
            if f is not None:
                filtered_counts[rec["verdict"]] += 1
                ok = sum(probs.counts.values()) == n_probs
                table_rows.append((target, describe_expected(f, truth), describe_got(rec), ok))
            else:
                unfiltered_counts[rec["verdict"]] += 1
    for (target, port), recs in verdicts.items():
        if truth.network(target) is None:
            probs.add("unexpected", f"verdict for {target}:{port}, outside the scanned prefixes",
                      recs[0])
        elif port == truth.port:
            pass  # already reported
        elif len(recs) != 1:
            probs.add("count", f"{target}:{port}: {len(recs)} control-port verdicts", recs[1])
        elif recs[0]["verdict"] != "reachable":
            probs.add("control", f"{target}:{port} (control port, open): verdict "
                      f"{recs[0]['verdict']!r}, expected 'reachable'", recs[0])

    partial = [a for a, f in truth.filter_of.items() if f["expected_verdict"] == "partial_drop"]
    if partial and filtered_counts.get("partial_drop", 0) == 0:
        probs.add("partial", f"none of the {len(partial)} partially filtered targets was found "
                  "partial_drop (all undecided)")
    ecmp_candidates = [a for a, f in truth.filter_of.items() if f.get("ecmp_filter_branch_addr")]
    if ecmp_candidates and blocked == 0:
        probs.add("ecmp", f"none of the {len(ecmp_candidates)} ECMP filter candidates was found "
                  f"blocked (all hashed to branch b? run again; p = 2^-{len(ecmp_candidates)})")

    if args.compare:
        cprobs = Problems(MAX_LISTED, MAX_RECORDS)
        try:
            other, _ = load_ndjson(args.compare, cprobs, "compare")
        except OSError as e:
            print(f"{label}: cannot read {args.compare}: {e}", file=sys.stderr)
            return 2
        for cat, n in cprobs.counts.items():
            for msg in cprobs.by_cat[cat]:
                probs.add(f"compare_{cat}", msg)
        mine = {}
        for _, rec in records:
            if rec["type"] == "verdict":
                mine[(rec.get("target"), rec.get("port"))] = strip_timing(rec)
        theirs = {}
        for _, rec in other:
            if rec["type"] == "verdict":
                key = (rec.get("target"), rec.get("port"))
                if key in theirs:
                    probs.add("compare", f"{key}: duplicated verdict in {args.compare}", rec)
                theirs[key] = strip_timing(rec)
        for key in sorted(set(mine) | set(theirs), key=str):
            a, b = mine.get(key), theirs.get(key)
            if a != b:
                diff = sorted(k for k in set(a or {}) | set(b or {})
                              if (a or {}).get(k) != (b or {}).get(k))
                probs.add("compare", f"{key[0]}:{key[1]}: live and offline verdicts differ in "
                          f"{diff}: live={json.dumps(a, sort_keys=True)} "
                          f"offline={json.dumps(b, sort_keys=True)}")

    if args.compare_findings:
        n_compared = compare_findings(records, args.compare_findings, probs, truth)
        if n_compared is None:
            return 2

    if args.table:
        print_table(label, table_rows, unfiltered_counts)
        sys.stdout.flush()
    if probs:
        print(f"{label}: FAIL ({n_targets} targets; verdicts {dict(counts)})", file=sys.stderr)
        probs.report(sys.stderr, "offending verdict records")
        return 1
    extra = ""
    if ecmp_candidates:
        extra = f"; ECMP candidates: {blocked} blocked on branch a, {passed} passed via b"
    if args.compare:
        extra += f"; offline verdicts identical ({len(records)} lines)"
    if args.compare_findings:
        extra += f"; findings identical to {args.compare_findings} ({n_compared} verdicts and cuts)"
    if truth.filter_of:
        extra += f"; filtered targets: {dict(sorted(filtered_counts.items()))}"
    print(f"{label}: {n_targets} targets, verdicts {dict(sorted(counts.items()))}, "
          f"all match the ground truth ({truth.scenario}){extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
