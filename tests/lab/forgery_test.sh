#!/usr/bin/env bash
# Forgery: while `cutpoint locate` scans a lab prefix with a silent-drop filter, forged
# SYN-ACKs, RSTs, ICMP errors and echo replies with wrong validation are sprayed at the
# prober (from inside the destination namespace). Every forged packet must be counted as
# rejected, none matched, and every verdict must still match the ground truth.
set -uo pipefail
CUTPOINT=$1
LISTENER=$2
INJECTOR=$3
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/../../tools/lab/lab.sh
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root"; exit 77; }
name=cpf$$
work=$(mktemp -d /tmp/cutpoint-forgery.XXXXXX)
trap '"$LAB" down "$name" >/dev/null 2>&1; rm -rf "$work"' EXIT
"$LAB" up "$name" --scenario drop --routers 3 --filter-router 2 --prefix 198.19.1.0/24 \
  --open-ports 25,443 --listener "$LISTENER" --injector "$INJECTOR" \
  --out "$work/topology.env" --truth "$work/truth.json" >/dev/null 2>&1 </dev/null || {
  echo "FAIL: lab up"; exit 1; }
# shellcheck disable=SC1091
source "$work/topology.env"
count=2000
ip netns exec "$PROBER_NS" "$CUTPOINT" locate --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25 --control-port 443 --ttl 1-5 --rate 2000 --round-wait 1 --cooldown 2 -q \
  -o "$work/out.ndjson" 198.19.1.0/24 2>"$work/err" &
locate=$!
sleep 0.5  # the capture is open before the first forged packet, and stays open past the last
ip netns exec "$DEST_NS" python3 "$HERE/spray_forged.py" "$PROBER_ADDR" 198.19.1.0 "$DEST_ADDR" \
  "$count" 1.5 >"$work/sprayed" 2>"$work/spray.err" || { echo "FAIL: spray: $(cat "$work/spray.err")"; exit 1; }
wait $locate || { echo "FAIL: locate: $(cat "$work/err")"; exit 1; }
python3 - "$work/out.ndjson" "$count" <<'PY' || exit 1
import json, sys
stats = [json.loads(l) for l in open(sys.argv[1])][-1]
sprayed = int(sys.argv[2])
print("lab.forgery: sprayed %d forged packets; rejected %d %s, matched %d, unmatched %d"
      % (sprayed, stats["rejected"], stats["rejected_by_reason"], stats["matched"], stats["unmatched"]))
if stats["rejected"] != sprayed:
    sys.exit("FAIL: rejected %d != sprayed %d" % (stats["rejected"], sprayed))
PY
python3 "$HERE/check_locate.py" --label lab.forgery --truth "$work/truth.json" --ndjson "$work/out.ndjson"
