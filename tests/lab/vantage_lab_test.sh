#!/usr/bin/env bash
# lab.vantage: `locate --vantage` from two vantages, compared by `cutpoint report`.
# Vantage A probes a lab whose router 2 silently drops SYNs to port 25 of the filtered
# hosts; vantage B probes an identical lab without the filter — a stand-in for a second
# upstream path that bypasses the filtering transit (two labs one after the other, not one
# topology with two probers). The report must say the filtered hosts are blocked from A
# and open from B, and nothing the other way. Only inside the labs' own namespaces, only
# to 198.18.0.0/15.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"

lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
LABEL="lab.vantage"
lab_test_init "$LABEL" ip nft
lab_need_executable "$CUTPOINT" "$LISTENER"
lab_workdir "cutpoint-vantage"
TMP=$LAB_WORK
FILTERED=198.19.1.101,198.19.1.102

# locate_from VANTAGE: locate the lab's prefix from its prober, tagged VANTAGE.
locate_from() {
  read -r -a prefixes <<<"$TARGET_PREFIXES"
  if ! timeout 180 ip netns exec "$PROBER_NS" "$CUTPOINT" locate --allow-reserved 198.18.0.0/15 \
      -i "$PROBER_IF" -S "$PROBER_ADDR" -p 25 --control-port 443 --ttl 1-7 --rate 20000 \
      --vantage "$1" -o "$TMP/$1.ndjson" "${prefixes[@]}" 2>"$TMP/$1.stderr"; then
    echo "$LABEL: FAIL: locate --vantage $1; stderr:" >&2
    sed 's/^/  /' "$TMP/$1.stderr" >&2
    exit 1
  fi
}

lab_up cpv --scenario drop --filter-router 2 --filtered "$FILTERED" --routers 4 \
  --prefix 198.19.1.0/24 --open-ports 25,443 --port 25 --listener "$LISTENER"
locate_from A
LAB_QUIET=1 bash "$LAB_SH" down "$LAB_TEST_NAME" >/dev/null 2>&1
LAB_TEST_NAME=""
lab_up cpw --scenario open --routers 4 --prefix 198.19.1.0/24 --open-ports 25,443 --port 25 \
  --listener "$LISTENER"
locate_from B

for v in A B; do
  head -n 1 "$TMP/$v.ndjson" | grep -q "^{\"type\":\"meta\",\"vantage\":\"$v\"," ||
    { echo "$LABEL: FAIL: $v's meta record is not tagged" >&2; exit 1; }
  tail -n 1 "$TMP/$v.ndjson" | grep -q "^{\"type\":\"stats\",\"vantage\":\"$v\"," ||
    { echo "$LABEL: FAIL: $v's stats record is not tagged" >&2; exit 1; }
done
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
