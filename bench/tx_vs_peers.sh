#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Transmit throughput of `cutpoint scan` versus zmap and masscan, on one machine, into a
# veth sink inside two network namespaces this script creates (and removes on exit).
#
#   bench/tx_vs_peers.sh [PROBES=3000000] [ROUNDS=3]
#
#   NS_A (sender)  a0 198.18.0.1/24, default via 198.18.0.2 (static neighbour, no ARP),
#                  2 TX queues (AF_XDP binds one socket per queue and sender thread)
#        |  veth
#   NS_B (sink)    b0 198.18.0.2/24, no other route; nftables netdev ingress chain drops everything
#
# Targets: 198.19.0.0/16 x NPORTS ports (25..25+NPORTS-1), NPORTS = ceil(PROBES / 65536), so
# every tool sends the same number of SYNs (zmap 2.1 scans one port per run: it sends the
# /16 with -P NPORTS probes per address instead).
#
# Per run: packets DELIVERED = rx_packets delta of b0 (the sink's interface: frames the veth
# handed to the sink's receive path, which an nftables ingress chain then drops), wall time and CPU time
# (user+sys of the tool, /usr/bin/time), plus the sender-side a0 tx_dropped delta (frames the
# kernel took from the tool but could not hand to the sink).
# Raw rows go to a CSV under /tmp (path printed at the end).
#
# Environment: SKIP_BUILD=1 skips tools/build.sh; SKIP_INSTALL=1 skips apt-get;
# CONFIGS="cutpoint:raw:1 zmap:-:1 ..." restricts the configurations.
#
# Safety: every packet goes to 198.18.0.0/15 inside the two namespaces; nothing is created
# in, or sent from, the root network namespace; both namespaces are deleted on exit.
set -euo pipefail

PROBES=${1:-3000000}
ROUNDS=${2:-3}
[[ $PROBES =~ ^[0-9]+$ && $PROBES -gt 0 ]] || { echo "PROBES must be a positive integer" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -gt 0 ]] || { echo "ROUNDS must be a positive integer" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "tx_vs_peers.sh: needs root (network namespaces)" >&2; exit 3; }

cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source bench/bench_lib.sh

NPORTS=$(( (PROBES + 65535) / 65536 ))
(( NPORTS <= 1000 )) || { echo "PROBES too large (max 65536000)" >&2; exit 2; }
PORT_LO=25
PORT_HI=$(( PORT_LO + NPORTS - 1 ))
TOTAL=$(( NPORTS * 65536 ))
TARGET=198.19.0.0/16
SRC=198.18.0.1
SINK=198.18.0.2

NSA=cpbench-$$-send
NSB=cpbench-$$-sink
WORK=$(mktemp -d /tmp/cutpoint-txbench.XXXXXX)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CSV=/tmp/cutpoint-tx-vs-peers-$STAMP.csv

WATCH_PID=
TOOL_PID=
cleanup() {
  local rc=$?
  set +e
  # The tool under test and the sink watcher run in the background (see run_one), so a signal
  # reaches this trap at once; stop them (by PID) before the namespaces go.
  if [[ -n $TOOL_PID ]]; then
    local kids
    kids=$(pgrep -P "$TOOL_PID" || true)   # the tool itself; /usr/bin/time ignores SIGINT
    # shellcheck disable=SC2086
    kill -INT $kids "$TOOL_PID" 2>/dev/null
    sleep 0.5
    # shellcheck disable=SC2086
    kill -KILL $kids "$TOOL_PID" 2>/dev/null
  fi
  [[ -n $WATCH_PID ]] && kill -TERM "$WATCH_PID" 2>/dev/null
  wait 2>/dev/null
  ip netns del "$NSA" 2>/dev/null || true
  ip netns del "$NSB" 2>/dev/null || true
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "tx_vs_peers: $*" >&2; }

# --- tools -------------------------------------------------------------------------------------
if [[ -z ${SKIP_INSTALL:-} ]]; then
  missing=()
  command -v zmap >/dev/null || missing+=(zmap)
  command -v masscan >/dev/null || missing+=(masscan)
  command -v jq >/dev/null || missing+=(jq)
  command -v nft >/dev/null || missing+=(nftables)
  command -v bc >/dev/null || missing+=(bc)
  [[ -x /usr/bin/time ]] || missing+=(time)
  if (( ${#missing[@]} )); then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
  fi
fi
bench_require tx_vs_peers.sh zmap masscan jq nft bc /usr/bin/time python3
bench_build_cutpoint tx_vs_peers

# --- the sink ----------------------------------------------------------------------------------
log "namespaces $NSA (sender) and $NSB (sink)"
ip netns add "$NSA"
ip netns add "$NSB"
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0
  ip -n "$ns" link set lo up
done
# Created directly inside the namespaces: nothing ever exists in the root namespace.
ip -n "$NSA" link add a0 numtxqueues 2 numrxqueues 2 type veth peer name b0 netns "$NSB" \
  numtxqueues 2 numrxqueues 2
ip -n "$NSA" addr add $SRC/24 dev a0
ip -n "$NSB" addr add $SINK/24 dev b0
ip -n "$NSA" link set a0 up
ip -n "$NSB" link set b0 up
ip -n "$NSA" route add default via $SINK dev a0
BMAC=$(ip -n "$NSB" -j link show dev b0 | jq -r '.[0].address')
AMAC=$(ip -n "$NSA" -j link show dev a0 | jq -r '.[0].address')
ip -n "$NSA" neigh replace $SINK lladdr "$BMAC" dev a0 nud permanent
# Cheapest drop that keeps b0's RX counters: the veth counts the frame as received when it
# hands it to b0's receive path; an nftables netdev ingress chain (policy drop, no rules) then
# frees it before the IP layer. (tc matchall/u32 would do as well where the kernel has them.)
ip netns exec "$NSB" nft -f - <<EOT
table netdev sink {
  chain in {
    type filter hook ingress device "b0" priority -500; policy drop;
  }
}
EOT

# Safety checks: the sender has only lo + a0, the sink only lo + b0, the sink routes nowhere
# but its own /24.
[[ $(ip -n "$NSA" -j link show | jq -r '[.[].ifname] | sort | join(",")') == "a0,lo" ]] ||
  { echo "tx_vs_peers.sh: unexpected links in $NSA" >&2; exit 4; }
[[ $(ip -n "$NSB" -j link show | jq -r '[.[].ifname] | sort | join(",")') == "b0,lo" ]] ||
  { echo "tx_vs_peers.sh: unexpected links in $NSB" >&2; exit 4; }
[[ $(ip -n "$NSB" -j route show | jq -r '[.[].dst] | join(",")') == "198.18.0.0/24" ]] ||
  { echo "tx_vs_peers.sh: unexpected routes in $NSB" >&2; exit 4; }

# The sink-side watcher, run inside the sink namespace for the length of each run:
#  * samples b0's rx_packets every 5 ms and, on SIGTERM, prints the monotonic times of the
#    first and last increase (the "send window": startup and teardown excluded);
#  * every 20 ms sends one frame out of b0 addressed to an unused MAC and a local-experimental
#    ethertype: the sender's kernel discards it without a reply (so the sink's RX counter is
#    untouched), but it wakes a pcap reader on a0 — masscan 1.3.2 otherwise never leaves its
#    receive loop on a silent interface (libpcap's TPACKET_V3 reader blocks until a frame comes)
#    and hangs at "waiting -N secs".
cat >"$WORK/watch.py" <<'EOT'
import os, signal, socket, struct, sys, time
path = "/sys/class/net/b0/statistics/rx_packets"
def rx():
    with open(path) as f:
        return int(f.read())
start = rx()
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind(("b0", 0))
poke = bytes.fromhex("02000000ccdd") + bytes(6) + struct.pack("!H", 0x88B5) + bytes(46)
first = last = None
prev = start
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
open(sys.argv[1], "w").close()           # ready
next_poke = 0.0
while not stop:
    now = time.monotonic()
    v = rx()
    if v != prev:
        if first is None:
            first = now
        last = now
        prev = v
    if now >= next_poke:
        try:
            sock.send(poke)
        except OSError:
            pass
        next_poke = now + 0.02
    time.sleep(0.005)
print(first or 0.0, last or 0.0, prev - start)
EOT

counter() {  # counter NS DEV rx|tx packets|dropped
  ip -n "$1" -s -j link show dev "$2" | jq -r ".[0].stats64.$3.$4"
}

# A blocklist that blocks nothing (zmap otherwise loads /etc/zmap/blacklist.conf, which lists
# 198.18.0.0/15) and an allowlist of exactly the target prefix.
: >"$WORK/empty-blocklist"
echo "$TARGET" >"$WORK/allowlist"

# --- one run -----------------------------------------------------------------------------------
# run_one TOOL BACKEND THREADS ROUND
run_one() {
  local tool=$1 backend=$2 threads=$3 round=$4
  local cmd=()
  case $tool in
    cutpoint)
      cmd=("$CUTPOINT" scan --allow-reserved 198.18.0.0/15 --rate max --cooldown 0 -q -o /dev/null
           -i a0 -S "$SRC" -p "$PORT_LO-$PORT_HI" --tx "$backend" --sender-threads "$threads"
           --key-file "$WORK/key" "$TARGET") ;;
    zmap)
      cmd=(zmap -q -p "$PORT_LO" -P "$NPORTS" -B 10G -c 0 --sender-threads "$threads"
           -i a0 -S "$SRC" -G "$BMAC" --source-mac "$AMAC"
           -b "$WORK/empty-blocklist" -w "$WORK/allowlist" --disable-syslog
           -o /dev/null -l "$WORK/zmap.log" -v 1) ;;
    masscan)
      cmd=(masscan "$TARGET" -p "$PORT_LO-$PORT_HI" --rate 100000000 --wait 0
           --adapter a0 --adapter-ip "$SRC" --adapter-mac "$AMAC" --router-mac "$BMAC"
           -oL /dev/null) ;;
  esac
  local rx0 drop0 rx1 drop1 rc=0
  rx0=$(counter "$NSB" b0 rx packets)
  drop0=$(counter "$NSA" a0 tx dropped)
  rm -f "$WORK/ready"
  ip netns exec "$NSB" python3 "$WORK/watch.py" "$WORK/ready" >"$WORK/window" &
  WATCH_PID=$!
  while [[ ! -e $WORK/ready ]]; do sleep 0.01; done
  ip netns exec "$NSA" /usr/bin/time -f '%e %U %S' -o "$WORK/time" "${cmd[@]}" \
      >"$WORK/out" 2>"$WORK/err" &
  TOOL_PID=$!
  wait "$TOOL_PID" || rc=$?
  TOOL_PID=
  sleep 0.02
  kill -TERM "$WATCH_PID"; wait "$WATCH_PID" || true
  WATCH_PID=
  rx1=$(counter "$NSB" b0 rx packets)
  drop1=$(counter "$NSA" a0 tx dropped)
  local wall user sys first last window delivered=$((rx1 - rx0))
  read -r wall user sys < <(tail -n 1 "$WORK/time")
  read -r first last _ <"$WORK/window"
  window=$(echo "$last - $first" | bc -l)
  if (( rc != 0 )); then
    log "$tool $backend x$threads exited $rc:"; tail -n 5 "$WORK/err" >&2
  fi
  echo "$tool,$backend,$threads,$round,$TOTAL,$delivered,$((drop1 - drop0)),$wall,$window,$user,$sys,$rc" >>"$CSV"
  printf '%-9s %-9s %3s %5s %10d %8.2f %10.0f %8.2f %10.0f %9.3f %8d\n' "$tool" "$backend" "$threads" \
    "$round" "$delivered" "$wall" "$(echo "$delivered / $wall" | bc -l)" "$window" \
    "$(if [[ $(echo "$window > 0" | bc) == 1 ]]; then echo "$delivered / $window" | bc -l; else echo 0; fi)" \
    "$(echo "($user + $sys) * 1000000 / $TOTAL" | bc -l)" "$((drop1 - drop0))"
}

DEFAULT_CONFIGS="cutpoint:raw:1 cutpoint:afpacket:1 zmap:-:1 masscan:-:1 cutpoint:raw:2 cutpoint:afpacket:2 zmap:-:2"
# AF_XDP when this build has it (one TX queue per sender thread: a0 has two).
if "$CUTPOINT" scan --help 2>&1 | grep -q afxdp && ! "$CUTPOINT" scan --allow-reserved 198.18.0.0/15 --dry-run \
    -o /dev/null -S "$SRC" -p 1 --tx afxdp 198.19.0.0/32 2>&1 | grep -q "no AF_XDP support"; then
  DEFAULT_CONFIGS="cutpoint:afxdp:1 $DEFAULT_CONFIGS cutpoint:afxdp:2"
fi
CONFIGS=${CONFIGS:-$DEFAULT_CONFIGS}
read -r -a configs <<<"$CONFIGS"

echo "tool,config,threads,round,probes,delivered,sender_tx_dropped,wall_s,window_s,user_s,sys_s,exit" >"$CSV"
log "$TOTAL SYNs per run ($TARGET x ports $PORT_LO-$PORT_HI; zmap: -p $PORT_LO -P $NPORTS), $ROUNDS rounds, ${#configs[@]} configurations"
echo "machine: $(nproc) cores, $(uname -r), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $("$CUTPOINT" --version 2>/dev/null | head -1 || echo cutpoint), $(zmap --version 2>&1 | head -1), $(masscan --version 2>&1 | grep -m1 -o 'version [0-9.]*' | sed 's/^/masscan /')"
printf '%-9s %-9s %3s %5s %10s %8s %10s %8s %10s %9s %8s\n' tool config thr round delivered wall_s wall_pps window_s window_pps cpu_s/Mpr tx_drop
for ((round = 1; round <= ROUNDS; round++)); do
  # Rotate the order each round so no configuration always runs first (cold) or last.
  n=${#configs[@]}
  for ((i = 0; i < n; i++)); do
    IFS=: read -r tool backend threads <<<"${configs[(i + round - 1) % n]}"
    run_one "$tool" "$backend" "$threads" "$round"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$CSV" <<'EOF'
import csv, statistics, sys
all_rows = list(csv.DictReader(open(sys.argv[1])))
rows = [r for r in all_rows if r["exit"] == "0"]
groups = {}
for r in rows:
    groups.setdefault((r["tool"], r["config"], int(r["threads"])), []).append(r)
def wall_pps(r): return int(r["delivered"]) / float(r["wall_s"])
def window_pps(r):
    w = float(r["window_s"])
    return int(r["delivered"]) / w if w > 0 else 0.0
med = {}
print("\nmedians per tool/config")
print("  wall pps   = delivered / wall-clock seconds of the whole process (startup and exit included)")
print("  window pps = delivered / time between the first and last packet seen at the sink")
print("  CPU        = user+sys seconds of the tool per million probes")
print(f"{'tool':9} {'config':9} {'thr':>3} {'runs':>4} {'delivered':>10} {'deliv%':>7} {'wall_s':>7} {'wall_pps':>10} {'window_pps':>10} {'cpu_s/Mpr':>9}")
for key in sorted(groups):
    g = groups[key]
    m = dict(
        deliv=statistics.median(int(r["delivered"]) for r in g),
        wall=statistics.median(float(r["wall_s"]) for r in g),
        pps=statistics.median(wall_pps(r) for r in g),
        wpps=statistics.median(window_pps(r) for r in g),
        cpu=statistics.median((float(r["user_s"]) + float(r["sys_s"])) * 1e6 / int(r["probes"]) for r in g))
    med[key] = m
    print(f"{key[0]:9} {key[1]:9} {key[2]:>3} {len(g):>4} {m['deliv']:>10.0f} {100*m['deliv']/int(g[0]['probes']):>6.1f}% "
          f"{m['wall']:>7.2f} {m['pps']:>10.0f} {m['wpps']:>10.0f} {m['cpu']:>9.3f}")

def best(threads):
    c = [(med[k]["pps"], k) for k in med if k[0] == "cutpoint" and (threads is None or k[2] == threads)]
    return max(c)[1] if c else None

print("\nratios of medians (cutpoint's best backend chosen by median wall pps)")
def ratio(label, a, b):
    if a is None or b not in med:
        print(f"  {label}: n/a"); return
    A, B = med[a], med[b]
    print(f"  {label} [cutpoint {a[1]} x{a[2]}]: wall pps {A['pps']:.0f}/{B['pps']:.0f} = {A['pps']/B['pps']:.2f}; "
          f"window pps {A['wpps']/B['wpps'] if B['wpps'] else float('nan'):.2f}; CPU per probe {A['cpu']/B['cpu']:.2f}")
ratio("cutpoint(best, 1 thread) / zmap(1 thread)", best(1), ("zmap", "-", 1))
ratio("cutpoint(best, 2 threads) / zmap(2 threads)", best(2), ("zmap", "-", 2))
ratio("cutpoint(best of all) / masscan", best(None), ("masscan", "-", 1))
failed = len(all_rows) - len(rows)
if failed:
    print(f"\n{failed} run(s) failed (nonzero exit) and are left out of the medians")
EOF
echo "raw results: $CSV"
