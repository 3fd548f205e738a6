#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The options trace, scan and locate share are parsed once: a bad value gets the same
# one-line error and exit code from all three, several bad ones the same first error,
# and each command's help states its own defaults. Nothing is sent: trace and scan are
# dry runs, locate judges the fixture capture (--from-pcap).
set -uo pipefail
CUTPOINT=$1
FIXTURES=$(cd "$(dirname "$0")/../fixtures/match" && pwd)
work=$(mktemp -d /tmp/cutpoint-shared-options.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
cases=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

T=(-S 198.18.0.1 --dry-run --allow-reserved 198.18.0.0/15 198.18.0.1)
L=(-p 25 --from-pcap "$FIXTURES/locate_rst_lab.pcap" --key-file "$FIXTURES/locate_rst_lab.key"
  -S 198.18.0.1 --allow-reserved 198.18.0.0/15 198.19.1.0/30)

# same CODE MESSAGE -- FLAGS...: every probing command exits CODE, first stderr line MESSAGE.
same() {
  local code=$1 message=$2
  shift 3
  local command got first
  for command in trace scan locate; do
    cases=$((cases + 1))
    if [[ $command == locate ]]; then
      "$CUTPOINT" locate "${L[@]}" "$@" >"$work/out" 2>"$work/err" </dev/null
    else
      "$CUTPOINT" "$command" "${T[@]}" "$@" >"$work/out" 2>"$work/err" </dev/null
    fi
    got=$?
    first=$(head -n 1 "$work/err")
    if [[ $got -ne $code || $first != "cutpoint: $message" ]]; then
      fail "$command $*: exit $got, '$first' (want $code, 'cutpoint: $message')"
    elif [[ -s $work/out ]]; then
      fail "$command $*: wrote output"
    fi
  done
}

same 2 "bad rate '0' (expected packets per second > 0, or 'max')" -- -r 0
same 2 "bad rate 'fast' (expected packets per second > 0, or 'max')" -- --rate fast
same 2 "bad value '5' for --attempts (expected 1..4)" -- --attempts 5
same 2 "bad value '-1' for --cooldown (expected seconds, 0..3600)" -- --cooldown -1
same 2 "bad value 'x' for --seed (expected 0..9223372036854775807)" -- --seed x
same 2 "bad TTL '0' (expected 1..255)" -- --ttl 0
same 2 "bad TTL '256' (expected 1..255)" -- --ttl 256
same 2 "--shards needs an explicit --seed, the same for every shard" -- --shards 4
same 2 "--shard 2 is not below --shards 2" -- --seed 1 --shards 2 --shard 2
same 2 "bad value '0' for --shards (expected 1..1048576)" -- --shards 0
same 2 "bad --source-ip '0.0.0.0': the unspecified address" -- -S 0.0.0.0
same 2 "bad value '0' for --max-targets (expected 1..4294967296)" -- --max-targets 0
same 2 "unknown option '--bogus'" -- --bogus
same 2 "option --rate needs a value (PPS)" -- --rate
# Several bad: the first in the shared order (--ttl, --rate, --attempts, --cooldown,
# --seed, --shards/--shard, --source-ip) wins, whatever the order on the command line.
same 2 "bad TTL '0' (expected 1..255)" -- -S 0.0.0.0 --attempts 9 -r 0 --ttl 0
same 2 "bad rate '0' (expected packets per second > 0, or 'max')" -- -S 0.0.0.0 --attempts 9 -r 0
same 2 "bad value '9' for --attempts (expected 1..4)" -- -S 0.0.0.0 --seed x --attempts 9
same 2 "bad value 'x' for --seed (expected 0..9223372036854775807)" -- -S 0.0.0.0 --shards 0 --seed x
same 2 "bad value '0' for --shards (expected 1..1048576)" -- -S 0.0.0.0 --shards 0

# Help: the shared rows state each command's own defaults.
help_has() {
  cases=$((cases + 1))
  "$CUTPOINT" "$1" --help >"$work/help"
  grep -q -- "$2" "$work/help" || fail "cutpoint $1 --help lacks '$2'"
}
help_has trace "--ttl MIN-MAX           probe TTL range (default 1-32)"
help_has scan "--ttl MIN-MAX           probe TTL: one TTL, never a range (trace sweeps a range) (default 64)"
help_has locate "--ttl MIN-MAX           probe TTL range (default 1-32)"
help_has trace "--attempts N            probes per (target, kind, TTL), 1-4 (default 1)"
help_has locate "--attempts N            probes per (target, kind, TTL), 1-4 (default 2)"
help_has scan "--max-targets N         refuse target sets larger than N addresses (default 16777216)"
help_has locate "--max-targets N         refuse target sets larger than N addresses (default 65536)"
help_has trace "--probe TYPES           probe types, comma-separated (default tcp-syn,icmp-echo)"
help_has scan "--probe TYPES           probe types, comma-separated (default tcp-syn)"

echo "cli.shared_options: $((cases - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
