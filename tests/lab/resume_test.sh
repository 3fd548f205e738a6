#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Interrupt and resume, live: a scan of 198.19.1.0/24 x 16 ports (every probe draws a
# SYN-ACK or a RST) is stopped by SIGINT part-way; its stats say interrupted, with the
# probes left unsent and the resume file. Rerunning the same command with another
# --sender-threads finishes the rest: the two runs' replies are disjoint and together
# cover all 4096 (target, port) pairs once — nothing repeated, nothing skipped. A third
# run of the now finished scan says so, sends nothing and writes no output.
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
lab_test_init lab.resume
lab_workdir cutpoint-resume
work=$LAB_WORK
chmod 0777 "$work"  # started as root, the scan runs as nobody and writes --resume here
lab_up cpres --routers 1 --listener "$LISTENER"
SCAN=(scan --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" -p 20-35 --cooldown 1
      --key-file "$work/key" --resume "$work/resume" -q)
# `ip netns exec` execs cutpoint in place, so $! is cutpoint itself and gets the signal.
ip netns exec "$PROBER_NS" "$CUTPOINT" "${SCAN[@]}" --rate 1500 -o "$work/first.ndjson" \
  "$TARGET_PREFIX" 2>"$work/first.err" &
pid=$!
sleep 1.2
kill -INT "$pid"
wait "$pid"
first_code=$?
ip netns exec "$PROBER_NS" "$CUTPOINT" "${SCAN[@]}" --rate 20000 --sender-threads 2 \
  -o "$work/second.ndjson" "$TARGET_PREFIX" 2>"$work/second.err"
second_code=$?
# A third run of the finished scan: says so, sends nothing, writes no output file.
ip netns exec "$PROBER_NS" "$CUTPOINT" "${SCAN[@]}" --rate 20000 -o "$work/third.ndjson" \
  "$TARGET_PREFIX" 2>"$work/third.err"
third_code=$?
third_said=0
grep -q "records a finished run: every probe of this scan was sent" "$work/third.err" && third_said=1
[[ -e $work/third.ndjson ]] && third_said=2
python3 - "$work" "$first_code" "$second_code" "$third_code" "$third_said" <<'PY'
import sys
from ndjson import load
d, first_code, second_code = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
third_code, third_said = int(sys.argv[4]), int(sys.argv[5])
def run(name):
    records = load(d + "/" + name)
    return records[-1], [(r["target"], r["port"]) for r in records if r["type"] == "reply"]
s1, r1 = run("first.ndjson")
s2, r2 = run("second.ndjson")
problems = []
if first_code != 130 or not s1["interrupted"]: problems.append("first run: exit %d, interrupted %s" % (first_code, s1["interrupted"]))
if s1.get("probes_unsent") != 4096 - s1["probes_sent"]: problems.append("probes_unsent %s" % s1.get("probes_unsent"))
if not s1.get("resume_file", "").endswith("/resume"): problems.append("no resume file in stats")
if second_code != 0 or s2["interrupted"]: problems.append("second run: exit %d" % second_code)
if s1["probes_sent"] + s2["probes_sent"] != 4096: problems.append("sent %d + %d != 4096" % (s1["probes_sent"], s2["probes_sent"]))
if len(set(r1) & set(r2)): problems.append("%d pairs probed twice" % len(set(r1) & set(r2)))
if len(set(r1) | set(r2)) != 4096: problems.append("%d of 4096 pairs answered" % len(set(r1) | set(r2)))
if third_code != 0 or third_said != 1:
    problems.append("rerun of the finished scan: exit %d, %s" % (third_code,
                    {0: "no 'finished' message", 2: "wrote an output file"}.get(third_said, "ok")))
print("lab.resume: first run sent %d then stopped (%d unsent), resumed run sent %d with 2 threads; "
      "%d distinct pairs answered, overlap %d" % (s1["probes_sent"], s1.get("probes_unsent", -1),
      s2["probes_sent"], len(set(r1) | set(r2)), len(set(r1) & set(r2))))
for p in problems: print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
