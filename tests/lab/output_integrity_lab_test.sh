#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nothing lost, nothing half-written, on live runs in a lab (issue 10, rows 2, 4, 5, 6,
# and --resume / resume-file mode):
#   flush    a slow trace: reply lines are in the file while the run is still going
#            (flushed at least once a second), so `tail -f` follows it;
#   signal   a scan whose 4096 replies have all arrived, then SIGINT twice: exit 130 at
#            once, and all 4096 reply lines are in the file, every line JSON; a locate
#            stopped the same way mid-sweep leaves whole JSON lines only, and a
#            --pcap-out capture of whole records (sent probes and replies: at least
#            as many as reply lines);
#   enospc   locate -o on a 16 KiB tmpfs: exit 4 with a message, the file ends at its
#            last whole line;
#   pcap     locate --pcap-out on a 32 KiB tmpfs: exit 4 with a message, the capture
#            holds whole records only (it parses to its exact end);
#   resume   a scan interrupted and resumed with the same -o: the second run appends,
#            together they cover every (target, port) once; the resume file is 0600
#            under umask 000.
# tmpfs mounts live in private mount namespaces: nothing leaks. Needs root (77 otherwise).
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
lab_test_init lab.output_integrity
lab_workdir cutpoint-output-lab
work=$LAB_WORK
lab_up cpout --routers 1 --listener "$LISTENER"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
COMMON=(--allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" -q)
# `ip netns exec` execs cutpoint in place, so for "${IN_LAB[@]}" ... & $! is cutpoint
# itself and gets the signals.
IN_LAB=(ip netns exec "$PROBER_NS" "$CUTPOINT")

# check_lines FILE: every line complete JSON; prints "types" counts as type=count words.
check_lines() {
  python3 - "$1" <<'PY'
import collections, json, sys
data = open(sys.argv[1], "rb").read()
if data and not data.endswith(b"\n"):
    sys.exit("ends mid-line: ...%r" % data[-60:])
types = collections.Counter()
for n, line in enumerate(data.splitlines(), 1):
    try:
        types[json.loads(line)["type"]] += 1
    except ValueError as e:
        sys.exit("line %d is not JSON: %s" % (n, e))
print(" ".join("%s=%d" % kv for kv in sorted(types.items())))
PY
}
count() { grep -o "$1=[0-9]*" <<<"$2" | cut -d= -f2 || true; }
# pcap_records FILE: the number of records if FILE is whole records to its exact end.
pcap_records() {
  python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
if len(data) < 24 or struct.unpack("<I", data[:4])[0] != 0xa1b2c3d4:
    sys.exit("no pcap header (%d bytes)" % len(data))
at, n = 24, 0
while at < len(data):
    if at + 16 > len(data):
        sys.exit("record %d: header cut at %d of %d bytes" % (n, at, len(data)))
    caplen = struct.unpack("<I", data[at + 8:at + 12])[0]
    if at + 16 + caplen > len(data):
        sys.exit("record %d: cut mid-record (%d of %d bytes)" % (n, len(data) - at - 16, caplen))
    at, n = at + 16 + caplen, n + 1
print(n)
PY
}

# flush: 512 probes at 100/s take ~5 s; after 3 s most replies are in.
"${IN_LAB[@]}" trace "${COMMON[@]}" -p 80 --probe tcp-syn --ttl 1-2 --rate 100 --cooldown 1 \
  -o "$work/slow.ndjson" "$TARGET_PREFIX" 2>"$work/slow.err" &
pid=$!
sleep 3
live=$(check_lines "$work/slow.ndjson" 2>&1)
kill -0 "$pid" 2>/dev/null || fail "flush: the run ended before the check"
replies=$(count reply "$live")
((${replies:-0} >= 50)) || fail "flush: after 3 s of a live run the file holds '$live' (expected >= 50 replies)"
wait "$pid" || fail "flush: exit $?"
echo "flush: $replies reply lines visible 3 s into a ~5 s run"

# signal: all 4096 replies arrive within ~0.5 s; the cooldown would wait 30 s more.
"${IN_LAB[@]}" scan "${COMMON[@]}" -p 20-35 --rate 20000 --cooldown 30 -o "$work/twice.ndjson" \
  "$TARGET_PREFIX" 2>"$work/twice.err" &
pid=$!
sleep 2.5
kill -INT "$pid"
sleep 0.3
kill -INT "$pid"
start=$(date +%s)
wait "$pid"
code=$?
lines=$(check_lines "$work/twice.ndjson" 2>&1) || fail "signal: $lines"
distinct=$(python3 -c '
import sys
from ndjson import load
print(len({(r["target"], r["port"]) for r in load(sys.argv[1]) if r["type"] == "reply"}))' \
  "$work/twice.ndjson" 2>/dev/null)
[[ $code -eq 130 ]] || fail "signal: exit $code, expected 130"
(($(date +%s) - start <= 5)) || fail "signal: the second SIGINT did not exit at once"
[[ $(count reply "$lines") == 4096 && $distinct == 4096 ]] ||
  fail "signal: $lines ($distinct distinct pairs); expected all 4096 replies"
echo "signal: scan stopped by two SIGINTs: $lines"
# The same mid-sweep in locate: whole JSON lines only, no verdict or stats; the
# --pcap-out capture holds whole records, at least one per reply line.
"${IN_LAB[@]}" locate "${COMMON[@]}" -p 25 --ttl 1-3 --attempts 4 --retries 0 --rate 3000 \
  --key-file "$work/key2" --pcap-out "$work/locate-twice.pcap" \
  -o "$work/locate-twice.ndjson" "$TARGET_PREFIX" 2>"$work/locate-twice.err" &
pid=$!
sleep 1.5
kill -INT "$pid"
sleep 0.05
kill -INT "$pid"
wait "$pid"
code=$?
lines=$(check_lines "$work/locate-twice.ndjson" 2>&1) || fail "signal (locate): $lines"
[[ $code -eq 130 ]] || fail "signal (locate): exit $code, expected 130"
(($(count reply "$lines") > 0)) || fail "signal (locate): no reply lines: $lines"
records=$(pcap_records "$work/locate-twice.pcap" 2>&1) || fail "signal (locate): pcap: $records"
((${records:-0} >= $(count reply "$lines"))) ||
  fail "signal (locate): $records pcap records for $(count reply "$lines") reply lines"
echo "signal: locate stopped by two SIGINTs: $lines; pcap: $records whole records"

# in_small_fs SIZE COMMAND...: runs COMMAND in a private mount namespace with a SIZE
# tmpfs at $work/small; copies the tmpfs to $work/small-copy afterwards.
mkdir -p "$work/small" "$work/small-copy"
in_small_fs() {
  local size=$1
  shift
  unshare -m --propagation private bash -c '
    mount -t tmpfs -o "size=$1" tmpfs "$2" || exit 99
    shift 2
    "$@"
    code=$?
    cp -a "'"$work"'/small/." "'"$work"'/small-copy/"
    exit $code' _ "$size" "$work/small" "$@"
}

# enospc
in_small_fs 16k ip netns exec "$PROBER_NS" "$CUTPOINT" locate "${COMMON[@]}" -p 25 --ttl 1-3 \
  --rate 20000 -o "$work/small/out.ndjson" "$TARGET_PREFIX" 2>"$work/enospc.err"
code=$?
lines=$(check_lines "$work/small-copy/out.ndjson" 2>&1) || fail "enospc: $lines"
[[ $code -eq 4 ]] || fail "enospc: exit $code, expected 4"
grep -q "^cutpoint: writing $work/small/out.ndjson: No space left on device (the output ends at its last whole line)" \
  "$work/enospc.err" || fail "enospc: message: $(cat "$work/enospc.err")"
echo "enospc: exit $code, $(wc -c <"$work/small-copy/out.ndjson") bytes of whole lines ($lines)"

# pcap
rm -rf "$work/small-copy"/*
in_small_fs 32k ip netns exec "$PROBER_NS" "$CUTPOINT" locate "${COMMON[@]}" -p 25 --ttl 1-3 \
  --rate 20000 --key-file "$work/key" --pcap-out "$work/small/evidence.pcap" \
  -o "$work/pcap.ndjson" "$TARGET_PREFIX" 2>"$work/pcap.err"
code=$?
[[ $code -eq 4 ]] || fail "pcap: exit $code, expected 4"
grep -q "^cutpoint: writing pcap '$work/small/evidence.pcap': No space left on device (the capture ends at its last whole record)" \
  "$work/pcap.err" || fail "pcap: message: $(cat "$work/pcap.err")"
records=$(pcap_records "$work/small-copy/evidence.pcap") || fail "pcap: $records"
"${IN_LAB[@]}" match --pcap "$work/small-copy/evidence.pcap" --key-file "$work/key" -S "$PROBER_ADDR" \
  -o "$work/rematch.ndjson" 2>"$work/rematch.err" || fail "pcap: cutpoint match on the cut capture: $(cat "$work/rematch.err")"
echo "pcap: exit $code, $records whole records"

# resume (the run drops to `nobody`, which writes the resume file: a directory it may write)
chmod 0711 "$work"  # lets the dropped-to user reach state/, nothing else
mkdir -m 1777 "$work/state"
(
  umask 000
  SCAN=(scan "${COMMON[@]}" -p 20-35 --cooldown 1 --key-file "$work/rkey" --resume "$work/state/resume"
        -o "$work/resumed.ndjson" "$TARGET_PREFIX")
  "${IN_LAB[@]}" "${SCAN[@]}" --rate 1500 2>"$work/r1.err" &
  pid=$!
  sleep 1.2
  kill -INT "$pid"
  wait "$pid"
  echo "first=$?" >"$work/resume.codes"
  stat -c %a "$work/state/resume" >"$work/resume.mode"
  "${IN_LAB[@]}" "${SCAN[@]}" --rate 20000 2>"$work/r2.err"
  echo "second=$?" >>"$work/resume.codes"
)
[[ $(cat "$work/resume.mode" 2>/dev/null) == 600 ]] ||
  fail "resume: resume file mode $(cat "$work/resume.mode" 2>/dev/null) under umask 000, expected 600"
python3 - "$work/resumed.ndjson" "$(tr '\n' ' ' <"$work/resume.codes")" <<'PY' || failures=$((failures + 1))
import collections, sys
from ndjson import load
records = load(sys.argv[1])
types = [r["type"] for r in records]
runs, current = [], None
for r in records:
    if r["type"] == "meta":
        current = []
        runs.append(current)
    elif r["type"] == "reply":
        current.append((r["target"], r["port"]))
stats = [r for r in records if r["type"] == "stats"]
problems = []
if sys.argv[2].split() != ["first=130", "second=0"]: problems.append("exit codes " + sys.argv[2])
if len(runs) != 2 or types[0] != "meta" or len(stats) != 2: problems.append("expected meta..stats twice, got %s" % collections.Counter(types))
elif not stats[0]["interrupted"] or stats[1]["interrupted"]: problems.append("interrupted flags")
else:
    first, second = set(runs[0]), set(runs[1])
    if first & second: problems.append("%d pairs in both runs" % len(first & second))
    if len(first | second) != 4096: problems.append("%d of 4096 pairs in the file" % len(first | second))
print("resume: one file, runs of %s replies" % [len(r) for r in runs])
for p in problems: print("FAIL: resume:", p)
sys.exit(1 if problems else 0)
PY

echo "lab.output_integrity: $failures failures"
((failures == 0))
