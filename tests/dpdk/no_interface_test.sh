#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --tx dpdk with no kernel interface: `cutpoint scan` runs without -i, from -S and
# --gateway-ip alone. A DPDK net_pcap port (--no-huge --no-pci) is bound to one end of a
# veth pair in a namespace of this test's own; the other end, in a second namespace, holds
# the gateway address, so the kernel there answers the port's ARP request (the proof that
# --gateway-ip resolves), RSTs the probe sent to it, and asks the prober's address by ARP
# (which the port's RX must answer). Checks: every probe goes to the gateway's MAC from
# the port's; the RST is matched; the gateway resolves -S to the port's MAC; a silent
# --gateway-ip fails with the clear error and sends no probe; the CLI refusals. Every
# address is in 198.18.0.0/15. Needs root (namespaces); skipped (77) otherwise.
set -uo pipefail
CUTPOINT=$1
if [[ $(id -u) -ne 0 ]]; then
  echo "skip: needs root (network namespaces)"
  exit 77
fi
if ! command -v tcpdump >/dev/null; then
  echo "skip: needs tcpdump"
  exit 77
fi

tag=$$
ns_prober=cpdpp$tag
ns_gateway=cpdpg$tag
if_prober=cpdp$tag
if_gateway=cpdg$tag
work=$(mktemp -d /tmp/cutpoint-dpdk-noif.XXXXXX)
capture_pid=""
cleanup() {
  [[ -n $capture_pid ]] && kill "$capture_pid" 2>/dev/null && wait "$capture_pid" 2>/dev/null
  ip netns del "$ns_prober" 2>/dev/null
  ip netns del "$ns_gateway" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

SOURCE=198.18.201.2
GATEWAY=198.18.201.1
SILENT=198.18.201.99
ip netns add "$ns_prober" || exit 1
ip netns add "$ns_gateway" || exit 1
ip link add "$if_prober" netns "$ns_prober" type veth peer name "$if_gateway" netns "$ns_gateway" ||
  exit 1
for ns in "$ns_prober" "$ns_gateway"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
done
# The prober's end has no address: only the DPDK port speaks for it.
ip -n "$ns_prober" link set "$if_prober" up
ip -n "$ns_gateway" addr add "$GATEWAY/24" dev "$if_gateway"
ip -n "$ns_gateway" link set "$if_gateway" up
port_mac=$(ip netns exec "$ns_prober" cat "/sys/class/net/$if_prober/address")
gateway_mac=$(ip netns exec "$ns_gateway" cat "/sys/class/net/$if_gateway/address")

dpdk_args="--no-huge --no-pci -m 256 --log-level=error --vdev net_pcap0,iface=$if_prober,phy_mac=1"
scan=(scan --tx dpdk --dpdk-args "$dpdk_args" -S "$SOURCE" --allow-reserved 198.18.0.0/15
  --no-default-blocklist -p 80 --rate 1000 -q)
targets=("$GATEWAY" 198.18.202.0/30)  # the gateway itself (RST) and 4 hosts beyond it
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

start_capture() {
  ip netns exec "$ns_gateway" tcpdump -i "$if_gateway" -U -Z root -w "$1" 2>"$work/tcpdump.err" &
  capture_pid=$!
  for _ in $(seq 50); do
    grep -q "listening on" "$work/tcpdump.err" && return
    sleep 0.1
  done
}
stop_capture() {
  sleep 0.5
  kill "$capture_pid" 2>/dev/null
  wait "$capture_pid" 2>/dev/null
  capture_pid=""
}
# The SYNs from SOURCE in capture $1, one line each with both MACs (tcpdump -e).
probes_in() {
  tcpdump -r "$1" -e -nn "tcp[tcpflags] & tcp-syn != 0 and src host $SOURCE" 2>/dev/null
}

# 1. -S and --gateway-ip, no -i: ARP resolves the gateway, probes reach it.
start_capture "$work/run.pcap"
ip netns exec "$ns_prober" timeout 60 "$CUTPOINT" "${scan[@]}" --gateway-ip "$GATEWAY" \
  --cooldown 6 -o "$work/run.ndjson" "${targets[@]}" 2>"$work/run.err" &
scan_pid=$!
# 2. Meanwhile the gateway forgets the prober and asks for it again: the port's RX answers.
resolved=""
for _ in $(seq 10); do
  sleep 0.5
  ip -n "$ns_gateway" neigh flush dev "$if_gateway"
  # One UDP datagram from the gateway's kernel to SOURCE: it must resolve SOURCE first.
  ip netns exec "$ns_gateway" python3 -c "import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('$SOURCE', 9))" 2>/dev/null
  sleep 0.3
  neighbour=$(ip -n "$ns_gateway" neigh show "$SOURCE" dev "$if_gateway")
  if [[ $neighbour == *"lladdr $port_mac"* && $neighbour != *FAILED* ]]; then
    resolved=$neighbour
    break
  fi
done
wait "$scan_pid"
code=$?
stop_capture
[[ $code -eq 0 ]] || fail "scan --tx dpdk without -i: exit $code: $(cat "$work/run.err")"
[[ -n $resolved ]] || fail "the gateway never resolved $SOURCE to the port's MAC $port_mac by ARP"
sent=$(probes_in "$work/run.pcap" | grep -c .)
to_gateway=$(probes_in "$work/run.pcap" | grep -c "$port_mac > $gateway_mac")
[[ $sent -eq 5 ]] || fail "expected 5 probes on the gateway's link, saw $sent"
[[ $to_gateway -eq $sent ]] ||
  fail "$((sent - to_gateway)) of $sent probes not from $port_mac to the gateway's MAC $gateway_mac"
tcpdump -r "$work/run.pcap" -nn "arp and src host $SOURCE" 2>/dev/null | grep -q "Request who-has $GATEWAY" ||
  fail "no ARP request for $GATEWAY from $SOURCE"
grep -q "\"$GATEWAY\".*\"closed\"\|\"closed\".*\"$GATEWAY\"" "$work/run.ndjson" ||
  fail "the gateway's RST to port 80 was not matched as closed: $(grep -c . "$work/run.ndjson") records"

# trace takes the same path: 2 probes (TTL 1-2) to the gateway, by ARP, no -i.
start_capture "$work/trace.pcap"
ip netns exec "$ns_prober" timeout 60 "$CUTPOINT" trace --tx dpdk --dpdk-args "$dpdk_args" \
  -S "$SOURCE" --gateway-ip "$GATEWAY" --allow-reserved 198.18.0.0/15 --no-default-blocklist \
  -p 80 --probe tcp-syn --ttl 1-2 --cooldown 1 -q -o "$work/trace.ndjson" "$GATEWAY" \
  2>"$work/trace.err"
code=$?
stop_capture
[[ $code -eq 0 ]] || fail "trace --tx dpdk without -i: exit $code: $(cat "$work/trace.err")"
sent=$(probes_in "$work/trace.pcap" | grep -c "$port_mac > $gateway_mac")
[[ $sent -eq 2 ]] || fail "trace: expected 2 probes from $port_mac to $gateway_mac, saw $sent"

# 3. A --gateway-ip nobody answers: a clear error, exit 4, no probe sent.
start_capture "$work/silent.pcap"
ip netns exec "$ns_prober" timeout 60 "$CUTPOINT" "${scan[@]}" --gateway-ip "$SILENT" \
  --cooldown 0 -o "$work/silent.ndjson" "${targets[@]}" 2>"$work/silent.err"
code=$?
stop_capture
[[ $code -eq 4 ]] || fail "silent --gateway-ip: exit $code, expected 4"
grep -q "cutpoint: --gateway-ip $SILENT: no ARP reply on DPDK port net_pcap0 to 3 requests over 3 s" \
  "$work/silent.err" || fail "silent --gateway-ip: unclear error: $(cat "$work/silent.err")"
requests=$(tcpdump -r "$work/silent.pcap" -nn "arp" 2>/dev/null | grep -c "Request who-has $SILENT")
[[ $requests -eq 3 ]] || fail "silent --gateway-ip: $requests ARP requests, expected 3"
sent=$(probes_in "$work/silent.pcap" | grep -c .)
[[ $sent -eq 0 ]] || fail "silent --gateway-ip: $sent probes sent"

# 4. Refusals before the port opens (exit 2).
expect_refusal() {
  local pattern=$1
  shift
  ip netns exec "$ns_prober" "$CUTPOINT" "$@" >/dev/null 2>"$work/refusal.err"
  local code=$?
  if [[ $code -ne 2 ]] || ! grep -qF -- "$pattern" "$work/refusal.err"; then
    fail "[$*]: exit $code, $(head -n 1 "$work/refusal.err"); expected 2 and '$pattern'"
  fi
}
no_source=("${scan[@]}")
unset 'no_source[5]' 'no_source[6]'  # -S SOURCE
expect_refusal "--tx dpdk without --interface needs --source-ip (-S) for the IPv4 targets" \
  "${no_source[@]}" --gateway-ip "$GATEWAY" "${targets[@]}"
expect_refusal "--tx dpdk without --interface: pass --gateway-mac MAC or --gateway-ip ADDR" \
  "${scan[@]}" "${targets[@]}"
expect_refusal "--gateway-ip and --gateway-mac both name the IPv4 next hop" \
  "${scan[@]}" --gateway-ip "$GATEWAY" --gateway-mac "$gateway_mac" "${targets[@]}"
expect_refusal "bad --gateway-ip '2001:2::1': IPv4 only" \
  "${scan[@]}" --gateway-ip 2001:2::1 "${targets[@]}"

echo "dpdk.no_interface: $failures failed"
[[ $failures -eq 0 ]]
