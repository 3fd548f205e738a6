#!/usr/bin/env bash
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

if [[ $# -ne 2 ]]; then
  echo "usage: $0 CUTPOINT_BINARY LISTENER_BINARY" >&2
  exit 2
fi
CUTPOINT=$1
LISTENER=$2

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: needs root"
  exit 77
fi
for tool in ip python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: needs $tool"
    exit 77
  fi
done
[[ -x $CUTPOINT ]] || { echo "lab.trace: cutpoint binary '$CUTPOINT' not executable" >&2; exit 1; }
[[ -x $LISTENER ]] || { echo "lab.trace: listener binary '$LISTENER' not executable" >&2; exit 1; }

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
LAB="$HERE/../../tools/lab/lab.sh"
NAME="cpt$$"

# Reap labs left behind by earlier runs of this test that were killed
# (e.g. by a ctest timeout): state dir /run/cutpoint-lab/cpt<PID> whose PID
# no longer exists.
for d in /run/cutpoint-lab/cpt*/; do
  [[ -d $d ]] || continue
  old=$(basename "$d")
  pid=${old#cpt}
  if [[ $pid =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null; then
    echo "lab.trace: removing stale lab $old"
    LAB_QUIET=1 bash "$LAB" down "$old" || true
  fi
done

TMP=$(mktemp -d /tmp/cutpoint-lab-test.XXXXXX)
RESULT=1
cleanup() {
  LAB_QUIET=1 bash "$LAB" down "$NAME" || true
  if [[ $RESULT -eq 0 ]]; then
    rm -rf -- "$TMP"
  else
    echo "lab.trace: artifacts kept in $TMP" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash "$LAB" up "$NAME" --routers 3 --prefix 198.19.1.0/24 --open-ports 25,443 \
  --listener "$LISTENER" --out "$TMP/topology.env"
# shellcheck disable=SC1091
source "$TMP/topology.env"

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

python3 "$HERE/check_trace.py" --topology "$TMP/topology.env" \
  --ndjson "$TMP/out.ndjson" --ttl-min 1 --ttl-max 5 --ports 25,443,81
RESULT=0
