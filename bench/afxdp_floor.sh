#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `cutpoint scan --tx afxdp` against the bare AF_XDP copy-mode TX floor (bench/afxdp_floor.cc:
# the same socket set-up, pre-filled frames, no per-packet work in user space), on one veth
# sink, in the same run. The product is expected at >= 0.9x the floor.
#
#   bench/afxdp_floor.sh [SECONDS=5] [ROUNDS=3]
#
#   NS_A (sender)  a0 198.18.0.1/24, default via 198.18.0.2 (static neighbour)
#        |  veth
#   NS_B (sink)    b0 198.18.0.2/24, nftables netdev ingress drops everything
# (bench_veth_sink in bench_lib.sh; the same sink as bench/tx_vs_peers.sh.)
#
# Per round, rotating which goes first: the floor for SECONDS,
#   cutpoint scan --tx afxdp --sender-threads 1 --rate max --cooldown 0 -p 25-N 198.19.0.0/16
# with enough ports that it sends for about SECONDS at the floor's rate so far (its default
# --probe-kernels auto: the scalar builder on this kernel-bound backend), and the same
# command with --probe-kernels avx512 ("avx512", where the CPU has the kernels): what auto
# chooses against is measured in the same run. The target applies to the default command.
# Packets DELIVERED = b0's rx_packets delta; the send window = first to last increase of
# that counter seen by a watcher in the sink namespace (5 ms samples), so start-up and
# teardown count for neither. Mpps = delivered / window; the ratio is of the medians. Wall
# rates (delivered / process wall time) are printed too.
#
# Environment: SKIP_BUILD=1 uses the existing build/release binaries. Needs root, jq, nft,
# python3. Safety: every packet goes to 198.18.0.0/15 inside the two namespaces this script
# creates and deletes on exit; nothing is created in, or sent from, the root namespace.
set -euo pipefail

SECS=${1:-5}
ROUNDS=${2:-3}
[[ $SECS =~ ^[0-9]+$ && $SECS -gt 0 ]] || { echo "SECONDS must be a positive integer" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -gt 0 ]] || { echo "ROUNDS must be a positive integer" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "afxdp_floor.sh: needs root (network namespaces)" >&2; exit 3; }
cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source bench/bench_lib.sh
bench_require afxdp_floor.sh ip jq nft python3

if [[ -z ${SKIP_BUILD:-} ]]; then
  echo "afxdp_floor: building cutpoint and afxdp_floor (build/release)" >&2
  nice -n 19 cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  nice -n 19 ninja -C build/release -j2 cutpoint afxdp_floor >&2
fi
CUTPOINT=$PWD/build/release/tools/cutpoint/cutpoint
FLOOR=$PWD/build/release/bench/afxdp_floor
[[ -x $CUTPOINT && -x $FLOOR ]] || { echo "afxdp_floor.sh: $CUTPOINT or $FLOOR missing (libxdp?)" >&2; exit 2; }

NSA=cpxdpfloor-$$-send
NSB=cpxdpfloor-$$-sink
WORK=$(mktemp -d /tmp/cutpoint-afxdp-floor.XXXXXX)
CSV=/tmp/cutpoint-afxdp-floor-$(date -u +%Y%m%dT%H%M%SZ).csv
RUN_PID=
WATCH_PID=
cleanup() {
  local rc=$?
  set +e
  [[ -n $RUN_PID ]] && kill -INT "$RUN_PID" 2>/dev/null && sleep 0.5 && kill -KILL "$RUN_PID" 2>/dev/null
  [[ -n $WATCH_PID ]] && kill -TERM "$WATCH_PID" 2>/dev/null
  wait 2>/dev/null
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_veth_sink "$NSA" "$NSB"
bench_sink_watcher "$WORK/watch.py"
rx() { ip -n "$NSB" -s -j link show dev b0 | jq -r '.[0].stats64.rx.packets'; }

# measure NAME ROUND COMMAND...: runs COMMAND in the sender namespace while the watcher
# runs in the sink's; appends "NAME,ROUND,delivered,window_s,wall_s,exit" to the CSV.
measure() {
  local name=$1 round=$2 rc=0 rx0 rx1 t0 t1 first last
  shift 2
  sleep 0.5  # the previous run's AF_XDP socket releases queue 0 asynchronously
  rm -f "$WORK/ready"
  ip netns exec "$NSB" python3 "$WORK/watch.py" "$WORK/ready" >"$WORK/window" &
  WATCH_PID=$!
  while [[ ! -e $WORK/ready ]]; do sleep 0.01; done
  rx0=$(rx)
  t0=$(date +%s.%N)
  ip netns exec "$NSA" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  RUN_PID=$!
  wait "$RUN_PID" || rc=$?
  RUN_PID=
  t1=$(date +%s.%N)
  sleep 0.05
  kill -TERM "$WATCH_PID"
  wait "$WATCH_PID" || true
  WATCH_PID=
  rx1=$(rx)
  read -r first last _ <"$WORK/window"
  if (( rc != 0 )); then
    echo "afxdp_floor: $name exited $rc:" >&2
    tail -n 5 "$WORK/$name.err" >&2
  fi
  python3 - "$name" "$round" "$((rx1 - rx0))" "$first" "$last" "$t0" "$t1" "$rc" >>"$CSV" <<'PY'
import sys
name, rnd, delivered, first, last, t0, t1, rc = sys.argv[1:]
print(f"{name},{rnd},{delivered},{float(last) - float(first):.4f},{float(t1) - float(t0):.4f},{rc}")
PY
  tail -n 1 "$CSV" | awk -F, '{ printf "%-8s round %s: %10d delivered, window %7.3f s = %6.3f Mpps; wall %7.3f s = %6.3f Mpps\n",
    $1, $2, $3, $4, ($4 > 0 ? $3 / $4 / 1e6 : 0), $5, $3 / $5 / 1e6 }'
}

# Ports of 198.19.0.0/16 for cutpoint to send about SECONDS at the floor's median rate.
ports_for_floor_rate() {
  python3 - "$CSV" "$SECS" <<'PY'
import csv, math, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["tool"] == "floor" and r["exit"] == "0"]
pps = statistics.median(int(r["delivered"]) / float(r["window_s"]) for r in rows) if rows else 2e6
print(max(1, min(1000, math.ceil(pps * int(sys.argv[2]) / 65536))))
PY
}

run_floor() { measure floor "$1" "$FLOOR" a0 "$BENCH_SINK_MAC" "$SECS" 64 0; }
# run_cutpoint NAME ROUND [EXTRA FLAGS...]
run_cutpoint() {
  local name=$1 round=$2 nports
  shift 2
  nports=$(ports_for_floor_rate)
  measure "$name" "$round" "$CUTPOINT" scan --allow-reserved 198.18.0.0/15 --rate max \
    --cooldown 0 -q -o /dev/null -i a0 -S 198.18.0.1 -p "25-$((25 + nports - 1))" --tx afxdp \
    --sender-threads 1 --key-file "$WORK/key" "$@" 198.19.0.0/16
}
run_tool() {
  case $1 in
    floor) run_floor "$2" ;;
    cutpoint) run_cutpoint cutpoint "$2" ;;
    avx512) run_cutpoint avx512 "$2" --probe-kernels avx512 ;;
  esac
}
TOOLS=(floor cutpoint)
# --probe-kernels avx512 is refused where the CPU lacks what the kernels use.
cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
kernels_here=1
for flag in avx512f avx512dq avx512bw avx512vl avx512_vbmi2 vaes popcnt; do
  [[ $cpu_flags == *" $flag "* ]] || kernels_here=0
done
(( kernels_here )) && TOOLS+=(avx512)

echo "tool,round,delivered,window_s,wall_s,exit" >"$CSV"
echo "machine: $(nproc) cores, $(uname -r), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cutpoint: $("$CUTPOINT" --version 2>/dev/null | head -1); $SECS s per run, $ROUNDS rounds"
for ((round = 1; round <= ROUNDS; round++)); do
  for ((k = 0; k < ${#TOOLS[@]}; k++)); do
    run_tool "${TOOLS[$(((round - 1 + k) % ${#TOOLS[@]}))]}" "$round"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$CSV" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["exit"] == "0" and float(r["window_s"]) > 0]
def rates(tool, key):
    return [int(r["delivered"]) / float(r[key]) / 1e6 for r in rows if r["tool"] == tool]
med = {}
for tool in ("floor", "cutpoint", "avx512"):
    w, a = rates(tool, "window_s"), rates(tool, "wall_s")
    if not w:
        if tool == "avx512":
            continue  # not measured: the CPU lacks the kernels
        print(f"{tool}: no successful run"); sys.exit(1)
    med[tool] = (statistics.median(w), statistics.median(a))
    print(f"{tool:8} median {med[tool][0]:.3f} Mpps (runs {', '.join(f'{x:.3f}' for x in w)}); "
          f"wall {med[tool][1]:.3f} Mpps")
if "avx512" in med:
    print(f"--probe-kernels avx512 / floor: {med['avx512'][0] / med['floor'][0]:.2f} (window); "
          f"the default (auto: scalar here) / avx512: {med['cutpoint'][0] / med['avx512'][0]:.2f}")
ratio = med["cutpoint"][0] / med["floor"][0]
print(f"cutpoint / floor: {ratio:.2f} (window), {med['cutpoint'][1] / med['floor'][1]:.2f} (wall); "
      f"target >= 0.90: {'met' if ratio >= 0.9 else 'NOT met'}")
PY
echo "raw results: $CSV"
