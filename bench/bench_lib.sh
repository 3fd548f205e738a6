# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared set-up of the benchmark scripts (bench/*.sh); sourced from the repository root:
#
#   source bench/bench_lib.sh
#   bench_require offline_match.sh cc python3 jq   # a tool missing: exit 2
#   bench_build_cutpoint offline_match              # CUTPOINT=build/release/.../cutpoint

# bench_require SCRIPT TOOL...: every TOOL is a command (or an executable path).
bench_require() {
  local script=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$script: '$tool' not found${BENCH_HINT:-}" >&2; exit 2; }
  done
}

# bench_build_cutpoint NAME: the release build (tools/build.sh) unless SKIP_BUILD is set;
# sets CUTPOINT to its binary, which must exist.
bench_build_cutpoint() {
  if [[ -z ${SKIP_BUILD:-} ]]; then
    echo "$1: building cutpoint (tools/build.sh release)" >&2
    tools/build.sh release >/dev/null
  fi
  CUTPOINT=$PWD/build/release/tools/cutpoint/cutpoint
  [[ -x $CUTPOINT ]] || { echo "$1.sh: $CUTPOINT missing" >&2; exit 2; }
}

# bench_veth_sink SEND_NS SINK_NS: a veth sink as bench/tx_vs_peers.sh builds it, in two
# namespaces the caller names (and deletes on exit; see its comments for the why):
#   SEND_NS a0 198.18.0.1/24, default via 198.18.0.2 (static neighbour, no ARP)
#   SINK_NS b0 198.18.0.2/24, an nftables netdev ingress chain drops every frame
# Both links are created inside the namespaces: nothing exists in the root namespace.
# Sets BENCH_SINK_MAC (b0's MAC). Exits 4 when a namespace holds anything else.
bench_veth_sink() {
  local nsa=$1 nsb=$2 ns
  ip netns add "$nsa"
  ip netns add "$nsb"
  for ns in "$nsa" "$nsb"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=0
    ip -n "$ns" link set lo up
  done
  ip -n "$nsa" link add a0 type veth peer name b0 netns "$nsb"
  ip -n "$nsa" addr add 198.18.0.1/24 dev a0
  ip -n "$nsb" addr add 198.18.0.2/24 dev b0
  ip -n "$nsa" link set a0 up
  ip -n "$nsb" link set b0 up
  ip -n "$nsa" route add default via 198.18.0.2 dev a0
  BENCH_SINK_MAC=$(ip -n "$nsb" -j link show dev b0 | jq -r '.[0].address')
  ip -n "$nsa" neigh replace 198.18.0.2 lladdr "$BENCH_SINK_MAC" dev a0 nud permanent
  ip netns exec "$nsb" nft -f - <<EOT
table netdev sink {
  chain in {
    type filter hook ingress device "b0" priority -500; policy drop;
  }
}
EOT
  [[ $(ip -n "$nsa" -j link show | jq -r '[.[].ifname] | sort | join(",")') == "a0,lo" ]] ||
    { echo "bench_veth_sink: unexpected links in $nsa" >&2; exit 4; }
  [[ $(ip -n "$nsb" -j link show | jq -r '[.[].ifname] | sort | join(",")') == "b0,lo" ]] ||
    { echo "bench_veth_sink: unexpected links in $nsb" >&2; exit 4; }
  [[ $(ip -n "$nsb" -j route show | jq -r '[.[].dst] | join(",")') == "198.18.0.0/24" ]] ||
    { echo "bench_veth_sink: unexpected routes in $nsb" >&2; exit 4; }
}

# bench_sink_watcher FILE: writes the sink-side watcher (python3, run inside the sink
# namespace as `python3 FILE READY_FILE`): samples b0's rx_packets every 5 ms, creates
# READY_FILE once running, and on SIGTERM prints "FIRST LAST DELTA": the monotonic times
# of the first and last increase (the send window, startup and teardown excluded) and
# the packets received meanwhile.
bench_sink_watcher() {
  cat >"$1" <<'EOT'
import signal, sys, time
path = "/sys/class/net/b0/statistics/rx_packets"
def rx():
    with open(path) as f:
        return int(f.read())
start = prev = rx()
first = last = None
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
open(sys.argv[1], "w").close()
while not stop:
    v = rx()
    if v != prev:
        now = time.monotonic()
        if first is None:
            first = now
        last = now
        prev = v
    time.sleep(0.005)
print(first or 0.0, last or 0.0, prev - start)
EOT
}
