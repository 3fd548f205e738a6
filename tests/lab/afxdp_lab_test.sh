#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --tx afxdp's socket options on the lab's veth (prober -> 1 router -> 198.19.1.0/24 with
# port 25 open), in namespaces of this test's own:
#  1. --xdp-zero-copy: veth has no AF_XDP zero-copy, so the run stops before any probe
#     with exit 2 and an error naming the interface, its driver and the fix (drop the flag).
#  2. --xdp-queue 0: the scan sends all 256 probes through queue 0 and every SYN-ACK is
#     matched (256 targets open).
#  3. A queue the veth does not have (--xdp-queue 1, and --xdp-queue 0 with 2 sender
#     threads, which needs queue 1 too): exit 2 and an error naming the queue count.
# Needs root; exits 77 (ctest SKIP) otherwise, or when this build has no AF_XDP backend.
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
lab_test_init lab.afxdp ip python3
lab_need_executable "$CUTPOINT" "$LISTENER"
if ! "$CUTPOINT" scan --help 2>&1 | grep -q -- --xdp-queue ||
   "$CUTPOINT" scan --dry-run -S 198.18.0.1 --allow-reserved 198.18.0.0/15 --tx afxdp \
     198.19.1.1 2>&1 | grep -q "no AF_XDP support"; then
  echo "SKIP: this build has no AF_XDP backend"
  exit 77
fi
lab_workdir cutpoint-afxdp
work=$LAB_WORK
chmod 0777 "$work"  # started as root, the scan runs as nobody and writes its output here
lab_up cpxdp --routers 1 --prefix 198.19.1.0/24 --open-ports 25 --listener "$LISTENER"
SCAN=(scan --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" -p 25 --tx afxdp
      --rate 20000 --cooldown 1 -q)
failures=0
fail() { echo "lab.afxdp: FAIL: $*" >&2; failures=$((failures + 1)); }
tx_packets() { ip netns exec "$PROBER_NS" cat "/sys/class/net/$PROBER_IF/statistics/tx_packets"; }

# run NAME ARGS...: the scan in the prober namespace; exit code in $code, stderr in NAME.err.
run() {
  local name=$1
  shift
  ip netns exec "$PROBER_NS" "$CUTPOINT" "${SCAN[@]}" "$@" -o "$work/$name.ndjson" \
    "$TARGET_PREFIX" 2>"$work/$name.err"
  code=$?
}

# expect_refusal NAME TEXT ARGS...: exit 2, TEXT in the first stderr line, no probe sent.
expect_refusal() {
  local name=$1 text=$2 before after
  shift 2
  before=$(tx_packets)
  run "$name" "$@"
  after=$(tx_packets)
  local first
  first=$(head -n 1 "$work/$name.err")
  [[ $code -eq 2 ]] || fail "$name: exit $code, expected 2; stderr: $first"
  [[ $first == "cutpoint: "*"$text"* ]] || fail "$name: stderr '$first' does not say '$text'"
  # Nothing but the odd ARP/neighbour packet of the kernel may leave while refusing.
  (( after - before < 5 )) || fail "$name: $((after - before)) frames left $PROBER_IF"
  if grep -q '"type":"reply"' "$work/$name.ndjson" 2>/dev/null; then fail "$name: replies written"; fi
  echo "lab.afxdp: $name: exit $code: $first"
}

# 1. Zero-copy on veth.
expect_refusal zero_copy \
  "--xdp-zero-copy: interface '$PROBER_IF' (driver veth) does not support AF_XDP zero-copy" \
  --xdp-zero-copy
grep -q "drop --xdp-zero-copy to send in copy mode" "$work/zero_copy.err" ||
  fail "zero_copy: the error does not say to drop the flag: $(cat "$work/zero_copy.err")"

# 2. Queue 0 explicitly: every probe sent, every SYN-ACK matched.
run queue0 --xdp-queue 0
[[ $code -eq 0 ]] || fail "queue0: exit $code: $(cat "$work/queue0.err")"
python3 - "$work/queue0.ndjson" <<'PY' || failures=$((failures + 1))
import sys
from ndjson import load
records = load(sys.argv[1])
stats = records[-1]
assert stats["type"] == "stats", "no stats record"
replies = [r for r in records if r["type"] == "reply"]
opened = {r["target"] for r in replies if r.get("status") == "open"}
print("lab.afxdp: queue0: sent %d, matched %d, %d of 256 targets open, send errors %d"
      % (stats["probes_sent"], stats["matched"], len(opened), stats.get("send_errors", 0)))
problems = []
if stats["probes_sent"] != 256: problems.append("probes_sent %d != 256" % stats["probes_sent"])
if len(opened) != 256: problems.append("%d of 256 targets matched open" % len(opened))
if stats["matched"] != len(replies): problems.append("matched != reply records")
for p in problems: print("lab.afxdp: FAIL: queue0:", p)
sys.exit(1 if problems else 0)
PY

# 3. Queues the veth does not have.
NO_QUEUE="interface '$PROBER_IF' has 1 TX queue(s), 0-0, and --tx afxdp binds sender thread i to queue --xdp-queue + i: queue 1 does not exist"
expect_refusal queue1 "$NO_QUEUE" --xdp-queue 1
expect_refusal queue0_two_threads "$NO_QUEUE" --xdp-queue 0 --sender-threads 2

if (( failures > 0 )); then
  echo "lab.afxdp: $failures failure(s)" >&2
  exit 1
fi
echo "lab.afxdp: PASS"
