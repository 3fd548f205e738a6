# shellcheck shell=bash
# Shared set-up of the benchmark scripts (bench/*.sh); sourced from the repository root:
#
#   source bench/bench_lib.sh
#   bench_require offline_match.sh cc python3 jq   # a tool missing: exit 2
#   bench_build_cutpoint offline_match              # CUTPOINT=build/release/.../cutpoint

# bench_require SCRIPT TOOL...: every TOOL is a command (or an executable path).
bench_require() {
  local script=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$script: '$tool' not found${BENCH_HINT:-}" >&2; exit 2; }
  done
}

# bench_build_cutpoint NAME: the release build (tools/build.sh) unless SKIP_BUILD is set;
# sets CUTPOINT to its binary, which must exist.
bench_build_cutpoint() {
  if [[ -z ${SKIP_BUILD:-} ]]; then
    echo "$1: building cutpoint (tools/build.sh release)" >&2
    tools/build.sh release >/dev/null
  fi
  CUTPOINT=$PWD/build/release/tools/cutpoint/cutpoint
  [[ -x $CUTPOINT ]] || { echo "$1.sh: $CUTPOINT missing" >&2; exit 2; }
}
