#!/usr/bin/env python3
"""Summarizes a `cutpoint trace` NDJSON file: per probe kind and TTL, who answered how."""
import collections
import json
import sys


def main(path):
    counts = collections.Counter()
    stats = None
    targets = set()
    with open(path) as ndjson:
        for line in ndjson:
            record = json.loads(line)
            if record["type"] == "reply":
                probe = record["probe"] + (":%d" % record["port"] if "port" in record else "")
                responder = "target" if record["from"] == record["target"] else record["from"]
                counts[(probe, record["ttl"], record["kind"], responder)] += 1
                targets.add(record["target"])
            elif record["type"] == "stats":
                stats = record
    print("%-14s %4s  %-15s %-15s %7s" % ("probe", "ttl", "kind", "from", "replies"))
    for (probe, ttl, kind, responder), n in sorted(counts.items()):
        print("%-14s %4d  %-15s %-15s %7d" % (probe, ttl, kind, responder, n))
    if stats:
        print("targets answering: %d; probes sent %d, matched %d, rejected %d, unmatched %d, "
              "capture drops %d, %.2f s" % (len(targets), stats["probes_sent"], stats["matched"],
                                             stats["rejected"], stats["unmatched"],
                                             stats.get("pcap_dropped", 0), stats["duration_s"]))


if __name__ == "__main__":
    main(sys.argv[1])
