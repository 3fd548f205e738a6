#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: every TX backend puts the same bytes on the wire, IPv4 and IPv6.
#
#   tx_backends_test.sh TX_PROBE_TOOL LISTENER_BINARY
#
# IPv4: builds a lab (prober -> 1 router -> destination owning 198.19.1.0/24) with
# tools/lab/lab.sh. Inside the prober namespace, tx_probe_tool sends one fixed
# set of probes (fixed key and send time: 50 targets x {SYN 25, SYN 443, echo}
# x TTL 1..4 = 600 packets) through the raw IPv4 socket, through the AF_PACKET
# TX ring (gateway MAC from the prober's neighbour table), and through a
# one-page ring (32 frames of 128 bytes: it fills and wraps) with an explicit
# gateway MAC, and, when built with libxdp, through an AF_XDP socket (default UMEM, and
# 64 chunks reused from the completion ring), and, when built with libdpdk, through a
# DPDK net_af_packet port on the prober's interface, while a libpcap capture runs on the
# router's inbound interface.
# IPv6: a namespace pair of its own (cptx6<PID>-a/-b, veth v6a/v6b, 2001:2::1/64 and
# 2001:2::2/64 without DAD, 2001:2:0:1::/64 routed via 2001:2::2): the same backends send
# 240 hand-made IPv6 probes (20 targets x {SYN 25, SYN 443 (76 bytes), ICMPv6 echo (56
# bytes)} x hop limit 1..4, checksums valid) from -a, captured on -b's v6b (the gateway MAC
# from the IPv6 neighbour table over rtnetlink, or given to the small variants). Then the
# pair gets IPv4 as well and the IPv4 and IPv6 sets go out interleaved, one packet of each
# family after the other, through every backend.
# Checks per family that every probe arrived each time, that the IP bytes are exactly the
# crafted ones (the kernel filled or changed nothing), that the Ethernet header is the
# next hop's with EtherType 0x0800 or 0x86DD, and that the whole frames are identical
# across backends. Needs root; exits 77 (ctest SKIP) otherwise. Nothing runs in the root
# network namespace; the namespaces go on exit, failure included.
set -euo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"

lab_usage 2 "TX_PROBE_TOOL LISTENER_BINARY" "$@"
TOOL=$1
LISTENER=$2
lab_test_init lab.tx_backends ip python3
lab_need_executable "$TOOL" "$LISTENER"
CAPTURE_PID=""
stop_capture() { if [[ -n $CAPTURE_PID ]]; then kill "$CAPTURE_PID" 2>/dev/null || true; fi; }
lab_at_exit stop_capture
NS6A="cptx6$$-a"
NS6B="cptx6$$-b"
remove_v6_pair() {
  ip netns del "$NS6A" 2>/dev/null || true
  ip netns del "$NS6B" 2>/dev/null || true
}
lab_at_exit remove_v6_pair
lab_workdir cutpoint-tx-test
TMP=$LAB_WORK

read -r -a BACKENDS <<<"$("$TOOL" backends)"
[[ ${BACKENDS[0]:-} == raw && ${#BACKENDS[@]} -ge 3 ]] ||
  { echo "lab.tx_backends: FAIL: '$TOOL backends' listed '${BACKENDS[*]}'" >&2; exit 1; }

# send_all TAG SENDER_NS SENDER_IF SOURCE CAPTURE_NS CAPTURE_IF GATEWAY_MAC: every backend
# sends the set once while the capture side records it in $TMP/captured.TAG.BACKEND.hex.
send_all() {
  local tag=$1 sender_ns=$2 sender_if=$3 source=$4 capture_ns=$5 capture_if=$6 gateway=$7
  local backend mac rc count
  "$TOOL" expect "$source" >"$TMP/expected.$tag.hex"
  count=$(wc -l <"$TMP/expected.$tag.hex")
  for backend in "${BACKENDS[@]}"; do
    mac=()
    [[ $backend != *-small ]] || mac=("$gateway")
    rm -f "$TMP/ready.$tag.$backend"
    ip netns exec "$capture_ns" "$TOOL" capture "$capture_if" "$source" "$count" 5000 \
      "$TMP/captured.$tag.$backend.hex" "$TMP/ready.$tag.$backend" \
      >"$TMP/capture.$tag.$backend.log" 2>&1 &
    CAPTURE_PID=$!
    for _ in $(seq 100); do
      [[ -e $TMP/ready.$tag.$backend ]] && break
      kill -0 "$CAPTURE_PID" 2>/dev/null || break
      sleep 0.05
    done
    [[ -e $TMP/ready.$tag.$backend ]] || {
      echo "lab.tx_backends: FAIL: $tag capture did not start:" >&2
      cat "$TMP/capture.$tag.$backend.log" >&2
      exit 1
    }
    if ! ip netns exec "$sender_ns" "$TOOL" send "$backend" "$sender_if" "$source" \
        "${mac[@]}" >"$TMP/send.$tag.$backend.log" 2>&1; then
      echo "lab.tx_backends: FAIL: $tag send through $backend failed:" >&2
      cat "$TMP/send.$tag.$backend.log" >&2
      exit 1
    fi
    set +e
    wait "$CAPTURE_PID"
    rc=$?
    set -e
    CAPTURE_PID=""
    echo "lab.tx_backends: $tag: $(grep -v '^EAL' "$TMP/send.$tag.$backend.log" | tail -1)"
    echo "lab.tx_backends: $tag: $backend: $(cat "$TMP/capture.$tag.$backend.log")"
    if [[ $rc -ne 0 ]]; then
      echo "lab.tx_backends: FAIL: $tag capture for $backend exited with $rc" >&2
      exit 1
    fi
  done
}

# check_frames TAG GATEWAY_MAC SENDER_MAC ETHERTYPE|auto: the byte checks described above.
check_frames() {
  python3 - "$TMP" "$@" "${BACKENDS[@]}" <<'PY'
import sys
tmp, tag, router_mac, prober_mac, ethertype = sys.argv[1:6]
backends = sys.argv[6:]
def lines(name):
    with open(f"{tmp}/{name}") as f:
        return [line.strip() for line in f if line.strip()]
expected = lines(f"expected.{tag}.hex")
ok = True
frames = {}
for backend in backends:
    captured = lines(f"captured.{tag}.{backend}.hex")
    frames[backend] = captured
    macs = router_mac.replace(":", "") + prober_mac.replace(":", "")
    # "auto": each frame's EtherType follows its IP version nibble.
    def want_eth(frame):
        if ethertype != "auto":
            return macs + ethertype
        return macs + ("86dd" if frame[28] == "6" else "0800")
    bad = sorted({c[:28] for c in captured if c[:28] != want_eth(c)})
    if bad:
        print(f"FAIL {tag} {backend}: Ethernet headers {bad[:3]} not {macs} + {ethertype}")
        ok = False
    ip = [c[28:] for c in captured]
    if len(ip) != len(expected):
        print(f"FAIL {tag} {backend}: {len(ip)} packets captured, {len(expected)} sent")
        ok = False
    if sorted(ip) != sorted(expected):
        missing = set(expected) - set(ip)
        extra = set(ip) - set(expected)
        print(f"FAIL {tag} {backend}: IP bytes differ from the crafted probes: "
              f"{len(missing)} missing, {len(extra)} unexpected")
        for e in sorted(extra)[:3]:
            print(f"  unexpected {e}")
        for m in sorted(missing)[:3]:
            print(f"  missing    {m}")
        ok = False
    print(f"{tag} {backend}: {len(ip)}/{len(expected)} probes, bytes as crafted: "
          f"{sorted(ip) == sorted(expected)}, send order kept: {ip == expected}")
for other in backends[1:]:
    if sorted(frames["raw"]) != sorted(frames[other]):
        print(f"FAIL {tag}: raw and {other} frames are not byte-identical")
        ok = False
    else:
        print(f"{tag}: raw and {other}: {len(frames['raw'])} frames byte-identical "
              f"(Ethernet + IP)")
sys.exit(0 if ok else 1)
PY
}

# ---- IPv4, through the project lab.
lab_up cptx --routers 1 --prefix 198.19.1.0/24 --listener "$LISTENER"
ROUTER_NS="$LAB_NAME-r1"
ROUTER_IF=lnk0   # the router's prober-facing veth
ip netns list | awk '{print $1}' | grep -qx "$ROUTER_NS" ||
  { echo "lab.tx_backends: FAIL: no namespace $ROUTER_NS" >&2; exit 1; }
ROUTER_MAC=$(ip netns exec "$ROUTER_NS" cat "/sys/class/net/$ROUTER_IF/address")
PROBER_MAC=$(ip netns exec "$PROBER_NS" cat "/sys/class/net/$PROBER_IF/address")
send_all v4 "$PROBER_NS" "$PROBER_IF" "$PROBER_ADDR" "$ROUTER_NS" "$ROUTER_IF" "$ROUTER_MAC"
check_frames v4 "$ROUTER_MAC" "$PROBER_MAC" 0800

# ---- IPv6, through a namespace pair of its own (the lab above runs without IPv6).
for stale in $(ip netns list | awk '{print $1}' | sed -n 's/^cptx6\([0-9]*\)-[ab]$/\1/p' | sort -u); do
  kill -0 "$stale" 2>/dev/null || { ip netns del "cptx6$stale-a" 2>/dev/null || true;
                                     ip netns del "cptx6$stale-b" 2>/dev/null || true; }
done
ip netns add "$NS6A"
ip netns add "$NS6B"
ip link add v6a netns "$NS6A" type veth peer name v6b netns "$NS6B"
for pair in "$NS6A v6a 2001:2::1/64" "$NS6B v6b 2001:2::2/64"; do
  read -r ns ifname address <<<"$pair"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.accept_dad=0 \
    "net.ipv6.conf.all.forwarding=0" >/dev/null
  ip -n "$ns" link set lo up
  ip -n "$ns" link set "$ifname" up
  ip -n "$ns" -6 addr add "$address" dev "$ifname" nodad
done
ip -n "$NS6A" -6 route add 2001:2:0:1::/64 via 2001:2::2 dev v6a
# The next hop's entry in -a's neighbour table, as earlier traffic would leave it: one UDP
# datagram to 2001:2::2's discard port (inside the pair) makes -a's kernel resolve it.
ip netns exec "$NS6A" python3 -c \
  "import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'x', ('2001:2::2', 9))"
for _ in $(seq 40); do
  ip -n "$NS6A" -6 neigh show 2001:2::2 dev v6a | grep -q lladdr && break
  sleep 0.05
done
ip -n "$NS6A" -6 neigh show 2001:2::2 dev v6a | grep -q lladdr ||
  { echo "lab.tx_backends: FAIL: 2001:2::2 not resolved inside the IPv6 pair" >&2; exit 1; }
V6B_MAC=$(ip netns exec "$NS6B" cat /sys/class/net/v6b/address)
V6A_MAC=$(ip netns exec "$NS6A" cat /sys/class/net/v6a/address)
# The IPv6 route lookup (RTM_GETROUTE: source and interface; next hop and its MAC).
route=$(ip netns exec "$NS6A" "$TOOL" route 2001:2:0:1::5)
[[ $route == "2001:2::1 v6a 2001:2::2 $V6B_MAC" ]] ||
  { echo "lab.tx_backends: FAIL: route to 2001:2:0:1::5 read as '$route'" >&2; exit 1; }
send_all v6 "$NS6A" v6a 2001:2::1 "$NS6B" v6b "$V6B_MAC"
check_frames v6 "$V6B_MAC" "$V6A_MAC" 86dd

# ---- Both families in every burst: the pair gets IPv4 too (198.18.254.0/24, and
# 198.19.1.0/24 via 198.18.254.2), the two sets go out interleaved one by one (the raw
# backend: one sendmmsg per same-family run; the framing backends: a header per packet).
ip -n "$NS6A" addr add 198.18.254.1/24 dev v6a
ip -n "$NS6B" addr add 198.18.254.2/24 dev v6b
ip -n "$NS6A" route add 198.19.1.0/24 via 198.18.254.2 dev v6a
ip netns exec "$NS6A" python3 -c \
  "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('198.18.254.2', 9))"
for _ in $(seq 40); do
  ip -n "$NS6A" -4 neigh show 198.18.254.2 dev v6a | grep -q lladdr && break
  sleep 0.05
done
send_all mixed "$NS6A" v6a 198.18.254.1,2001:2::1 "$NS6B" v6b "$V6B_MAC"
check_frames mixed "$V6B_MAC" "$V6A_MAC" auto
echo "lab.tx_backends: PASS"
