#!/usr/bin/env bash
# The full test suite, as CI runs it: installs what is missing, builds the Release and
# the ASan+UBSan flavours, and runs every test in both (unit tests, and as root the
# network-namespace lab tests; without root those report "skipped").
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh

release=$(tools/build.sh release)
echo "== release: unit + lab tests" >&2
ctest --test-dir "$release" --output-on-failure --timeout 600

asan=$(tools/build.sh asan)
echo "== asan+ubsan: unit + lab tests" >&2
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$asan" --output-on-failure --timeout 600
