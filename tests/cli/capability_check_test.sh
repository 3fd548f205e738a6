#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The capability check at start-up: as an unprivileged user (nobody) without any capability,
# scan, trace and locate stop before any route, socket or output with exit 3, naming
# CAP_NET_RAW and the exact setcap line for the binary that ran; --dry-run, locate
# --from-pcap need no privilege and still work. Every run is in an empty network namespace
# of its own and fails (or dry-runs) before its first probe. Needs root to switch users: 77.
set -uo pipefail
CUTPOINT=$1
if [[ $(id -u) -ne 0 ]] || ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
  echo "skip: needs root, setpriv and a nobody user"
  exit 77
fi
work=$(mktemp -d /tmp/cutpoint-capcheck.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -m 0777 "$work/out"
# A copy nobody can execute (the build tree may not be reachable for nobody).
install -m 0755 "$CUTPOINT" "$work/cutpoint"
failures=0
cases=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# No capability left at all: neither effective nor inheritable nor in the bounding set.
as_nobody() {
  unshare -n bash -c 'ip link set lo up && exec "$@"' _ \
    setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all "$@"
}
L=(--allow-reserved 198.18.0.0/15 -S 198.18.0.1 198.18.0.5)
fix="sudo setcap cap_net_raw+ep $work/cutpoint"

refused() {  # NAME ARGS...: exit 3, CAP_NET_RAW and the setcap line, no output written
  local name=$1
  shift
  cases=$((cases + 1))
  local out=$work/out/$name.ndjson
  as_nobody "$work/cutpoint" "$@" -o "$out" "${L[@]}" >/dev/null 2>"$work/$name.err"
  local code=$?
  if [[ $code -ne 3 ]]; then
    fail "$name: exit $code (want 3): $(head -c 400 "$work/$name.err")"
  elif ! grep -q "needs CAP_NET_RAW" "$work/$name.err" || ! grep -qF "$fix" "$work/$name.err"; then
    fail "$name: message lacks CAP_NET_RAW or '$fix': $(cat "$work/$name.err")"
  elif [[ -e $out ]]; then
    fail "$name: refused, but wrote $out"
  else
    echo "ok: $name: exit 3: $(cat "$work/$name.err")"
  fi
}
refused trace trace -p 25 --ttl 1-2
refused scan scan -p 25
refused locate locate -p 25 --ttl 1-2
refused trace-afpacket trace --tx afpacket -p 25 --ttl 1-2

works() {  # NAME ARGS...: exit 0 as nobody
  local name=$1
  shift
  cases=$((cases + 1))
  if as_nobody "$work/cutpoint" "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    echo "ok: $name: exit 0 as nobody"
  else
    fail "$name: exit $? as nobody: $(head -c 400 "$work/$name.err")"
  fi
}
works trace-dry-run trace --dry-run -p 25 --ttl 1-2 -o "$work/out/dry.ndjson" "${L[@]}"
works scan-dry-run scan --dry-run -p 25 -o "$work/out/scan-dry.ndjson" "${L[@]}"
cases=$((cases + 1))
grep -q '"type":"probe"' "$work/out/dry.ndjson" || fail "trace --dry-run wrote no probe records"

echo "cli.capability_check: $cases cases, $failures failed"
[[ $failures -eq 0 ]]
