#!/usr/bin/env bash
# Least privilege, in a lab: (1) as an unprivileged user with only the file capability
# cap_net_raw, `cutpoint trace` works and holds no capability once its sockets are open;
# (2) without the capability it fails with exit code 3 and a message naming CAP_NET_RAW;
# (3) started as root with --user nobody it runs as that user with no capability.
set -uo pipefail
CUTPOINT=$1
LISTENER=$2
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/../../tools/lab/lab.sh
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
command -v setcap >/dev/null && command -v setpriv >/dev/null || { echo "SKIP: setcap/setpriv missing"; exit 77; }
name=cplp$$
work=$(mktemp -d /tmp/cutpoint-privilege.XXXXXX)
chmod 755 "$work"
trap '"$LAB" down "$name" >/dev/null 2>&1; rm -rf "$work"' EXIT
"$LAB" up "$name" --routers 1 --listener "$LISTENER" --out "$work/topology.env" >/dev/null 2>&1 </dev/null || {
  echo "FAIL: lab up"; exit 1; }
# shellcheck disable=SC1091
source "$work/topology.env"
install -m 0755 "$CUTPOINT" "$work/cutpoint"
mkdir -m 0777 "$work/out"
failures=0
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# Samples Uid/CapEff/CapPrm of a running cutpoint every 50 ms and prints the last sample
# (taken while it probes, long after its sockets were opened).
sample() {
  local pid=$1 last=""
  while kill -0 "$pid" 2>/dev/null; do
    local probe_pid now
    probe_pid=$(pgrep -n -x cutpoint)
    now=$(grep -E '^(Uid|CapEff|CapPrm):' "/proc/$probe_pid/status" 2>/dev/null | tr '\n' ' ')
    [[ -n $now ]] && last=$now
    sleep 0.05
  done
  echo "$last"
}

EXTRA=()
run_trace() {  # OUT COMMAND-PREFIX...; options after "trace" come from EXTRA
  local out=$1
  shift
  ip netns exec "$PROBER_NS" "$@" trace "${EXTRA[@]}" --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
    -p 25 --ttl 1-3 --rate 40 --cooldown 1 -q -o "$out" "${TARGET_PREFIX%/*}/29"
}

# (1) file capability only.
setcap cap_net_raw+ep "$work/cutpoint"
run_trace "$work/out/capped.ndjson" "${as_nobody[@]}" "$work/cutpoint" 2>"$work/capped.err" &
pid=$!
sleep 0.3
status=$(sample $pid)
wait $pid
code=$?
if [[ $code -ne 0 ]]; then
  echo "FAIL: capped run exit $code: $(cat "$work/capped.err")"; failures=$((failures + 1))
elif [[ $status != *"CapEff:	0000000000000000"* || $status != *"CapPrm:	0000000000000000"* || $status != *"Uid:	65534"* ]]; then
  echo "FAIL: capabilities not dropped after sockets opened: $status"; failures=$((failures + 1))
elif ! grep -q '"kind":"syn_ack"' "$work/out/capped.ndjson"; then
  echo "FAIL: no SYN-ACK matched in the unprivileged run"; failures=$((failures + 1))
fi

# (2) no capability: refused, exit 3, nothing sent.
setcap -r "$work/cutpoint"
run_trace "$work/out/denied.ndjson" "${as_nobody[@]}" "$work/cutpoint" 2>"$work/denied.err"
code=$?
if [[ $code -ne 3 ]] || ! grep -q "CAP_NET_RAW" "$work/denied.err"; then
  echo "FAIL: unprivileged run without capability: exit $code, $(head -n 1 "$work/denied.err")"
  failures=$((failures + 1))
fi

# (3) root with --user nobody.
EXTRA=(--user nobody)
run_trace "$work/out/switched.ndjson" "$CUTPOINT" 2>"$work/switched.err" &
pid=$!
sleep 0.3
status=$(sample $pid)
wait $pid
code=$?
if [[ $code -ne 0 || $status != *"Uid:	65534"* || $status != *"CapEff:	0000000000000000"* ]]; then
  echo "FAIL: --user nobody: exit $code, status '$status', $(head -n 1 "$work/switched.err")"
  failures=$((failures + 1))
fi

echo "lab.least_privilege: $((3 - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
