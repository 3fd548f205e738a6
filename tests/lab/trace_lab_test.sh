#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Integration test: `cutpoint trace` through a network-namespace lab.
#
#   trace_lab_test.sh CUTPOINT_BINARY LISTENER_BINARY
#
# Builds a lab (prober -> 3 routers -> destination owning 198.19.1.0/24, TCP
# 25/443 open, 81 closed) with tools/lab/lab.sh, traces the whole /24 with
# tcp-syn (25,443,81) and icmp-echo at TTL 1..5 from inside the prober
# namespace, and checks every reply with check_trace.py.  Needs root; exits
# 77 (ctest SKIP) otherwise.  Nothing runs in the root network namespace.
set -euo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"

lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
lab_test_init lab.trace ip python3
lab_need_executable "$CUTPOINT" "$LISTENER"
lab_workdir cutpoint-lab-test
TMP=$LAB_WORK
lab_up cpt --routers 3 --prefix 198.19.1.0/24 --open-ports 25,443 --listener "$LISTENER"

set +e
timeout 120 ip netns exec "$PROBER_NS" "$CUTPOINT" trace --allow-reserved 198.18.0.0/15 \
  -i "$PROBER_IF" -S "$PROBER_ADDR" -p 25,443,81 --probe tcp-syn,icmp-echo \
  --ttl 1-5 --rate 20000 --cooldown 2 --key-file "$TMP/key" \
  -o "$TMP/out.ndjson" "$TARGET_PREFIX" 2>"$TMP/cutpoint.stderr"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "lab.trace: FAIL: cutpoint trace exited with status $rc; stderr:" >&2
  sed 's/^/  /' "$TMP/cutpoint.stderr" >&2
  exit 1
fi

python3 "$LAB_TEST_DIR/check_trace.py" --topology "$TMP/topology.env" \
  --ndjson "$TMP/out.ndjson" --ttl-min 1 --ttl-max 5 --ports 25,443,81
