#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Golden tests: a capture in, NDJSON out, compared byte for byte (times come from the
# capture and the key from the fixture, so the output is stable). The fixture is a real
# lab capture (`locate --pcap-out`, in-path RST filter at hop 2 for 198.19.1.2:25).
set -uo pipefail
CUTPOINT=$1
FIXTURES=$(cd "$(dirname "$0")/../fixtures/match" && pwd)
work=$(mktemp -d /tmp/cutpoint-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0

"$CUTPOINT" match --pcap "$FIXTURES/locate_rst_lab.pcap" --key-file "$FIXTURES/locate_rst_lab.key" \
  -S 198.18.0.1 >"$work/match.ndjson" || failures=$((failures + 1))
# The meta record carries the start time and argv; the stats record the wall time.
sed 1d "$work/match.ndjson" | sed 's/"duration_s":[0-9.]*,//' >"$work/match.body"
if ! diff -u "$FIXTURES/locate_rst_lab.expected.ndjson" "$work/match.body"; then
  echo "FAIL: match output differs from the golden file"
  failures=$((failures + 1))
fi

"$CUTPOINT" locate --allow-reserved 198.18.0.0/15 --from-pcap "$FIXTURES/locate_rst_lab.pcap" \
  --key-file "$FIXTURES/locate_rst_lab.key" -S 198.18.0.1 -p 25 --control-port 443 --ttl 1-5 -q \
  198.19.1.0/30 | grep -E '"type":"(verdict|cut)"' >"$work/verdicts" || failures=$((failures + 1))
if ! diff -u "$FIXTURES/locate_rst_lab.verdicts.ndjson" "$work/verdicts"; then
  echo "FAIL: locate --from-pcap verdicts differ from the golden file"
  failures=$((failures + 1))
fi

# Judging a capture sends nothing: no --allow-reserved needed for the lab's reserved
# targets, and the verdicts are the same.
"$CUTPOINT" locate --from-pcap "$FIXTURES/locate_rst_lab.pcap" \
  --key-file "$FIXTURES/locate_rst_lab.key" -S 198.18.0.1 -p 25 --control-port 443 --ttl 1-5 -q \
  198.19.1.0/30 2>"$work/noconsent.err" | grep -E '"type":"(verdict|cut)"' >"$work/verdicts2" ||
  { echo "FAIL: locate --from-pcap without --allow-reserved: $(cat "$work/noconsent.err")"; failures=$((failures + 1)); }
if ! diff -u "$FIXTURES/locate_rst_lab.verdicts.ndjson" "$work/verdicts2"; then
  echo "FAIL: locate --from-pcap without --allow-reserved gives other verdicts"
  failures=$((failures + 1))
fi
# ...but never a range no flag unlocks (it could not have been probed).
if "$CUTPOINT" locate --from-pcap "$FIXTURES/locate_rst_lab.pcap" \
    --key-file "$FIXTURES/locate_rst_lab.key" -S 198.18.0.1 -p 25 -q 127.0.0.1 \
    >/dev/null 2>"$work/loopback.err"; then
  echo "FAIL: locate --from-pcap accepted a loopback target"
  failures=$((failures + 1))
fi

# The wrong key matches nothing: every reply is rejected, none is written.
printf '00112233445566778899aabbccddeeff\n' >"$work/wrong.key"
"$CUTPOINT" match --pcap "$FIXTURES/locate_rst_lab.pcap" --key-file "$work/wrong.key" -S 198.18.0.1 \
  >"$work/wrong.ndjson"
if grep -q '"type":"reply"' "$work/wrong.ndjson" || ! tail -n 1 "$work/wrong.ndjson" | grep -q '"matched":0,"rejected":120'; then
  echo "FAIL: a wrong key must reject every reply: $(tail -n 1 "$work/wrong.ndjson")"
  failures=$((failures + 1))
fi

# With the run's plan (-p/--probe) the same replies match; the meta record drops its notes.
"$CUTPOINT" match --pcap "$FIXTURES/locate_rst_lab.pcap" --key-file "$FIXTURES/locate_rst_lab.key" \
  -S 198.18.0.1 -p 25,443 --probe tcp-syn,icmp-echo >"$work/plan.ndjson" || failures=$((failures + 1))
if ! diff -q <(grep '"type":"reply"' "$work/match.ndjson") <(grep '"type":"reply"' "$work/plan.ndjson") >/dev/null ||
   head -n 1 "$work/plan.ndjson" | grep -q '"notes"' ||
   ! head -n 1 "$work/match.ndjson" | grep -q '"notes":\["no --probe: replies of any probe type accepted","no --port: TCP replies for any port accepted"\]'; then
  echo "FAIL: match with the run's plan must write the same replies, and notes only without it"
  failures=$((failures + 1))
fi
# A narrower plan rejects the rest as out of plan: port 25 and ICMP replies are not written.
"$CUTPOINT" match --pcap "$FIXTURES/locate_rst_lab.pcap" --key-file "$FIXTURES/locate_rst_lab.key" \
  -S 198.18.0.1 -p 443 --probe tcp-syn >"$work/narrow.ndjson" || failures=$((failures + 1))
narrow_expected=$(grep -c '"probe":"tcp-syn","port":443' "$work/match.ndjson")
if grep -q '"port":25,\|"probe":"icmp-echo"' <(grep '"type":"reply"' "$work/narrow.ndjson") ||
   [[ $(grep -c '"type":"reply"' "$work/narrow.ndjson") -ne $narrow_expected ]] ||
   ! tail -n 1 "$work/narrow.ndjson" | grep -q "\"rejected\":$((120 - narrow_expected)),.*\"out_of_plan\":$((120 - narrow_expected)),"; then
  echo "FAIL: match -p 443 --probe tcp-syn: $(tail -n 1 "$work/narrow.ndjson")"
  failures=$((failures + 1))
fi

echo "cli.golden: $((5 - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
