# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Shared set-up of the lab tests (tests/lab/*_test.sh); sourced, not run:
#
#   source "$(dirname -- "${BASH_SOURCE[0]}")/lab_test_lib.sh"
#   lab_usage 2 "CUTPOINT_BINARY LISTENER_BINARY" "$@"  # else usage, exit 2
#   lab_test_init lab.trace ip python3     # not root or a tool missing: SKIP, exit 77
#   lab_need_executable "$CUTPOINT" "$LISTENER"
#   lab_workdir cutpoint-lab-test          # LAB_WORK=/tmp/cutpoint-lab-test.XXXXXX
#   lab_up cpt --routers 3 ...             # lab cpt<PID> up, topology.env sourced
#
# Teardown is a trap on EXIT (INT and TERM exit through it): hooks registered with
# lab_at_exit, then `lab.sh down` of the lab, which removes its namespaces and ends the
# processes in them, on failure too; the work directory is removed after a pass and
# kept (and named) after a failure. Labs of earlier runs of the same test whose process
# is gone (killed by a ctest timeout) are taken down before a new one comes up.
# Exit 77 is what tests/lab/CMakeLists.txt declares as SKIP_RETURN_CODE.

LAB_TEST_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
LAB_SH="$LAB_TEST_DIR/../../tools/lab/lab.sh"
LAB_LABEL=lab
LAB_WORK=""
LAB_TEST_NAME=""
LAB_AT_EXIT=()
# The checkers' inline Python imports ndjson.py from here.
export PYTHONPATH="$LAB_TEST_DIR${PYTHONPATH:+:$PYTHONPATH}"

# lab_usage COUNT "ARGS" "$@": exits 2 with a usage line unless there are COUNT arguments.
lab_usage() {
  local count=$1 args=$2
  shift 2
  if [[ $# -ne $count ]]; then
    echo "usage: $0 $args" >&2
    exit 2
  fi
}

# lab_test_init LABEL [TOOL...]: the lab needs root and each TOOL; without them the test
# is skipped.
lab_test_init() {
  LAB_LABEL=$1
  shift
  if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: needs root"
    exit 77
  fi
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null; then
      echo "SKIP: needs $tool"
      exit 77
    fi
  done
}

# lab_need_executable BINARY...: a binary the build should have made; missing is a failure.
lab_need_executable() {
  local bin
  for bin in "$@"; do
    [[ -x $bin ]] || { echo "$LAB_LABEL: binary '$bin' not executable" >&2; exit 1; }
  done
}

# lab_at_exit COMMAND: run COMMAND (a function name, say) at teardown, before the lab goes.
lab_at_exit() { LAB_AT_EXIT+=("$1"); }

# lab_workdir NAME: a fresh directory /tmp/NAME.XXXXXX as LAB_WORK; installs the teardown.
# lab_locate_sweep_all SCREENED_STDERR OUT_PREFIX LOCATE_COMMAND...: runs the locate
# command again with `--sweep all -o OUT_PREFIX.ndjson` (stderr to OUT_PREFIX.stderr), 4 s
# after the screened run (past the lab destination's half-open lifetime, tools/lab/lab.sh),
# fails the test when it fails, and prints both runs' probe counts.
lab_locate_sweep_all() {
  local screened=$1 out=$2 rc
  shift 2
  sleep 4
  set +e
  "$@" --sweep all -o "$out.ndjson" 2>"$out.stderr"
  rc=$?
  set -e
  if [[ $rc -ne 0 ]]; then
    echo "$LAB_LABEL: FAIL: cutpoint locate --sweep all exited with status $rc; stderr:" >&2
    sed 's/^/  /' "$out.stderr" >&2
    exit 1
  fi
  echo "$LAB_LABEL: screened: $(grep -o '[0-9]* probes' "$screened" | head -1); --sweep all: $(grep -o '[0-9]* probes' "$out.stderr" | head -1)"
}

lab_workdir() {
  LAB_WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  trap _lab_teardown EXIT
  trap 'exit 130' INT TERM
}

# lab_up TAG LAB-UP-OPTIONS...: brings up lab TAG<PID> (unique among running tests) with
# tools/lab/lab.sh, its topology in $LAB_WORK/topology.env, and sources that file.
lab_up() {
  local tag=$1
  shift
  _lab_reap_stale "$tag"
  LAB_TEST_NAME="$tag$$"
  if ! LAB_QUIET=1 bash "$LAB_SH" up "$LAB_TEST_NAME" "$@" --out "$LAB_WORK/topology.env" \
      >"$LAB_WORK/lab-up.log" 2>&1 </dev/null; then
    echo "$LAB_LABEL: FAIL: lab up:" >&2
    sed 's/^/  /' "$LAB_WORK/lab-up.log" >&2
    exit 1
  fi
  # shellcheck disable=SC1091
  source "$LAB_WORK/topology.env"
}

# lab_run_cutpoint NAME ARGS...: `cutpoint ARGS` inside the lab's prober namespace (3 minutes
# at most), stderr kept in $LAB_WORK/NAME.stderr and its last line (the run's summary)
# echoed; a failed run fails the test, showing that stderr. Needs CUTPOINT.
lab_run_cutpoint() {
  local name=$1 rc
  shift
  set +e
  timeout 180 ip netns exec "$PROBER_NS" "$CUTPOINT" "$@" 2>"$LAB_WORK/$name.stderr"
  rc=$?
  set -e
  if [[ $rc -ne 0 ]]; then
    echo "$LAB_LABEL: FAIL: cutpoint $name exited with status $rc; stderr:" >&2
    sed 's/^/  /' "$LAB_WORK/$name.stderr" >&2
    exit 1
  fi
  echo "$LAB_LABEL: $(tail -n 1 "$LAB_WORK/$name.stderr")"
}

# Labs TAG<PID> (state directory or namespaces) whose PID no longer runs.
_lab_reap_stale() {
  local tag=$1 name pid
  local names
  names=$({
    for name in /run/cutpoint-lab/"$tag"*/; do [[ -d $name ]] && basename "$name"; done
    ip netns list 2>/dev/null | awk '{print $1}' | sed -n "s/^\(${tag}[0-9]*\)-.*/\1/p"
  } | sort -u)
  for name in $names; do
    pid=${name#"$tag"}
    if [[ $pid =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null; then
      echo "$LAB_LABEL: removing stale lab $name"
      LAB_QUIET=1 bash "$LAB_SH" down "$name" || true
    fi
  done
}

_lab_teardown() {
  local rc=$? hook
  for hook in "${LAB_AT_EXIT[@]}"; do "$hook" || true; done
  if [[ -n $LAB_TEST_NAME ]]; then
    LAB_QUIET=1 bash "$LAB_SH" down "$LAB_TEST_NAME" || true
  fi
  if [[ -n $LAB_WORK ]]; then
    if [[ $rc -eq 0 ]]; then
      rm -rf -- "$LAB_WORK"
    else
      echo "$LAB_LABEL: artifacts kept in $LAB_WORK" >&2
    fi
  fi
}
