#!/usr/bin/env bash
# Interrupt and resume, live: a scan of 198.19.1.0/24 x 16 ports (every probe draws a
# SYN-ACK or a RST) is stopped by SIGINT part-way; its stats say interrupted, with the
# probes left unsent and the resume file. Rerunning the same command with another
# --sender-threads finishes the rest: the two runs' replies are disjoint and together
# cover all 4096 (target, port) pairs once — nothing repeated, nothing skipped.
set -uo pipefail
CUTPOINT=$1
LISTENER=$2
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/../../tools/lab/lab.sh
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
name=cpres$$
work=$(mktemp -d /tmp/cutpoint-resume.XXXXXX)
chmod 0777 "$work"  # started as root, the scan runs as nobody and writes --resume here
trap '"$LAB" down "$name" >/dev/null 2>&1; rm -rf "$work"' EXIT
"$LAB" up "$name" --routers 1 --listener "$LISTENER" --out "$work/topology.env" >/dev/null 2>&1 </dev/null || {
  echo "FAIL: lab up"; exit 1; }
# shellcheck disable=SC1091
source "$work/topology.env"
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
python3 - "$work" "$first_code" "$second_code" <<'PY'
import json, sys
d, first_code, second_code = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    records = [json.loads(l) for l in open(d + "/" + name)]
    return records[-1], [(r["target"], r["port"]) for r in records if r["type"] == "reply"]
s1, r1 = load("first.ndjson")
s2, r2 = load("second.ndjson")
problems = []
if first_code != 130 or not s1["interrupted"]: problems.append("first run: exit %d, interrupted %s" % (first_code, s1["interrupted"]))
if s1.get("probes_unsent") != 4096 - s1["probes_sent"]: problems.append("probes_unsent %s" % s1.get("probes_unsent"))
if not s1.get("resume_file", "").endswith("/resume"): problems.append("no resume file in stats")
if second_code != 0 or s2["interrupted"]: problems.append("second run: exit %d" % second_code)
if s1["probes_sent"] + s2["probes_sent"] != 4096: problems.append("sent %d + %d != 4096" % (s1["probes_sent"], s2["probes_sent"]))
if len(set(r1) & set(r2)): problems.append("%d pairs probed twice" % len(set(r1) & set(r2)))
if len(set(r1) | set(r2)) != 4096: problems.append("%d of 4096 pairs answered" % len(set(r1) | set(r2)))
print("lab.resume: first run sent %d then stopped (%d unsent), resumed run sent %d with 2 threads; "
      "%d distinct pairs answered, overlap %d" % (s1["probes_sent"], s1.get("probes_unsent", -1),
      s2["probes_sent"], len(set(r1) | set(r2)), len(set(r1) & set(r2))))
for p in problems: print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
