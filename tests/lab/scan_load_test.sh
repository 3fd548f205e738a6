#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Load: `cutpoint scan` of a whole /16 in the lab at the highest rate (AF_PACKET TX ring,
# two sender threads). Every reply that reached the prober's interface must be accounted
# for: replies seen by the matcher + capture drops reported by pcap_stats = the
# interface's receive counter delta. Also: all 65536 targets answer SYN-ACK on port 25
# unless capture drops were reported, and nothing is rejected or unmatched.
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
lab_test_init lab.scan_load
lab_workdir cutpoint-load
work=$LAB_WORK
lab_up cpload --routers 1 --prefix 198.19.0.0/16 --open-ports 25 --listener "$LISTENER"
rx() { ip -n "$PROBER_NS" -s -j link show "$PROBER_IF" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
before=$(rx)
ip netns exec "$PROBER_NS" "$CUTPOINT" scan --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25 --rate max --tx afpacket --sender-threads 2 --cooldown 2 -q -o "$work/scan.ndjson" \
  "$TARGET_PREFIX" 2>"$work/err" || { echo "FAIL: scan: $(cat "$work/err")"; exit 1; }
after=$(rx)
python3 - "$work/scan.ndjson" "$((after - before))" <<'PY'
import sys
from ndjson import load
records = load(sys.argv[1])
rx_delta = int(sys.argv[2])
stats = records[-1]
assert stats["type"] == "stats", "no stats record"
replies = [r for r in records if r["type"] == "reply"]
drops = stats["pcap_dropped"] + stats["pcap_ifdropped"]
accounted = stats["replies_seen"] + drops
open_targets = {r["target"] for r in replies if r.get("status") == "open"}
print("lab.scan_load: sent %d in %.2f s; interface received %d; matched %d, rejected %d, "
      "unmatched %d, malformed %d, capture drops %d; %d of 65536 targets open"
      % (stats["probes_sent"], stats["duration_s"], rx_delta, stats["matched"], stats["rejected"],
         stats["unmatched"], stats["malformed"], drops, len(open_targets)))
problems = []
if stats["probes_sent"] != 65536: problems.append("probes_sent %d != 65536" % stats["probes_sent"])
if accounted != rx_delta: problems.append("replies_seen + drops = %d != interface delta %d" % (accounted, rx_delta))
if stats["matched"] != len(replies): problems.append("matched != reply records")
if stats["rejected"] or stats["unmatched"] or stats["malformed"]: problems.append("rejected/unmatched/malformed not zero")
if drops == 0 and len(open_targets) != 65536: problems.append("replies lost without reported drops")
for p in problems: print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
