#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Honest input handling: input that can be used only in part is used as far as it goes and
# said so, never met with silence or nothing.
#  - A capture cut short (a copy of the lab fixture, truncated): `locate --from-pcap` and
#    `match` read up to the cut, as tcpdump does: exit 0, verdicts and replies from what is
#    there, a warning naming the byte offset, `capture_truncated: true` in the stats
#    record; through a pipe the offset is unknown but the rest holds.
#  - A wrong but valid --key-file: a one-line hint "0 of N reply-shaped packets
#    authenticated: wrong --key-file?" from match and locate --from-pcap; none with the
#    right key.
#  - `match` prints a summary line like the other commands (not with -q).
# Facts are relative (counts > 0, flags, texts), not bytes: the fixture may be re-recorded.
set -uo pipefail
CUTPOINT=$1
FIXTURES=$(cd "$(dirname "$0")/../fixtures/match" && pwd)
work=$(mktemp -d /tmp/cutpoint-honest-input.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
checks=0
PCAP=$FIXTURES/locate_rst_lab.pcap
KEY=$FIXTURES/locate_rst_lab.key
LOCATE=(locate --allow-reserved 198.18.0.0/15 --key-file "$KEY" -S 198.18.0.1 -p 25 --control-port 443 --ttl 1-5)
TARGETS=198.19.1.0/30

check() {  # STATUS DESCRIPTION: STATUS first, expanded before the description's $(...)
  checks=$((checks + 1))
  if [[ $1 -ne 0 ]]; then
    echo "FAIL: $2"
    failures=$((failures + 1))
  fi
}

# stats FILE FIELD: a field of the last (stats) record, as JSON text ("" if absent).
stats_field() {
  python3 -c '
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
assert last["type"] == "stats", "last record is not stats"
v = last.get(sys.argv[2])
print("" if v is None else json.dumps(v))' "$1" "$2"
}

size=$(stat -c %s "$PCAP")
cut=$((size * 3 / 5))
head -c "$cut" "$PCAP" >"$work/cut.pcap"
# The cut lands inside a record (else move it by a byte until it does).
for _ in 1 2 3 4 5 6 7 8; do
  "$CUTPOINT" match --pcap "$work/cut.pcap" --key-file "$KEY" -q >/dev/null 2>"$work/probe.err"
  grep -q "truncated at byte" "$work/probe.err" && break
  cut=$((cut + 1))
  head -c "$cut" "$PCAP" >"$work/cut.pcap"
done

# locate --from-pcap on the cut capture.
"$CUTPOINT" "${LOCATE[@]}" --from-pcap "$work/cut.pcap" -o "$work/locate.ndjson" "$TARGETS" \
  2>"$work/locate.err"
check $? "locate --from-pcap on a truncated capture exits $? (want 0): $(head -n 2 "$work/locate.err")"
verdicts=$(grep -c '"type":"verdict"' "$work/locate.ndjson")
[[ $verdicts -gt 0 ]]
check $? "locate --from-pcap on a truncated capture: $verdicts verdicts (want > 0)"
offset=$(stats_field "$work/locate.ndjson" truncated_at_byte)
grep -q "^cutpoint: warning: $work/cut.pcap is truncated at byte $offset: " "$work/locate.err"
check $? "locate: warning naming byte $offset missing: $(cat "$work/locate.err")"
[[ $(stats_field "$work/locate.ndjson" capture_truncated) == true && -n $offset && $offset -lt $cut && $offset -gt 24 ]]
check $? "locate: stats capture_truncated/truncated_at_byte wrong: $(tail -n 1 "$work/locate.ndjson")"
[[ $(stats_field "$work/locate.ndjson" matched) -gt 0 ]]
check $? "locate: no reply matched from the part before the cut"

# match on the cut capture: replies up to the cut, the same flags, a summary line.
"$CUTPOINT" match --pcap "$work/cut.pcap" --key-file "$KEY" -S 198.18.0.1 -o "$work/match.ndjson" \
  2>"$work/match.err"
check $? "match on a truncated capture exits $? (want 0)"
replies=$(grep -c '"type":"reply"' "$work/match.ndjson")
[[ $replies -gt 0 && $(stats_field "$work/match.ndjson" matched) -eq $replies ]]
check $? "match on a truncated capture: $replies replies (want > 0, = matched)"
[[ $(stats_field "$work/match.ndjson" capture_truncated) == true &&
   $(stats_field "$work/match.ndjson" truncated_at_byte) == "$offset" ]]
check $? "match: stats capture_truncated/truncated_at_byte wrong: $(tail -n 1 "$work/match.ndjson")"
grep -q "truncated at byte $offset" "$work/match.err"
check $? "match: no warning naming byte $offset: $(cat "$work/match.err")"
grep -Eq "^cutpoint match: [0-9]+ packets in [0-9.]+ s; $replies replies matched, 0 rejected, [0-9]+ unmatched, [0-9]+ malformed \(capture truncated\)$" "$work/match.err"
check $? "match: no summary line: $(cat "$work/match.err")"

# The whole capture: no warning, no flag; -q drops the summary line only.
"$CUTPOINT" match --pcap "$PCAP" --key-file "$KEY" -S 198.18.0.1 -o "$work/whole.ndjson" 2>"$work/whole.err"
check $? "match on the whole capture exits $?"
[[ -z $(stats_field "$work/whole.ndjson" capture_truncated) ]] && ! grep -q "truncated\|hint" "$work/whole.err"
check $? "match on the whole capture: a truncation flag or warning or hint: $(cat "$work/whole.err")"
grep -q "^cutpoint match: .* replies matched" "$work/whole.err"
check $? "match on the whole capture: no summary line"
"$CUTPOINT" match -q --pcap "$PCAP" --key-file "$KEY" -o "$work/quiet.ndjson" 2>"$work/quiet.err"
[[ ! -s $work/quiet.err ]]
check $? "match -q still printed: $(cat "$work/quiet.err")"

# Through a pipe: no offset to name, the rest the same.
cat "$work/cut.pcap" | "$CUTPOINT" match --pcap - --key-file "$KEY" -q >"$work/pipe.ndjson" 2>"$work/pipe.err"
check $? "match of a truncated capture from a pipe exits $?"
[[ $(stats_field "$work/pipe.ndjson" capture_truncated) == true &&
   -z $(stats_field "$work/pipe.ndjson" truncated_at_byte) &&
   $(grep -c '"type":"reply"' "$work/pipe.ndjson") -eq $replies ]] &&
  grep -q "standard input is truncated at an unknown byte offset" "$work/pipe.err"
check $? "match from a pipe: $(tail -n 1 "$work/pipe.ndjson"); $(cat "$work/pipe.err")"

# A wrong but valid key: nothing authenticates, and the user is told why that may be.
printf '00112233445566778899aabbccddeeff\n' >"$work/wrong.key"
"$CUTPOINT" match --pcap "$PCAP" --key-file "$work/wrong.key" -S 198.18.0.1 -o "$work/wrong.ndjson" \
  2>"$work/wrong.err"
rejected=$(stats_field "$work/wrong.ndjson" rejected)
[[ $rejected -gt 0 ]] &&
  grep -qx "cutpoint: hint: 0 of $rejected reply-shaped packets authenticated: wrong --key-file?" "$work/wrong.err"
check $? "match with a wrong key: no hint naming $rejected packets: $(cat "$work/wrong.err")"
"$CUTPOINT" locate --allow-reserved 198.18.0.0/15 --key-file "$work/wrong.key" -S 198.18.0.1 -p 25 --control-port 443 \
  --ttl 1-5 -q --from-pcap "$PCAP" -o "$work/wrong-locate.ndjson" "$TARGETS" 2>"$work/wrong-locate.err"
grep -qx "cutpoint: hint: 0 of [1-9][0-9]* reply-shaped packets authenticated: wrong --key-file?" "$work/wrong-locate.err"
check $? "locate --from-pcap with a wrong key: no hint: $(cat "$work/wrong-locate.err")"
"$CUTPOINT" "${LOCATE[@]}" -q --from-pcap "$PCAP" -o "$work/right-locate.ndjson" "$TARGETS" 2>"$work/right-locate.err"
! grep -q "hint" "$work/right-locate.err"
check $? "locate --from-pcap with the right key printed a hint: $(cat "$work/right-locate.err")"

echo "cli.honest_input: $((checks - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
