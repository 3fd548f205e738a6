#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks cutpoint's RIPE Atlas traceroute export against the documented result format and
against the trace it came from, hop by hop. Written apart from the C++ exporter, from the
format's description, so the two do not share mistakes.

usage: check_atlas.py COMMAND... TRACE.ndjson   (e.g. cutpoint report --format atlas)
"""
import ipaddress
import json
import subprocess
import sys
from collections import defaultdict

# Top-level fields of a traceroute result and their types (firmware 4790 and later).
TOP_FIELDS = {
    "fw": int, "af": int, "dst_addr": str, "dst_name": str, "from": str, "src_addr": str,
    "proto": str, "paris_id": int, "timestamp": int, "endtime": int, "msm_id": int,
    "prb_id": int, "type": str, "result": list,
}
# Letters Atlas uses in "err" for ICMP unreachable codes (IPv4 code -> letter).
ERR_V4 = {0: "N", 1: "H", 2: "P", 3: "p", 13: "A"}

failures = []


def fail(message):
    failures.append(message)


def check_address(value, family, what):
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        fail(f"{what}: {value!r} is no IP address")
        return
    if address.version != family:
        fail(f"{what}: {value} is not IPv{family}")


def check_result_shape(result):
    for name, kind in TOP_FIELDS.items():
        if name not in result:
            fail(f"missing {name!r}")
        elif not isinstance(result[name], kind) or isinstance(result[name], bool):
            fail(f"{name!r} is {type(result[name]).__name__}, not {kind.__name__}")
    if failures:
        return
    if result["type"] != "traceroute":
        fail(f"type {result['type']!r}")
    if result["proto"] not in ("TCP", "ICMP", "UDP"):
        fail(f"proto {result['proto']!r}")
    if result["af"] not in (4, 6):
        fail(f"af {result['af']}")
    for name in ("dst_addr", "from", "src_addr"):
        check_address(result[name], result["af"], name)
    if result["endtime"] < result["timestamp"]:
        fail("endtime before timestamp")
    for hop in result["result"]:
        if not isinstance(hop.get("hop"), int) or not isinstance(hop.get("result"), list):
            fail(f"hop without int 'hop' and list 'result': {hop}")
            continue
        for entry in hop["result"]:
            if entry == {"x": "*"}:
                continue
            if not isinstance(entry.get("from"), str) or not isinstance(entry.get("ttl"), int):
                fail(f"hop {hop['hop']}: entry without 'from'/'ttl': {entry}")
                continue
            if not isinstance(entry.get("rtt"), (int, float)) or entry["rtt"] < 0:
                fail(f"hop {hop['hop']}: bad rtt in {entry}")
            check_address(entry["from"], result["af"], f"hop {hop['hop']} from")


def expected_flows(trace_lines):
    """(target, proto, port) -> {ttl: {attempt: [reply, ...]}}, and the meta record."""
    meta = None
    flows = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for line in trace_lines:
        record = json.loads(line)
        if record["type"] == "meta":
            meta = record
        elif record["type"] == "reply":
            proto = "TCP" if record["probe"] == "tcp-syn" else "ICMP"
            key = (record["target"], proto, record.get("port"))
            flows[key][record["ttl"]][record["attempt"]].append(record)
    return meta, flows


def compare(result, meta, hops_by_ttl):
    target = result["dst_addr"]
    # The trace stops where the target first answers, else at the last answered TTL.
    destination = [t for t, by_attempt in hops_by_ttl.items()
                   if any(r["from"] == target for rs in by_attempt.values() for r in rs)]
    last = min(destination) if destination else max(hops_by_ttl)
    wanted_hops = list(range(meta["ttl_min"], last + 1))
    got_hops = [hop["hop"] for hop in result["result"]]
    if got_hops != wanted_hops:
        fail(f"{target} {result['proto']}: hops {got_hops}, want {wanted_hops}")
        return
    for hop in result["result"]:
        ttl = hop["hop"]
        want = []
        for attempt in range(meta["attempts"]):
            replies = hops_by_ttl.get(ttl, {}).get(attempt, [])
            if not replies:
                want.append({"x": "*"})
            for reply in replies:
                entry = {"from": reply["from"], "rtt": round(reply["rtt_us"] / 1000, 3),
                         "ttl": reply["reply_ttl"]}
                if reply["kind"] == "dest_unreachable":
                    entry["err"] = ERR_V4.get(reply["icmp_code"], reply["icmp_code"])
                if "tcp_flags" in reply:
                    entry["flags"] = reply["tcp_flags"]
                want.append(entry)
        got = [{k: v for k, v in entry.items() if k != "size"} for entry in hop["result"]]
        if got != want:
            fail(f"{target} {result['proto']} hop {ttl}: got {got}, want {want}")


def main():
    command, trace_path = sys.argv[1:-1], sys.argv[-1]
    with open(trace_path) as f:
        trace_lines = [line for line in f if line.strip()]
    meta, flows = expected_flows(trace_lines)
    output = subprocess.run(command + [trace_path], check=True, capture_output=True, text=True).stdout
    results = [json.loads(line) for line in output.splitlines()]
    seen = set()
    for result in results:
        before = len(failures)
        check_result_shape(result)
        if len(failures) != before:
            continue
        if result["src_addr"] != meta["source"]:
            fail(f"src_addr {result['src_addr']}, want {meta['source']}")
        key = (result["dst_addr"], result["proto"], result.get("dst_port"))
        if key not in flows:
            fail(f"result for a flow the trace does not have: {key}")
            continue
        seen.add(key)
        compare(result, meta, flows[key])
    if seen != set(flows):
        fail(f"flows without a result: {sorted(set(flows) - seen, key=str)}")
    for message in failures:
        print("FAIL:", message)
    print(f"{len(results)} Atlas results checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
