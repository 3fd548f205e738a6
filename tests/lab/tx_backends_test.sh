#!/usr/bin/env bash
# Integration test: every TX backend puts the same bytes on the wire.
#
#   tx_backends_test.sh TX_PROBE_TOOL LISTENER_BINARY
#
# Builds a lab (prober -> 1 router -> destination owning 198.19.1.0/24) with
# tools/lab/lab.sh. Inside the prober namespace, tx_probe_tool sends one fixed
# set of probes (fixed key and send time: 50 targets x {SYN 25, SYN 443, echo}
# x TTL 1..4 = 600 packets) through the raw IPv4 socket, through the AF_PACKET
# TX ring (gateway MAC from the prober's neighbour table), and through a
# one-page ring (32 frames of 128 bytes: it fills and wraps) with an explicit
# gateway MAC, and, when built with libxdp, through an AF_XDP socket (default UMEM, and
# 64 chunks reused from the completion ring), while a libpcap capture runs on the
# router's inbound interface.
# Checks that every probe arrived each time, that the IPv4 bytes are exactly the crafted
# ones (the kernel filled or changed nothing), and that the whole frames,
# Ethernet header included, are identical. Needs root; exits 77 (ctest SKIP)
# otherwise. Nothing runs in the root network namespace.
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
lab_workdir cutpoint-tx-test
TMP=$LAB_WORK
lab_up cptx --routers 1 --prefix 198.19.1.0/24 --listener "$LISTENER"
ROUTER_NS="$LAB_NAME-r1"
ROUTER_IF=lnk0   # the router's prober-facing veth
ip netns list | awk '{print $1}' | grep -qx "$ROUTER_NS" ||
  { echo "lab.tx_backends: FAIL: no namespace $ROUTER_NS" >&2; exit 1; }

"$TOOL" expect "$PROBER_ADDR" >"$TMP/expected.hex"
COUNT=$(wc -l <"$TMP/expected.hex")

ROUTER_MAC=$(ip netns exec "$ROUTER_NS" cat "/sys/class/net/$ROUTER_IF/address")
PROBER_MAC=$(ip netns exec "$PROBER_NS" cat "/sys/class/net/$PROBER_IF/address")

read -r -a BACKENDS <<<"$("$TOOL" backends)"
[[ ${BACKENDS[0]:-} == raw && ${#BACKENDS[@]} -ge 3 ]] ||
  { echo "lab.tx_backends: FAIL: '$TOOL backends' listed '${BACKENDS[*]}'" >&2; exit 1; }
for backend in "${BACKENDS[@]}"; do
  mac=()
  [[ $backend != *-small ]] || mac=("$ROUTER_MAC")
  rm -f "$TMP/ready.$backend"
  ip netns exec "$ROUTER_NS" "$TOOL" capture "$ROUTER_IF" "$PROBER_ADDR" "$COUNT" 5000 \
    "$TMP/captured.$backend.hex" "$TMP/ready.$backend" >"$TMP/capture.$backend.log" 2>&1 &
  CAPTURE_PID=$!
  for _ in $(seq 100); do
    [[ -e $TMP/ready.$backend ]] && break
    kill -0 "$CAPTURE_PID" 2>/dev/null || break
    sleep 0.05
  done
  [[ -e $TMP/ready.$backend ]] || {
    echo "lab.tx_backends: FAIL: capture did not start:" >&2
    cat "$TMP/capture.$backend.log" >&2
    exit 1
  }
  if ! ip netns exec "$PROBER_NS" "$TOOL" send "$backend" "$PROBER_IF" "$PROBER_ADDR" \
      "${mac[@]}" >"$TMP/send.$backend.log" 2>&1; then
    echo "lab.tx_backends: FAIL: send through $backend failed:" >&2
    cat "$TMP/send.$backend.log" >&2
    exit 1
  fi
  set +e
  wait "$CAPTURE_PID"
  rc=$?
  set -e
  CAPTURE_PID=""
  echo "lab.tx_backends: $(cat "$TMP/send.$backend.log")"
  echo "lab.tx_backends: $backend: $(cat "$TMP/capture.$backend.log")"
  if [[ $rc -ne 0 ]]; then
    echo "lab.tx_backends: FAIL: capture for $backend exited with $rc" >&2
    exit 1
  fi
done

python3 - "$TMP" "$ROUTER_MAC" "$PROBER_MAC" "${BACKENDS[@]}" <<'PY'
import sys
tmp, router_mac, prober_mac = sys.argv[1:4]
backends = sys.argv[4:]
def lines(name):
    with open(f"{tmp}/{name}") as f:
        return [line.strip() for line in f if line.strip()]
expected = lines("expected.hex")
ok = True
frames = {}
for backend in backends:
    captured = lines(f"captured.{backend}.hex")
    frames[backend] = captured
    eth = {c[:28] for c in captured}
    want_eth = router_mac.replace(":", "") + prober_mac.replace(":", "") + "0800"
    if eth != {want_eth}:
        print(f"FAIL {backend}: Ethernet headers {sorted(eth)} != {want_eth}")
        ok = False
    ip = [c[28:] for c in captured]
    if len(ip) != len(expected):
        print(f"FAIL {backend}: {len(ip)} packets captured, {len(expected)} sent")
        ok = False
    if sorted(ip) != sorted(expected):
        missing = set(expected) - set(ip)
        extra = set(ip) - set(expected)
        print(f"FAIL {backend}: IPv4 bytes differ from the crafted probes: "
              f"{len(missing)} missing, {len(extra)} unexpected")
        for e in sorted(extra)[:3]:
            print(f"  unexpected {e}")
        for m in sorted(missing)[:3]:
            print(f"  missing    {m}")
        ok = False
    print(f"{backend}: {len(ip)}/{len(expected)} probes, bytes as crafted: "
          f"{sorted(ip) == sorted(expected)}, send order kept: {ip == expected}")
for other in backends[1:]:
    if sorted(frames["raw"]) != sorted(frames[other]):
        print(f"FAIL: raw and {other} frames are not byte-identical")
        ok = False
    else:
        print(f"raw and {other}: {len(frames['raw'])} frames byte-identical "
              f"(Ethernet + IPv4)")
sys.exit(0 if ok else 1)
PY
echo "lab.tx_backends: PASS"
