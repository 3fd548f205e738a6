#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The full test suite, as CI runs it: installs what is missing, then
#   1. fuzzes every parser for FUZZ_SECONDS each (default 60) after replaying every saved
#      crash reproducer (clang libFuzzer + ASan/UBSan),
#   2. ThreadSanitizer build: unit tests and the threaded lab runs,
#   3. ASan+UBSan build: every test (unit, CLI, and as root the namespace lab tests),
#   4. Release build: every test.
# Without root the lab tests report "skipped"; nothing is ever sent outside the network
# namespaces the lab tests create.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh

echo "== fuzzing (${FUZZ_SECONDS:-60} s per target)" >&2
tools/fuzz.sh "${FUZZ_SECONDS:-60}"

tsan=$(tools/build.sh tsan)
echo "== tsan: unit tests + threaded lab runs" >&2
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir "$tsan" --output-on-failure --timeout 600 \
  -R '^(lab\.trace|lab\.scan_load|lab\.locate\.story)$|^[A-Z]'

asan=$(tools/build.sh asan)
echo "== asan+ubsan: every test" >&2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$asan" --output-on-failure --timeout 600

release=$(tools/build.sh release)
echo "== release: every test" >&2
ctest --test-dir "$release" --output-on-failure --timeout 600
