#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `cutpoint scan` over an IPv4 list vs an IPv6 list of the same size, same veth sink, same
# backend, in one run: the issue-12 check (IPv6 pps within 10 % of IPv4 pps per backend).
#
#   bench/scan_v4_vs_v6.sh [ROUNDS=3] [BACKENDS="raw afpacket afxdp"]
#
#   NS_A (sender)  a0 198.18.0.1/24 + 2001:2::1/64, default routes via b0 (static neighbours)
#        |  veth
#   NS_B (sink)    b0 198.18.0.2/24 + 2001:2::2/64; nftables netdev ingress chain drops everything
#
# Targets: 32,768 lone hosts per family (IPv4: the even addresses of 198.19.0.0/16, shuffled;
# IPv6: random addresses in 2001:2::/48 outside the link /64) x 92 ports = 3,014,656 SYNs per
# run. Each round runs, per backend, v4 then v6 back to back (the order of the two flips every
# round); the machine may be shared, so compare the IPv6/IPv4 ratios of one run, not absolute
# rates across runs.
#
# Per run: delivered = b0 rx_packets delta; wall = the whole process (/usr/bin/time); cpu =
# user+sys; send pps = probes_sent / duration_s of cutpoint's `stats` record (send window).
#
# Environment: SKIP_BUILD=1 skips tools/build.sh. PERF_DIR=DIR adds one extra `perf record -g`
# run per backend and family after the rounds (DIR/BACKEND-v4.data, ...), not counted.
#
# Safety: every packet goes to 198.18.0.0/15 or 2001:2::/48 inside the two namespaces this
# script creates; nothing is created in, or sent from, the root namespace; both namespaces
# are deleted on exit.
set -euo pipefail

ROUNDS=${1:-3}
BACKENDS=${2:-raw afpacket afxdp}
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -gt 0 ]] || { echo "ROUNDS must be a positive integer" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "scan_v4_vs_v6.sh: needs root (network namespaces)" >&2; exit 3; }

cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source bench/bench_lib.sh
bench_require scan_v4_vs_v6.sh jq nft python3 /usr/bin/time
bench_build_cutpoint scan_v4_vs_v6

NSA=cpd6-$$-send
NSB=cpd6-$$-sink
WORK=$(mktemp -d /tmp/cutpoint-v4v6.XXXXXX)
CSV=/tmp/cutpoint-scan-v4-vs-v6-$(date -u +%Y%m%dT%H%M%SZ).csv
HOSTS=32768
PORTS=25-116
TOTAL=$((HOSTS * 92))

TOOL_PID=
cleanup() {
  local rc=$?
  set +e
  if [[ -n $TOOL_PID ]]; then
    local kids
    kids=$(pgrep -P "$TOOL_PID" || true)
    # shellcheck disable=SC2086
    kill -INT $kids "$TOOL_PID" 2>/dev/null
    sleep 0.5
    # shellcheck disable=SC2086
    kill -KILL $kids "$TOOL_PID" 2>/dev/null
  fi
  wait 2>/dev/null
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "scan_v4_vs_v6: $*" >&2; }

# --- the sink ----------------------------------------------------------------------------------
log "namespaces $NSA (sender) and $NSB (sink)"
ip netns add "$NSA"
ip netns add "$NSB"
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  ip -n "$ns" link set lo up
done
# Created directly inside the namespaces: nothing ever exists in the root namespace.
ip -n "$NSA" link add a0 numtxqueues 2 numrxqueues 2 type veth peer name b0 netns "$NSB" \
  numtxqueues 2 numrxqueues 2
ip -n "$NSA" addr add 198.18.0.1/24 dev a0
ip -n "$NSA" -6 addr add 2001:2::1/64 dev a0 nodad
ip -n "$NSB" addr add 198.18.0.2/24 dev b0
ip -n "$NSB" -6 addr add 2001:2::2/64 dev b0 nodad
ip -n "$NSA" link set a0 up
ip -n "$NSB" link set b0 up
ip -n "$NSA" route add default via 198.18.0.2 dev a0
ip -n "$NSA" -6 route add default via 2001:2::2 dev a0
BMAC=$(ip -n "$NSB" -j link show dev b0 | jq -r '.[0].address')
ip -n "$NSA" neigh replace 198.18.0.2 lladdr "$BMAC" dev a0 nud permanent
ip -n "$NSA" -6 neigh replace 2001:2::2 lladdr "$BMAC" dev a0 nud permanent
ip netns exec "$NSB" nft -f - <<EOT
table netdev sink {
  chain in {
    type filter hook ingress device "b0" priority -500; policy drop;
  }
}
EOT
# Safety checks: only lo + the veth end in each namespace; the sink routes only its own link.
[[ $(ip -n "$NSA" -j link show | jq -r '[.[].ifname] | sort | join(",")') == "a0,lo" ]] ||
  { echo "scan_v4_vs_v6.sh: unexpected links in $NSA" >&2; exit 4; }
[[ $(ip -n "$NSB" -j link show | jq -r '[.[].ifname] | sort | join(",")') == "b0,lo" ]] ||
  { echo "scan_v4_vs_v6.sh: unexpected links in $NSB" >&2; exit 4; }
[[ $(ip -n "$NSB" -j route show | jq -r '[.[].dst] | join(",")') == "198.18.0.0/24" ]] ||
  { echo "scan_v4_vs_v6.sh: unexpected IPv4 routes in $NSB" >&2; exit 4; }
! ip -n "$NSB" -6 -j route show | jq -r '.[].dst' |
  grep -qv -e '^2001:2::/64$' -e '^fe80::/64$' -e '^multicast$' -e '^ff00::/8$' ||
  { echo "scan_v4_vs_v6.sh: unexpected IPv6 routes in $NSB" >&2; exit 4; }

# --- targets -----------------------------------------------------------------------------------
python3 - "$WORK" "$HOSTS" <<'EOF'
import ipaddress, random, sys
work, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(12)
v4 = [f"198.19.{i >> 8}.{i & 255}" for i in range(0, 2 * n, 2)]   # even: no two adjacent
rng.shuffle(v4)
v6 = set()
base = int(ipaddress.IPv6Address("2001:2::"))
while len(v6) < n:
    low = rng.getrandbits(80)
    if low >> 64 == 0:        # 2001:2:0:0::/64 is the link
        continue
    v6.add(str(ipaddress.IPv6Address(base | low)))
open(f"{work}/v4.txt", "w").write("\n".join(v4) + "\n")
open(f"{work}/v6.txt", "w").write("\n".join(sorted(v6, key=lambda _: rng.random())) + "\n")
EOF
# (--key-file creates the key on the first run; every run then probes with it)

counter() { ip -n "$NSB" -s -j link show dev b0 | jq -r '.[0].stats64.rx.packets'; }

# run_one BACKEND FAMILY ROUND [perf-data]
run_one() {
  local backend=$1 family=$2 round=$3 perf=${4:-}
  # shellcheck disable=SC2054  # the commas are cutpoint's list syntax
  local cmd=("$CUTPOINT" scan --allow-reserved 198.18.0.0/15,2001:2::/48 --rate max --cooldown 0
             -q -o "$WORK/out.ndjson" -i a0 -S 198.18.0.1,2001:2::1 -p "$PORTS" --tx "$backend"
             --key-file "$WORK/key" -f "$WORK/$family.txt")
  [[ -n $perf ]] && cmd=(perf record -q -g -o "$perf" -- "${cmd[@]}")
  local rx0 rx1 rc=0
  rx0=$(counter)
  ip netns exec "$NSA" /usr/bin/time -f '%e %U %S' -o "$WORK/time" "${cmd[@]}" 2>"$WORK/err" &
  TOOL_PID=$!
  wait "$TOOL_PID" || rc=$?
  TOOL_PID=
  rx1=$(counter)
  [[ -n $perf ]] && return 0
  local wall user sys send_pps
  read -r wall user sys < <(tail -n 1 "$WORK/time")
  send_pps=$(jq -r 'select(.type=="stats") | (.probes_sent / .duration_s)' "$WORK/out.ndjson" 2>/dev/null | tail -1)
  (( rc == 0 )) || { log "$backend $family exited $rc:"; tail -n 5 "$WORK/err" >&2; }
  echo "$backend,$family,$round,$TOTAL,$((rx1 - rx0)),$wall,$user,$sys,${send_pps:-0},$rc" >>"$CSV"
  printf '%-9s %-3s %5s %10d %7.2f %9.3f %9.3f %8.3f\n' "$backend" "$family" "$round" "$((rx1 - rx0))" \
    "$wall" "$(echo "$((rx1 - rx0)) / $wall / 1000000" | bc -l)" "${send_pps:-0}e-6" \
    "$(echo "$user + $sys" | bc -l)" 2>/dev/null || true
}

read -r -a backends <<<"$BACKENDS"
echo "backend,family,round,probes,delivered,wall_s,user_s,sys_s,send_pps,exit" >"$CSV"
echo "machine: $(nproc) cores, $(uname -r), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
log "$TOTAL SYNs per run ($HOSTS hosts x ports $PORTS), $ROUNDS rounds, backends: ${backends[*]}"
printf '%-9s %-3s %5s %10s %7s %9s %9s %8s\n' backend fam round delivered wall_s wall_Mpps send_Mpps cpu_s
for ((round = 1; round <= ROUNDS; round++)); do
  for backend in "${backends[@]}"; do
    if (( round % 2 )); then order=(v4 v6); else order=(v6 v4); fi
    for family in "${order[@]}"; do run_one "$backend" "$family" "$round"; done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$CSV" <<'EOF'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["exit"] == "0"]
def get(b, f): return [r for r in rows if r["backend"] == b and r["family"] == f]
def wall(r): return int(r["delivered"]) / float(r["wall_s"])
def cpu(r): return (float(r["user_s"]) + float(r["sys_s"])) / int(r["probes"]) * 1e9
print("\nmedians; v6/v4 = ratio of the medians, paired = median of the per-round v6/v4 ratios")
print(f"{'backend':9} {'v4 wall Mpps':>12} {'v6 wall Mpps':>12} {'v6/v4':>6} {'paired':>6} "
      f"{'send v6/v4':>10} {'v4 ns/probe':>11} {'v6 ns/probe':>11} {'v6-v4 ns':>8}")
for b in dict.fromkeys(r["backend"] for r in rows):
    v4, v6 = get(b, "v4"), get(b, "v6")
    if not v4 or not v6: continue
    m = lambda rs, f: statistics.median(f(x) for x in rs)
    paired = statistics.median(wall(a) / wall(c) for a, c in zip(
        sorted(v6, key=lambda r: r["round"]), sorted(v4, key=lambda r: r["round"])))
    s4, s6 = m(v4, lambda r: float(r["send_pps"])), m(v6, lambda r: float(r["send_pps"]))
    c4, c6 = m(v4, cpu), m(v6, cpu)
    print(f"{b:9} {m(v4, wall)/1e6:>12.3f} {m(v6, wall)/1e6:>12.3f} {m(v6, wall)/m(v4, wall):>6.2f} "
          f"{paired:>6.2f} {s6/s4 if s4 else float('nan'):>10.2f} {c4:>11.0f} {c6:>11.0f} {c6-c4:>8.0f}")
EOF
echo "raw results: $CSV"

if [[ -n ${PERF_DIR:-} ]]; then
  mkdir -p "$PERF_DIR"
  for backend in "${backends[@]}"; do
    for family in v4 v6; do
      log "perf record -g: $backend $family -> $PERF_DIR/$backend-$family.data"
      run_one "$backend" "$family" perf "$PERF_DIR/$backend-$family.data"
    done
  done
fi
