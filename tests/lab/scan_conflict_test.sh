#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A scan through an on-path injector (lab --scenario inject: router 2 forges a RST for
# each SYN to TCP 25 of the filtered hosts, racing the real server's SYN-ACK): each such
# port answers both ways, and the later of its replies carries "conflict": true. No other
# port (the unfiltered hosts, TCP 443 of the filtered ones) is flagged, and every port
# flagged drew both a SYN-ACK and a RST.
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 3 "CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
INJECTOR=$3
lab_test_init lab.scan_conflict ip python3
lab_need_executable "$CUTPOINT" "$LISTENER" "$INJECTOR"
lab_workdir cutpoint-scan-conflict
work=$LAB_WORK
lab_up cpcf --routers 3 --prefix 198.19.1.0/24 --scenario inject --filter-router 2 \
  --open-ports 25,443 --port 25 --listener "$LISTENER" --injector "$INJECTOR" \
  --truth "$work/truth.json"
ip netns exec "$PROBER_NS" "$CUTPOINT" scan --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" \
  -S "$PROBER_ADDR" -p 25,443 --cooldown 2 -q -o "$work/scan.ndjson" "$TARGET_PREFIX" \
  2>"$work/scan.err"
code=$?
python3 - "$work" "$code" <<'PY'
import json, sys
work, code = sys.argv[1], int(sys.argv[2])
problems = []
if code != 0:
    problems.append("scan exited %d: %s" % (code, open(work + "/scan.err").read().strip()))
truth = json.load(open(work + "/truth.json"))
filtered = {a for f in truth["filters"] for a in f["filtered"]}
kinds, flagged, first_flagged = {}, {}, []
for line in open(work + "/scan.ndjson"):
    rec = json.loads(line)
    if rec.get("type") != "reply" or rec.get("probe") != "tcp-syn":
        continue
    port = (rec["target"], rec["port"])
    seen = kinds.setdefault(port, [])
    if rec.get("conflict"):
        if rec["conflict"] is not True:
            problems.append("%s:%d: conflict is %r, not true" % (port + (rec["conflict"],)))
        opposite = {"syn_ack": "rst", "half_open_ack": "rst", "rst": "syn_ack"}.get(rec["kind"])
        if not any(k == opposite or (opposite == "syn_ack" and k == "half_open_ack") for k in seen):
            first_flagged.append("%s:%d %s" % (port + (rec["kind"],)))
        flagged[port] = flagged.get(port, 0) + 1
    seen.append(rec["kind"])
both = {p for p, ks in kinds.items()
        if "rst" in ks and ("syn_ack" in ks or "half_open_ack" in ks)}
expected = {(a, 25) for a in filtered}
if both != expected:
    problems.append("ports with a SYN-ACK and a RST: %s, expected the filtered hosts' TCP 25 %s"
                    % (sorted(both), sorted(expected)))
if set(flagged) != both:
    problems.append("flagged ports %s differ from the ports that answered both ways %s"
                    % (sorted(flagged), sorted(both)))
if first_flagged:
    problems.append("flagged without an earlier opposite reply: %s" % first_flagged)
opens = sum(1 for ks in kinds.values() if "syn_ack" in ks)
print("lab.scan_conflict: %d ports answered, %d open, conflicts: %s"
      % (len(kinds), opens, ", ".join("%s:%d (%d flagged)" % (p + (flagged[p],)) for p in sorted(flagged))))
if opens < 2 * 254:
    problems.append("only %d ports answered SYN-ACK (the lab opens 25 and 443 of every host)" % opens)
if problems:
    print("lab.scan_conflict: FAIL\n  " + "\n  ".join(problems))
    sys.exit(1)
print("lab.scan_conflict: PASS")
PY
