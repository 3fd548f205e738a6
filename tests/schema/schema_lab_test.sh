#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# schema.lab: real live outputs validated against docs/schema/ (validate_ndjson.py). The
# story lab (tools/lab/lab.sh --scenario story: a silent drop behind r3a, an on-path RST
# injector on r3b, IPv4 and IPv6); every probe is sent from the lab's prober namespace.
#   locate over both families with --asn-db (ip2asn) and --vantage: meta, reply,
#     verdict, cut, stats, with AS fields;
#   scan with --status-file: reply records with status, and the status file itself;
#   trace (tcp-syn and icmp-echo, IPv4 and IPv6).
# Needs root (exit 77 otherwise).
set -uo pipefail
# shellcheck source=../lab/lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lab/lab_test_lib.sh"
lab_usage 3 "CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
INJECTOR=$3
HERE=$(cd "$(dirname "$0")" && pwd)
lab_test_init schema.lab ip
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  echo "schema.lab: FAIL: /usr/bin/python3 has no jsonschema (tools/setup.sh)" >&2
  exit 1
fi
lab_need_executable "$CUTPOINT" "$LISTENER" "$INJECTOR"
lab_workdir cutpoint-schema-lab
work=$LAB_WORK
chmod 0777 "$work"  # started as root, cutpoint runs as nobody and writes --status-file here
lab_up cps --scenario story --open-ports 25,443 --port 25 --listener "$LISTENER" \
  --injector "$INJECTOR"
read -r -a PREFIXES <<<"$TARGET_PREFIXES"
read -r -a PREFIXES6 <<<"$TARGET_PREFIXES6"
failures=0
fail() {
  echo "schema.lab: FAIL: $*" >&2
  failures=$((failures + 1))
}
RESERVED=(--allow-reserved 198.18.0.0/15 --allow-reserved 2001:2::/48)
in_lab() {  # in_lab NAME CUTPOINT-ARGS...: run cutpoint in the prober namespace
  local name=$1 rc
  shift
  timeout 180 ip netns exec "$PROBER_NS" "$CUTPOINT" "$@" 2>"$work/$name.stderr"
  rc=$?
  [[ $rc -eq 0 ]] || fail "$name exited with status $rc: $(tail -n 3 "$work/$name.stderr")"
}

# The lab's hops and networks in ip2asn format (as tools/demo.sh): AS fields on replies,
# verdicts and cuts.
{
  printf '%s\t%s\t64496\tZZ\tLAB-ACCESS r1\n' "$HOP_1" "$HOP_1"
  printf '%s\t%s\t64497\tZZ\tLAB-CORE r2\n' "$HOP_2" "$HOP_2"
  printf '%s\t%s\t64498\tZZ\tLAB-TRANSIT-ISP1 r3a\n' "$HOP_3" "$HOP_3"
  printf '%s\t%s\t64499\tZZ\tLAB-TRANSIT-ISP2 r3b\n' "$HOP_3B" "$HOP_3B"
  printf '198.19.1.0\t198.19.1.255\t64500\tZZ\tLAB-MAIL-A\n'
  printf '198.19.2.0\t198.19.2.9\t64501\tZZ\tLAB-MAIL-B\n'
} >"$work/lab-ip2asn.tsv"
chmod 0644 "$work/lab-ip2asn.tsv"

# locate: the filtered hosts (.101, .102 and their IPv6 twins) among their neighbours.
in_lab locate locate "${RESERVED[@]}" -i "$PROBER_IF" -S "$PROBER_ADDR" -S "$PROBER_ADDR6" \
  -p 25 --control-port 443 --ttl 1-6 --rate 20000 --key-file "$work/key" --vantage lab-A \
  --asn-db "$work/lab-ip2asn.tsv" -o "$work/locate.ndjson" \
  198.19.1.96/28 198.19.2.96/28 2001:2:0:ff00::160/124 2001:2:0:ff00::260/124

# scan with --status-file: 1024 probes at 400 pps, so the status file is written.
in_lab scan scan --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25,443,81,22 --rate 400 --cooldown 1 --key-file "$work/key" \
  --status-file "$work/status.json" -o "$work/scan.ndjson" "${PREFIXES[0]}"

# trace: TCP SYN and ICMP echo, both families.
in_lab trace trace "${RESERVED[@]}" -i "$PROBER_IF" -S "$PROBER_ADDR" -S "$PROBER_ADDR6" \
  -p 25,81 --probe tcp-syn,icmp-echo --ttl 1-5 --rate 20000 --cooldown 2 --key-file "$work/key" \
  -o "$work/trace.ndjson" 198.19.1.100/31 198.19.2.101 2001:2:0:ff00::164/127

for f in locate.ndjson scan.ndjson trace.ndjson status.json; do
  [[ -s $work/$f ]] || fail "$f is missing or empty"
done
/usr/bin/python3 "$HERE/validate_ndjson.py" "$work"/*.ndjson "$work/status.json" ||
  fail "live outputs do not match docs/schema/"

# What the validation covered: every record type of a live run, AS fields, scan status.
has() {  # has FILE PATTERN DESCRIPTION
  grep -F -- "$2" "$work/$1" >/dev/null || fail "$1 has no $3"
}
for t in meta reply verdict cut stats; do has locate.ndjson "\"type\":\"$t\"" "$t record"; done
has locate.ndjson '"verdict":"silent_drop"' "silent_drop verdict"
has locate.ndjson '"verdict":"rst_injection"' "rst_injection verdict"
has locate.ndjson '"target":"2001:2:0:ff00::' "IPv6 verdict"
has locate.ndjson '"target_asn":64500' "AS fields"
has scan.ndjson '"status":"open"' "open reply"
has scan.ndjson '"status":"closed"' "closed reply"
has status.json '"type":"status"' "status object"
has trace.ndjson '"kind":"time_exceeded"' "time exceeded reply"
has trace.ndjson '"kind":"echo_reply"' "echo reply"
has trace.ndjson '"ip_version":6' "IPv6 reply"

if ((failures > 0)); then
  echo "schema.lab: $failures failure(s)" >&2
  exit 1
fi
echo "schema.lab: ok ($(wc -l <"$work/locate.ndjson") locate, $(wc -l <"$work/scan.ndjson") scan, $(wc -l <"$work/trace.ndjson") trace records and the status file valid)"
