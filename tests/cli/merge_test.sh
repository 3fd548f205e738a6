#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cli.merge: `cutpoint merge` on the dry-run outputs of a 3-shard scan (no network): the
# merged file to -o and to standard output, and every refusal — a missing, duplicate or
# foreign shard, a shard interrupted or cut short, a malformed line, an unsharded run, -o
# naming a shard — exit 2 with its message, leaving no output file (and an existing one
# exactly as it was), no temporary file.
set -uo pipefail
CUTPOINT=$1
work=$(mktemp -d /tmp/cutpoint-merge.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
shard() {  # shard OUT SEED INDEX [SHARDS]
  "$CUTPOINT" scan --dry-run -q --allow-reserved 198.18.0.0/15 -S 198.18.0.1 -p 25,443 \
    --key-file "$work/key" --seed "$2" --shards "${4:-3}" --shard "$3" -o "$1" 198.19.1.0/28 ||
    fail "dry run of shard $3 exited $?"
}
for i in 0 1 2; do shard "$work/s$i.ndjson" 11 "$i"; done
shard "$work/seed12-1.ndjson" 12 1
"$CUTPOINT" scan --dry-run -q --allow-reserved 198.18.0.0/15 -S 198.18.0.1 -p 25,443 \
  --key-file "$work/key" -o "$work/unsharded.ndjson" 198.19.1.0/28 || fail "unsharded dry run"

# The happy path: probe records of the shards in shard order between one meta and one stats.
"$CUTPOINT" merge "$work/s2.ndjson" "$work/s0.ndjson" "$work/s1.ndjson" -o "$work/merged.ndjson" \
  2>"$work/merge.err" || fail "merge exited $?: $(cat "$work/merge.err")"
grep -q "merged 3 shards into $work/merged.ndjson: 32 probe" "$work/merge.err" ||
  fail "merge summary: $(cat "$work/merge.err")"
expected=$(for i in 0 1 2; do grep '"type":"probe"' "$work/s$i.ndjson"; done)
[[ $(grep '"type":"probe"' "$work/merged.ndjson") == "$expected" ]] ||
  fail "the merged probe records are not the shards' in shard order"
[[ $(grep -c '"type":"meta"' "$work/merged.ndjson") -eq 1 && $(grep -c '"type":"stats"' "$work/merged.ndjson") -eq 1 ]] ||
  fail "not one meta and one stats record"
head -n 1 "$work/merged.ndjson" | grep -q '"seed":11,"shards":3,"merged_shards":3,' ||
  fail "merged meta: $(head -n 1 "$work/merged.ndjson")"
head -n 1 "$work/merged.ndjson" | grep -q '"shard":' && fail "the merged meta names a shard"
tail -n 1 "$work/merged.ndjson" | grep -q '^{"type":"stats".*"interrupted":false}$' || fail "merged stats"
[[ $(stat -c %a "$work/merged.ndjson") == "$(umask -S >/dev/null; printf '%o' $((0666 & ~$(umask))))" ]] ||
  fail "merged file mode $(stat -c %a "$work/merged.ndjson")"
"$CUTPOINT" merge -q "$work"/s{0,1,2}.ndjson >"$work/stdout.ndjson" 2>"$work/stdout.err" ||
  fail "merge to standard output exited $?"
[[ ! -s $work/stdout.err ]] || fail "-q printed: $(cat "$work/stdout.err")"
cmp -s "$work/stdout.ndjson" "$work/merged.ndjson" || fail "standard output differs from -o"
"$CUTPOINT" help merge | grep -q "usage: cutpoint merge" || fail "cutpoint help merge"
"$CUTPOINT" --help | grep -q "^  merge " || fail "merge missing from cutpoint --help"

# Broken shards.
sed 's/"interrupted":false/"interrupted":true,"probes_unsent":4/' "$work/s1.ndjson" >"$work/s1-int.ndjson"
cat "$work/s1-int.ndjson" "$work/s1.ndjson" >"$work/s1-resumed.ndjson"
head -n -1 "$work/s1.ndjson" >"$work/s1-nostats.ndjson"
head -c -20 "$work/s1.ndjson" >"$work/s1-cut.ndjson"
sed '3s/.*/{"type":"probe",/' "$work/s1.ndjson" >"$work/s1-bad.ndjson"

"$CUTPOINT" merge -q "$work/s0.ndjson" "$work/s1-resumed.ndjson" "$work/s2.ndjson" \
  -o "$work/resumed-merged.ndjson" || fail "an interrupted run followed by a finished one refused"

# refuse PATTERN SHARD...: exit 2, the message, no output, an existing output untouched.
refuse() {
  local pattern=$1 code
  shift
  rm -f "$work/out.ndjson"
  "$CUTPOINT" merge "$@" -o "$work/out.ndjson" 2>"$work/err"
  code=$?
  [[ $code -eq 2 ]] || fail "merge $*: exit $code, not 2"
  grep -Eq -- "$pattern" "$work/err" || fail "merge $*: message '$(cat "$work/err")' lacks '$pattern'"
  [[ $(wc -l <"$work/err") -eq 1 ]] || fail "merge $*: more than one error line"
  [[ ! -e $work/out.ndjson ]] || fail "merge $*: left an output file"
  echo keep >"$work/out.ndjson"
  "$CUTPOINT" merge "$@" -o "$work/out.ndjson" 2>/dev/null
  [[ $(cat "$work/out.ndjson") == keep ]] || fail "merge $*: changed an existing output"
  compgen -G "$work/out.ndjson.*" >/dev/null && fail "merge $*: left a temporary file"
  return 0
}
s=$work/s
refuse '^cutpoint: shard 1 of 3 missing$' "${s}0.ndjson" "${s}2.ndjson"
refuse '^cutpoint: shards 1, 2 of 3 missing$' "${s}0.ndjson"
refuse "^cutpoint: shard 2 of 3 given twice: ${s}2.ndjson and ${s}2.ndjson\$" "${s}0.ndjson" "${s}1.ndjson" "${s}2.ndjson" "${s}2.ndjson"
refuse "seed12-1.ndjson: shard 1 is not of the same scan as ${s}0.ndjson: 'seed' is 12 here and 11 there" \
  "${s}0.ndjson" "$work/seed12-1.ndjson" "${s}2.ndjson"
refuse "s1-int.ndjson: shard 1 of 3 is not finished: its last run was interrupted" "${s}0.ndjson" "${s}1-int.ndjson" "${s}2.ndjson"
refuse "s1-nostats.ndjson: shard 1 of 3 is not finished: its last run has no stats record" "${s}0.ndjson" "${s}1-nostats.ndjson" "${s}2.ndjson"
refuse "s1-cut.ndjson:[0-9]+: the last line has no newline" "${s}0.ndjson" "${s}1-cut.ndjson" "${s}2.ndjson"
refuse "s1-bad.ndjson:3: not a JSON line" "${s}0.ndjson" "${s}1-bad.ndjson" "${s}2.ndjson"
refuse "unsharded.ndjson:1: the meta record has no 'shards': not a sharded run" "$work/unsharded.ndjson"
refuse "cannot read '$work/nonexistent.ndjson'" "${s}0.ndjson" "$work/nonexistent.ndjson"
cp "${s}0.ndjson" "$work/s0-copy.ndjson"
"$CUTPOINT" merge "${s}0.ndjson" "${s}1.ndjson" "${s}2.ndjson" -o "${s}0.ndjson" 2>"$work/err"
code=$?
if [[ $code -ne 2 ]] || ! grep -q "is the shard file" "$work/err"; then
  fail "-o naming a shard: exit $code: $(cat "$work/err")"
fi
cmp -s "${s}0.ndjson" "$work/s0-copy.ndjson" || fail "-o naming a shard changed it"
"$CUTPOINT" merge 2>"$work/err"
code=$?
if [[ $code -ne 2 ]] || ! grep -q "merge needs the NDJSON outputs" "$work/err"; then
  fail "merge without files: exit $code: $(cat "$work/err")"
fi

if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "cli.merge: ok"
