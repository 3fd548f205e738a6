#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Summarizes a `cutpoint trace` NDJSON file: per probe kind and TTL, who answered how."""
import collections
import os
import sys

# The lab's one NDJSON loader lives with the lab checkers.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "lab"))
from ndjson import NdjsonError, load  # noqa: E402


def main(path):
    counts = collections.Counter()
    stats = None
    targets = set()
    for record in load(path):
        if record["type"] == "reply":
            probe = record["probe"] + (":%d" % record["port"] if "port" in record else "")
            responder = "target" if record["from"] == record["target"] else record["from"]
            counts[(probe, record["ttl"], record["kind"], responder)] += 1
            targets.add(record["target"])
        elif record["type"] == "stats":
            stats = record
    # IPv6 responders (up to 39 characters) widen the "from" column.
    width = max([15] + [len(key[3]) for key in counts])
    print("%-14s %4s  %-15s %-*s %7s" % ("probe", "ttl", "kind", width, "from", "replies"))
    for (probe, ttl, kind, responder), n in sorted(counts.items()):
        print("%-14s %4d  %-15s %-*s %7d" % (probe, ttl, kind, width, responder, n))
    if stats:
        print("targets answering: %d; probes sent %d, matched %d, rejected %d, unmatched %d, "
              "capture drops %d, %.2f s" % (len(targets), stats["probes_sent"], stats["matched"],
                                             stats["rejected"], stats["unmatched"],
                                             stats.get("pcap_dropped", 0), stats["duration_s"]))


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except (OSError, NdjsonError) as e:
        sys.exit(f"summarize_trace: {e}")
