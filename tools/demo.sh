#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job: builds Cutpoint, brings up the "story" network-namespace lab
# and lets `cutpoint locate` find out where and how the mail hosts are blocked.
#
# The lab re-enacts the ProtonMail MX blocking story: a prober behind r1 - r2
# reaches two destination networks through two transit ISPs.  Behind ISP 1
# (r3a), 198.19.1.101 and .102 are the "mail hosts" and r3a silently drops
# their TCP 25; behind ISP 2 (r3b), 198.19.2.101 and .102 get forged RSTs
# injected on-path by an injector on r3b while their SYNs travel on.  Every
# other host, port 443 and ICMP stay reachable.  Everything lives in network
# namespaces this script creates and removes (198.18.0.0/15 addresses only).
# Needs root for the namespaces; finishes well under two minutes once built.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
build=$(tools/build.sh release)

[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (the lab creates network namespaces)" >&2; exit 3; }
cutpoint=$build/tools/cutpoint/cutpoint
lab=cpdemo$$
work=$(mktemp -d /tmp/cutpoint-demo.XXXXXX)
trap 'tools/lab/lab.sh down "$lab" >/dev/null 2>&1 || true' EXIT
tools/lab/lab.sh up "$lab" --scenario story --open-ports 25,443 \
  --listener "$build/tools/lab/cutpoint-lab-listener" \
  --injector "$build/tools/injector/cutpoint-lab-injector" \
  --out "$work/topology.env" --truth "$work/truth.json"
# shellcheck disable=SC1091
source "$work/topology.env"
read -r -a prefixes <<<"$TARGET_PREFIXES"

path="   prober $PROBER_ADDR -- r1 $HOP_1 -- r2 $HOP_2 --"
{
  echo "== the lab (ground truth in $work/truth.json)"
  echo "$path+-- r3a $HOP_3 (transit ISP 1) -- 198.19.1.0/24"
  echo "$(printf '%*s' ${#path} '')\`-- r3b $HOP_3B (transit ISP 2) -- 198.19.2.0/24"
  echo "   r3a silently drops TCP 25 to 198.19.1.101, .102; r3b injects forged RSTs for 198.19.2.101, .102"
} >&2

# An AS database for the lab's address plan, in iptoasn's ip2asn format (documentation
# ASNs): the hops and networks of the verdicts and the report get AS numbers and names.
asn_db=$work/lab-ip2asn.tsv
bash tools/lab/story_ip2asn.sh "$work/topology.env" >"$asn_db"

echo "== cutpoint locate -p 25 --control-port 443 over ${prefixes[*]} (summary on stderr)" >&2
if ! "$cutpoint" locate --help >/dev/null 2>&1; then
  echo "demo.sh: this build has no 'cutpoint locate'" >&2
  exit 1
fi
ip netns exec "$PROBER_NS" "$cutpoint" locate --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" \
  -p 25 --control-port 443 --ttl 1-8 --rate 20000 --key-file "$work/probe.key" \
  --asn-db "$asn_db" -o "$work/out.ndjson" --pcap-out "$work/evidence.pcap" "${prefixes[@]}"

echo "== the same verdicts, re-judged offline from the saved capture $work/evidence.pcap" >&2
"$cutpoint" locate --allow-reserved 198.18.0.0/15 --from-pcap "$work/evidence.pcap" \
  --key-file "$work/probe.key" -p 25 --control-port 443 --ttl 1-8 --format text -q \
  "${prefixes[@]}" >"$work/verdicts.txt"
# The accused targets with where they were cut and why; the reachable ones are counted.
cat "$work/verdicts.txt"

echo "== evidence behind the blocking verdicts ($work/out.ndjson)" >&2
python3 - "$work/out.ndjson" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("type") != "verdict" or r["verdict"] in ("reachable", "closed"):
        continue
    def hop(end):
        if end + "_ttl" not in r:
            return "an unknown hop"
        asn = " AS%d %s" % (r[end + "_asn"], r.get(end + "_as_name", "")) if end + "_asn" in r else ""
        return "hop %d (%s%s)" % (r[end + "_ttl"], r.get(end + "_addr", "?"), asn)
    where = ""
    if "after_ttl" in r:
        where = " between %s and %s" % (hop("after"), hop("before"))
    mech = " " + r["mechanism"] if "mechanism" in r else ""
    print("%s:%d  %s%s%s" % (r["target"], r["port"], r["verdict"], mech, where))
    for e in r.get("evidence", []):
        print("    - %s: %s" % (e["name"], e["detail"]))
PY

echo "== checked against the lab's ground truth" >&2
python3 tests/lab/check_locate.py --label demo --truth "$work/truth.json" --ndjson "$work/out.ndjson"
echo "== the report of this run: one offline HTML page" >&2
"$cutpoint" report "$work/out.ndjson" -o "$work/report.html"
echo "open $work/report.html (self-contained: it requests nothing)" >&2
echo "(everything kept in $work)" >&2
