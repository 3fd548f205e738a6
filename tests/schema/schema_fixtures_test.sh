#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# schema.fixtures: outputs made without the network, validated against docs/schema/ by
# validate_ndjson.py — the NDJSON fixtures, match and locate --from-pcap on the lab capture
# (with --asn-db, and cut short), --dry-run probes of trace, scan and locate (IPv4, IPv6,
# --vantage), sharded dry runs and their merge, and report --json. Then broken records the validator must reject.
set -uo pipefail
CUTPOINT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VALIDATE=(/usr/bin/python3 "$HERE/validate_ndjson.py")
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  echo "FAIL: /usr/bin/python3 has no jsonschema (apt-get install python3-jsonschema; tools/setup.sh)"
  exit 1
fi
work=$(mktemp -d /tmp/cutpoint-schema.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
run() {  # run OUT ARGS...: cutpoint ARGS > OUT, failing on a non-zero exit
  local out=$1
  shift
  "$CUTPOINT" "$@" >"$out" 2>"$out.err" || fail "cutpoint $* exited $?: $(head -n 2 "$out.err")"
}

FIX=$ROOT/tests/fixtures
PCAP=$FIX/match/locate_rst_lab.pcap
KEY=$FIX/match/locate_rst_lab.key
LOCATE=(locate --allow-reserved 198.18.0.0/15 --key-file "$KEY" -S 198.18.0.1 -p 25 --control-port 443
        --ttl 1-5 -q)

# The golden fixtures of a real capture; their stats records are trimmed (no duration_s).
# (tests/fixtures/report/ holds hand-written, abbreviated locate outputs — no stats counters,
# a silent_drop without scope or cut_prefix — so only report's output from them is checked.)
for f in "$FIX"/match/*.ndjson; do
  grep -v '"type":"stats"' "$f" >"$work/fixture-$(basename "$f")"
done

run "$work/match.ndjson" match --pcap "$PCAP" --key-file "$KEY" -S 198.18.0.1
run "$work/match-p.ndjson" match --pcap "$PCAP" --key-file "$KEY" -S 198.18.0.1 -p 25 -p 443
run "$work/locate.ndjson" "${LOCATE[@]}" --from-pcap "$PCAP" 198.19.1.0/30
run "$work/locate-vantage.ndjson" "${LOCATE[@]}" --from-pcap "$PCAP" --vantage lab-A 198.19.1.0/30
printf '198.18.0.0\t15\t64500\n198.18.1.0\t24\t64501_64502\n' >"$work/lab.pfx2as"
printf '198.18.2.0\t198.18.2.255\t64503\tDE\tBEFORE-NET "quoted"\n198.19.1.0\t198.19.1.3\t64510\tNL\tTARGET-NET\n198.19.1.4\t198.19.1.9\t64511\tNL\tRANGE-NET\n198.19.2.0\t198.19.2.9\t0\tNone\tNot routed\n' \
  >"$work/lab-ip2asn.tsv"
run "$work/locate-asn.ndjson" "${LOCATE[@]}" --from-pcap "$PCAP" --asn-db "$work/lab.pfx2as" \
  --asn-db "$work/lab-ip2asn.tsv" 198.19.1.0/30
grep '"from_asns":\[64501,64502\]' "$work/locate-asn.ndjson" >/dev/null || fail "locate --asn-db: no AS fields"
# A capture cut short: capture_truncated in stats, inconclusive verdicts.
size=$(stat -c %s "$PCAP")
head -c $((size * 3 / 5 + 3)) "$PCAP" >"$work/cut.pcap"
"$CUTPOINT" "${LOCATE[@]}" --from-pcap "$work/cut.pcap" 198.19.1.0/30 >"$work/locate-cut.ndjson" \
  2>/dev/null || fail "locate --from-pcap of a cut capture exited $?"

# Dry runs: probe records (IPv4, IPv6, TCP and ICMP), meta with blocklists / reserved fields.
printf '198.18.7.0/30\n' >"$work/block.txt"
run "$work/dry-trace.ndjson" trace --dry-run --allow-reserved 198.18.0.0/15 -S 198.18.0.1 \
  --ttl 1-4 198.19.1.0/30
run "$work/dry-scan.ndjson" scan --dry-run --allow-reserved 198.18.0.0/15 -S 198.18.0.1 -p 80 \
  -p 443 -b "$work/block.txt" 198.18.7.0/29
run "$work/dry-scan-skip.ndjson" scan --dry-run -S 1.2.3.4 -p 80 --skip-reserved --rate 1000 \
  192.0.2.0/30 8.8.8.8
run "$work/dry-scan6.ndjson" scan --dry-run --allow-reserved 198.18.0.0/15 \
  --allow-reserved 2001:2::/48 -S 198.18.0.1,2001:2::1 -p 25 --probe tcp-syn,icmp-echo \
  --vantage dry-1 198.19.1.0/31 2001:2:0:ff00::170
grep '"target":"2001:2:0:ff00::170"' "$work/dry-scan6.ndjson" >/dev/null || fail "no IPv6 probe records"

# Sharded dry runs (seed, shards, shard in meta) and their merge (merged_shards).
for i in 0 1; do
  run "$work/dry-shard$i.ndjson" scan --dry-run --allow-reserved 198.18.0.0/15 -S 198.18.0.1 \
    -p 25 --seed 5 --shards 2 --shard "$i" --key-file "$work/shard.key" 198.19.1.0/29
done
run "$work/merged.ndjson" merge -q "$work/dry-shard1.ndjson" "$work/dry-shard0.ndjson"
head -n 1 "$work/merged.ndjson" | grep '"merged_shards":2' >/dev/null || fail "merge: no merged_shards"

# report --json: vantage_diff and vantage_summary.
run "$work/report.ndjson" report --json "$FIX/report/upstream-a.ndjson" "$FIX/report/upstream-b.ndjson"
run "$work/report2.ndjson" report --json "$work/locate-vantage.ndjson" "$work/locate-cut.ndjson"

for f in "$work"/*.ndjson; do
  [[ -s $f ]] || fail "$(basename "$f") is empty"
done
"${VALIDATE[@]}" "$work"/*.ndjson || fail "real outputs do not match docs/schema/"
for t in meta reply verdict cut probe stats vantage_diff vantage_summary; do
  grep -h "\"type\":\"$t\"" "$work"/*.ndjson >/dev/null || fail "no $t record was validated"
done

# Negative checks: each broken record must be rejected (exit 1, naming FILE:LINE).
reject() {  # reject DESCRIPTION JSON
  printf '%s\n' "$2" >"$work/bad.json"
  "${VALIDATE[@]}" -q "$work/bad.json" >"$work/bad.out" 2>&1
  local status=$?
  if [[ $status -ne 1 ]]; then
    fail "validator accepted $1 (exit $status)"
  elif ! grep -q "bad.json:1: " "$work/bad.out"; then
    fail "validator's report for $1 names no FILE:LINE: $(cat "$work/bad.out")"
  fi
}
reply=$(grep -m1 '"type":"reply"' "$work/match.ndjson")
verdict=$(grep -m1 '"type":"verdict"' "$work/locate.ndjson")
stats=$(tail -n 1 "$work/locate.ndjson")
meta=$(head -n 1 "$work/locate.ndjson")
edit() {  # edit JSON PYTHON-STATEMENT-ON-r
  /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); exec(sys.argv[2]); print(json.dumps(r))' "$1" "$2"
}
reject "a reply without rtt_us" "$(edit "$reply" 'del r["rtt_us"]')"
reject "a reply of an unknown kind" "$(edit "$reply" 'r["kind"]="syn_ack_maybe"')"
reject "a reply with an IPv4-mapped from" "$(edit "$reply" 'r["from"]="::ffff:198.18.1.2"')"
reject "a reply with a null field" "$(edit "$reply" 'r["tcp_window"]=None')"
reject "a verdict of an unknown kind" "$(edit "$verdict" 'r["verdict"]="filtered"')"
reject "a verdict without confidence" "$(edit "$verdict" 'del r["confidence"]')"
reject "an rst_injection verdict with a made-up mechanism" \
  "$(edit "$verdict" 'r["verdict"]="rst_injection"; r["mechanism"]="sideways"')"
reject "a verdict with an unknown scope" "$(edit "$verdict" 'r["scope"]="planet"')"
blocked=$(grep -m1 '"verdict":"rst_injection"' "$work/locate.ndjson")
reject "a blocking verdict without scope" "$(edit "$blocked" 'del r["scope"]')"
reject "a cut of a reachable verdict" "$(edit "$(grep -m1 '"type":"cut"' "$work/locate.ndjson")" 'r["verdict"]="reachable"')"
reject "a stats record without matched" "$(edit "$stats" 'del r["matched"]')"
reject "a stats record with a string count" "$(edit "$stats" 'r["probes_sent"]="120"')"
reject "a meta record of schema 2" "$(edit "$meta" 'r["schema"]=2')"
reject "a meta record with an unknown command" "$(edit "$meta" 'r["command"]="ping"')"
shard_meta=$(head -n 1 "$work/dry-shard0.ndjson")
reject "a shard's meta record without its seed" "$(edit "$shard_meta" 'del r["seed"]')"
reject "a meta record both one shard and merged" "$(edit "$shard_meta" 'r["merged_shards"]=2')"
reject "a meta record with shards but neither shard nor merged_shards" \
  "$(edit "$shard_meta" 'del r["shard"]')"
reject "a record of an unknown type" '{"type":"verdicts","target":"198.19.1.2"}'
reject "a record without a type" '{"target":"198.19.1.2"}'
reject "a status object missing eta_s" \
  '{"type":"status","elapsed_s":1.0,"probes_total":4,"probes_sent":4,"percent_done":100,"send_pps":4,"recv_pps":4,"matched":1,"successes":1,"hit_rate_percent":25,"capture_drops":0}'
reject "a line that is not JSON" '{"type":"reply",'

if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "schema.fixtures: ok"
