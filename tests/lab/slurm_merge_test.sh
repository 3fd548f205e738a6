#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Scale-out on an existing scheduler: a one-node Slurm cluster (tools/slurm/slurm_cluster.sh)
# runs a lab scan of a /24 x 2 ports as a 4-task job array (`sbatch --array=0-3 --wait`, the
# tasks side by side from one address, one `--shards 4 --shard $SLURM_ARRAY_TASK_ID` per task, one seed and key), `cutpoint merge`
# joins the four outputs, and the merged (target, port, status) set must equal that of the
# same scan run unsharded. Then merge must refuse (exit 2, naming the shard, no output file)
# a set with a shard left out, a shard given twice, and a shard of another seed.
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$(cd -- "$(dirname -- "$1")" && pwd)/$(basename -- "$1")
LISTENER=$2
SLURM_CLUSTER="$LAB_TEST_DIR/../../tools/slurm/slurm_cluster.sh"
lab_test_init lab.slurm_merge ip python3 munged slurmctld slurmd sbatch sinfo
lab_need_executable "$CUTPOINT" "$LISTENER"
lab_workdir cutpoint-slurm-merge
work=$LAB_WORK
cluster=$(mktemp -d /tmp/cutpoint-slurm.XXXXXX)
stop_cluster() {
  bash "$SLURM_CLUSTER" stop "$cluster" || true
  rm -rf -- "$cluster"
}
lab_at_exit stop_cluster
fail() {
  echo "lab.slurm_merge: FAIL: $*" >&2
  exit 1
}

lab_up cpsm --routers 1 --listener "$LISTENER"
bash "$SLURM_CLUSTER" start "$cluster" || fail "the Slurm cluster did not start"
export SLURM_CONF=$cluster/slurm.conf

SEED=20261201
SCAN=(scan --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" -p 25,443
      --cooldown 2 -q --key-file "$work/scan.key")
# The key before the shards start, so that no two tasks race to create it (a dry run
# sends nothing).
"$CUTPOINT" scan --dry-run --allow-reserved 198.18.0.0/15 -S "$PROBER_ADDR" -p 25 -q \
  --key-file "$work/scan.key" -o /dev/null "$TARGET_PREFIX" || fail "could not make the key"

# One task per shard, each probing from the lab's prober namespace, all at once: shards
# share the key and the source address, so each captures the others' replies too, and
# must keep only those to its own targets (ShardOrder::Holds in the matcher).
{
  echo '#!/bin/bash'
  printf 'exec ip netns exec %q %q' "$PROBER_NS" "$CUTPOINT"
  printf ' %q' "${SCAN[@]}" --shards 4 --shard
  printf ' "$SLURM_ARRAY_TASK_ID" --seed %q' "$SEED"
  printf ' -o %q/shard-"$SLURM_ARRAY_TASK_ID".ndjson %q\n' "$work" "$TARGET_PREFIX"
} >"$work/shard_job.sh"
start=$SECONDS
sbatch --array=0-3 --wait --quiet -o "$work/job-%a.log" -D "$work" "$work/shard_job.sh" ||
  fail "the job array failed: $(tail -n 3 "$work"/job-*.log 2>/dev/null)"
echo "lab.slurm_merge: job array of 4 shards done in $((SECONDS - start)) s"

"$CUTPOINT" merge "$work"/shard-{0,1,2,3}.ndjson -o "$work/merged.ndjson" 2>"$work/merge.err"
code=$?
sed 's/^/lab.slurm_merge: /' "$work/merge.err"
[[ $code -eq 0 ]] || fail "merge exited $code"

ip netns exec "$PROBER_NS" "$CUTPOINT" "${SCAN[@]}" --seed "$SEED" -o "$work/unsharded.ndjson" \
  "$TARGET_PREFIX" || fail "the unsharded scan failed"
# A shard 2 of another seed, run directly in the lab.
ip netns exec "$PROBER_NS" "$CUTPOINT" "${SCAN[@]}" --shards 4 --shard 2 --seed $((SEED + 1)) \
  -o "$work/other-seed-2.ndjson" "$TARGET_PREFIX" || fail "the other seed's shard failed"

# expect_refusal WHAT MESSAGE-PATTERN SHARD-FILE...: merge exits 2 with the message, no output.
expect_refusal() {
  local what=$1 pattern=$2 code
  shift 2
  rm -f "$work/bad-merge.ndjson"
  "$CUTPOINT" merge -q "$@" -o "$work/bad-merge.ndjson" 2>"$work/refusal.err"
  code=$?
  echo "lab.slurm_merge: $what: exit $code: $(cat "$work/refusal.err")"
  [[ $code -eq 2 ]] || fail "$what: merge exited $code, not 2"
  grep -Eq -- "$pattern" "$work/refusal.err" || fail "$what: the message does not match '$pattern'"
  [[ ! -e $work/bad-merge.ndjson ]] || fail "$what: an output file was left"
  if compgen -G "$work/bad-merge.ndjson.*" >/dev/null; then fail "$what: a temporary file was left"; fi
}
s=$work/shard
expect_refusal "shard 2 left out" '^cutpoint: shard 2 of 4 missing$' "$s-0.ndjson" "$s-1.ndjson" "$s-3.ndjson"
expect_refusal "shard 1 given twice" 'shard 1 of 4 given twice: .*shard-1\.ndjson and .*shard-1\.ndjson' \
  "$s-0.ndjson" "$s-1.ndjson" "$s-1.ndjson" "$s-2.ndjson" "$s-3.ndjson"
expect_refusal "a shard of another seed" "other-seed-2\.ndjson: shard 2 is not of the same scan as .*shard-0\.ndjson: 'seed' is $((SEED + 1)) here and $SEED there" \
  "$s-0.ndjson" "$s-1.ndjson" "$work/other-seed-2.ndjson" "$s-3.ndjson"

python3 - "$work" "$SEED" <<'PY'
import sys
from ndjson import load
work, seed = sys.argv[1], int(sys.argv[2])
problems = []
def replies(records):
    return [(r["target"], r["port"], r["status"]) for r in records if r["type"] == "reply"]
shards = [load("%s/shard-%d.ndjson" % (work, i)) for i in range(4)]
merged = load(work + "/merged.ndjson")
unsharded = load(work + "/unsharded.ndjson")
counts = [len(replies(s)) for s in shards]
merged_replies, unsharded_replies = replies(merged), replies(unsharded)
print("lab.slurm_merge: " + "; ".join("shard %d: %d replies" % (i, c) for i, c in enumerate(counts))
      + "; merged: %d replies; unsharded: %d" % (len(merged_replies), len(unsharded_replies)))
# Shards side by side see each other's replies; each drops those (not_our_target).
others = [s[-1].get("rejected_by_reason", {}).get("not_our_target", 0) for s in shards]
print("lab.slurm_merge: other shards' replies each shard dropped: %s" % others)
for i, s in enumerate(shards):
    if len(replies(s)) != len(set(replies(s))):
        problems.append("shard %d records a reply twice" % i)
meta, stats = merged[0], merged[-1]
if meta["type"] != "meta" or meta.get("merged_shards") != 4 or "shard" in meta \
        or meta.get("seed") != seed or meta.get("shards") != 4:
    problems.append("merged meta: %r" % meta)
if sum(1 for r in merged if r["type"] in ("meta", "stats")) != 2:
    problems.append("the merged file has more than one meta or stats record")
if stats["type"] != "stats" or stats["interrupted"]:
    problems.append("merged stats: %r" % stats)
sent = [s[-1]["probes_sent"] for s in shards]
if stats["probes_sent"] != sum(sent) or sum(sent) != unsharded[-1]["probes_sent"]:
    problems.append("probes_sent: merged %d, shards %s, unsharded %d"
                    % (stats["probes_sent"], sent, unsharded[-1]["probes_sent"]))
if stats["matched"] != sum(s[-1]["matched"] for s in shards):
    problems.append("matched is not the shards' sum")
if merged_replies != [r for s in shards for r in replies(s)]:
    problems.append("the merged replies are not the shards' replies in shard order")
targets = [{r[0] for r in replies(s)} for s in shards]
for i in range(4):
    for j in range(i + 1, 4):
        if targets[i] & targets[j]:
            problems.append("shards %d and %d share targets" % (i, j))
if set(merged_replies) != set(unsharded_replies):
    only_m = set(merged_replies) - set(unsharded_replies)
    only_u = set(unsharded_replies) - set(merged_replies)
    problems.append("reply sets differ: %d only merged %s, %d only unsharded %s"
                    % (len(only_m), sorted(only_m)[:3], len(only_u), sorted(only_u)[:3]))
if len(set(unsharded_replies)) < 2 * 254:
    problems.append("only %d (target, port, status) answers unsharded" % len(set(unsharded_replies)))
if problems:
    print("lab.slurm_merge: FAIL\n  " + "\n  ".join(problems))
    sys.exit(1)
print("lab.slurm_merge: PASS")
PY
