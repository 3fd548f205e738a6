#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: `cutpoint locate` over IPv6 against a network-namespace lab with a
# known filter (issue 12).
#
#   locate6_lab_test.sh CASE CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY
#
# CASE (one ctest test each, lab.locate6.CASE): drop, rst, inject, icmp_admin,
# icmp_policy, silent_hop, ecmp, blackhole, mixed.
# Every case but `mixed` builds the lab with --filter-family 6 (the IPv6 twins of the
# filtered hosts are filtered, IPv4 is left alone), runs `cutpoint locate` over the
# whole IPv6 target prefix (/120, 256 targets) from inside the prober namespace and
# checks every verdict against the truth's IPv6 fields with check_locate.py --family 6
# (verdict, mechanism, filter hop and its addresses, ICMPv6 code, scope `host`; a
# blocking verdict on an unfiltered target fails). `mixed` filters IPv4 only
# (--filter-family 4) and locates both prefixes in one run, from a target file that pairs
# each IPv4 host with its IPv6 twin on one line: the IPv4 hosts are `silent_drop`, their
# IPv6 twins `reachable`, each verdict names its `dual_stack_peer`, and the summary says
# the families differ, host by host.
# Each case prints an "expected vs got" table. Needs root; exits 77 (ctest SKIP)
# otherwise. Nothing runs in the root network namespace; only 198.18.0.0/15 and
# 2001:2::/48 are probed.
set -euo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"

lab_usage 4 "CASE CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY" "$@"
TEST_CASE=$1
CUTPOINT=$2
LISTENER=$3
INJECTOR=$4
LABEL="lab.locate6.$TEST_CASE"
lab_test_init "$LABEL" ip python3 nft
lab_need_executable "$CUTPOINT" "$LISTENER" "$INJECTOR"

ROUTERS=4   # targets 5 hops away
TTL=1-7
PORT=25
CONTROL=443
FAMILY=6
CHECK_ARGS=(--expect-scope host)

ecmp_filtered=$(seq -s, -f '198.19.1.%g' 101 116)  # their IPv6 twins are filtered
case $TEST_CASE in
  drop)        LAB_ARGS=(--scenario drop --filter-router 2) ;;
  rst)         LAB_ARGS=(--scenario rst --filter-router 3) ;;
  inject)      LAB_ARGS=(--scenario inject --filter-router 2) ;;
  icmp_admin)  LAB_ARGS=(--scenario icmp --filter-router 3 --icmp6-code admin) ;;
  icmp_policy) LAB_ARGS=(--scenario icmp --filter-router 2 --icmp6-code policy) ;;
  silent_hop)  LAB_ARGS=(--scenario drop --filter-router 2 --silent-hop 3) ;;
  ecmp)        LAB_ARGS=(--scenario drop --ecmp-hop 2 --filter-router 2 --filtered "$ecmp_filtered") ;;
  blackhole)   LAB_ARGS=(--scenario blackhole --filter-router 2) ;;
  mixed)       LAB_ARGS=(--scenario drop --filter-router 2); FAMILY=4 ;;
  *) echo "$LABEL: unknown case '$TEST_CASE'" >&2; exit 2 ;;
esac
# A blackholed host answers nothing at all (controls included) while the other hosts
# pass its last hop's next router: `blackholed`, scope host.

lab_workdir "cutpoint-locate6-$TEST_CASE"
TMP=$LAB_WORK
lab_up cp6 "${LAB_ARGS[@]}" --filter-family "$FAMILY" --routers "$ROUTERS" \
  --prefix 198.19.1.0/24 --open-ports 25,443 --port "$PORT" \
  --listener "$LISTENER" --injector "$INJECTOR" --truth "$TMP/truth.json"

if [[ $TEST_CASE == mixed ]]; then
  # One dual-stack host per line: 198.19.1.D and the D-th address of the IPv6 prefix.
  twin6() { python3 -c 'import ipaddress,sys; print(ipaddress.ip_network(sys.argv[1]).network_address + int(sys.argv[2]))' "$TARGET_PREFIX6" "$1"; }
  python3 -c 'import ipaddress,sys; b=ipaddress.ip_network(sys.argv[1]).network_address
for d in range(256): print(f"198.19.1.{d} {b + d}")' "$TARGET_PREFIX6" >"$TMP/hosts.txt"
  TARGETS=(-f "$TMP/hosts.txt")
  SOURCES=("$PROBER_ADDR6,$PROBER_ADDR")
  CHECK_FAMILY=both
else
  TARGETS=("$TARGET_PREFIX6")
  SOURCES=("$PROBER_ADDR6")
  CHECK_FAMILY=6
fi

set +e
timeout 120 ip netns exec "$PROBER_NS" "$CUTPOINT" locate \
  --allow-reserved 198.18.0.0/15,2001:2::/48 -i "$PROBER_IF" -S "${SOURCES[0]}" \
  -p "$PORT" --control-port "$CONTROL" --ttl "$TTL" --rate 20000 \
  --key-file "$TMP/key" -o "$TMP/out.ndjson" "${TARGETS[@]}" 2>"$TMP/locate.stderr"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "$LABEL: FAIL: cutpoint locate exited with status $rc; stderr:" >&2
  sed 's/^/  /' "$TMP/locate.stderr" >&2
  exit 1
fi
echo "$LABEL: cutpoint locate summary:"
sed 's/^/  /' "$TMP/locate.stderr"

# Screen-then-sweep (the default) must find what the full sweep finds.
lab_locate_sweep_all "$TMP/locate.stderr" "$TMP/all" \
  timeout 120 ip netns exec "$PROBER_NS" "$CUTPOINT" locate \
  --allow-reserved 198.18.0.0/15,2001:2::/48 -i "$PROBER_IF" -S "${SOURCES[0]}" \
  -p "$PORT" --control-port "$CONTROL" --ttl "$TTL" --rate 20000 \
  --key-file "$TMP/key" "${TARGETS[@]}"

python3 "$LAB_TEST_DIR/check_locate.py" --label "$LABEL" --truth "$TMP/truth.json" \
  --ndjson "$TMP/out.ndjson" --family "$CHECK_FAMILY" --table "${CHECK_ARGS[@]}" \
  --compare-findings "$TMP/all.ndjson"

if [[ $TEST_CASE == mixed ]]; then
  # The filter is IPv4's only: the summary must say so.
  n4=$(wc -w <<<"${FILTERED//,/ }")
  want="families differ: $n4 of 256 IPv4 targets filtered, no IPv6 target is -> the filter is specific to IPv4"
  if ! grep -qF -- "$want" "$TMP/locate.stderr"; then
    echo "$LABEL: FAIL: the summary lacks the line: $want" >&2
    exit 1
  fi
  echo "$LABEL: summary says: $want"
  want="dual-stack hosts on TCP $PORT: $n4 filtered on IPv4 only, 0 on IPv6 only, 0 on both, $((256 - n4)) on neither, 0 undecided"
  if ! grep -qF -- "$want" "$TMP/locate.stderr"; then
    echo "$LABEL: FAIL: the summary lacks the line: $want" >&2
    exit 1
  fi
  for host in ${FILTERED//,/ }; do
    twin=$(twin6 "${host##*.}")
    if ! grep -qF -- "dual-stack host $host / $twin: filtered on IPv4 only -- IPv4: silent drop" "$TMP/locate.stderr"; then
      echo "$LABEL: FAIL: the summary does not name dual-stack host $host / $twin as filtered on IPv4 only" >&2
      exit 1
    fi
    peer=$(python3 -c 'import json,sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") == "verdict" and r["target"] == sys.argv[2]: print(r.get("dual_stack_peer", ""))' "$TMP/out.ndjson" "$host")
    if [[ $peer != "$twin" ]]; then
      echo "$LABEL: FAIL: the verdict of $host names dual_stack_peer '$peer', want $twin" >&2
      exit 1
    fi
  done
  echo "$LABEL: summary names each host filtered on IPv4 only; verdicts carry dual_stack_peer"
fi
