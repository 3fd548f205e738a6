#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad inputs must give a one-line error naming the problem, the documented exit code
# (2 bad input, 3 privilege/reserved range, 4 runtime/I/O, 130 interrupted), and never a
# partial NDJSON line. Nothing here sends a packet: every case fails before any socket is
# opened, and the interface case runs inside an empty network namespace of its own.
set -uo pipefail
CUTPOINT=$1
work=$(mktemp -d /tmp/cutpoint-bad-input.XXXXXX)
netns=""
cleanup() {
  [[ -n $netns ]] && ip netns del "$netns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
cases=0

# expect CODE PATTERN -- ARGS...: runs cutpoint, checks exit code, that stderr's first
# line starts with "cutpoint: " and contains PATTERN, and that stdout has no partial line.
expect() {
  local code=$1 pattern=$2
  shift 3
  cases=$((cases + 1))
  "$CUTPOINT" "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  local first
  first=$(head -n 1 "$work/err")
  if [[ $got -ne $code ]]; then
    echo "FAIL [$*]: exit $got, expected $code; stderr: $first"
    failures=$((failures + 1))
  elif [[ $first != "cutpoint: "* || $first != *"$pattern"* ]]; then
    echo "FAIL [$*]: stderr '$first' does not name '$pattern'"
    failures=$((failures + 1))
  elif [[ -s $work/out && $(tail -c 1 "$work/out" | od -An -c | tr -d ' ') != '\n' ]]; then
    echo "FAIL [$*]: partial output line"
    failures=$((failures + 1))
  fi
}

# `cutpoint help COMMAND` is the command's own --help; other words are refused.
for command in trace scan locate match report; do
  cases=$((cases + 1))
  "$CUTPOINT" help "$command" >"$work/help" 2>&1
  if [[ $(head -n 1 "$work/help") != "usage: cutpoint $command "* ]]; then
    echo "FAIL [help $command]: not the $command help"
    failures=$((failures + 1))
  fi
done
expect 2 "unknown command 'bogus' for 'cutpoint help'" -- help bogus
expect 2 "'cutpoint help' takes one command at most" -- help scan trace

S=(-S 198.18.0.1 --dry-run)
# Targets.
expect 2 "bad target address" -- trace "${S[@]}" 1.2.3
expect 2 "bad target address" -- trace "${S[@]}" 198.18.0.256
expect 2 "bad target address" -- trace "${S[@]}" 010.1.2.3
expect 2 "bad prefix length" -- trace "${S[@]}" 198.18.0.0/33
expect 2 "bad prefix length" -- trace "${S[@]}" 198.18.0.0/
expect 2 "zone ids" -- trace "${S[@]}" fe80::1%eth0
expect 2 "IPv4-mapped" -- trace "${S[@]}" ::ffff:198.18.0.1
expect 2 "IPv4-mapped" -- trace "${S[@]}" ::/64
expect 2 "whole IPv6 space" -- trace "${S[@]}" ::/0
expect 2 "bad prefix length" -- trace "${S[@]}" 2001:2::/129
expect 2 "bad target address '[2001:2::1]'" -- trace "${S[@]}" [2001:2::1]
expect 2 "bad target address '2001:2::1::2'" -- trace "${S[@]}" 2001:2::1::2
expect 3 "2001:db8::/32 (documentation, RFC 3849)" -- trace "${S[@]}" 2001:db8::/64
expect 3 "fe80::/10 (link-local, RFC 4291)" -- trace "${S[@]}" fe80::1
expect 2 "list the hosts to probe (-f hitlist)" -- scan "${S[@]}" --allow-reserved 2001:2::/48 2001:2::/64
expect 2 "no targets given" -- trace "${S[@]}"
expect 2 "-O must be ndjson or atlas (got 'xml')" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 -O xml 198.18.0.1
expect 2 "-O atlas is for trace" -- scan "${S[@]}" --allow-reserved 198.18.0.0/15 -O atlas 198.18.0.1
expect 2 "-O atlas writes replies, and --dry-run has none" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 -O atlas 198.18.0.1
expect 2 "-O atlas does not combine with --resume" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 -O atlas --key-file "$work/k" --resume "$work/r" 198.18.0.1
# --tx dpdk without a kernel interface, and --gateway-ip (refused before any port opens).
R=(--allow-reserved 198.18.0.0/15 198.18.0.1)
expect 2 "--tx dpdk without --interface needs --source-ip (-S) for the IPv4 targets" -- \
  scan --tx dpdk --dpdk-args --no-pci --gateway-mac 02:00:00:00:00:01 "${R[@]}"
expect 2 "--tx dpdk without --interface needs --source-ip (-S) for the IPv4 targets" -- \
  locate -p 25 --tx dpdk --dpdk-args --no-pci --gateway-ip 198.18.0.254 "${R[@]}"
expect 2 "--gateway-ip and --gateway-mac both name the IPv4 next hop" -- \
  trace "${S[@]}" --tx dpdk --gateway-ip 198.18.0.254 --gateway-mac 02:00:00:00:00:01 "${R[@]}"
expect 2 "bad --gateway-ip '2001:2::1': IPv4 only" -- \
  scan "${S[@]}" --tx dpdk --gateway-ip 2001:2::1 "${R[@]}"
expect 2 "bad --gateway-ip 'router'" -- scan "${S[@]}" --tx dpdk --gateway-ip router "${R[@]}"
expect 2 "--gateway-ip is for --tx dpdk" -- scan "${S[@]}" --gateway-ip 198.18.0.254 "${R[@]}"
# --tx afxdp's socket options: refused with the other backends, --xdp-queue bounded.
expect 2 "--xdp-queue is for --tx afxdp" -- scan "${S[@]}" --xdp-queue 1 "${R[@]}"
expect 2 "--xdp-queue is for --tx afxdp" -- trace "${S[@]}" --tx afpacket --xdp-queue 0 "${R[@]}"
expect 2 "--xdp-zero-copy is for --tx afxdp" -- scan "${S[@]}" --tx raw --xdp-zero-copy "${R[@]}"
expect 2 "--xdp-zero-copy is for --tx afxdp" -- \
  locate -p 25 -S 198.18.0.1 --tx dpdk --dpdk-args --no-pci --xdp-zero-copy "${R[@]}"
expect 2 "bad value '-1' for --xdp-queue (expected 0..65535)" -- \
  scan "${S[@]}" --tx afxdp --xdp-queue -1 "${R[@]}"
expect 2 "bad value 'first' for --xdp-queue" -- scan "${S[@]}" --tx afxdp --xdp-queue first "${R[@]}"
expect 2 "bad value '65536' for --xdp-queue" -- scan "${S[@]}" --tx afxdp --xdp-queue 65536 "${R[@]}"
: >"$work/empty.txt"
printf '# only a comment\n\n' >"$work/comments.txt"
printf '198.18.0.1\nnot-an-address\n' >"$work/bad.txt"
expect 2 "lists no targets" -- trace "${S[@]}" -f "$work/empty.txt"
expect 2 "lists no targets" -- trace "${S[@]}" -f "$work/comments.txt"
expect 2 "bad.txt:2" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 -f "$work/bad.txt"
expect 2 "cannot read target file" -- trace "${S[@]}" -f "$work/missing.txt"
# Dual-stack host lines: one IPv4 and one IPv6 host address.
printf '198.18.0.1 2001:2::1\n198.18.0.2 198.18.0.3\n' >"$work/pair_family.txt"
printf '198.18.0.0/24 2001:2::1\n' >"$work/pair_prefix.txt"
expect 2 "pair_family.txt:2: '198.18.0.2 198.18.0.3' names two addresses of one family" -- \
  trace "${S[@]}" --allow-reserved 198.18.0.0/15,2001:2::/48 -f "$work/pair_family.txt"
expect 2 "'198.18.0.0/24': " -- trace "${S[@]}" --allow-reserved 198.18.0.0/15,2001:2::/48 -f "$work/pair_prefix.txt"
expect 2 "holds 3 words" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15,2001:2::/48 "198.18.0.1,2001:2::1,2001:2::2"
expect 2 "more than --max-targets" -- scan "${S[@]}" --allow-reserved 198.18.0.0/15 --max-targets 1000 198.18.0.0/15
expect 3 "reserved range 198.18.0.0/15" -- trace "${S[@]}" 198.18.0.1
expect 3 "reserved range 10.0.0.0/8" -- scan "${S[@]}" 10.1.2.3
expect 3 "reserved range 224.0.0.0/4" -- scan "${S[@]}" 224.0.0.1
# Flags.
expect 2 "bad TTL '0'" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 --ttl 0-5 198.18.0.1
expect 2 "bad TTL '256'" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 --ttl 1-256 198.18.0.1
expect 2 "MIN > MAX" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 --ttl 9-3 198.18.0.1
expect 2 "bad rate '0'" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 -r 0 198.18.0.1
expect 2 "bad port '0'" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 -p 0 198.18.0.1
expect 2 "bad port '65536'" -- scan "${S[@]}" --allow-reserved 198.18.0.0/15 -p 65536 198.18.0.1
expect 2 "--attempts" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 --attempts 5 198.18.0.1
expect 2 "unknown option '--bogus'" -- trace "${S[@]}" --bogus 198.18.0.1
expect 2 "needs a value" -- trace "${S[@]}" 198.18.0.1 --rate
expect 2 "unknown probe type" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 --probe udp 198.18.0.1
expect 2 "explicit --seed" -- scan "${S[@]}" --allow-reserved 198.18.0.0/15 --shards 4 --shard 1 198.18.0.1
expect 2 "not below --shards" -- scan "${S[@]}" --allow-reserved 198.18.0.0/15 --seed 1 --shards 4 --shard 4 198.18.0.1
expect 2 "one TTL" -- scan "${S[@]}" --allow-reserved 198.18.0.0/15 --ttl 1-5 198.18.0.1
expect 2 "needs the test port" -- locate --allow-reserved 198.18.0.0/15 198.18.0.1
expect 2 "is the test port" -- locate --allow-reserved 198.18.0.0/15 -p 25 --control-port 25 198.18.0.1
# --asn-db: a missing, empty, unrecognised or malformed database is refused before anything
# is sent, naming the file (and the line).
printf '198.18.0.0\t15\t64500\n198.18.1.0\t33\t64501\n' >"$work/badlen.pfx2as"
printf '198.18.0.0\t15\t64500\n' >"$work/good.pfx2as"
printf 'hello\n' >"$work/garbage.db"
: >"$work/empty.db"
printf '\xab\xcd\xefMaxMind.com\x00' >"$work/truncated.mmdb"
for command in trace locate; do
  A=(--allow-reserved 198.18.0.0/15 -S 198.18.0.1)
  [[ $command == trace ]] && A+=(--dry-run)
  [[ $command == locate ]] && A+=(-p 25)
  expect 2 "--asn-db $work/missing.db: No such file or directory" -- \
    "$command" "${A[@]}" --asn-db "$work/missing.db" 198.19.1.1
  expect 2 "--asn-db $work/badlen.pfx2as:2: bad prefix length '33'" -- \
    "$command" "${A[@]}" --asn-db "$work/badlen.pfx2as" 198.19.1.1
  expect 2 "--asn-db $work/garbage.db: unknown format" -- \
    "$command" "${A[@]}" --asn-db "$work/good.pfx2as" --asn-db "$work/garbage.db" 198.19.1.1
  expect 2 "--asn-db $work/empty.db: empty file" -- "$command" "${A[@]}" --asn-db "$work/empty.db" 198.19.1.1
  expect 2 "--asn-db $work/truncated.mmdb: not a valid MaxMind DB" -- \
    "$command" "${A[@]}" --asn-db "$work/truncated.mmdb" 198.19.1.1
done
# --vantage NAME: 1 to 64 of A-Z a-z 0-9 . _ -, on every probing command.
expect 2 "bad --vantage 'a b' (1 to 64 characters of A-Z a-z 0-9 . _ -)" -- locate --allow-reserved 198.18.0.0/15 -p 25 --vantage "a b" 198.18.0.1
expect 2 "bad --vantage ''" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 --vantage "" 198.18.0.1
expect 2 "bad --vantage '$(printf 'v%.0s' {1..65})'" -- scan "${S[@]}" --allow-reserved 198.18.0.0/15 -p 25 --vantage "$(printf 'v%.0s' {1..65})" 198.18.0.1
expect 2 "unknown command" -- frobnicate
# Output.
expect 2 "cannot write output" -- trace "${S[@]}" --allow-reserved 198.18.0.0/15 -o "$work/no/such/dir/out.ndjson" 198.18.0.1
expect 4 "No space left on device" -- scan "${S[@]}" --allow-reserved 198.18.0.0/15 -o /dev/full 198.18.0.0/24
# Key files.
printf 'zz\n' >"$work/bad.key"
expect 2 "key file" -- match --pcap "$work/none.pcap" --key-file "$work/bad.key"
printf '000102030405060708090a0b0c0d0e0f\n' >"$work/good.key"
# Pcaps: missing, garbage, truncated mid-record, unsupported link type.
python3 - "$work" <<'PY'
import struct, sys
d = sys.argv[1]
hdr = lambda linktype: struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype)
rec = lambda data: struct.pack("<IIII", 1, 0, len(data), len(data)) + data
ip = bytes.fromhex("4500001c000100004001f70ec6120001c6130101") + bytes(8)
open(d + "/garbage.pcap", "wb").write(b"this is not a capture at all, sorry")
open(d + "/truncated.pcap", "wb").write(hdr(101) + rec(ip)[:30])
open(d + "/usb.pcap", "wb").write(hdr(189) + rec(ip))
open(d + "/ok.pcap", "wb").write(hdr(101) + rec(ip))
PY
expect 2 "cannot read pcap" -- match --pcap "$work/none.pcap" --key-file "$work/good.key"
expect 2 "cannot read pcap" -- match --pcap "$work/garbage.pcap" --key-file "$work/good.key"
# Read up to the cut (tests/cli/honest_input_test.sh has the rest): exit 0 and a warning.
expect 0 "truncated at byte 24" -- match --pcap "$work/truncated.pcap" --key-file "$work/good.key"
expect 2 "unsupported link type 189" -- match --pcap "$work/usb.pcap" --key-file "$work/good.key"
expect 2 "needs --pcap FILE and --key-file FILE" -- match --pcap "$work/ok.pcap"

# A truncated pcap still leaves only complete lines before the error.
"$CUTPOINT" match --pcap "$work/truncated.pcap" --key-file "$work/good.key" >"$work/partial" 2>/dev/null
python3 -c "
import json, sys
for line in open(sys.argv[1]):
    assert line.endswith('\n'); json.loads(line)
" "$work/partial" || { echo "FAIL: truncated pcap left a bad output line"; failures=$((failures + 1)); }

# Interrupt: a long dry run stopped by SIGINT ends with complete lines, a stats record
# with interrupted=true, and exit code 130.
cases=$((cases + 1))
"$CUTPOINT" scan "${S[@]}" --allow-reserved 198.18.0.0/15 -p 1-16 -o "$work/interrupted.ndjson" 198.18.0.0/15 2>/dev/null &
pid=$!
sleep 0.3
kill -INT "$pid"
wait "$pid"
code=$?
if [[ $code -ne 130 ]] || ! python3 -c "
import json, sys
lines = open(sys.argv[1]).read().split('\n')
assert lines[-1] == '', 'partial last line'
records = [json.loads(l) for l in lines[:-1]]
assert records[0]['type'] == 'meta' and records[-1]['type'] == 'stats', 'meta/stats framing'
assert records[-1]['interrupted'] is True, 'interrupted flag'
assert records[-1]['probes_unsent'] == 16 * 131072 - (len(records) - 2), 'resume point'
assert 1 < len(records) < 16 * 131072, 'stopped early'
" "$work/interrupted.ndjson"; then
  echo "FAIL: interrupted dry run (exit $code)"
  failures=$((failures + 1))
fi

# Unknown interface, inside an empty namespace of our own (needs root).
if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null; then
  netns=cpbad$$
  ip netns add "$netns"
  cases=$((cases + 1))
  ip netns exec "$netns" "$CUTPOINT" trace --allow-reserved 198.18.0.0/15 -i nosuchif0 -S 198.18.0.1 198.19.1.1 \
    >"$work/out" 2>"$work/err"
  code=$?
  if [[ $code -ne 2 ]] || ! grep -q "unknown interface 'nosuchif0'" "$work/err"; then
    echo "FAIL: unknown interface: exit $code, $(head -n 1 "$work/err")"
    failures=$((failures + 1))
  fi
fi

echo "cli.bad_input: $((cases - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
