#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --tx dpdk thread layout (capture/dpdk/dpdk_layout.h), on DPDK's null PMD inside a network
# namespace of the test's own (net_null sends nothing anywhere; the namespace keeps even
# that promise local). Checks, not timed:
#  * the default lcores: the sender thread runs on worker lcore 1, pinned and registered
#    with the EAL; the capture on the next worker or the main lcore; every probe is sent;
#  * a busy RX side (plain net_null delivers frames as fast as they are polled): every
#    probe is still sent and the matcher sees what arrives (unmatched > 0);
#  * refusals, exit 2, nothing sent: one lcore only (-l 0), more sender threads than
#    workers, lcores on CPUs that do not exist.
# Needs root (DPDK's EAL, namespaces); skipped (77) otherwise.
set -uo pipefail
CUTPOINT=$1
if [[ $(id -u) -ne 0 ]]; then
  echo "skip: needs root (DPDK EAL, network namespaces)"
  exit 77
fi
if (($(nproc) < 2)); then
  echo "skip: needs 2 CPUs (a sender lcore besides the main lcore)"
  exit 77
fi

ns=cpdlay$$
work=$(mktemp -d /tmp/cutpoint-dpdk-layout.XXXXXX)
cleanup() {
  ip netns del "$ns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns" || exit 1

fail=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

EAL_BASE="--no-huge --no-pci -m 256 --log-level=lib.eal:error"
# 64 targets x 16 ports = 1024 probes.
scan() {  # scan OUT VDEV [EXTRA ARGS...]
  local out=$1 vdev=$2
  shift 2
  ip netns exec "$ns" "$CUTPOINT" scan --tx dpdk --dpdk-args "$EAL_BASE --vdev $vdev $DPDK_EXTRA" \
    -S 198.18.202.1 --gateway-mac 02:00:00:00:00:01 -p 1-16 --rate max --cooldown 0 -q \
    --allow-reserved 198.18.0.0/15 --keep-root -o "$out" "$@" 198.18.202.0/26
}

stats_field() {  # stats_field FILE PYTHON-EXPRESSION (of the stats record `s`)
  python3 -c "
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
assert s['type'] == 'stats'
print($2)" "$1"
}

# 1. Default lcores (every CPU): sender on lcore 1, capture on lcore 2 if the machine has
#    a third CPU, else on the main lcore 0.
DPDK_EXTRA=""
scan "$work/idle.ndjson" "net_null0,no-rx=1" >"$work/idle.err" 2>&1
rc=$?
check "idle RX: exit 0 (rc $rc)" test "$rc" -eq 0
[[ $rc -eq 0 ]] || cat "$work/idle.err"
if [[ $rc -eq 0 ]]; then
  check "idle RX: all 1024 probes sent" test "$(stats_field "$work/idle.ndjson" "s['probes_sent']")" -eq 1024
  sender=$(stats_field "$work/idle.ndjson" \
    "[(t['lcore'], t['cpus'], t['pinned'], t['registered']) for t in s['dpdk']['threads'] if t['role'] == 'sender']")
  check "sender on worker lcore 1, pinned to CPU 1, registered ($sender)" \
    test "$sender" = "[(1, '1', True, True)]"
  expected_capture=0
  (($(nproc) >= 3)) && expected_capture=2
  capture=$(stats_field "$work/idle.ndjson" \
    "[(t['lcore'], t['pinned'], t['registered']) for t in s['dpdk']['threads'] if t['role'] == 'capture']")
  check "capture on lcore $expected_capture, pinned, registered ($capture)" \
    test "$capture" = "[($expected_capture, True, True)]"
  check "main lcore 0" test "$(stats_field "$work/idle.ndjson" "s['dpdk']['main_lcore']")" -eq 0
  check "send_s present and positive" test "$(stats_field "$work/idle.ndjson" "int(s['send_s'] > 0)")" -eq 1
fi

# 2. Busy RX: frames arrive without pause while the sender sends.
scan "$work/busy.ndjson" "net_null0" >"$work/busy.err" 2>&1
rc=$?
check "busy RX: exit 0 (rc $rc)" test "$rc" -eq 0
[[ $rc -eq 0 ]] || cat "$work/busy.err"
if [[ $rc -eq 0 ]]; then
  check "busy RX: all 1024 probes sent" test "$(stats_field "$work/busy.ndjson" "s['probes_sent']")" -eq 1024
  check "busy RX: the matcher saw the arriving frames" \
    test "$(stats_field "$work/busy.ndjson" "int(s['unmatched'] > 0 and s['dpdk']['ipackets'] > 0)")" -eq 1
fi

# 3. Refusals: exit 2, the reason named, no probe sent (no output records).
refused() {  # refused DESCRIPTION MESSAGE-PART [SCAN ARGS...]
  local what=$1 message=$2
  shift 2
  scan "$work/refused.ndjson" "net_null0,no-rx=1" "$@" >"$work/refused.err" 2>&1
  local rc=$?
  check "$what: exit 2 (rc $rc)" test "$rc" -eq 2
  check "$what: says '$message'" grep -qF -- "$message" "$work/refused.err"
  check "$what: nothing sent" test ! -s "$work/refused.ndjson"
  grep -qF -- "$message" "$work/refused.err" || cat "$work/refused.err"
  rm -f "$work/refused.ndjson"
}
DPDK_EXTRA="-l 0"
refused "one lcore" "1 sender thread(s) need 2 lcores, the EAL has 1"
DPDK_EXTRA="-l 0-1"
refused "2 senders on 2 lcores" "2 sender thread(s) need 3 lcores, the EAL has 2" --sender-threads 2
DPDK_EXTRA="-l 0,4000"
refused "lcore on a missing CPU" "CPU(s) 4000 do not exist"

exit $fail
