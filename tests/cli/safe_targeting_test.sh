#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Safe targeting, proven on expanded target sets (--dry-run sends nothing): no address of
# a blocklist, and no reserved address outside the --allow-reserved prefixes, is ever
# emitted; an allowlist limits the scan to itself; --skip-reserved leaves out exactly the
# reserved addresses that were not allowed.
set -uo pipefail
CUTPOINT=$1
work=$(mktemp -d /tmp/cutpoint-safe.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
export CUTPOINT_DEFAULT_BLOCKLIST=""  # not the machine's /etc/cutpoint/blocklist.conf

# 198.16.0.0/14 holds 198.18.0.0/15 (reserved): blocklisting it makes the rest probeable.
python3 - "$work" <<'PY'
import random, sys
d = sys.argv[1]
rng = random.Random(7)
lines = ["# zmap-style blocklist", "198.18.0.0/15  # benchmarking"]
for _ in range(300):
    lines.append("198.%d.%d.0/24" % (rng.choice([16, 17, 19]), rng.randrange(256)))
for _ in range(700):
    lines.append("198.%d.%d.%d" % (rng.choice([16, 17, 19]), rng.randrange(256), rng.randrange(256)))
open(d + "/blocklist.txt", "w").write("\n".join(lines) + "\n")
open(d + "/allowlist.txt", "w").write("198.16.0.0/16\n198.19.7.0/24\n")
PY
"$CUTPOINT" scan --dry-run -S 198.18.0.1 -p 25 -b "$work/blocklist.txt" -o "$work/blocked.ndjson" \
  198.16.0.0/14 2>"$work/err" || { echo "FAIL: blocklisted dry run: $(cat "$work/err")"; failures=$((failures + 1)); }
"$CUTPOINT" scan --dry-run -S 198.18.0.1 -p 25 -w "$work/allowlist.txt" -b "$work/blocklist.txt" \
  -o "$work/allowed.ndjson" 198.16.0.0/14 2>"$work/err" || {
  echo "FAIL: allowlisted dry run: $(cat "$work/err")"; failures=$((failures + 1)); }
python3 - "$work" <<'PY' || failures=$((failures + 1))
import ipaddress, json, sys
d = sys.argv[1]
blocked = [ipaddress.ip_network(l.split("#")[0].strip()) for l in open(d + "/blocklist.txt")
           if l.split("#")[0].strip()]
blocked_set = set()
for net in blocked:
    blocked_set.update(int(a) for a in net)
universe = set(range(int(ipaddress.ip_address("198.16.0.0")), int(ipaddress.ip_address("198.20.0.0"))))
def emitted(name):
    out = [int(ipaddress.ip_address(json.loads(l)["target"])) for l in open(d + "/" + name) if '"probe"' in l]
    assert len(out) == len(set(out)), "a target was emitted twice"
    return set(out)
got = emitted("blocked.ndjson")
bad = got & blocked_set
assert not bad, "blocked addresses emitted: %s" % [str(ipaddress.ip_address(a)) for a in sorted(bad)[:5]]
assert got == universe - blocked_set, "expected %d targets, got %d" % (len(universe - blocked_set), len(got))
allow = set(int(a) for a in ipaddress.ip_network("198.16.0.0/16")) | set(int(a) for a in ipaddress.ip_network("198.19.7.0/24"))
got_allowed = emitted("allowed.ndjson")
assert got_allowed == allow - blocked_set, "allowlist: expected %d, got %d" % (len(allow - blocked_set), len(got_allowed))
print("safe targeting: %d targets emitted, none of %d blocked; allowlist %d" % (len(got), len(blocked_set & universe), len(got_allowed)))
PY
# Without the blocklist, the reserved part is refused outright.
"$CUTPOINT" scan --dry-run -S 198.18.0.1 -p 25 -o /dev/null 198.16.0.0/14 2>"$work/err"
code=$?
if [[ $code -ne 3 ]] || ! grep -q "198.18.0.0/15" "$work/err"; then
  echo "FAIL: reserved range not refused: exit $code $(cat "$work/err")"; failures=$((failures + 1))
fi
# --skip-reserved and --allow-reserved PREFIX on 198.16.0.0/14 (holding 198.18.0.0/15)
# plus a private and a multicast block: exactly the allowed reserved part survives.
D=(scan --dry-run -S 198.18.0.1 -p 25)
T=(198.16.0.0/14 10.0.0.0/30 224.0.0.0/30)
"$CUTPOINT" "${D[@]}" --skip-reserved -o "$work/skip.ndjson" "${T[@]}" 2>"$work/err" ||
  { echo "FAIL: --skip-reserved: $(cat "$work/err")"; failures=$((failures + 1)); }
"$CUTPOINT" "${D[@]}" --skip-reserved --allow-reserved 198.18.0.0/15 -o "$work/skip15.ndjson" "${T[@]}" \
  2>"$work/err" || { echo "FAIL: --skip-reserved --allow-reserved /15: $(cat "$work/err")"; failures=$((failures + 1)); }
"$CUTPOINT" "${D[@]}" --skip-reserved --allow-reserved 198.18.0.0/16 -o "$work/skip16.ndjson" "${T[@]}" \
  2>"$work/err" || { echo "FAIL: --skip-reserved --allow-reserved /16: $(cat "$work/err")"; failures=$((failures + 1)); }
"$CUTPOINT" "${D[@]}" --skip-reserved -b "$work/blocklist.txt" -o "$work/skipblock.ndjson" "${T[@]}" \
  2>"$work/err" || { echo "FAIL: --skip-reserved -b: $(cat "$work/err")"; failures=$((failures + 1)); }
python3 - "$work" <<'PY' || failures=$((failures + 1))
import ipaddress, json, sys
d = sys.argv[1]
def emitted(name):
    out = [int(ipaddress.ip_address(json.loads(l)["target"])) for l in open(d + "/" + name) if '"probe"' in l]
    assert len(out) == len(set(out)), "a target was emitted twice"
    return set(out)
def net(text):
    return set(int(a) for a in ipaddress.ip_network(text))
public = net("198.16.0.0/15")
blocked = set()
for l in open(d + "/blocklist.txt"):
    l = l.split("#")[0].strip()
    if l:
        blocked |= net(l)
for name, want in (("skip.ndjson", public), ("skip15.ndjson", public | net("198.18.0.0/15")),
                   ("skip16.ndjson", public | net("198.18.0.0/16")),
                   ("skipblock.ndjson", public - blocked)):
    got = emitted(name)
    assert got == want, "%s: expected %d targets, got %d (%d extra)" % (name, len(want), len(got), len(got - want))
    meta = json.loads(open(d + "/" + name).readline())
    assert meta["targets"] == len(want), meta
print("skip-reserved: %d / %d / %d / %d targets emitted" % (len(public), len(public) + 2**17, len(public) + 2**16, len(public - blocked)))
PY
# Allowing part of a reserved range does not allow the rest of it.
"$CUTPOINT" "${D[@]}" --allow-reserved 198.18.0.0/16 -o /dev/null 198.16.0.0/14 2>"$work/err"
code=$?
if [[ $code -ne 3 ]] || [[ $(cat "$work/err") != "cutpoint: target range 198.16.0.0/14 overlaps reserved range 198.18.0.0/15 (benchmarking, RFC 2544); pass --allow-reserved 198.18.0.0/15 (or a prefix inside it) to probe it deliberately, or --skip-reserved to leave it out" ]]; then
  echo "FAIL: partly allowed range: exit $code $(cat "$work/err")"; failures=$((failures + 1))
fi
passed=$((failures > 4 ? 0 : 4 - failures))
echo "cli.safe_targeting: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
