#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Offline matching throughput: `cutpoint match` over a capture of REPLIES SYN-ACKs that all
# match a known key, versus a bare libpcap read loop (bench/pcap_read_loop.c) over the same
# file. Nothing is sent; no privilege needed.
#
#   bench/offline_match.sh [REPLIES=3000000] [RUNS=3]
#
# 1. `cutpoint scan --dry-run --allow-reserved 198.18.0.0/15 -S 198.18.0.1 --key-file K --seed 1
#    -p 25-(25+N-1) 198.19.0.0/16` prints every probe with its bytes;
# 2. a small Python generator turns the first REPLIES of them into the SYN-ACK each target
#    would send (addresses and ports swapped, ack = seq + 1, flags SA, MSS option, valid IP and
#    TCP checksums, Ethernet framing, 1 µs apart from 0.5 s after the dry run's start, as
#    replies to it would come) and writes them as a pcap;
# 3. one checked run of `cutpoint match` confirms every packet matches; then RUNS timed runs
#    each of `cutpoint match --pcap F --key-file K -S 198.18.0.1 -o /dev/null` and of
#    `pcap_read_loop F`, alternating, after a warm-up that puts the file in the page cache;
#    plus `cutpoint match -S 198.18.0.99` (another prober: every packet read, parsed and
#    dismissed, no key work, no output) to split the cost into reading, parsing, matching.
# Rates are packets / wall-clock seconds of the whole process (bash $EPOCHREALTIME around
# it; CPU = user+sys from /usr/bin/time), medians. `match` uses two threads: its wall time
# approaches half its CPU time only when both cores are free.
#
# Environment: SKIP_BUILD=1 skips tools/build.sh; KEEP=1 keeps the capture and key
# (their directory is printed).
set -euo pipefail

REPLIES=${1:-3000000}
RUNS=${2:-3}
[[ $REPLIES =~ ^[0-9]+$ && $REPLIES -gt 0 && $REPLIES -le 65536000 ]] ||
  { echo "REPLIES must be 1..65536000" >&2; exit 2; }
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || { echo "RUNS must be a positive integer" >&2; exit 2; }

cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=bench_lib.sh
source bench/bench_lib.sh
WORK=$(mktemp -d /tmp/cutpoint-offline-match.XXXXXX)
cleanup() {
  local rc=$?
  set +e
  if [[ -n ${KEEP:-} ]]; then echo "kept: $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "offline_match: $*" >&2; }

BENCH_HINT=" (tools/setup.sh)" bench_require offline_match.sh cc python3 jq bc /usr/bin/time
bench_build_cutpoint offline_match
cc -O2 -Wall -o "$WORK/pcap_read_loop" bench/pcap_read_loop.c -lpcap

NPORTS=$(( (REPLIES + 65535) / 65536 ))
PCAP=$WORK/replies.pcap
KEY=$WORK/scan.key

cat >"$WORK/gen.py" <<'EOF'
# stdin: `cutpoint scan --dry-run` NDJSON; argv: OUT.pcap COUNT. Writes COUNT SYN-ACKs.
import datetime, json, struct, sys
out_path, count = sys.argv[1], int(sys.argv[2])
ETH = bytes.fromhex("020000000001" "020000000002" "0800")   # to the prober, from the "router"
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
marker = b'"bytes":"'
n = 0
ts0 = None
with open(out_path, "wb", buffering=1 << 20) as out:
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet, µs
    inp = sys.stdin.buffer
    for line in inp:
        k = line.find(marker)
        if k < 0:
            if ts0 is None and b'"type":"meta"' in line:
                # Probe format 3 puts the absolute send tick in the MAC, and the matcher
                # accepts replies at most ~4 s younger than their probe: the replies are
                # stamped 0.5-1.5 s after the dry run started (its probes' send time).
                start = json.loads(line)["start_time"]
                when = datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%S.%fZ")
                when = when.replace(tzinfo=datetime.timezone.utc)
                ts0 = int(when.timestamp()) * 1_000_000 + when.microsecond + 500_000
            continue
        ts = ts0 + n % 1_000_000
        probe = bytes.fromhex(line[k + 9:k + 9 + 88].decode())       # 20 B IPv4 + 24 B TCP
        src, dst = probe[12:16], probe[16:20]                         # prober, target
        sport, dport, seq = struct.unpack("!HHI", probe[20:28])
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 44, n & 0xFFFF, 0x4000, 60, 6, 0,
                                   dst, src))
        ip[10:12] = struct.pack("!H", csum(ip))
        tcp = bytearray(struct.pack("!HHIIBBHHH4s", dport, sport, (seq * 2654435761) & 0xFFFFFFFF,
                                    (seq + 1) & 0xFFFFFFFF, 6 << 4, 0x12, 64240, 0, 0,
                                    bytes.fromhex("020405b4")))
        tcp[16:18] = struct.pack("!H", csum(dst + src + struct.pack("!HH", 6, 24) + tcp))
        frame = ETH + ip + tcp
        out.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(frame), len(frame)))
        out.write(frame)
        n += 1
        if n == count:
            break
    while inp.read(1 << 20):    # drain, so the dry run is not killed by SIGPIPE
        pass
if n != count:
    sys.exit(f"generator: only {n} probes in the dry run, wanted {count}")
EOF

log "generating $REPLIES SYN-ACKs (198.19.0.0/16 x ports 25-$((25 + NPORTS - 1)))"
gen_start=$(date +%s.%N)
"$CUTPOINT" scan --dry-run --allow-reserved 198.18.0.0/15 -i lo -S 198.18.0.1 --key-file "$KEY" --seed 1 \
    -p "25-$((25 + NPORTS - 1))" -q -o - 198.19.0.0/16 | python3 "$WORK/gen.py" "$PCAP" "$REPLIES"
log "capture: $(stat -c %s "$PCAP") bytes in $(printf '%.1f' "$(echo "$(date +%s.%N) - $gen_start" | bc -l)") s"

# Checked run (also the page-cache warm-up): every packet must match.
"$CUTPOINT" match --pcap "$PCAP" --key-file "$KEY" -S 198.18.0.1 -o - | tail -n 1 >"$WORK/stats"
matched=$(jq -r .matched "$WORK/stats")
if [[ $matched != "$REPLIES" ]]; then
  echo "offline_match.sh: only $matched of $REPLIES replies matched:" >&2; cat "$WORK/stats" >&2; exit 1
fi
"$WORK/pcap_read_loop" "$PCAP" >/dev/null 2>&1
log "checked: $matched of $REPLIES replies matched"

echo "machine: $(nproc) cores, $(uname -r), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-15s %4s %10s %8s %12s %8s\n' program run packets wall_s pps cpu_s
: >"$WORK/results"
timed() {  # timed NAME RUN CMD...
  local name=$1 run=$2; shift 2
  local t0=$EPOCHREALTIME
  /usr/bin/time -f '%e %U %S' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" ||
    { echo "offline_match.sh: $name failed:" >&2; cat "$WORK/err" >&2; exit 1; }
  local t1=$EPOCHREALTIME wall user sys _wall
  wall=$(echo "$t1 - $t0" | bc -l)      # µs resolution; /usr/bin/time's %e has 10 ms
  read -r _wall user sys < <(tail -n 1 "$WORK/time")
  echo "$name $run $wall $user $sys" >>"$WORK/results"
  printf '%-15s %4s %10d %8.3f %12.0f %8.2f\n' "$name" "$run" "$REPLIES" "$wall" \
    "$(echo "$REPLIES / $wall" | bc -l)" "$(echo "$user + $sys" | bc -l)"
}
for ((run = 1; run <= RUNS; run++)); do
  timed cutpoint-match "$run" "$CUTPOINT" match --pcap "$PCAP" --key-file "$KEY" -S 198.18.0.1 -o /dev/null
  timed pcap_read_loop "$run" "$WORK/pcap_read_loop" "$PCAP"
  # Same file, -S naming another prober: every packet is read and parsed, then dismissed as
  # not addressed to us before any key work or output (the read + parse share of the cost).
  timed cutpoint-parse "$run" "$CUTPOINT" match --pcap "$PCAP" --key-file "$KEY" -S 198.18.0.99 -o /dev/null
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$WORK/results" "$REPLIES" <<'EOF'
import statistics, sys
n = int(sys.argv[2])
walls, cpus = {}, {}
for line in open(sys.argv[1]):
    name, _, wall, user, sys_ = line.split()
    walls.setdefault(name, []).append(float(wall))
    cpus.setdefault(name, []).append(float(user) + float(sys_))
m = statistics.median(walls["cutpoint-match"])
r = statistics.median(walls["pcap_read_loop"])
print(f"\nmedian cutpoint match   : {n / m:12.0f} replies/s ({m:.2f} s for {n})")
print(f"median pcap read loop   : {n / r:12.0f} packets/s ({r:.3f} s)")
print(f"ratio match / read loop : {r / m:.2f}  (1.00 = matching costs nothing beyond reading the file)")
print(f"matching cost           : {(m - r) * 1e9 / n:.0f} ns per reply on top of libpcap")
# `match` runs on two threads, so on a busy machine its wall time depends on whether the
# second core was free; its CPU time (both threads) does not.
mc, rc = statistics.median(cpus["cutpoint-match"]), statistics.median(cpus["pcap_read_loop"])
print(f"median CPU (user+sys)   : match {mc:.2f} s ({mc * 1e9 / n:.0f} ns/reply), read loop {rc:.2f} s "
      f"({rc * 1e9 / n:.0f} ns/packet); match wall/CPU {m / mc:.2f}")
if "cutpoint-parse" in walls:
    q = statistics.median(walls["cutpoint-parse"])
    print(f"median match, -S other  : {n / q:12.0f} packets/s ({q:.2f} s): read + parse + dismiss, "
          f"{(q - r) * 1e9 / n:.0f} ns/packet over libpcap;")
    print(f"                          so authenticate + NDJSON record ~ {(m - q) * 1e9 / n:.0f} ns per matched reply")
EOF
