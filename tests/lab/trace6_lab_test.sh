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
