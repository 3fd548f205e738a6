#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --asn-db on a capture judged offline (locate --from-pcap: nothing is sent): the meta
# record names the databases, replies and verdicts carry the AS fields, and without those
# fields the records are byte for byte those of a run without --asn-db.
set -uo pipefail
CUTPOINT=$1
FIXTURES=$(cd "$(dirname "$0")/../fixtures/match" && pwd)
work=$(mktemp -d /tmp/cutpoint-asn.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# The lab: hop 2 is 198.18.1.2, hop 3 198.18.2.2, the targets 198.19.1.0/30.
printf '# routeviews-style\n198.18.0.0\t15\t64500\n198.18.1.0\t24\t64501_64502\n' >"$work/lab.pfx2as"
printf '198.18.2.0\t198.18.2.255\t64503\tDE\tBEFORE-NET "quoted"\n198.19.1.0\t198.19.1.3\t64510\tNL\tTARGET-NET\n198.19.2.0\t198.19.2.9\t0\tNone\tNot routed\n' \
  >"$work/lab-ip2asn.tsv"

run_locate() {
  "$CUTPOINT" locate --from-pcap "$FIXTURES/locate_rst_lab.pcap" --key-file "$FIXTURES/locate_rst_lab.key" \
    -S 198.18.0.1 -p 25 --control-port 443 --ttl 1-5 -q "$@" 198.19.1.0/30
}
run_locate >"$work/plain.ndjson" || fail "locate without --asn-db"
run_locate --asn-db "$work/lab.pfx2as" --asn-db "$work/lab-ip2asn.tsv" >"$work/asn.ndjson" ||
  fail "locate --asn-db"

has() {  # has FILE TYPE PATTERN: some record of TYPE contains PATTERN
  # No grep -q: under pipefail, its early exit would fail the first grep with SIGPIPE.
  grep "\"type\":\"$2\"" "$1" | grep -F -- "$3" >/dev/null || fail "no $2 record with $3"
}
size=$(stat -c %s "$work/lab.pfx2as")
has "$work/asn.ndjson" meta "\"asn_dbs\":[{\"path\":\"$work/lab.pfx2as\",\"format\":\"pfx2as\",\"size\":$size,\"mtime\":\"20"
has "$work/asn.ndjson" meta "\"format\":\"ip2asn\",\"size\":"
has "$work/asn.ndjson" meta "\"entries\":2}]"
has "$work/asn.ndjson" reply '"from":"198.18.1.2"'
has "$work/asn.ndjson" reply '"from_asn":64501,"from_asns":[64501,64502],"from_as_name":"","from_prefix":"198.18.1.0/24"}'
has "$work/asn.ndjson" reply '"from_asn":64510,"from_as_name":"TARGET-NET","from_prefix":"198.19.1.0/30"}'
has "$work/asn.ndjson" verdict '"target":"198.19.1.2"'
has "$work/asn.ndjson" verdict '"target_asn":64510,"target_as_name":"TARGET-NET","target_prefix":"198.19.1.0/30","after_asn":64501,"after_asns":[64501,64502],"after_as_name":"","before_asn":64503,"before_as_name":"BEFORE-NET \"quoted\""}'
has "$work/asn.ndjson" cut '"target_asn":64510,"target_as_name":"TARGET-NET","target_prefix":"198.19.1.0/30","after_asn":64501'
grep -q '"asn_dbs"\|_asn"' "$work/plain.ndjson" && fail "a run without --asn-db has AS fields"

# Without the AS fields (and the meta record, which differs in argv and time), the same bytes.
strip() {
  python3 -c '
import json, sys
for line in sys.stdin:
    record = json.loads(line)
    record.pop("duration_s", None)
    if record["type"] == "meta":
        continue
    for key in [k for k in record if k.endswith(("_asn", "_asns", "_as_name")) or k in ("from_prefix", "target_prefix")]:
        del record[key]
    print(json.dumps(record, separators=(",", ":"), ensure_ascii=False))'
}
if ! diff <(strip <"$work/asn.ndjson") <(strip <"$work/plain.ndjson") >"$work/diff"; then
  fail "annotated records differ beyond the AS fields: $(head -n 4 "$work/diff")"
fi
# Every annotated line is still JSON (names are escaped).
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)
' "$work/asn.ndjson" || fail "annotated output is not NDJSON"

echo "cli.asn_annotation: $failures failed"
[[ $failures -eq 0 ]]
