#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets of tests/fuzz (clang, ASan+UBSan) into build/fuzz, replays
# every saved reproducer in tests/fuzz/regressions/<target>/, then fuzzes each target for
# SECONDS (default 60) starting from a temporary copy of the seeds the build generates
# (build/fuzz/seed_corpus/<target>/: real replies to real probes, tests/fuzz/seed_corpus_gen.cc)
# plus any inputs kept in tests/fuzz/corpus/<target>/, so the repository is never modified. Prints one summary line per target; exits non-zero if
# a regression replay or a fuzzing run crashed, naming the crash artifact.
#
#   tools/fuzz.sh [SECONDS]
#
# Crash artifacts land in build/fuzz/artifacts/<target>/, full logs in build/fuzz/logs/.
# Reproduce one with: build/fuzz/<target> build/fuzz/artifacts/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: tools/fuzz.sh [SECONDS]   (seconds per target, default 60)" >&2
  exit 2
fi

tools/setup.sh

cxx=$(command -v clang++ || command -v clang++-14 || true)
if [[ -z $cxx ]]; then
  echo "fuzz.sh: clang++ not found (tools/setup.sh installs clang)" >&2
  exit 2
fi

build=build/fuzz
started=$SECONDS
echo "== configure + build $build ($cxx)" >&2
cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCUTPOINT_FUZZ=ON >/dev/null
ninja -C "$build" >&2
echo "== built in $((SECONDS - started))s" >&2

targets=(frame_match_fuzzer icmp_quote_fuzzer targets_fuzzer pcap_fuzzer asn_text_fuzzer
         report_model_fuzzer shard_merge_fuzzer)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

work=$(mktemp -d "${TMPDIR:-/tmp}/cutpoint-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/logs"
failed=0
summary=()

# 1. Saved reproducers must not crash.
echo "== replaying tests/fuzz/regressions" >&2
for target in "${targets[@]}"; do
  dir=tests/fuzz/regressions/$target
  [[ -d $dir ]] || continue
  mapfile -t inputs < <(find "$dir" -type f ! -name '*.md' ! -name '.*' | sort)
  ((${#inputs[@]} > 0)) || continue
  log=$build/logs/$target.regressions.log
  : >"$log"
  crashed=0
  # One process per reproducer, so every failing one is named, not just the first.
  for input in "${inputs[@]}"; do
    if ! "$build/$target" -runs=1 "$input" >>"$log" 2>&1; then
      echo "regressions $target: CRASH on $input (log: $log)" >&2
      summary+=("$(printf '%-20s REGRESSION CRASH %s (log %s)' "$target" "$input" "$log")")
      crashed=$((crashed + 1))
      failed=1
    fi
  done
  if ((crashed > 0)); then
    grep -E 'ERROR: |FUZZ_CHECK|runtime error' "$log" | grep -v 'deadly signal' | sed 's/^/    /' >&2
  fi
  echo "regressions $target: $((${#inputs[@]} - crashed)) of ${#inputs[@]} inputs OK" >&2
done

# 2. Fuzz each target for $seconds.
for target in "${targets[@]}"; do
  corpus=$work/corpus/$target
  artifacts=$build/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  for seeds in "$build/seed_corpus/$target" "tests/fuzz/corpus/$target"; do
    if [[ -d $seeds ]]; then cp -r "$seeds/." "$corpus/"; fi
  done
  log=$build/logs/$target.log
  echo "== fuzzing $target for ${seconds}s (log: $log)" >&2
  status=0
  "$build/$target" "$corpus" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | awk '{print $2}' | tail -1)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | awk '{print $2}' | tail -1)
  cov=$(grep -oE '(DONE|pulse|NEW|REDUCE|INITED) +cov: [0-9]+' "$log" | tail -1 | awk '{print $NF}')
  if ((status == 0)); then
    line=$(printf '%-20s ok     execs %-10s exec/s %-7s cov %-5s corpus %s' "$target" \
      "${execs:-?}" "${rate:-?}" "${cov:-?}" "$(find "$corpus" -type f | wc -l)")
  else
    artifact=$(grep -o 'Test unit written to .*' "$log" | tail -1 | cut -d' ' -f5-)
    line=$(printf '%-20s CRASH  execs %-10s exec/s %-7s exit %s artifact %s (log %s)' "$target" \
      "${execs:-?}" "${rate:-?}" "$status" "${artifact:-?}" "$log")
    grep -E 'ERROR: |FUZZ_CHECK|runtime error|SUMMARY' "$log" | head -5 | sed 's/^/    /' >&2
    failed=1
  fi
  summary+=("$line")
done

echo "== summary (${seconds}s per target, total $((SECONDS - started))s)"
printf '%s\n' "${summary[@]}"
exit "$failed"
