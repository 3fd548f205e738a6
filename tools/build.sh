#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds one flavour of Cutpoint: `release` (default) or `asan`
# (AddressSanitizer + UndefinedBehaviorSanitizer) or `tsan` (ThreadSanitizer). Prints the
# build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
case "$flavour" in
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCUTPOINT_SANITIZE=ON -DCUTPOINT_BUILD_BENCH=OFF) ;;
  tsan) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCUTPOINT_TSAN=ON -DCUTPOINT_BUILD_BENCH=OFF) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release, asan, tsan)" >&2; exit 2 ;;
esac
dir=build/$flavour
cmake -S . -B "$dir" -G Ninja "${args[@]}" >/dev/null
ninja -C "$dir" >&2
echo "$dir"
