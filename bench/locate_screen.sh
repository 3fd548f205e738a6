#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Probes per target and wall time of `cutpoint locate` on a whole lab prefix, screened
# (the default) next to `--sweep all`, in one run on one lab (issue 13):
#
#   [SKIP_BUILD=1] bench/locate_screen.sh [PREFIX_LEN (default 16)] [ROUTERS (10)] [RATE (50000)]
#
# The lab (tools/lab/lab.sh, namespaces created for the run and removed after) puts
# 198.19.0.0/PREFIX_LEN behind ROUTERS routers (distance ROUTERS + 1) and silently drops TCP 25
# at router 2 for 1 % of its hosts (keyed random, every 100th after a shuffle). Both runs
# probe the whole prefix with --ttl 1-(ROUTERS + 2) at RATE; the script reports probes,
# probes per target, wall time, peak RSS and the verdict counts of each, and whether their
# findings are identical target by target. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/bench_lib.sh
bench_require locate_screen.sh ip nft python3 /usr/bin/time
bench_build_cutpoint locate_screen
LEN=${1:-16}
ROUTERS=${2:-10}
RATE=${3:-50000}
TTL_MAX=$((ROUTERS + 2))
NAME=lsb$$
WORK=$(mktemp -d /tmp/cutpoint-locate-screen.XXXXXX)
cleanup() {
  LAB_QUIET=1 bash tools/lab/lab.sh down "$NAME" >/dev/null 2>&1 || true
  [[ -n ${KEEP_WORK:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT

FILTERED=$(python3 - "$LEN" <<'PY'
import ipaddress, random, sys
net = ipaddress.ip_network(f"198.19.0.0/{sys.argv[1]}")
hosts = [str(a) for a in net]
random.Random(13).shuffle(hosts)
print(",".join(sorted(hosts[::100], key=ipaddress.ip_address)))
PY
)
echo "locate_screen: lab 198.19.0.0/$LEN, $ROUTERS routers, $(tr ',' '\n' <<<"$FILTERED" | wc -l) hosts dropped at router 2" >&2
LAB_QUIET=1 bash tools/lab/lab.sh up "$NAME" --routers "$ROUTERS" --prefix "198.19.0.0/$LEN" \
  --scenario drop --filter-router 2 --filtered "$FILTERED" --open-ports 25,443 --port 25 \
  --listener build/release/tools/lab/cutpoint-lab-listener \
  --injector build/release/tools/injector/cutpoint-lab-injector \
  --out "$WORK/env" --truth "$WORK/truth.json" >"$WORK/up.log" 2>&1 ||
  { cat "$WORK/up.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "$WORK/env"

run() {  # MODE: one locate run, its stderr and /usr/bin/time figures kept
  local mode=$1
  /usr/bin/time -f '%e %M' -o "$WORK/$mode.time" ip netns exec "$PROBER_NS" "$CUTPOINT" locate \
    --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" -p 25 --control-port 443 \
    --ttl "1-$TTL_MAX" --rate "$RATE" --max-targets 16777216 --key-file "$WORK/key" \
    --sweep "$mode" -o "$WORK/$mode.ndjson" "198.19.0.0/$LEN" 2>"$WORK/$mode.stderr"
}
run screen
sleep 4  # past the lab destination's half-open lifetime
run all
python3 - "$WORK" <<'PY'
import json, sys
from collections import Counter
work = sys.argv[1]
def load(mode):
    recs = [json.loads(l) for l in open(f"{work}/{mode}.ndjson")]
    verdicts = {r["target"]: r for r in recs if r["type"] == "verdict"}
    stats = [r for r in recs if r["type"] == "stats"][-1]
    wall, rss_kb = open(f"{work}/{mode}.time").read().split()
    return verdicts, stats, float(wall), int(rss_kb)
keys = ("verdict", "mechanism", "after_ttl", "after_addr", "before_ttl", "before_addr", "scope",
        "cut_prefix", "icmp_code")
rows = {}
for mode in ("screen", "all"):
    v, st, wall, rss = load(mode)
    n = len(v)
    rows[mode] = v
    screen = st.get("screen", {})
    print(f"{mode:7} targets {n}  probes {st['probes_sent']:>9,}  per target {st['probes_sent'] / n:6.2f}"
          f"  wall {wall:6.1f} s  peak RSS {rss / 1024:6.1f} MB  swept {screen.get('swept_targets', n)}"
          f"  verdicts {dict(sorted(Counter(r['verdict'] for r in v.values()).items()))}")
diff = [t for t in rows["all"] if {k: rows["all"][t].get(k) for k in keys} !=
        {k: rows["screen"].get(t, {}).get(k) for k in keys}]
print(f"findings identical: {not diff} ({len(diff)} targets differ{': ' + ', '.join(diff[:5]) if diff else ''})")
PY
