#!/usr/bin/env bash
# The main job: builds Cutpoint, brings up the built-in network-namespace lab
# (a prober, three routers and a destination network 198.19.1.0/24, all inside
# namespaces this script creates and removes), runs `cutpoint trace` over the
# destination prefix and shows the result. Needs root for the namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
build=$(tools/build.sh release)

[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (the lab creates network namespaces)" >&2; exit 3; }
lab=cpdemo$$
work=$(mktemp -d /tmp/cutpoint-demo.XXXXXX)
trap 'tools/lab/lab.sh down "$lab" >/dev/null 2>&1 || true' EXIT
tools/lab/lab.sh up "$lab" --routers 3 --prefix 198.19.1.0/24 --open-ports 25,443 \
  --listener "$build/tools/lab/cutpoint-lab-listener" --out "$work/topology.env"
# shellcheck disable=SC1091
source "$work/topology.env"

echo "== cutpoint trace over $TARGET_PREFIX, TCP 25/443/81 + ICMP echo, TTL 1-6" >&2
ip netns exec "$PROBER_NS" "$build/tools/cutpoint/cutpoint" trace --allow-reserved \
  -i "$PROBER_IF" -p 25,443,81 --probe tcp-syn,icmp-echo --ttl 1-6 --rate 20000 \
  --cooldown 1 --key-file "$work/probe.key" -o "$work/trace.ndjson" "$TARGET_PREFIX"

echo "== first records of $work/trace.ndjson" >&2
head -n 4 "$work/trace.ndjson"
echo "== path and answers, aggregated over all targets" >&2
python3 tools/lab/summarize_trace.py "$work/trace.ndjson"
echo "(full output kept in $work)" >&2
