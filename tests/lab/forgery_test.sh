#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Forgery: while `cutpoint locate` scans a lab prefix with a silent-drop filter, forged
# SYN-ACKs, RSTs, ICMP errors and echo replies with wrong validation are sprayed at the
# prober (from inside the destination namespace). Every forged packet must be counted as
# rejected, none matched, and every verdict must still match the ground truth. Then the
# genuine replies of that run are replayed into a second run under the same key: rejected
# (stale or bad MAC) but for the odd one in 2^13 that the 12-bit MAC lets through, verdicts
# unchanged.
set -uo pipefail
# shellcheck source=lab_test_lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
lab_usage 3 "CUTPOINT_BINARY LISTENER_BINARY INJECTOR_BINARY" "$@"
CUTPOINT=$1
LISTENER=$2
INJECTOR=$3
lab_test_init lab.forgery
lab_workdir cutpoint-forgery
work=$LAB_WORK
lab_up cpf --scenario drop --routers 3 --filter-router 2 --prefix 198.19.1.0/24 \
  --open-ports 25,443 --listener "$LISTENER" --injector "$INJECTOR" --truth "$work/truth.json"
count=2000
ip netns exec "$PROBER_NS" "$CUTPOINT" locate --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25 --control-port 443 --ttl 1-5 --rate 2000 --round-wait 1 --cooldown 2 -q \
  --key-file "$work/key" --pcap-out "$work/first.pcap" \
  -o "$work/out.ndjson" 198.19.1.0/24 2>"$work/err" &
locate=$!
sleep 0.5  # the capture is open before the first forged packet, and stays open past the last
ip netns exec "$DEST_NS" python3 "$LAB_TEST_DIR/spray_forged.py" "$PROBER_ADDR" 198.19.1.0 "$DEST_ADDR" \
  "$count" 1.5 >"$work/sprayed" 2>"$work/spray.err" || { echo "FAIL: spray: $(cat "$work/spray.err")"; exit 1; }
wait $locate || { echo "FAIL: locate: $(cat "$work/err")"; exit 1; }
python3 - "$work/out.ndjson" "$count" <<'PY' || exit 1
import sys
from ndjson import load
stats = load(sys.argv[1])[-1]
sprayed = int(sys.argv[2])
print("lab.forgery: sprayed %d forged packets; rejected %d %s, matched %d, unmatched %d"
      % (sprayed, stats["rejected"], stats["rejected_by_reason"], stats["matched"], stats["unmatched"]))
if stats["rejected"] != sprayed:
    sys.exit("FAIL: rejected %d != sprayed %d" % (stats["rejected"], sprayed))
# The stats record says how many forgeries could have got through: rejected x p, p <= 2^-32.
p = stats["forgery_acceptance_p"]
if not 0 < p <= 2 ** -32 or abs(stats["expected_forged_accepted"] - stats["rejected"] * p) > 1e-3 * stats["rejected"] * p:
    sys.exit("FAIL: forgery_acceptance_p %g / expected_forged_accepted %g" % (p, stats["expected_forged_accepted"]))
PY
python3 "$LAB_TEST_DIR/check_locate.py" --label lab.forgery --truth "$work/truth.json" --ndjson "$work/out.ndjson" || exit 1

# Replay: the genuine replies of that run, sent again during a second run under the same
# key. Their probes were sent more than 2 s (the run's reply age) before: each must be
# rejected, as stale (still within the 4.19 s tick wrap) or by the MAC (older: the
# absolute send tick it covers differs), and the verdicts must not change.
ip netns exec "$PROBER_NS" "$CUTPOINT" locate --allow-reserved 198.18.0.0/15 -i "$PROBER_IF" -S "$PROBER_ADDR" \
  -p 25 --control-port 443 --ttl 1-5 --rate 2000 --round-wait 1 --cooldown 2 -q \
  --key-file "$work/key" -o "$work/second.ndjson" 198.19.1.0/24 2>"$work/err2" &
locate=$!
sleep 0.5
ip netns exec "$DEST_NS" python3 "$LAB_TEST_DIR/replay_replies.py" "$work/first.pcap" "$PROBER_ADDR" \
  198.19.1.0/24 1.5 >"$work/replayed" 2>"$work/replay.err" || { echo "FAIL: replay: $(cat "$work/replay.err")"; exit 1; }
wait $locate || { echo "FAIL: second locate: $(cat "$work/err2")"; exit 1; }
python3 - "$work/second.ndjson" "$(cat "$work/replayed")" "$work/out.ndjson" <<'PY' || exit 1
import sys
from ndjson import load
stats = load(sys.argv[1])[-1]
replayed = int(sys.argv[2])
# The evidence file also holds the forgeries sprayed into the first run (replayed too, and
# rejected at the port check as before); the genuine replies are the first run's matched
# TCP and echo replies.
genuine = sum(1 for r in load(sys.argv[3])
              if r["type"] == "reply" and r["kind"] in ("syn_ack", "rst", "echo_reply"))
by = stats["rejected_by_reason"]
print("lab.forgery: replayed %d packets of the first run (%d genuine replies); rejected %d "
      "(stale %d, bad_mac %d), matched %d" % (replayed, genuine, stats["rejected"], by["stale"],
                                               by["bad_mac"], stats["matched"]))
if genuine < 100 or replayed < genuine:
    sys.exit("FAIL: only %d genuine replies of %d packets to replay" % (genuine, replayed))
# A genuine reply replayed more than one tick wrap (4.19 s) later carries the right port,
# TTL and attempt; only the 12-bit MAC over the rebuilt tick stops it, and one in 2^12
# passes (~0.75 here). The replay keeps the first run's spacing, so every replayed reply
# has nearly the same offset modulo the wrap: the few that pass all land in the same part
# of the tick window -- accepted (490/1024 of offsets), stale, or future (16/1024: rejected
# as sent after it was received). All three rejections are correct; up to 5 pass.
accepted = replayed - stats["rejected"]
expected = genuine * 2 ** -12 * 490 / 1024
print("lab.forgery: %d replayed replies accepted (%.2f expected by chance)" % (accepted, expected))
if accepted > 5 or by["stale"] + by["bad_mac"] + by["future"] < genuine - accepted:
    sys.exit("FAIL: replayed %d (%d genuine), rejected %d %s" % (replayed, genuine, stats["rejected"], by))
PY
python3 "$LAB_TEST_DIR/check_locate.py" --label lab.forgery.replay --truth "$work/truth.json" \
  --ndjson "$work/second.ndjson"
