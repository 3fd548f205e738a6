#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# DPDK end to end, no NIC: inside the lab's prober namespace a DPDK net_af_packet port is
# bound to the prober's interface (--no-huge --no-pci). `cutpoint trace --tx dpdk` over a
# /24 must meet every expectation of the kernel-backend trace test, and `cutpoint locate
# --tx dpdk` on the drop scenario must give the ground-truth verdicts.
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 3 "CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
INJECTOR=$3
lab_test_init lab.dpdk
lab_workdir cutpoint-dpdk
work=$LAB_WORK
lab_up cpdp --scenario drop --routers 3 --filter-router 2 --prefix 198.19.1.0/24 \
  --open-ports 25,443 --listener "$LISTENER" --injector "$INJECTOR" --truth "$work/truth.json"
dpdk=(--tx dpdk --dpdk-args "--no-huge --no-pci -m 256 --log-level=error --vdev net_af_packet0,iface=$PROBER_IF,framecnt=8192")
failures=0

# Trace: unfiltered ports 443 and 81 plus ICMP echo (port 25 is filtered for .101/.102).
timeout 120 ip netns exec "$PROBER_NS" "$CUTPOINT" trace --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" \
  -S "$PROBER_ADDR" -p 443,81 --probe tcp-syn,icmp-echo --ttl 1-5 --rate 20000 --cooldown 1 -q \
  "${dpdk[@]}" -o "$work/trace.ndjson" "$TARGET_PREFIX" 2>"$work/trace.err" || {
  echo "FAIL: trace --tx dpdk: $(cat "$work/trace.err")"; failures=$((failures + 1)); }
python3 "$LAB_TEST_DIR/check_trace.py" --topology "$work/topology.env" --ndjson "$work/trace.ndjson" \
  --ports 443,81 --max-unmatched 8 || failures=$((failures + 1))

# Locate: the same verdicts as with the kernel backends.
timeout 120 ip netns exec "$PROBER_NS" "$CUTPOINT" locate --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" \
  -S "$PROBER_ADDR" -p 25 --control-port 443 --ttl 1-5 --rate 20000 -q "${dpdk[@]}" \
  -o "$work/locate.ndjson" "$TARGET_PREFIX" 2>"$work/locate.err" || {
  echo "FAIL: locate --tx dpdk: $(cat "$work/locate.err")"; failures=$((failures + 1)); }
python3 "$LAB_TEST_DIR/check_locate.py" --label lab.dpdk --truth "$work/truth.json" \
  --ndjson "$work/locate.ndjson" || failures=$((failures + 1))

echo "lab.dpdk: $((2 - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
