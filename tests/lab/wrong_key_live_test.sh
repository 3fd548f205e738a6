#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The wrong-key hint in a live run, in a lab: run B's probes never reach the network (a
# next-hop MAC nobody has) while run A, with another key, draws replies to the same prober
# address. B's capture sees only A's replies: reply-shaped, addressed to it, none
# authenticates — B must say "0 of N reply-shaped packets authenticated: wrong --key-file?"
# on stderr (and match nothing); A, whose replies authenticate, must not.
# Ordering, not timing: A starts only once B is sending (B's status file exists), and B keeps
# capturing (--cooldown) until well after A's last reply.
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
lab_test_init lab.wrong_key_live
lab_workdir cutpoint-wrong-key
work=$LAB_WORK
chmod 0777 "$work"  # started as root, cutpoint runs as nobody and writes --status-file here
lab_up cpwk --routers 1 --listener "$LISTENER"
failures=0
base=${TARGET_PREFIX%/*}

# B: 4 probes at 2/s into a black hole (frames addressed to a MAC no host has), then 8 s
# of capture.
ip netns exec "$PROBER_NS" "$CUTPOINT" trace --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  --tx afpacket --gateway-mac 02:00:00:00:00:01 -p 25 --probe tcp-syn --ttl 4 --rate 2 \
  --cooldown 8 -q --key-file "$work/b.key" --status-file "$work/b.status" -o "$work/b.ndjson" \
  "$base/30" 2>"$work/b.err" &
b=$!
while kill -0 "$b" 2>/dev/null && [[ ! -s $work/b.status ]]; do sleep 0.05; done
# A: a normal run with its own key, ~1 s of probes that all draw replies.
ip netns exec "$PROBER_NS" "$CUTPOINT" trace --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25 --probe tcp-syn,icmp-echo --ttl 1-3 --rate 100 --cooldown 1 -q --key-file "$work/a.key" \
  -o "$work/a.ndjson" "$base/28" 2>"$work/a.err"
a_code=$?
wait "$b"
b_code=$?

stat_of() { python3 -c 'import sys; from ndjson import load; print(load(sys.argv[1])[-1][sys.argv[2]])' "$1" "$2"; }
if [[ $a_code -ne 0 || $b_code -ne 0 ]]; then
  echo "FAIL: exit codes A $a_code, B $b_code: $(cat "$work/a.err" "$work/b.err")"; failures=$((failures + 1))
else
  b_matched=$(stat_of "$work/b.ndjson" matched)
  b_rejected=$(stat_of "$work/b.ndjson" rejected)
  a_matched=$(stat_of "$work/a.ndjson" matched)
  if [[ $b_matched -ne 0 || $b_rejected -lt 1 || $a_matched -lt 1 ]]; then
    echo "FAIL: B matched $b_matched, rejected $b_rejected; A matched $a_matched"; failures=$((failures + 1))
  elif ! grep -qx "cutpoint: hint: 0 of $b_rejected reply-shaped packets authenticated: wrong --key-file?" "$work/b.err"; then
    echo "FAIL: B (only other runs' replies) printed no hint: $(cat "$work/b.err")"; failures=$((failures + 1))
  elif grep -q "hint" "$work/a.err"; then
    echo "FAIL: A (its replies authenticate) printed a hint: $(cat "$work/a.err")"; failures=$((failures + 1))
  else
    echo "ok: B saw $b_rejected of A's replies, none authenticated: $(cat "$work/b.err")"
  fi
fi
echo "lab.wrong_key_live: $((1 - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
