#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Targeting for internet-wide work, proven on dry runs (nothing is sent): --allow-reserved
# unlocks only the named reserved prefixes and never 0/8, 127/8, multicast, class E or
# broadcast; --skip-reserved subtracts every reserved range, and -b the whole of a
# zmap-format blocklist, from 0.0.0.0/0 in one run, counted without materialising the set;
# the default opt-out list is read when present. Expected counts come from Python's
# ipaddress module over the IANA registry, not from cutpoint's own table.
set -uo pipefail
CUTPOINT=$1
work=$(mktemp -d /tmp/cutpoint-targeting.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
cases=0
# No test may depend on the machine's /etc/cutpoint/blocklist.conf.
export CUTPOINT_DEFAULT_BLOCKLIST=$work/no-default-blocklist.conf

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE MESSAGE -- ARGS...: exit code and the exact first line of stderr.
expect() {
  local code=$1 message=$2
  shift 3
  cases=$((cases + 1))
  "$CUTPOINT" "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$? first
  first=$(head -n 1 "$work/err")
  if [[ $got -ne $code ]]; then
    fail "[$*]: exit $got, expected $code; stderr: $first"
  elif [[ $first != "$message" ]]; then
    fail "[$*]: stderr
  got:      $first
  expected: $message"
  fi
}

D=(scan --dry-run -S 1.2.3.4 -p 80 -o /dev/null)

# --allow-reserved names what it unlocks, and only that.
expect 3 "cutpoint: target range 224.0.0.1/32 overlaps reserved range 224.0.0.0/4 (multicast, RFC 5771; never probed); --allow-reserved cannot unlock it: pass --skip-reserved to leave it out" \
  -- "${D[@]}" --allow-reserved 198.18.0.0/15 224.0.0.1
expect 3 "cutpoint: target range 10.0.0.1/32 overlaps reserved range 10.0.0.0/8 (private, RFC 1918); pass --allow-reserved 10.0.0.0/8 (or a prefix inside it) to probe it deliberately, or --skip-reserved to leave it out" \
  -- "${D[@]}" --allow-reserved 198.18.0.0/15 10.0.0.1
expect 3 "cutpoint: target range 255.255.255.255/32 overlaps reserved range 255.255.255.255/32 (limited broadcast, RFC 919; never probed); --allow-reserved cannot unlock it: pass --skip-reserved to leave it out" \
  -- "${D[@]}" --allow-reserved 198.18.0.0/15 255.255.255.255
expect 0 "" -- "${D[@]}" --allow-reserved 198.18.0.0/15 198.19.1.0/24
expect 0 "" -- "${D[@]}" --allow-reserved 192.0.2.0/24,198.18.0.0/15 --allow-reserved 10.9.0.0/16 192.0.2.1 198.18.0.1 10.9.1.1
for never in 0.0.0.0/8 127.0.0.1 224.0.0.0/4 240.0.0.0/4 255.255.255.255/32; do
  "$CUTPOINT" "${D[@]}" --allow-reserved "$never" 1.1.1.1 2>"$work/err"
  code=$?
  cases=$((cases + 1))
  [[ $code -eq 2 ]] && grep -q "is never probed; --allow-reserved cannot unlock it" "$work/err" ||
    fail "--allow-reserved $never: exit $code $(cat "$work/err")"
done
expect 2 "cutpoint: --allow-reserved 224.0.0.0/4: 224.0.0.0/4 (multicast, RFC 5771) is never probed; --allow-reserved cannot unlock it" \
  -- "${D[@]}" --allow-reserved 224.0.0.0/4 224.0.0.1
expect 2 "cutpoint: --allow-reserved 0.0.0.0/0: 0.0.0.0/8 (this network, RFC 791) is never probed; --allow-reserved cannot unlock it" \
  -- "${D[@]}" --allow-reserved 0.0.0.0/0 1.1.1.1
expect 2 "cutpoint: --allow-reserved 198.0.0.0/8 reaches beyond reserved range 198.18.0.0/15 (benchmarking, RFC 2544); name that range or a prefix inside it" \
  -- "${D[@]}" --allow-reserved 198.0.0.0/8 198.18.0.1
expect 2 "cutpoint: --allow-reserved 8.8.8.0/24 is not a reserved range (only IANA special-purpose prefixes need unlocking)" \
  -- "${D[@]}" --allow-reserved 8.8.8.0/24 8.8.8.8
# The old bare flag: refused, telling the user to name the prefix.
expect 2 "cutpoint: option --allow-reserved needs a value (PREFIX[,PREFIX...])" \
  -- "${D[@]}" 198.18.0.1 --allow-reserved
expect 2 "cutpoint: --allow-reserved needs the reserved prefixes to unlock, e.g. --allow-reserved 198.18.0.0/15 (got '--ttl')" \
  -- "${D[@]}" --allow-reserved --ttl 64 198.18.0.1
expect 2 "cutpoint: no targets given (TARGET arguments or --targets-file); --allow-reserved takes the prefixes to unlock: is '198.18.0.1' meant as a target too?" \
  -- "${D[@]}" --allow-reserved 198.18.0.1
expect 2 "cutpoint: --allow-reserved needs the reserved prefixes to unlock, e.g. --allow-reserved 198.18.0.0/15 (got '-i')" \
  -- locate --allow-reserved -i lo -p 25 198.18.0.1

# The IANA registry, multicast, class E and broadcast, from the RFCs, and a zmap-format
# blocklist: zmap's 2013 conf/blocklist.conf layout (it lacks 192.31.196.0/24,
# 192.52.193.0/24 and 192.175.48.0/24) plus opt-outs that overlap, nest and repeat.
python3 - "$work" <<'PY'
import sys
d = sys.argv[1]
reserved = """0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12
192.0.0.0/24 192.0.2.0/24 192.31.196.0/24 192.52.193.0/24 192.88.99.0/24 192.168.0.0/16
192.175.48.0/24 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4
255.255.255.255/32""".split()
open(d + "/reserved.txt", "w").write("\n".join(reserved) + "\n")
conf = """# IANA IPv4 Special-Purpose Address Registry, as zmap lays it out

0.0.0.0/8           # "This host on this network"
10.0.0.0/8          # Private-Use
100.64.0.0/10       # Shared Address Space
127.0.0.0/8         # Loopback
169.254.0.0/16      # Link Local
172.16.0.0/12       # Private-Use
192.0.0.0/24        # IETF Protocol Assignments
192.0.2.0/24        # Documentation (TEST-NET-1)
192.88.99.0/24      # 6to4 Relay Anycast
192.168.0.0/16      # Private-Use
198.18.0.0/15       # Benchmarking
198.51.100.0/24     # Documentation (TEST-NET-2)
203.0.113.0/24      # Documentation (TEST-NET-3)
240.0.0.0/4         # Reserved
255.255.255.255/32  # Limited Broadcast

# Multicast
224.0.0.0/4         # Multicast/Reserved

# Opt-out requests
6.0.0.0/8           # a whole /8
6.1.0.0/16          # nested in it
7.255.255.0/24
7.255.255.128/25    # overlaps the line above
8.0.0.0/7           # adjacent to 7.255.255.0/24, holds 9.9.9.0/24
9.9.9.0/24
\t11.1.1.1\t# tab-indented /32
11.1.1.1            # repeated
44.0.0.0/8
45.0.0.0/8          # adjacent to 44/8
"""
open(d + "/zmap-blocklist.conf", "w").write(conf.replace("\\t", "\t"))
PY
expected=$(python3 - "$work" <<'PY'
import ipaddress, sys
d = sys.argv[1]
def nets(path):
    out = []
    for line in open(path):
        line = line.split("#")[0].strip()
        if line:
            out.append(ipaddress.ip_network(line))
    return out
def size(networks):
    return sum(n.num_addresses for n in ipaddress.collapse_addresses(networks))
reserved = nets(d + "/reserved.txt")
blocked = nets(d + "/zmap-blocklist.conf")
print(2**32 - size(reserved), size(reserved), size(blocked),
      2**32 - size(reserved + blocked), size(reserved + blocked) - size(blocked))
PY
)
read -r skip_kept skip_reserved block_size both_kept both_reserved <<<"$expected"

BIG=(scan --dry-run -S 1.2.3.4 -p 80 --max-targets 4294967296 --seed 1 --shards 65536 --shard 0)
meta() { head -n 1 "$1" | python3 -c "import json,sys; m=json.load(sys.stdin); print(m.get('$2'))"; }
# Every emitted probe of a shard avoids the excluded ranges.
check_emitted() {
  python3 - "$1" "$2" <<'PY'
import ipaddress, json, sys
out, lists = sys.argv[1], sys.argv[2:]
excluded = []
for path in sys.argv[2].split(","):
    for line in open(path):
        line = line.split("#")[0].strip()
        if line:
            excluded.append(ipaddress.ip_network(line))
targets = [ipaddress.ip_address(json.loads(l)["target"]) for l in open(out) if '"probe"' in l]
assert targets, "no probes emitted"
bad = [str(t) for t in targets if any(t in n for n in excluded)]
assert not bad, "excluded addresses emitted: %s" % bad[:5]
PY
}

# 0.0.0.0/0 --skip-reserved: 2^32 minus the union of the reserved ranges.
cases=$((cases + 1))
if "$CUTPOINT" "${BIG[@]}" --skip-reserved -o "$work/skip.ndjson" 0.0.0.0/0 2>"$work/err"; then
  [[ $(meta "$work/skip.ndjson" targets) == "$skip_kept" ]] ||
    fail "0/0 --skip-reserved: targets $(meta "$work/skip.ndjson" targets), expected $skip_kept"
  [[ $(meta "$work/skip.ndjson" reserved_skipped) == "$skip_reserved" ]] ||
    fail "0/0 --skip-reserved: reserved_skipped $(meta "$work/skip.ndjson" reserved_skipped), expected $skip_reserved"
  [[ $(cat "$work/err") == "cutpoint: left out 0 blocklisted and $skip_reserved reserved addresses; $skip_kept targets" ]] ||
    fail "0/0 --skip-reserved: stderr $(cat "$work/err")"
  check_emitted "$work/skip.ndjson" "$work/reserved.txt" || fail "0/0 --skip-reserved emitted a reserved address"
else
  fail "0/0 --skip-reserved: $(cat "$work/err")"
fi
# Without it the same run is refused, every reserved range named at once; without a
# raised --max-targets the skipped /0 is still refused.
cases=$((cases + 1))
"$CUTPOINT" "${D[@]}" 0.0.0.0/0 2>"$work/err"
code=$?
missing=$(while read -r net; do grep -qF "$net (" "$work/err" || echo "$net"; done <"$work/reserved.txt")
[[ $code -eq 3 && -z $missing ]] || fail "0/0 without --skip-reserved: exit $code, unnamed: $missing"
expect 2 "cutpoint: target set has $skip_kept addresses, more than --max-targets 16777216; raise --max-targets to confirm" \
  -- "${D[@]}" --skip-reserved 0.0.0.0/0

# 0.0.0.0/0 with zmap's blocklist.conf: refused by default naming the three ranges it
# lacks (all in one run), and with --skip-reserved the whole list and every reserved range
# are subtracted.
expect 3 "cutpoint: target range 192.0.3.0-192.88.98.255 overlaps reserved ranges 192.31.196.0/24 (AS112-v4, RFC 7535), 192.52.193.0/24 (AMT, RFC 7450); target range 192.169.0.0-198.17.255.255 overlaps reserved range 192.175.48.0/24 (direct delegation AS112, RFC 7534); pass --skip-reserved to leave them out, or --allow-reserved PREFIX[,PREFIX...] to probe them deliberately" \
  -- "${BIG[@]}" -o /dev/null -b "$work/zmap-blocklist.conf" 0.0.0.0/0
cases=$((cases + 1))
if /usr/bin/env time -v true >/dev/null 2>&1; then TIME=(/usr/bin/env time -v); else TIME=(); fi
if "${TIME[@]}" "$CUTPOINT" "${BIG[@]}" --skip-reserved -b "$work/zmap-blocklist.conf" -o "$work/zmap.ndjson" \
     0.0.0.0/0 2>"$work/err"; then
  [[ $(meta "$work/zmap.ndjson" targets) == "$both_kept" ]] ||
    fail "0/0 -b zmap: targets $(meta "$work/zmap.ndjson" targets), expected $both_kept"
  [[ $(meta "$work/zmap.ndjson" blocklisted) == "$block_size" ]] ||
    fail "0/0 -b zmap: blocklisted $(meta "$work/zmap.ndjson" blocklisted), expected $block_size"
  [[ $(meta "$work/zmap.ndjson" reserved_skipped) == "$both_reserved" ]] ||
    fail "0/0 -b zmap: reserved_skipped $(meta "$work/zmap.ndjson" reserved_skipped), expected $both_reserved"
  [[ $(meta "$work/zmap.ndjson" blocklists) == "['$work/zmap-blocklist.conf']" ]] ||
    fail "0/0 -b zmap: blocklists $(meta "$work/zmap.ndjson" blocklists)"
  grep -qx "cutpoint: left out $block_size blocklisted and $both_reserved reserved addresses; $both_kept targets" "$work/err" ||
    fail "0/0 -b zmap: stderr $(cat "$work/err")"
  check_emitted "$work/zmap.ndjson" "$work/reserved.txt,$work/zmap-blocklist.conf" ||
    fail "0/0 -b zmap emitted an excluded address"
  # Ranges, not addresses: a /0 minus the lists stays within a few MB of the binary's own
  # footprint (`--version`: code, libraries and, under the sanitizers, their metadata,
  # which grows with the code: ~33 MB under ASan, ~10 MB in Release). Per-address state
  # for 3.6 billion targets would be gigabytes.
  if [[ ${#TIME[@]} -gt 0 ]]; then
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/err")
    "${TIME[@]}" "$CUTPOINT" --version >/dev/null 2>"$work/version.err"
    base=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/version.err")
    [[ $((rss - base)) -lt 16384 ]] ||
      fail "0/0 -b zmap: peak RSS $rss KB, $((rss - base)) KB above the binary's own $base KB"
    echo "0/0 --skip-reserved -b zmap-blocklist.conf: $both_kept targets, peak RSS ${rss} KB" \
         "($((rss - base)) KB above the binary's own $base KB)"
  fi
else
  fail "0/0 -b zmap --skip-reserved: $(cat "$work/err")"
fi

# Blocklist syntax errors: file and line, exit 2.
printf '# opt-outs\n10.0.0.0/8\n\nexample.com   # hostnames are not resolved\n' >"$work/bad.conf"
expect 2 "cutpoint: blocklist $work/bad.conf:4: bad target address 'example.com' (expected a.b.c.d[/len] or an IPv6 address[/len])" \
  -- "${D[@]}" -b "$work/bad.conf" 1.1.1.1
printf '1.2.3.0/24\n1.2.4.0/33\n' >"$work/bad2.conf"
expect 2 "cutpoint: blocklist $work/bad2.conf:2: bad prefix length in target '1.2.4.0/33' (expected /0 to /32)" \
  -- "${D[@]}" -b "$work/bad2.conf" 1.1.1.1
expect 2 "cutpoint: cannot read blocklist '$work/missing.conf': No such file or directory" \
  -- "${D[@]}" -b "$work/missing.conf" 1.1.1.1
expect 2 "cutpoint: no targets left after the allow- and blocklists and --skip-reserved (256 reserved addresses left out)" \
  -- "${D[@]}" --skip-reserved 10.0.0.0/24

# The default opt-out list: read when present (and named in meta), ignored with
# --no-default-blocklist, fine when absent, an error when unreadable.
printf '# people who asked not to be scanned\n1.1.1.0/30  # one\n1.1.1.2/31  # overlaps\n' >"$work/default.conf"
S=(scan --dry-run -S 1.2.3.4 -p 80)
cases=$((cases + 1))
if CUTPOINT_DEFAULT_BLOCKLIST=$work/default.conf "$CUTPOINT" "${S[@]}" -o "$work/default.ndjson" 1.1.1.0/29 2>"$work/err"; then
  got=$(grep -c '"probe"' "$work/default.ndjson")
  [[ $got -eq 4 ]] || fail "default blocklist present: $got probes, expected 4"
  [[ $(meta "$work/default.ndjson" blocklists) == "['$work/default.conf']" && $(meta "$work/default.ndjson" blocklisted) == 4 ]] ||
    fail "default blocklist present: meta $(head -n 1 "$work/default.ndjson")"
  grep -q '"target":"1.1.1.[0-3]"' "$work/default.ndjson" && fail "default blocklist present: a blocklisted target was emitted"
else
  fail "default blocklist present: $(cat "$work/err")"
fi
cases=$((cases + 1))
CUTPOINT_DEFAULT_BLOCKLIST=$work/default.conf "$CUTPOINT" "${S[@]}" --no-default-blocklist -o "$work/nodefault.ndjson" 1.1.1.0/29 2>"$work/err" &&
  [[ $(grep -c '"probe"' "$work/nodefault.ndjson") -eq 8 && $(meta "$work/nodefault.ndjson" blocklists) == None ]] ||
  fail "--no-default-blocklist: $(cat "$work/err") $(head -n 1 "$work/nodefault.ndjson")"
cases=$((cases + 1))
CUTPOINT_DEFAULT_BLOCKLIST=$work/absent.conf "$CUTPOINT" "${S[@]}" -o "$work/absent.ndjson" 1.1.1.0/29 2>"$work/err" &&
  [[ $(grep -c '"probe"' "$work/absent.ndjson") -eq 8 && $(meta "$work/absent.ndjson" blocklists) == None && ! -s $work/err ]] ||
  fail "absent default blocklist: $(cat "$work/err")"
printf '1.1.1.0/30\nnot-a-prefix\n' >"$work/baddefault.conf"
cases=$((cases + 1))
CUTPOINT_DEFAULT_BLOCKLIST=$work/baddefault.conf "$CUTPOINT" "${S[@]}" -o /dev/null 1.1.1.0/29 2>"$work/err"
code=$?
[[ $code -eq 2 && $(cat "$work/err") == "cutpoint: blocklist $work/baddefault.conf:2: "* ]] ||
  fail "bad default blocklist: exit $code $(cat "$work/err")"
# A blocklist beats --allow-reserved; the meta record names what was allowed.
cases=$((cases + 1))
printf '198.18.0.7\n' >"$work/lab-optout.conf"
"$CUTPOINT" "${S[@]}" --allow-reserved 198.18.0.0/15 -b "$work/lab-optout.conf" -o "$work/lab.ndjson" 198.18.0.0/29 2>"$work/err" &&
  [[ $(grep -c '"probe"' "$work/lab.ndjson") -eq 7 && $(meta "$work/lab.ndjson" allow_reserved) == "['198.18.0.0/15']" ]] &&
  ! grep -q '"target":"198.18.0.7"' "$work/lab.ndjson" || fail "blocklist vs --allow-reserved: $(cat "$work/err")"

# locate: a --control-host the filters removed is refused, not silently dropped (offline:
# --from-pcap never sends, even if this check regressed).
FIXTURES=$(cd "$(dirname "$0")/../fixtures/match" && pwd)
L=(locate --from-pcap "$FIXTURES/locate_rst_lab.pcap" --key-file "$FIXTURES/locate_rst_lab.key" -S 198.18.0.1 -p 25 -q)
expect 2 "cutpoint: --control-host 10.0.0.1 is left out by a blocklist or --skip-reserved; pick another control host" \
  -- "${L[@]}" --allow-reserved 198.18.0.0/15 --skip-reserved --control-host 10.0.0.1 198.19.1.0/30
printf '198.19.9.9  # opted out\n' >"$work/control.conf"
expect 2 "cutpoint: --control-host 198.19.9.9 is left out by a blocklist or --skip-reserved; pick another control host" \
  -- "${L[@]}" --allow-reserved 198.18.0.0/15 -b "$work/control.conf" --control-host 198.19.9.9 198.19.1.0/30
expect 0 "" -- "${L[@]}" --allow-reserved 198.18.0.0/15 --skip-reserved 198.19.1.0/30 10.0.0.0/30

echo "cli.targeting: $((cases - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
