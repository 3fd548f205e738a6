#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `cutpoint report` on hand-written locate outputs of two vantages (one tagged with
# --vantage, one named by its file), text and --json compared exactly; and malformed
# inputs: a non-zero exit and a message naming FILE:LINE, never a crash.
set -uo pipefail
CUTPOINT=$1
FIXTURES=$(cd "$(dirname "$0")/../fixtures/report" && pwd)
work=$(mktemp -d /tmp/cutpoint-report.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cp "$FIXTURES/upstream-a.ndjson" "$FIXTURES/upstream-b.ndjson" "$work/"
cd "$work" || exit 1

"$CUTPOINT" report upstream-a.ndjson upstream-b.ndjson >text.out 2>text.err || fail "report: exit $?"
cat >text.expected <<'END'
vantages A, upstream-b.ndjson: 3 targets on TCP 25 blocked from A and open from upstream-b.ndjson, 0 blocked from upstream-b.ndjson and open from A, 1 agree, 1 undecided
198.19.1.101 TCP 25: blocked from vantage A (silent drop after hop 2, 198.18.1.2), open from vantage upstream-b.ndjson (reachable)
198.19.1.102 TCP 25: blocked from vantage A (rst injection in-path after hop 2, 198.18.1.2), open from vantage upstream-b.ndjson (closed)
2001:2:0:1::65 TCP 25: blocked from vantage A (silent drop after hop 2, 2001:2:0:1::2), open from vantage upstream-b.ndjson (reachable)
END
diff -u text.expected text.out || fail "report text differs"
[[ -s text.err ]] && fail "report wrote to stderr: $(cat text.err)"

"$CUTPOINT" report --json upstream-a.ndjson upstream-b.ndjson >json.out || fail "report --json: exit $?"
cat >json.expected <<'END'
{"type":"vantage_diff","target":"198.19.1.101","port":25,"blocked_from":["A"],"open_from":["upstream-b.ndjson"],"vantages":{"A":{"verdict":"silent_drop","after_ttl":2,"after_addr":"198.18.1.2","scope":"host","cut_prefix":"198.19.1.101/32","source":"upstream-a.ndjson:4"},"upstream-b.ndjson":{"verdict":"reachable","source":"upstream-b.ndjson:3"}}}
{"type":"vantage_diff","target":"198.19.1.102","port":25,"blocked_from":["A"],"open_from":["upstream-b.ndjson"],"vantages":{"A":{"verdict":"rst_injection","mechanism":"in_path","after_ttl":2,"after_addr":"198.18.1.2","scope":"host","cut_prefix":"198.19.1.102/32","source":"upstream-a.ndjson:5"},"upstream-b.ndjson":{"verdict":"closed","source":"upstream-b.ndjson:4"}}}
{"type":"vantage_diff","target":"2001:2:0:1::65","port":25,"blocked_from":["A"],"open_from":["upstream-b.ndjson"],"vantages":{"A":{"verdict":"silent_drop","after_ttl":2,"after_addr":"2001:2:0:1::2","source":"upstream-a.ndjson:7"},"upstream-b.ndjson":{"verdict":"reachable","source":"upstream-b.ndjson:6"}}}
{"type":"vantage_summary","port":25,"vantages":["A","upstream-b.ndjson"],"targets":5,"differ":3,"agree":1,"undecided":1,"blocked_open":[{"blocked_from":"A","open_from":"upstream-b.ndjson","targets":3},{"blocked_from":"upstream-b.ndjson","open_from":"A","targets":0}]}
END
diff -u json.expected json.out || fail "report --json differs"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' json.out || fail "report --json: not NDJSON"

# expect_error CODE PATTERN FILE...: the exit code, and "cutpoint: " + PATTERN on stderr.
expect_error() {
  local code=$1 pattern=$2
  shift 2
  "$CUTPOINT" report "$@" >err.out 2>err.err
  local got=$?
  local first
  first=$(head -n 1 err.err)
  if [[ $got -ne $code ]]; then
    fail "report $*: exit $got, expected $code ($first)"
  elif [[ $first != "cutpoint: $pattern"* ]]; then
    fail "report $*: stderr '$first' does not start with 'cutpoint: $pattern'"
  elif [[ -s err.out ]]; then
    fail "report $*: wrote output on error"
  fi
}

head -n 3 upstream-a.ndjson >broken.ndjson
printf '{"type":"verdict","target":"198.19.1.102","port":25,"verdict":\n' >>broken.ndjson
expect_error 2 "broken.ndjson:4: not valid JSON" broken.ndjson upstream-b.ndjson
head -c -1 upstream-b.ndjson >cut.ndjson
expect_error 2 "cut.ndjson:7: the last line is cut short" upstream-a.ndjson cut.ndjson
sed '2s/"target":"198.19.1.100",//' upstream-b.ndjson >missing.ndjson
expect_error 2 "missing.ndjson:2: verdict record without 'target'" upstream-a.ndjson missing.ndjson
sed '3s/"verdict":"reachable"/"verdict":"blocked"/' upstream-b.ndjson >unknown.ndjson
expect_error 2 "unknown.ndjson:3: unknown verdict 'blocked'" upstream-a.ndjson unknown.ndjson
printf '\x00\xff garbage\n' >binary.ndjson
expect_error 2 "binary.ndjson:1: not valid JSON" upstream-a.ndjson binary.ndjson
expect_error 2 "a report compares at least two vantages" --json upstream-a.ndjson
# One vantage as text: the accused targets with where they were cut, the rest counted.
"$CUTPOINT" report upstream-a.ndjson >one.out || fail "report of one vantage: exit $?"
grep -q '^198.19.1.102      25  rst_injection (in_path)  after hop 2 (198.18.1.2) – before hop 3 (198.18.2.2)' one.out ||
  fail "report of one vantage: no rst_injection row: $(cat one.out)"
[[ $(tail -n 1 one.out) == "1 more target reachable" ]] || fail "report of one vantage: last line $(tail -n 1 one.out)"
# The other views of the same file; --target narrows any of them to one address.
"$CUTPOINT" report --format csv upstream-a.ndjson >one.csv || fail "--format csv: exit $?"
[[ $(wc -l <one.csv) -eq 6 ]] || fail "--format csv: want a header and 5 rows, got $(wc -l <one.csv) lines"
"$CUTPOINT" report --format markdown --target 198.19.1.101 upstream-a.ndjson >one.md || fail "--format markdown: exit $?"
grep -q '^| 198.19.1.101 | 25 | silent_drop |' one.md || fail "--format markdown --target: $(cat one.md)"
grep -q '198.19.1.102' one.md && fail "--target 198.19.1.101 also shows 198.19.1.102"
"$CUTPOINT" report --format dot upstream-a.ndjson >one.dot || fail "--format dot: exit $?"
head -n 1 one.dot | grep -q '^digraph' || fail "--format dot: $(head -n 1 one.dot)"
# --asn-db: the hops and targets the records leave unannotated get their AS.
printf '198.18.1.0\t198.18.1.255\t64501\tNL\tTRANSIT-A\n198.19.1.0\t198.19.1.255\t64510\tCH\tTARGET-NET\n' >asn.tsv
"$CUTPOINT" report --asn-db asn.tsv upstream-a.ndjson >asn.out || fail "report --asn-db: exit $?"
grep -q '^198.19.1.101 .* after hop 2 (198.18.1.2, AS64501) .*AS64510' asn.out ||
  fail "report --asn-db: no AS in the silent_drop row: $(cat asn.out)"
expect_error 2 "--asn-db nonexistent.tsv: No such file or directory" --asn-db nonexistent.tsv upstream-a.ndjson
# A trace's output: an mtr-like hop table per target.
cp "$FIXTURES/trace_small.ndjson" .
"$CUTPOINT" report trace_small.ndjson >trace.out || fail "report of a trace: exit $?"
[[ $(head -n 1 trace.out) == "198.19.1.2 (trace trace_small.ndjson)" ]] || fail "trace view: $(head -n 1 trace.out)"
grep -Eq '^  2  198\.18\.1\.2 +2/4 +50%' trace.out || fail "trace view: no TTL 2 row: $(cat trace.out)"
expect_error 2 "--format csv lists locate verdicts, and the input has none" --format csv trace_small.ndjson
"$CUTPOINT" report --format atlas - <trace_small.ndjson >stdin.atlas || fail "report - (stdin): exit $?"
"$CUTPOINT" report --format atlas trace_small.ndjson | cmp -s - stdin.atlas || fail "report - differs from the file's"
[[ -s stdin.atlas ]] || fail "report --format atlas: empty"
expect_error 2 "--target 198.19.9.9: the input has no record of it" --target 198.19.9.9 upstream-a.ndjson
expect_error 2 "--target must be an address (got 'x')" --target x upstream-a.ndjson
expect_error 2 "--all is for --format text or markdown" --all --format csv upstream-a.ndjson
expect_error 2 "cannot read 'nonexistent.ndjson'" upstream-a.ndjson nonexistent.ndjson
expect_error 2 "report needs the NDJSON outputs"
expect_error 2 "unknown option" --bogus upstream-a.ndjson
# The same vantage twice with a different finding: refused, naming both records.
sed 's/"reachable","distance":3/"silent_drop","distance":3/; 1s/"schema"/"vantage":"B","schema"/' \
  upstream-b.ndjson >b-again.ndjson
sed '1s/"schema"/"vantage":"B","schema"/' upstream-b.ndjson >b.ndjson
expect_error 2 "198.19.1.101 TCP 25 is judged twice from vantage B: reachable (b.ndjson:3) and silent_drop (b-again.ndjson:3)" \
  upstream-a.ndjson b.ndjson b-again.ndjson
# ... but the same finding twice counts once.
"$CUTPOINT" report upstream-a.ndjson b.ndjson b.ndjson >twice.out || fail "identical repeat refused"
head -n 1 twice.out | grep -q '^vantages A, B: 3 targets' || fail "identical repeat: $(head -n 1 twice.out)"

# -o FILE.html: one self-contained page, nothing on stdout; bad input is refused the same
# way (FILE:LINE, exit 2) and leaves no page behind.
"$CUTPOINT" report upstream-a.ndjson upstream-b.ndjson -o page.html >html.out 2>html.err ||
  fail "report -o page.html: exit $?"
[[ -s html.out || -s html.err ]] && fail "report -o page.html wrote to stdout/stderr"
head -c 15 page.html | grep -q '^<!DOCTYPE html>' || fail "page.html is not an HTML page"
grep -q '<tr data-verdict="silent_drop">.*<td class="count">2</td>' page.html ||
  fail "page.html: no summary count of 2 silent drops"
grep -Eq ' (src|href)=|url\(' page.html && fail "page.html names an external resource"
"$CUTPOINT" report --format html upstream-a.ndjson >stdout.html || fail "report --format html: exit $?"
head -c 15 stdout.html | grep -q '^<!DOCTYPE html>' || fail "--format html does not write HTML to stdout"
expect_error 2 "broken.ndjson:4: not valid JSON" broken.ndjson -o bad.html
[[ -e bad.html ]] && fail "a refused report left bad.html"
expect_error 2 "cut.ndjson:7: the last line is cut short" cut.ndjson -o bad.html
expect_error 2 "--format must be text, markdown, csv, dot, atlas, json or html (got 'xml')" --format xml upstream-a.ndjson
expect_error 2 "--json and --format html contradict each other" --json --format html upstream-a.ndjson

echo "cli.report: $failures failed"
[[ $failures -eq 0 ]]
