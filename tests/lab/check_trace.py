#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks `cutpoint trace` NDJSON output against a lab topology.

Usage:
  check_trace.py --topology TOPO.env --ndjson OUT.ndjson [--ttl-min 1] [--ttl-max 5]
                 [--ports 25,443,81] [--no-icmp-echo]

TOPO.env is the KEY=value file written by tools/lab/lab.sh (HOP_1..HOP_N,
DEST_DISTANCE, TARGET_PREFIX, OPEN_PORTS, CLOSED_PORT, ...).

For every target address in TARGET_PREFIX, every probe (tcp-syn on each port,
icmp-echo) and every TTL in [ttl-min, ttl-max] the lab determines exactly one
correct answer:
  TTL <  DEST_DISTANCE: time_exceeded from HOP_<ttl>
  TTL >= DEST_DISTANCE: tcp-syn to an open port -> syn_ack from the target,
                        tcp-syn to CLOSED_PORT  -> rst from the target,
                        icmp-echo               -> echo_reply from the target.
--family 6 checks the IPv6 twin instead (TARGET_PREFIX6, HOP6_1..HOP6_N: ICMPv6 time
exceeded type 3, echo reply type 129), --family both a mixed run of both prefixes. With
--family 6 or both every reply must carry `ip_version` (4 or 6, its target's family)
and IPv6 addresses (`target`, `from`) must be RFC 5952 text; the default, --family 4,
checks as before.
Exits 0 when every expectation is met and the output is well formed,
1 otherwise (listing the first problems), 2 on usage/input errors.
"""

import argparse
import ipaddress
import json
import sys
from collections import Counter

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


def version_of(v):
    try:
        return ipaddress.ip_address(v).version
    except (ValueError, TypeError):
        return None

# (time exceeded, echo reply) ICMP types per IP version.
ICMP_TYPES = {4: (11, 0), 6: (3, 129)}

ICMP_KINDS = {"echo_reply", "time_exceeded", "dest_unreachable", "param_problem"}
ICMP_ERROR_KINDS = {"time_exceeded", "dest_unreachable", "param_problem"}
TCP_KINDS = {"syn_ack", "rst"}
PROBES = {"tcp-syn", "icmp-echo"}
REQUIRED = ("target", "probe", "ttl", "attempt", "kind", "from", "reply_ttl", "ipid", "rtt_us")
INT_FIELDS = ("ttl", "attempt", "reply_ttl", "ipid")
TCP_FLAG_CHARS = set("FSRPAUEC")
MAX_LISTED = 20


def load_topology(path):
    topo = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                raise ValueError(f"{path}:{lineno}: not KEY=value: {line!r}")
            k, v = line.split("=", 1)
            topo[k.strip()] = v.strip().strip('"').strip("'")
    for key in ("ROUTERS", "DEST_DISTANCE", "TARGET_PREFIX", "CLOSED_PORT"):
        if key not in topo:
            raise ValueError(f"{path}: missing {key}")
    return topo


def check_reply_schema(rec, where, probs, want_ip_version=False):
    """Returns True when the record is usable for the expectation checks."""
    ok = True
    for f in REQUIRED:
        if f not in rec:
            probs.add("schema", f"{where}: missing field '{f}'")
            ok = False
    if not ok:
        return False
    version = 6 if version_of(rec["target"]) == 6 else 4
    for f in ("target", "from"):
        if version == 6 and not is_ip6_text(rec[f]):
            probs.add("schema", f"{where}: {f} {rec[f]!r} is not RFC 5952 IPv6 text")
            ok = False
        elif version == 4 and not is_dotted(rec[f]):
            probs.add("schema", f"{where}: {f} {rec[f]!r} is not a dotted IPv4 string")
            ok = False
    if want_ip_version and rec.get("ip_version") != version:
        probs.add("schema", f"{where}: ip_version {rec.get('ip_version')!r}, target is IPv{version}")
    if rec["probe"] not in PROBES:
        probs.add("schema", f"{where}: probe {rec['probe']!r} not one of {sorted(PROBES)}")
        ok = False
    if not isinstance(rec["kind"], str):
        probs.add("schema", f"{where}: kind {rec['kind']!r} is not a string")
        ok = False
    for f in INT_FIELDS:
        if not is_int(rec[f]):
            probs.add("schema", f"{where}: {f} {rec[f]!r} is not an integer")
            ok = False
    rtt = rec["rtt_us"]
    if not (is_int(rtt) or isinstance(rtt, float)):
        probs.add("schema", f"{where}: rtt_us {rtt!r} is not a number")
        ok = False
    elif rtt < 0:
        probs.add("schema", f"{where}: rtt_us {rtt} < 0")
    kind = rec["kind"]

    has_port = "port" in rec
    if rec["probe"] == "tcp-syn" and not has_port:
        probs.add("schema", f"{where}: tcp-syn reply without 'port'")
        ok = False
    elif rec["probe"] != "tcp-syn" and has_port:
        probs.add("schema", f"{where}: 'port' present on {rec['probe']} reply")
    if has_port and not (is_int(rec["port"]) and 0 <= rec["port"] <= 65535):
        probs.add("schema", f"{where}: port {rec['port']!r} is not a valid port")
        ok = False

    icmp_kind = kind in ICMP_KINDS
    for f in ("icmp_type", "icmp_code"):
        if icmp_kind and f not in rec:
            probs.add("schema", f"{where}: {kind} reply without '{f}'")
        elif not icmp_kind and f in rec:
            probs.add("schema", f"{where}: '{f}' present on {kind} reply")
        elif f in rec and not is_int(rec[f]):
            probs.add("schema", f"{where}: {f} {rec[f]!r} is not an integer")

    tcp_kind = kind in TCP_KINDS
    if tcp_kind and "tcp_flags" not in rec:
        probs.add("schema", f"{where}: {kind} reply without 'tcp_flags'")
    elif not tcp_kind and "tcp_flags" in rec:
        probs.add("schema", f"{where}: 'tcp_flags' present on {kind} reply")
    elif tcp_kind:
        fl = rec["tcp_flags"]
        if not isinstance(fl, str) or not fl or not set(fl) <= TCP_FLAG_CHARS:
            probs.add("schema", f"{where}: tcp_flags {fl!r} is not a flag string like 'SA'")
        elif kind == "syn_ack" and not {"S", "A"} <= set(fl):
            probs.add("schema", f"{where}: syn_ack with tcp_flags {fl!r}")
        elif kind == "rst" and "R" not in fl:
            probs.add("schema", f"{where}: rst with tcp_flags {fl!r}")

    if kind in ICMP_ERROR_KINDS:
        if "quoted_ttl" not in rec:
            probs.add("schema", f"{where}: {kind} reply without 'quoted_ttl'")
        elif not is_int(rec["quoted_ttl"]):
            probs.add("schema", f"{where}: quoted_ttl {rec['quoted_ttl']!r} is not an integer")
    te_type, echo_type = ICMP_TYPES[version]
    if kind == "time_exceeded" and icmp_kind and rec.get("icmp_type") not in (None, te_type):
        probs.add("schema", f"{where}: time_exceeded with icmp_type {rec.get('icmp_type')!r}")
    if kind == "echo_reply" and rec.get("icmp_type") not in (None, echo_type):
        probs.add("schema", f"{where}: echo_reply with icmp_type {rec.get('icmp_type')!r}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--topology", required=True)
    ap.add_argument("--ndjson", required=True)
    ap.add_argument("--ttl-min", type=int, default=1)
    ap.add_argument("--ttl-max", type=int, default=5)
    ap.add_argument("--ports", default=None,
                    help="tcp-syn ports probed (default: OPEN_PORTS + CLOSED_PORT)")
    ap.add_argument("--max-unmatched", type=int, default=0,
                    help="tolerated non-reply frames (a DPDK port has no BPF filter: link-level "
                         "chatter reaches the matcher and is counted as unmatched)")
    ap.add_argument("--no-icmp-echo", action="store_true",
                    help="icmp-echo was not probed")
    ap.add_argument("--family", choices=("4", "6", "both"), default="4",
                    help="which target prefix was traced: IPv4 (default), IPv6, both")
    args = ap.parse_args()

    try:
        topo = load_topology(args.topology)
    except (OSError, ValueError) as e:
        print(f"check_trace: cannot read topology: {e}", file=sys.stderr)
        return 2

    dest_distance = int(topo["DEST_DISTANCE"])
    n_routers = int(topo["ROUTERS"])
    families = (4, 6) if args.family == "both" else (int(args.family),)
    try:
        hops = {v: {i: topo[f"HOP{'' if v == 4 else '6'}_{i}"] for i in range(1, n_routers + 1)}
                for v in families}
        prefixes = [ipaddress.ip_network(topo["TARGET_PREFIX" if v == 4 else "TARGET_PREFIX6"],
                                         strict=True) for v in families]
    except KeyError as e:
        print(f"check_trace: topology lacks {e}", file=sys.stderr)
        return 2
    open_ports = {int(p) for p in topo.get("OPEN_PORTS", "").split(",") if p}
    closed_port = int(topo["CLOSED_PORT"])
    if args.ports is not None:
        ports = [int(p) for p in args.ports.split(",") if p]
    else:
        ports = sorted(open_ports) + [closed_port]
    ttls = range(args.ttl_min, args.ttl_max + 1)

    # Probe slots: (probe, port-or-None).
    slots = [("tcp-syn", p) for p in ports]
    if not args.no_icmp_echo:
        slots.append(("icmp-echo", None))

    def expected(target, probe, port, ttl):
        """(kind, from) the lab must produce for this probe."""
        if ttl < dest_distance:
            return ("time_exceeded", hops[version_of(target)][ttl])
        if probe == "icmp-echo":
            return ("echo_reply", target)
        if port in open_ports:
            return ("syn_ack", target)
        return ("rst", target)

    probs = Problems(MAX_LISTED)

    # ---- parse
    def bad_line(lineno, why, line):
        probs.add("json", f"line {lineno}: {why}: {line[:120]!r}")
    try:
        records, line_count = read_records(args.ndjson, bad_line)
    except OSError as e:
        print(f"check_trace: cannot read NDJSON: {e}", file=sys.stderr)
        return 2

    if not records:
        print("lab.trace: FAIL: no records in NDJSON output", file=sys.stderr)
        probs.report(sys.stderr)
        return 1

    # ---- framing: meta first, stats last, replies in between
    for msg in framing_problems(records, line_count):
        probs.add("framing", msg)
    last = records[-1][1]
    stats = last if last["type"] == "stats" else None
    replies = []
    for lineno, rec in records[1:-1] if len(records) >= 2 else []:
        if rec["type"] in ("meta", "stats"):
            continue  # a framing problem, listed above
        if rec["type"] != "reply":
            probs.add("framing", f"line {lineno}: type={rec['type']!r}, expected 'reply'")
            continue
        replies.append((lineno, rec))

    # ---- replies
    got = Counter()  # (target, probe, port, ttl) -> number of correct replies
    kinds = Counter()
    versions = Counter()  # ip_version -> correct replies
    for lineno, rec in replies:
        where = f"line {lineno}"
        if not check_reply_schema(rec, where, probs, args.family != "4"):
            continue
        kinds[rec["kind"]] += 1
        target, probe, ttl = rec["target"], rec["probe"], rec["ttl"]
        port = rec.get("port") if probe == "tcp-syn" else None
        key = (target, probe, port, ttl)
        if (not any(ipaddress.ip_address(target) in p for p in prefixes) or ttl not in ttls
                or (probe, port) not in slots):
            probs.add("unexpected", f"{where}: reply for unprobed {key}: kind={rec['kind']} from={rec['from']}")
            continue
        want = expected(target, probe, port, ttl)
        if (rec["kind"], rec["from"]) != want:
            probs.add("wrong", f"{where}: {key}: got kind={rec['kind']} from={rec['from']}, "
                               f"expected kind={want[0]} from={want[1]}")
            continue
        got[key] += 1
        versions[rec.get("ip_version", version_of(target))] += 1

    # ---- expectations
    missing = 0
    n_expect = 0
    for addr in (a for p in prefixes for a in p):
        target = str(addr)
        for probe, port in slots:
            for ttl in ttls:
                n_expect += 1
                key = (target, probe, port, ttl)
                if got[key] == 0:
                    missing += 1
                    want = expected(target, probe, port, ttl)
                    pdesc = f"{probe}:{port}" if port is not None else probe
                    probs.add("missing", f"{target} {pdesc} ttl={ttl}: no {want[0]} from {want[1]}")
    dups = sum(1 for v in got.values() if v > 1)

    # ---- stats
    expected_sent = sum(p.num_addresses for p in prefixes) * len(slots) * len(ttls)
    if stats is not None:
        want_stats = {
            "probes_sent": expected_sent,
            "matched": len(replies),
            "rejected": 0,
        }
        if stats.get("unmatched", 0) > args.max_unmatched:
            probs.add("stats", f"stats unmatched = {stats.get('unmatched')}, expected <= {args.max_unmatched}")
        for k, v in want_stats.items():
            if k not in stats:
                probs.add("stats", f"stats record has no '{k}'")
            elif stats[k] != v:
                probs.add("stats", f"stats {k} = {stats[k]!r}, expected {v}")

    if probs:
        print(f"lab.trace: FAIL ({len(replies)} replies, {missing}/{n_expect} expectations missing)",
              file=sys.stderr)
        probs.report(sys.stderr)
        print(f"  reply kinds: {dict(kinds)}", file=sys.stderr)
        if stats is not None:
            print(f"  stats record: {json.dumps(stats, sort_keys=True)}", file=sys.stderr)
        else:
            print("  stats record: <none>", file=sys.stderr)
        return 1

    extra = f", {dups} duplicated" if dups else ""
    if args.family != "4":
        extra += f"; correct replies by ip_version {dict(sorted(versions.items()))}"
    print(f"lab.trace: {expected_sent} probes, {len(replies)} replies matched{extra}, "
          f"all {n_expect} expectations met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
