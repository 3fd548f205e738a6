#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end test of `cutpoint report -o FILE.html` in a real browser.
#
#   report_chromium_test.sh CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY
#
# Brings up the lab's story scenario (tools/lab/lab.sh: 198.19.1.0/24 behind a silent drop
# of .101/.102 on TCP 25, 198.19.2.0/24 behind on-path RST injection for .101/.102), runs
# `cutpoint locate` over both prefixes and `cutpoint trace` over a few hosts of each from
# inside the prober namespace, then a chain lab whose router 3 answers with ICMP
# administratively prohibited and `locate` over its /24; renders the outputs with
# `cutpoint report -o`, and opens each page in headless Chromium in an empty network
# namespace (loopback only, for chromedriver): check_report_chromium.py asserts no request
# left the page, the summary counts equal the NDJSON's, every blocked target's ladder has
# its cut at the verdict's hop, the blocked rows are the lab's filtered hosts (its truth
# file) with the filtering router inside each cut interval, and the filters change the
# visible rows; a page made from hostile NDJSON (markup in every string) runs no injected
# script. Screenshots stay in the work directory (its path is printed);
# REPORT_SCREENSHOT_OUT=FILE copies the locate page's.
# Needs root for the lab (exit 77 without); Chromium, chromedriver and python3-selenium
# come from tools/setup.sh, and their absence is a failure. Nothing runs in the root
# network namespace but the report rendering.
set -euo pipefail
# shellcheck source=../lab/lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/../lab/lab_test_lib.sh"

lab_usage 3 "CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
INJECTOR=$3
LABEL=report.html_chromium
CHECK="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)/check_report_chromium.py"
lab_test_init "$LABEL" ip nft unshare
lab_need_executable "$CUTPOINT" "$LISTENER" "$INJECTOR"
# Debian's python3 (python3-selenium is installed for it, not for a pyenv on the PATH).
PYTHON=/usr/bin/python3
for need in /usr/bin/chromium /usr/bin/chromedriver; do
  [[ -x $need ]] || { echo "$LABEL: FAIL: $need missing: run tools/setup.sh" >&2; exit 1; }
done
"$PYTHON" -c 'import selenium' 2>/dev/null ||
  { echo "$LABEL: FAIL: python3-selenium missing: run tools/setup.sh" >&2; exit 1; }

lab_workdir cutpoint-report-chromium
TMP=$LAB_WORK
# The work directory is kept on success too: the screenshots are the test's artefacts.
keep_artefacts() { if [[ -f $TMP/locate.png ]]; then LAB_WORK=""; fi; }
lab_at_exit keep_artefacts
lab_up cpr --scenario story --open-ports 25,443 --port 25 \
  --listener "$LISTENER" --injector "$INJECTOR" --truth "$TMP/truth.json"
read -r -a PREFIXES <<<"$TARGET_PREFIXES"

lab_run_cutpoint locate locate --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25 --control-port 443 --ttl 1-7 --rate 20000 --key-file "$TMP/key" \
  -o "$TMP/locate.ndjson" "${PREFIXES[@]}"
lab_run_cutpoint trace trace --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25,443 --probe tcp-syn,icmp-echo --ttl 1-6 --rate 20000 --cooldown 2 \
  --key-file "$TMP/key" -o "$TMP/trace.ndjson" 198.19.1.100/30 198.19.2.100/30
echo "$LABEL: locate: $(grep -c '"type":"verdict"' "$TMP/locate.ndjson") verdicts;" \
  "trace: $(grep -c '"type":"reply"' "$TMP/trace.ndjson") replies"

# A second lab, a chain whose router 3 answers SYNs to .101/.102 with ICMP administratively
# prohibited: the page must draw that mechanism too.
LAB_QUIET=1 bash "$LAB_SH" down "$LAB_TEST_NAME"
lab_up cpi --scenario icmp --filter-router 3 --routers 4 --prefix 198.19.1.0/24 \
  --open-ports 25,443 --port 25 --listener "$LISTENER" --injector "$INJECTOR" \
  --truth "$TMP/truth-icmp.json"
lab_run_cutpoint locate-icmp locate --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25 --control-port 443 --ttl 1-7 --rate 20000 --key-file "$TMP/key" \
  -o "$TMP/locate-icmp.ndjson" "$TARGET_PREFIX"
echo "$LABEL: locate (icmp lab): $(grep -c '"type":"verdict"' "$TMP/locate-icmp.ndjson") verdicts"

"$CUTPOINT" report "$TMP/locate.ndjson" -o "$TMP/locate.html"
# The chain's routers in an AS each (iptoasn's ip2asn format), given to `report --asn-db`:
# the overview's lanes must carry the AS path to the cut.
CHAIN_AS_PATH=""
for k in 1 2 3 4; do
  hop_var=HOP_$k
  printf '%s\t%s\t%d\tZZ\tLAB-R%d\n' "${!hop_var}" "${!hop_var}" $((64495 + k)) "$k"
  CHAIN_AS_PATH+="${CHAIN_AS_PATH:+ }AS$((64495 + k))"
done >"$TMP/chain-ip2asn.tsv"
"$CUTPOINT" report --asn-db "$TMP/chain-ip2asn.tsv" "$TMP/locate-icmp.ndjson" -o "$TMP/locate-icmp.html"
"$CUTPOINT" report "$TMP/trace.ndjson" -o "$TMP/trace.html"

# The browser runs with no network at all: a fresh network namespace whose only
# interface is loopback (chromedriver talks to Chromium over it).
browse() {  # HTML NDJSON PNG [--trace]
  local rc
  set +e
  unshare --net bash -c 'ip link set lo up && exec "$@"' browse \
    timeout 180 "$PYTHON" "$CHECK" --html "$1" --ndjson "$2" --screenshot "$3" "${@:4}"
  rc=$?
  set -e
  [[ $rc -eq 0 ]] || { echo "$LABEL: FAIL: the page $1 failed its checks (status $rc)" >&2; exit "$rc"; }
}
browse "$TMP/locate.html" "$TMP/locate.ndjson" "$TMP/locate.png" --truth "$TMP/truth.json"
browse "$TMP/locate-icmp.html" "$TMP/locate-icmp.ndjson" "$TMP/locate-icmp.png" \
  --truth "$TMP/truth-icmp.json" --as-path "$CHAIN_AS_PATH"
browse "$TMP/trace.html" "$TMP/trace.ndjson" "$TMP/trace.png" --trace
# Hostile input: markup in every string the page shows must stay text.
cat >"$TMP/hostile.ndjson" <<'END'
{"type":"meta","command":"locate","version":"<script>window.__pwned=1</script>","argv":["x","</script><script>window.__pwned=2</script>"],"vantage":"<b onmouseover=x>v","key_fingerprint":"<img src=x onerror=window.__pwned=3>"}
{"type":"verdict","target":"<img src=x onerror=window.__pwned=4>","port":25,"verdict":"silent_drop","after_ttl":2,"after_addr":"</script><!--<script>window.__pwned=5</script>","before_ttl":3,"evidence":[{"name":"<svg onload=window.__pwned=6>","detail":"<iframe src=javascript:window.__pwned=7>"}],"confidence":{"<x>":"</script>"}}
{"type":"verdict","target":"198.19.1.5","port":25,"verdict":"<script>window.__pwned=8</script>","evidence":[],"confidence":{}}
{"type":"reply","target":"<img src=x onerror=window.__pwned=4>","probe":"tcp-syn","port":25,"ttl":1,"kind":"<b>","from":"<img src=x onerror=window.__pwned=9>","reply_ttl":64,"tcp_flags":"<i>"}
END
"$CUTPOINT" report "$TMP/hostile.ndjson" -o "$TMP/hostile.html"
browse "$TMP/hostile.html" "$TMP/hostile.ndjson" "$TMP/hostile.png" --hostile
# IPv4 and IPv6 prefixes in the filter, on a page of both families (a hand-written run).
FIXTURE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../fixtures/report" && pwd)/upstream-a.ndjson"
"$CUTPOINT" report "$FIXTURE" -o "$TMP/prefixes.html"
browse "$TMP/prefixes.html" "$FIXTURE" "$TMP/prefixes.png" --prefixes
if [[ -n ${REPORT_SCREENSHOT_OUT:-} ]]; then cp "$TMP/locate.png" "$REPORT_SCREENSHOT_OUT"; fi
echo "$LABEL: PASS; artefacts (pages, NDJSON, screenshots) in $TMP"
