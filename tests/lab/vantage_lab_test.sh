#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# lab.vantage: `locate --vantage` from two vantages of ONE lab, compared by `cutpoint report`.
# The lab (tools/lab/lab.sh --second-vantage) is a chain of 4 routers whose router 2 silently
# drops SYNs to port 25 of the filtered hosts, but only those arriving on its upstream link
# (nft iifname): a transit that filters one upstream only. Vantage A is the prober at the
# head of the chain (behind router 1, through the filter); vantage B is a second prober
# namespace attached to router 2 by its own link (198.18.200.0/24), whose probes bypass the
# filter (its distance to the targets is 4, A's 5). The report must say the filtered hosts
# are blocked from A and open from B, and nothing the other way; A's verdicts must match the
# lab's truth (check_locate.py), B's must all be reachable. Only inside the lab's own
# namespaces, only to 198.18.0.0/15.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"

lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
LABEL="lab.vantage"
lab_test_init "$LABEL" ip nft python3
lab_need_executable "$CUTPOINT" "$LISTENER"
lab_workdir "cutpoint-vantage"
TMP=$LAB_WORK
FILTERED=198.19.1.101,198.19.1.102

# locate_from VANTAGE NS IF ADDR [ARGS...]: locate the lab's prefix from namespace NS
# (interface IF, source ADDR), tagged VANTAGE, with extra locate ARGS.
locate_from() {
  local vantage=$1 ns=$2 ifname=$3 addr=$4
  shift 4
  read -r -a prefixes <<<"$TARGET_PREFIXES"
  if ! timeout 180 ip netns exec "$ns" "$CUTPOINT" locate --allow-reserved 198.18.0.0/15 \
      -i "$ifname" -S "$addr" -p 25 --control-port 443 --ttl 1-7 --rate 20000 \
      --vantage "$vantage" -o "$TMP/$vantage.ndjson" "$@" "${prefixes[@]}" 2>"$TMP/$vantage.stderr"; then
    echo "$LABEL: FAIL: locate --vantage $vantage; stderr:" >&2
    sed 's/^/  /' "$TMP/$vantage.stderr" >&2
    exit 1
  fi
  echo "$LABEL: vantage $vantage ($ns $ifname $addr):"
  sed 's/^/  /' "$TMP/$vantage.stderr"
}

lab_up cpv --scenario drop --filter-router 2 --filtered "$FILTERED" --second-vantage \
  --routers 4 --prefix 198.19.1.0/24 --open-ports 25,443 --port 25 --listener "$LISTENER" \
  --truth "$TMP/truth.json"
[[ -n ${PROBER2_NS:-} && -n ${PROBER2_IF:-} && -n ${PROBER2_ADDR:-} ]] ||
  { echo "$LABEL: FAIL: the topology file has no PROBER2_NS/PROBER2_IF/PROBER2_ADDR" >&2; exit 1; }
locate_from A "$PROBER_NS" "$PROBER_IF" "$PROBER_ADDR"
# Every target is clean from B, so only the keyed random --screen-sample share is swept and
# states a distance: at the default 1 % of 256 targets, no target at all in 7.6 % of keys
# (0.99^256). A 10 % sample leaves that at 2e-12 and still screens most targets.
locate_from B "$PROBER2_NS" "$PROBER2_IF" "$PROBER2_ADDR" --screen-sample 0.1

for v in A B; do
  head -n 1 "$TMP/$v.ndjson" | grep -q "^{\"type\":\"meta\",\"vantage\":\"$v\"," ||
    { echo "$LABEL: FAIL: $v's meta record is not tagged" >&2; exit 1; }
  tail -n 1 "$TMP/$v.ndjson" | grep -q "^{\"type\":\"stats\",\"vantage\":\"$v\"," ||
    { echo "$LABEL: FAIL: $v's stats record is not tagged" >&2; exit 1; }
done

# A: every verdict as the truth says (the filtered hosts silent_drop after hop 2).
python3 "$LAB_TEST_DIR/check_locate.py" --label "$LABEL (vantage A)" --truth "$TMP/truth.json" \
  --ndjson "$TMP/A.ndjson"
# B: the filter is bypassed, every target reachable at B's distance.
python3 - "$TMP/B.ndjson" "$TMP/truth.json" "$LABEL" <<'PY'
import json, sys
import ndjson
out, truth, label = sys.argv[1:4]
sv = json.load(open(truth))["second_vantage"]
verdicts = ndjson.by_type(out)["verdict"]
bad = [r for r in verdicts
       if r.get("verdict") != "reachable"
       or ("distance" in r and r["distance"] != sv["distance"])]
if sv["filtered"] or not sv["filter_bypassed"]:
    sys.exit(f"{label}: FAIL: truth's second_vantage says B is filtered: {sv}")
# Verdicts judged on the screen alone state no distance (as check_locate.py allows); the
# swept ones must.
measured = sum(1 for r in verdicts if "distance" in r)
if len(verdicts) != 256 or bad or not measured:
    sys.exit(f"{label}: FAIL: vantage B: {len(verdicts)} verdicts (want 256), "
             f"{len(bad)} not reachable at distance {sv['distance']}, {measured} stating a "
             f"distance (want some), e.g. {bad[:3]}")
print(f"{label}: vantage B: all {len(verdicts)} targets reachable ({measured} at distance "
      f"{sv['distance']}, the rest screened)")
PY

"$CUTPOINT" report "$TMP/A.ndjson" "$TMP/B.ndjson" >"$TMP/report.txt"
"$CUTPOINT" report --json "$TMP/A.ndjson" "$TMP/B.ndjson" >"$TMP/report.ndjson"
echo "$LABEL: report:"
sed 's/^/  /' "$TMP/report.txt"
first=$(head -n 1 "$TMP/report.txt")
[[ $first == "vantages A, B: 2 targets on TCP 25 blocked from A and open from B, 0 blocked from B and open from A, "* ]] ||
  { echo "$LABEL: FAIL: count line '$first'" >&2; exit 1; }
for host in ${FILTERED//,/ }; do
  grep -q "^$host TCP 25: blocked from vantage A (silent drop after hop 2, [0-9.]*), open from vantage B (reachable)$" \
    "$TMP/report.txt" || { echo "$LABEL: FAIL: $host is not blocked from A and open from B" >&2; exit 1; }
done
[[ $(grep -c '"type":"vantage_diff"' "$TMP/report.ndjson") -eq 2 ]] ||
  { echo "$LABEL: FAIL: --json: want 2 vantage_diff records" >&2; exit 1; }
echo "$LABEL: PASS"
