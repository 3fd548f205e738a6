#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# locate --format text|markdown|csv on the lab capture (judged offline: nothing is sent):
# the accused target first with its location and evidence, the reachable ones counted;
# --all lists them; AS numbers with --asn-db; --all refused without a text format.
set -uo pipefail
CUTPOINT=$1
FIXTURES=$(cd "$(dirname "$0")/../fixtures/match" && pwd)
work=$(mktemp -d /tmp/cutpoint-text-formats.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

run_locate() {
  "$CUTPOINT" locate --from-pcap "$FIXTURES/locate_rst_lab.pcap" --key-file "$FIXTURES/locate_rst_lab.key" \
    -S 198.18.0.1 -p 25 --control-port 443 --ttl 1-5 -q "$@" 198.19.1.0/30
}
printf '198.18.1.0\t24\t64501\n198.19.1.0\t24\t64510\n' >"$work/lab.pfx2as"

run_locate --format text >"$work/text" || fail "--format text"
expected_head='TARGET      PORT  VERDICT                  LOCATION                                              EVIDENCE
198.19.1.2    25  rst_injection (in_path)  after hop 2 (198.18.1.2) – before hop 3 (198.18.2.2)  rst_ttl_differs: RST arrived with IP TTL 63; the target'"'"'s own TCP replies arrive with TTL 61
3 more targets reachable'
[[ "$(head -3 "$work/text")" == "$expected_head" ]] || { fail "text table"; cat "$work/text"; }

run_locate --format text --all >"$work/all" || fail "--format text --all"
[[ $(grep -c '^198\.19\.1\.' "$work/all") -eq 4 ]] || { fail "--all: not every target"; cat "$work/all"; }

run_locate --format markdown --asn-db "$work/lab.pfx2as" >"$work/md" || fail "--format markdown"
[[ "$(sed -n 2p "$work/md")" == '|---|---:|---|---|---|---|' ]] || { fail "markdown alignment row"; cat "$work/md"; }
grep -F '| 198.19.1.2 | 25 | rst_injection (in_path) | after hop 2 (198.18.1.2, AS64501) – before hop 3 (198.18.2.2) | AS64510 |' \
  "$work/md" >/dev/null || { fail "markdown row with AS"; cat "$work/md"; }

run_locate --format csv >"$work/csv" || fail "--format csv"
[[ $(wc -l <"$work/csv") -eq 5 ]] || { fail "csv: header and 4 rows"; cat "$work/csv"; }
grep -F '198.19.1.2,25,rst_injection,in_path,,2,198.18.1.2,3,198.18.2.2,' "$work/csv" >/dev/null ||
  { fail "csv row"; cat "$work/csv"; }

if run_locate --all >"$work/out" 2>"$work/err"; then fail "--all with NDJSON accepted"; fi

echo "cli.text_formats: $failures failed"
[[ $failures -eq 0 ]]
