#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The product commands `cutpoint scan|trace|locate --tx dpdk` against dpdk-testpmd's txonly mode, on
# DPDK's null PMD (net_null: the driver takes every frame and frees it), so the figures are
# the cost of producing frames, not of any NIC. No NIC and no hugepages (--no-huge --no-pci).
#
#   bench/dpdk_vs_testpmd.sh [SECONDS=5] [ROUNDS=2]
#
# Per round, one after the other, each on lcores 0-1 (one sending lcore each):
#  * dpdk-testpmd --forward-mode=txonly: one forwarding lcore resending copies of a fixed
#    58-byte template, 32 per burst; Tx-pps averaged over the stats periods after the first;
#  * `cutpoint scan --tx dpdk` on net_null0,no-rx=1 (RX idle): unique keyed TCP SYNs to
#    198.18.0.0/15 x enough ports to send for about SECONDS, in keyed random order, one
#    sender thread; rate = probes_sent / send_s of its stats record;
#  * the same command on plain net_null0, whose RX side delivers frames as fast as they are
#    polled (a busy NIC): the capture thread matches every frame while the sender sends;
#  * `cutpoint trace` and `cutpoint locate` the same way, RX idle and busy (their probe
#    sets below: trace mixes TCP SYNs and ICMP echoes, locate sends rounds);
#  * cutpoint-dpdk-bench (tests/dpdk), the engine's ceiling: the same probes built
#    sequentially (no send order, no session) by the same DpdkSender::SendProbes, 1 lcore.
# Ratios are taken within a round, then summed up over the rounds. Cycles per probe: TSC
# rate / probes per second of the one sending thread. Every command runs inside a network
# namespace of the script's own (net_null sends nothing anywhere; the namespace keeps even
# that local).
#
# Environment: SKIP_BUILD=1 uses the existing build/release binaries. Needs root (DPDK's
# EAL, namespaces) and dpdk-dev (tools/setup.sh installs it).
set -euo pipefail

SECS=${1:-5}
ROUNDS=${2:-2}
[[ $SECS =~ ^[0-9]+$ && $SECS -gt 0 ]] || { echo "SECONDS must be a positive integer" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -gt 0 ]] || { echo "ROUNDS must be a positive integer" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "dpdk_vs_testpmd.sh: needs root (DPDK EAL, namespaces)" >&2; exit 3; }
(($(nproc) >= 2)) || { echo "dpdk_vs_testpmd.sh: needs 2 CPUs (main lcore + sending lcore)" >&2; exit 3; }
cd "$(dirname "$0")/.."

if ! pkg-config --exists libdpdk || ! command -v dpdk-testpmd >/dev/null; then
  tools/setup.sh
fi
BENCH=build/release/tests/dpdk/cutpoint-dpdk-bench
CUTPOINT=build/release/tools/cutpoint/cutpoint
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C build/release cutpoint cutpoint-dpdk-bench >&2
fi
for binary in "$BENCH" "$CUTPOINT"; do
  [[ -x $binary ]] || { echo "no $binary (is libdpdk installed? see tools/setup.sh)" >&2; exit 1; }
done

NS=cpdpdkbench$$
WORK=$(mktemp -d /tmp/cutpoint-dpdk-bench.XXXXXX)
cleanup() {
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
  rmdir /var/run/dpdk/cutpoint-testpmd-$$ 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }

FRAME_LEN=58
EAL="--no-huge --no-pci -m 1024 -l 0-1"
# Enough probes for about SECS seconds at 50 Mpps: 131072 targets x PORTS.
PORTS=$(((SECS * 50000000 + 131071) / 131072))
((PORTS <= 65535)) || PORTS=65535

testpmd_mpps() {
  local log=$WORK/testpmd.log
  set +e
  in_ns timeout -s INT "$((SECS + 1))" dpdk-testpmd $EAL --vdev net_null0 --no-shconf \
      --file-prefix "cutpoint-testpmd-$$" --no-telemetry -- --forward-mode=txonly \
      --txpkts=$FRAME_LEN --burst=32 --total-num-mbufs=16384 --stats-period 1 >"$log" 2>&1
  set -e
  grep -a 'Tx-pps:' "$log" | awk '{print $2}' | tail -n +2 | head -n "$SECS" |
      awk '{s += $1; n++} END {if (n) printf "%.2f", s / n / 1e6; else print "0"}'
}

# cutpoint_mpps VDEV COMMAND ARGS...: probes_sent / send_s of `cutpoint COMMAND --tx dpdk`
# on VDEV over 198.18.0.0/15, then the unmatched count and the thread layout.
cutpoint_mpps() {
  local vdev=$1 out=$WORK/run.ndjson
  shift
  in_ns "$CUTPOINT" "$@" --tx dpdk --dpdk-args "$EAL --log-level=lib.eal:error --vdev $vdev" \
      -S 198.19.200.1 --gateway-mac 02:00:00:00:00:01 --rate max -q --allow-reserved 198.18.0.0/15 \
      --keep-root -o "$out" 198.18.0.0/15 >"$WORK/run.err" 2>&1 ||
      { echo "cutpoint $1 failed:" >&2; cat "$WORK/run.err" >&2; exit 1; }
  python3 - "$out" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
threads = s["dpdk"]["threads"]
print("%.2f %d %s" % (s["probes_sent"] / s["send_s"] / 1e6, s["unmatched"],
      ",".join("%s@%d" % (t["role"], t["lcore"]) for t in threads)))
PY
}

# The three product commands, each sized for about SECS seconds at 50 Mpps where it can be:
#  * scan: 131072 targets x PORTS TCP SYNs;
#  * trace: its default mix (a TCP SYN to port 80 and an ICMP echo per TTL) over TTL 1-255,
#    TRACE_ATTEMPTS attempts (1-4: 67 M probes each);
#  * locate: its rounds (screen, then TTL windows; net_null answers nothing, so every target
#    is swept once over TTL 1-32) with 4 attempts: 14 M probes, a fraction of a second.
TRACE_ATTEMPTS=$(((SECS * 50000000 + 66846719) / 66846720))
((TRACE_ATTEMPTS <= 4)) || TRACE_ATTEMPTS=4
SCAN=(scan -p "1-$PORTS" --cooldown 0)
TRACE=(trace -p 80 --ttl 1-255 --attempts "$TRACE_ATTEMPTS" --cooldown 0)
LOCATE=(locate -p 25 --control-port 443 --attempts 4 --round-wait 0 --max-targets 131072)

echo "net_null, ${FRAME_LEN}-byte frames, ${SECS} s per sender, 131072 targets x $PORTS ports, $(nproc) CPUs"
for ((round = 1; round <= ROUNDS; round++)); do
  tp=$(testpmd_mpps)
  [[ $tp != 0 ]] || { echo "dpdk-testpmd gave no Tx-pps figures" >&2; tail -20 "$WORK/testpmd.log" >&2; exit 1; }
  read -r idle _ layout <<<"$(cutpoint_mpps "net_null0,no-rx=1" "${SCAN[@]}")"
  read -r busy busy_seen _ <<<"$(cutpoint_mpps "net_null0" "${SCAN[@]}")"
  read -r trace_idle _ _ <<<"$(cutpoint_mpps "net_null0,no-rx=1" "${TRACE[@]}")"
  read -r trace_busy trace_seen _ <<<"$(cutpoint_mpps "net_null0" "${TRACE[@]}")"
  read -r locate_idle _ _ <<<"$(cutpoint_mpps "net_null0,no-rx=1" "${LOCATE[@]}")"
  read -r locate_busy locate_seen _ <<<"$(cutpoint_mpps "net_null0" "${LOCATE[@]}")"
  ceiling_line=$(in_ns "$BENCH" --eal "--no-huge --no-pci -m 512 --vdev net_null0" --lcores 1 \
                 --seconds "$SECS" 2>/dev/null | grep '^cutpoint-dpdk-bench')
  ceiling=$(sed -E 's/.* mpps=([0-9.]+).*/\1/' <<<"$ceiling_line")
  tsc=$(sed -E 's/.* tsc_hz=([0-9]+).*/\1/' <<<"$ceiling_line")
  cpp() { awk -v hz="$tsc" -v m="$1" 'BEGIN {printf "%.1f", hz / (m * 1e6)}'; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
  # product_rows COMMAND IDLE BUSY SEEN: a command's RX idle and RX busy rows.
  product_rows() {
    printf '%-58s %8s %13s %10sx\n' "cutpoint $1 --tx dpdk, RX idle" "$2" "$(cpp "$2")" \
        "$(ratio "$2" "$tp")"
    printf '%-58s %8s %13s %10sx  (%sx of RX idle; %s frames received meanwhile, none ours)\n' \
        "cutpoint $1 --tx dpdk, RX busy" "$3" "$(cpp "$3")" "$(ratio "$3" "$tp")" \
        "$(ratio "$3" "$2")" "$4"
  }
  echo
  echo "round $round (TSC $(awk -v hz="$tsc" 'BEGIN {printf "%.2f", hz / 1e9}') GHz; cutpoint threads: $layout)"
  printf '%-58s %8s %13s %11s\n' "sender" "Mpps" "cycles/probe" "vs testpmd"
  printf '%-58s %8s %13s %10sx\n' "dpdk-testpmd txonly, 1 fwd lcore, one template" "$tp" "$(cpp "$tp")" "1.00"
  printf '%-58s %8s %13s %10sx\n' "cutpoint scan --tx dpdk, RX idle (net_null0,no-rx=1)" "$idle" \
      "$(cpp "$idle")" "$(ratio "$idle" "$tp")"
  printf '%-58s %8s %13s %10sx  (%sx of RX idle; %s frames received meanwhile, none ours)\n' \
      "cutpoint scan --tx dpdk, RX busy (net_null0)" "$busy" "$(cpp "$busy")" \
      "$(ratio "$busy" "$tp")" "$(ratio "$busy" "$idle")" "$busy_seen"
  product_rows "trace" "$trace_idle" "$trace_busy" "$trace_seen"
  product_rows "locate" "$locate_idle" "$locate_busy" "$locate_seen"
  printf '%-58s %8s %13s %10sx\n' "engine ceiling: cutpoint-dpdk-bench, sequential probes" "$ceiling" \
      "$(cpp "$ceiling")" "$(ratio "$ceiling" "$tp")"
  for command in scan trace locate; do
    case $command in
      scan) pair=("$idle" "$busy") ;;
      trace) pair=("$trace_idle" "$trace_busy") ;;
      locate) pair=("$locate_idle" "$locate_busy") ;;
    esac
    echo "$command $(ratio "${pair[0]}" "$tp") $(ratio "${pair[1]}" "${pair[0]}")" >>"$WORK/ratios"
  done
done

# Each command's ratios over the rounds (a shared 2-CPU host varies by several percent from
# one run to the next; the ratios are taken within a round, so both sides see the same host).
echo
echo "over $ROUNDS round(s): RX idle vs testpmd, and RX busy vs RX idle (min / median / max)"
python3 - "$WORK/ratios" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    command, idle, busy = line.split()
    rows.setdefault(command, ([], []))
    rows[command][0].append(float(idle))
    rows[command][1].append(float(busy))
for command, (idle, busy) in rows.items():
    show = lambda v: "%.2f / %.2f / %.2f" % (min(v), statistics.median(v), max(v))
    print("%-7s idle %sx of testpmd; busy %sx of idle" % (command, show(idle), show(busy)))
PY
