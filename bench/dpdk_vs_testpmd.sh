#!/usr/bin/env bash
# Probes/s of Cutpoint's DPDK backend versus dpdk-testpmd's txonly mode, on DPDK's null
# PMD (net_null: the driver takes every frame and frees it), so the figure is the cost of
# producing frames, not of any NIC. No NIC and no hugepages needed (--no-huge --no-pci).
#
#   bench/dpdk_vs_testpmd.sh [SECONDS=5]
#
#  * cutpoint-dpdk-bench: unique keyed TCP SYN probes (a different target/TTL each, probe
#    word = keyed MAC, IPv4 + TCP checksums) built by ProbeBuilder straight into
#    mbufs, 32 per rte_eth_tx_burst; on 1 lcore, then on 2 lcores (2 TX queues);
#  * dpdk-testpmd --forward-mode=txonly: one forwarding lcore sending copies of a fixed
#    UDP template of the same frame size (58 bytes: Ethernet + IPv4 + TCP with MSS),
#    32 per burst; its Tx-pps averaged over the stats periods after the first.
# Cycles per probe: TSC cycles spent by the sending lcores / frames sent (testpmd: TSC
# rate / Tx-pps of its single forwarding lcore).
#
# Environment: SKIP_BUILD=1 uses the existing build/release binary; LCORES="1 2" picks
# the cutpoint runs. Needs root (DPDK's EAL), and dpdk-dev (tools/setup.sh installs it).
set -euo pipefail

SECS=${1:-5}
[[ $SECS =~ ^[0-9]+$ && $SECS -gt 0 ]] || { echo "SECONDS must be a positive integer" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "dpdk_vs_testpmd.sh: needs root (DPDK EAL)" >&2; exit 3; }
cd "$(dirname "$0")/.."

if ! pkg-config --exists libdpdk || ! command -v dpdk-testpmd >/dev/null; then
  tools/setup.sh
fi
BENCH=build/release/tests/dpdk/cutpoint-dpdk-bench
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C build/release cutpoint-dpdk-bench >&2
fi
[[ -x $BENCH ]] || { echo "no $BENCH (is libdpdk installed? see tools/setup.sh)" >&2; exit 1; }

FRAME_LEN=58
EAL="--no-huge --no-pci -m 512 --vdev net_null0"
NCPU=$(nproc)
LCORES=${LCORES:-"1 2"}
declare -A MPPS CPP
TSC_HZ=
for n in $LCORES; do
  if (( n > NCPU )); then
    echo "skipping $n lcores: only $NCPU CPUs" >&2
    continue
  fi
  line=$("$BENCH" --eal "$EAL" --lcores "$n" --seconds "$SECS" 2>/dev/null | grep '^cutpoint-dpdk-bench')
  echo "$line" >&2
  MPPS[$n]=$(sed -E 's/.* mpps=([0-9.]+).*/\1/' <<<"$line")
  CPP[$n]=$(sed -E 's/.* cycles_per_probe=([0-9.]+).*/\1/' <<<"$line")
  TSC_HZ=$(sed -E 's/.* tsc_hz=([0-9]+).*/\1/' <<<"$line")
done

# testpmd: main lcore 0 prints stats, forwarding lcore 1 sends.
log=$(mktemp /tmp/cutpoint-testpmd.XXXXXX.log)
prefix=cutpoint-testpmd-$$
set +e
timeout -s INT "$((SECS + 1))" dpdk-testpmd $EAL --no-shconf --file-prefix "$prefix" \
    --no-telemetry -l 0-1 -- --forward-mode=txonly --txpkts=$FRAME_LEN --burst=32 \
    --total-num-mbufs=16384 --stats-period 1 >"$log" 2>&1
set -e
rmdir "/var/run/dpdk/$prefix" 2>/dev/null || true
TP_MPPS=$(grep -a 'Tx-pps:' "$log" | awk '{print $2}' | tail -n +2 | head -n "$SECS" |
          awk '{s += $1; n++} END {if (n) printf "%.3f", s / n / 1e6; else print "0"}')
if [[ $TP_MPPS == 0 || $TP_MPPS == 0.000 ]]; then
  echo "dpdk-testpmd gave no Tx-pps figures; its log: $log" >&2
  tail -20 "$log" >&2
  exit 1
fi
rm -f "$log"
[[ -n $TSC_HZ ]] || TSC_HZ=0
TP_CPP=$(awk -v hz="$TSC_HZ" -v m="$TP_MPPS" 'BEGIN {printf "%.1f", hz / (m * 1e6)}')

echo
echo "net_null, ${FRAME_LEN}-byte frames, ${SECS} s each, TSC $(awk -v hz="$TSC_HZ" 'BEGIN {printf "%.2f", hz / 1e9}') GHz, $NCPU CPUs"
printf '%-44s %10s %14s %10s\n' "sender" "Mpps" "cycles/probe" "vs testpmd"
for n in $LCORES; do
  [[ -n ${MPPS[$n]:-} ]] || continue
  printf '%-44s %10s %14s %9sx\n' "cutpoint-dpdk-bench, $n lcore(s), keyed probes" "${MPPS[$n]}" \
      "${CPP[$n]}" "$(awk -v a="${MPPS[$n]}" -v b="$TP_MPPS" 'BEGIN {printf "%.2f", a / b}')"
done
printf '%-44s %10s %14s %10s\n' "dpdk-testpmd txonly, 1 fwd lcore, template" "$TP_MPPS" "$TP_CPP" "1.00x"
