#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Least privilege, proven per thread, in a lab. A running `cutpoint trace` is stopped
# (SIGSTOP) while it sends — its status file exists, so sockets, capture and every thread
# are up — and /proc/PID/task/*/status of every thread is read:
#  (1) started as root, for every send backend (raw, afpacket, afxdp and dpdk when built;
#      dpdk as a net_af_packet vdev on the prober's interface, with DPDK's interrupt and
#      lcore threads): every thread CapEff, CapPrm, CapBnd 0, NoNewPrivs 1, all uids 65534
#      (nobody, the default user);
#  (2) --keep-root: uid 0 in every thread, still no capability, empty bounding set;
#  (3) as an unprivileged user with only the file capability cap_net_raw: no capability,
#      NoNewPrivs 1 (the bounding set cannot be emptied without CAP_SETPCAP); with
#      cap_net_raw,cap_setpcap the bounding set is empty too;
#  (4) refusals: no capability (exit 3, naming CAP_NET_RAW), --user root without
#      --keep-root and an unknown --user (exit 2), a --resume file in a directory nobody
#      cannot write (exit 3, before any probe).
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
lab_test_init lab.least_privilege setcap setpriv
lab_workdir cutpoint-privilege
work=$LAB_WORK
chmod 755 "$work"
lab_up cplp --routers 1 --listener "$LISTENER"
install -m 0755 "$CUTPOINT" "$work/cutpoint"
mkdir -m 0777 "$work/out"
mkdir -m 0700 "$work/private"
failures=0
checks=0
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
zero=0000000000000000
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# One line per thread of PID: "TID COMM UID-LIST CAPEFF CAPPRM CAPBND NONEWPRIVS".
thread_table() {
  local task
  for task in /proc/"$1"/task/*; do
    awk -v tid="${task##*/}" -v comm="$(cat "$task/comm" 2>/dev/null)" '
      /^Uid:/ {uid = $2 "," $3 "," $4 "," $5}
      /^CapEff:/ {eff = $2} /^CapPrm:/ {prm = $2} /^CapBnd:/ {bnd = $2}
      /^NoNewPrivs:/ {nnp = $2}
      END {print tid, comm, uid, eff, prm, bnd, nnp}' "$task/status" 2>/dev/null
  done
}

# LABEL TABLE UID BND [COMM-PATTERN...]: every thread has uid UID (all four), no effective
# or permitted capability, bounding set BND ("any": not checked), NoNewPrivs 1; each
# COMM-PATTERN (an extended regex) names at least one thread.
check_threads() {
  local label=$1 table=$2 uid=$3 bnd=$4
  shift 4
  local bad
  bad=$(awk -v uid="$uid,$uid,$uid,$uid" -v bnd="$bnd" -v zero=$zero '
    $3 != uid || $4 != zero || $5 != zero || (bnd != "any" && $6 != bnd) || $7 != 1' "$table")
  if [[ ! -s $table ]]; then
    fail "$label: no thread status read"; return
  fi
  if [[ -n $bad ]]; then
    fail "$label: threads with privileges left (tid comm uids CapEff CapPrm CapBnd NoNewPrivs):"
    echo "$bad" | sed 's/^/    /'
    return
  fi
  local pattern
  for pattern in "$@"; do
    if ! awk '{print $2}' "$table" | grep -Eq "$pattern"; then
      fail "$label: no thread named /$pattern/ among: $(awk '{print $2}' "$table" | sort | uniq -c | tr -s ' \n' ' ')"
      return
    fi
  done
  echo "ok: $label: $(wc -l <"$table") threads ($(awk '{print $2}' "$table" | sort | uniq -c | tr -s ' \n' ' '))"
}

# LABEL RUNNER... -- TRACE-OPTIONS...: runs `RUNNER... trace` in the prober namespace with a
# status file; once the status file exists the process is stopped, its threads are read
# into $work/LABEL.threads, and it is resumed. Sets run_code.
run_and_inspect() {
  local label=$1
  shift
  local runner=()
  while [[ $1 != -- ]]; do runner+=("$1"); shift; done
  shift
  local status_file=$work/out/$label.status table=$work/$label.threads
  : >"$table"
  # ~2.4 s of sending (48 probes at 20/s): the status file is first written after 1 s.
  ip netns exec "$PROBER_NS" "${runner[@]}" trace --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" \
    -S "$PROBER_ADDR" -p 25 --ttl 1-3 --rate 20 --cooldown 1 -q "$@" \
    --status-file "$status_file" -o "$work/out/$label.ndjson" "${TARGET_PREFIX%/*}/29" \
    2>"$work/$label.err" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null && [[ ! -s $status_file ]]; do sleep 0.02; done
  if kill -STOP "$pid" 2>/dev/null; then
    thread_table "$pid" >"$table"
    kill -CONT "$pid"
  fi
  wait "$pid"
  run_code=$?
  run_pid=$pid
}

expect_success() {  # LABEL
  checks=$((checks + 1))
  if [[ $run_code -ne 0 ]]; then
    fail "$1: exit $run_code: $(head -c 600 "$work/$1.err")"; return 1
  fi
  if ! grep -q '"kind":"syn_ack"' "$work/out/$1.ndjson"; then
    fail "$1: no SYN-ACK matched"; return 1
  fi
}

# (1) Started as root, every backend: default user nobody.
backends=(raw afpacket afxdp dpdk)
for backend in "${backends[@]}"; do
  extra=(--tx "$backend")
  patterns=(cp-capture cp-sender)
  if [[ $backend == dpdk ]]; then
    extra+=(--dpdk-args "--no-huge --no-pci -m 256 --log-level=error --vdev net_af_packet0,iface=$PROBER_IF,framecnt=8192")
    patterns+=('eal-intr' 'worker')  # DPDK's interrupt thread and an lcore worker
  fi
  run_and_inspect "root-$backend" "$CUTPOINT" -- "${extra[@]}"
  if [[ $run_code -ne 0 ]] && grep -q "no AF_XDP support\|no DPDK support" "$work/root-$backend.err"; then
    echo "skip: --tx $backend not built"; continue
  fi
  expect_success "root-$backend" || continue
  check_threads "root, --tx $backend" "$work/root-$backend.threads" 65534 $zero "${patterns[@]}"
  # The EAL's private runtime directory is gone although the run ended as nobody.
  if [[ $backend == dpdk && -e /var/run/dpdk/cutpoint-$run_pid ]]; then
    fail "--tx dpdk left /var/run/dpdk/cutpoint-$run_pid behind"
  fi
done

# (2) --keep-root: uid 0, still nothing else.
run_and_inspect keep-root "$CUTPOINT" -- --keep-root
expect_success keep-root && check_threads "--keep-root" "$work/keep-root.threads" 0 $zero cp-capture

# (3) File capabilities only, as nobody.
setcap cap_net_raw+ep "$work/cutpoint"
run_and_inspect capped "${as_nobody[@]}" "$work/cutpoint" --
expect_success capped && check_threads "cap_net_raw as nobody" "$work/capped.threads" 65534 any cp-capture
setcap cap_net_raw,cap_setpcap+ep "$work/cutpoint"
run_and_inspect capped-setpcap "${as_nobody[@]}" "$work/cutpoint" --
expect_success capped-setpcap &&
  check_threads "cap_net_raw,cap_setpcap as nobody" "$work/capped-setpcap.threads" 65534 $zero cp-capture

# (4) Refusals.
expect_refusal() {  # LABEL CODE MESSAGE-REGEX RUNNER... -- OPTIONS...
  local label=$1 code=$2 message=$3
  shift 3
  local runner=()
  while [[ $1 != -- ]]; do runner+=("$1"); shift; done
  shift
  checks=$((checks + 1))
  ip netns exec "$PROBER_NS" "${runner[@]}" trace --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" \
    -S "$PROBER_ADDR" -p 25 --ttl 1-2 --rate 20 --cooldown 0 -q "$@" \
    -o "$work/out/$label.ndjson" "${TARGET_PREFIX%/*}/30" 2>"$work/$label.err"
  local got=$?
  if [[ $got -ne $code ]] || ! grep -Eq -- "$message" "$work/$label.err"; then
    fail "$label: exit $got (want $code), stderr: $(head -c 400 "$work/$label.err")"
  elif grep -q '"type":"reply"' "$work/out/$label.ndjson" 2>/dev/null; then
    fail "$label: refused, but replies were recorded (probes were sent)"
  else
    echo "ok: $label: exit $got, $(head -n 1 "$work/$label.err")"
  fi
}
setcap -r "$work/cutpoint"
expect_refusal no-capability 3 "CAP_NET_RAW" "${as_nobody[@]}" "$work/cutpoint" --
expect_refusal user-root 2 "--keep-root" "$CUTPOINT" -- --user root
expect_refusal unknown-user 2 "unknown user 'cutpoint-no-such-user'" "$CUTPOINT" -- --user cutpoint-no-such-user
expect_refusal user-and-keep-root 2 "exclude each other" "$CUTPOINT" -- --user nobody --keep-root
# Refused before the outputs begin: an earlier run's -o file stays as it was.
printf 'an earlier run\n' >"$work/out/resume-unwritable.ndjson"
expect_refusal resume-unwritable 3 "user nobody cannot write in $work/private" "$CUTPOINT" -- \
  --key-file "$work/key" --resume "$work/private/scan.resume"
checks=$((checks + 1))
[[ $(cat "$work/out/resume-unwritable.ndjson") == "an earlier run" ]] ||
  fail "resume-unwritable: the refused run changed -o: $(head -c 200 "$work/out/resume-unwritable.ndjson")"

echo "lab.least_privilege: $checks checks, $failures failed"
[[ $failures -eq 0 ]]
