#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: a mixed-family `cutpoint trace` (IPv4 and IPv6 targets in one run)
# through a network-namespace lab (issue 12).
#
#   trace6_lab_test.sh CUTPOINT_BINARY LISTENER_BINARY
#
# Builds a lab (prober -> 3 routers -> destination owning 198.19.1.0/24 and its twin
# 2001:2:0:ff00::100/120, TCP 25/443 open, 81 closed), traces both prefixes at once
# (-S IPv4,IPv6) with tcp-syn (25,443,81) and icmp-echo at TTL 1..5 from inside the
# prober namespace, and checks every reply with check_trace.py --family both: each
# IPv6 time exceeded comes from the truth's HOP6_k, each IPv4 one from HOP_k, every
# reply record says its ip_version (6 / 4) and IPv6 addresses are RFC 5952 text.
# Needs root; exits 77 (ctest SKIP) otherwise. Nothing runs in the root network
# namespace; only 198.18.0.0/15 and 2001:2::/48 are probed.
set -euo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"

lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
LABEL=lab.trace6
lab_test_init "$LABEL" ip python3
lab_need_executable "$CUTPOINT" "$LISTENER"
lab_workdir cutpoint-trace6
TMP=$LAB_WORK
lab_up ct6 --routers 3 --prefix 198.19.1.0/24 --open-ports 25,443 --listener "$LISTENER"

set +e
timeout 120 ip netns exec "$PROBER_NS" "$CUTPOINT" trace \
  --allow-reserved 198.18.0.0/15,2001:2::/48 -i "$PROBER_IF" -S "$PROBER_ADDR,$PROBER_ADDR6" \
  -p 25,443,81 --probe tcp-syn,icmp-echo --ttl 1-5 --rate 20000 --cooldown 2 \
  --key-file "$TMP/key" -o "$TMP/out.ndjson" "$TARGET_PREFIX6" "$TARGET_PREFIX" \
  2>"$TMP/cutpoint.stderr"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "$LABEL: FAIL: cutpoint trace exited with status $rc; stderr:" >&2
  sed 's/^/  /' "$TMP/cutpoint.stderr" >&2
  exit 1
fi

python3 "$LAB_TEST_DIR/check_trace.py" --topology "$TMP/topology.env" \
  --ndjson "$TMP/out.ndjson" --ttl-min 1 --ttl-max 5 --ports 25,443,81 --family both
# The hop addresses per family, as the run saw them (for the record).
python3 - "$TMP/out.ndjson" <<'PY'
import sys
from collections import defaultdict
from ndjson import load
hops = defaultdict(set)
for r in load(sys.argv[1]):
    if r["type"] == "reply" and r["kind"] == "time_exceeded":
        hops[(r["ip_version"], r["ttl"])].add(r["from"])
for (v, ttl), addrs in sorted(hops.items()):
    print(f"lab.trace6: IPv{v} TTL {ttl}: time exceeded from {', '.join(sorted(addrs))}")
PY

# -O atlas: the same kind of trace written as RIPE Atlas traceroute results (a few
# targets of each family): well-formed results naming the prober as source, each ending
# at the target for the open port, routers before it.
ATLAS_V4=${TARGET_PREFIX%.*}.8/30
ATLAS_V6=${TARGET_PREFIX6%/*}
ATLAS_V6=${ATLAS_V6%:*}:108/126
set +e
timeout 120 ip netns exec "$PROBER_NS" "$CUTPOINT" trace -O atlas \
  --allow-reserved 198.18.0.0/15,2001:2::/48 -i "$PROBER_IF" -S "$PROBER_ADDR,$PROBER_ADDR6" \
  -p 25 --probe tcp-syn,icmp-echo --ttl 1-5 --rate 20000 --cooldown 2 -q \
  -o "$TMP/atlas.json" "$ATLAS_V4" "$ATLAS_V6" 2>"$TMP/atlas.stderr"
rc=$?
set -e
[[ $rc -eq 0 ]] || { echo "$LABEL: FAIL: trace -O atlas exited with $rc: $(cat "$TMP/atlas.stderr")" >&2; exit 1; }
python3 - "$TMP/atlas.json" "$PROBER_ADDR" "$PROBER_ADDR6" "$ATLAS_V4" "$ATLAS_V6" \
  "$LAB_TEST_DIR/../report" <<'PY'
import ipaddress, json, sys
sys.path.insert(0, sys.argv[6])
import check_atlas
path, src4, src6 = sys.argv[1:4]
nets = [ipaddress.ip_network(n, strict=False) for n in sys.argv[4:6]]
results = [json.loads(line) for line in open(path)]
seen = {4: set(), 6: set()}
for r in results:
    check_atlas.check_result_shape(r)
    want_src = src4 if r["af"] == 4 else src6
    if r["src_addr"] != want_src:
        check_atlas.fail(f"{r['dst_addr']}: src_addr {r['src_addr']}, want {want_src}")
    if not any(ipaddress.ip_address(r["dst_addr"]) in n for n in nets):
        check_atlas.fail(f"result for {r['dst_addr']}, outside the traced prefixes")
    seen[r["af"]].add(r["dst_addr"])
    froms = [[e.get("from") for e in hop["result"] if "from" in e] for hop in r["result"]]
    if r["dst_addr"] not in froms[-1]:
        check_atlas.fail(f"{r['dst_addr']} {r['proto']}: the last hop is not the target: {froms[-1]}")
    if any(r["dst_addr"] in hop for hop in froms[:-1]):
        check_atlas.fail(f"{r['dst_addr']} {r['proto']}: the target answers before the last hop")
for af in (4, 6):
    if len(seen[af]) < 2:
        check_atlas.fail(f"IPv{af}: results for {len(seen[af])} targets")
if check_atlas.failures:
    sys.exit("lab.trace6: FAIL: -O atlas: " + "; ".join(check_atlas.failures[:5]))
print(f"lab.trace6: -O atlas: {len(results)} results, IPv4 targets {len(seen[4])}, IPv6 targets {len(seen[6])}")
PY
