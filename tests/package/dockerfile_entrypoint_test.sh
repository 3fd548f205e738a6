#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Dockerfile checked without a container runtime (package.dockerfile builds it where one
# exists):
#   * every stage starts FROM debian:bookworm or debian:bookworm-slim;
#   * the final stage installs tini and the cutpoint .deb, and its ENTRYPOINT is the exec
#     form ["/usr/bin/tini", "--", "/usr/bin/cutpoint"];
#   * that ENTRYPOINT, run here with this build's cutpoint for /usr/bin/cutpoint and this
#     machine's tini (Debian's, as in the image; TINI_SUBREAPER stands in for PID 1), passes
#     SIGINT and SIGTERM — what Ctrl-C and `docker stop` send to PID 1 — on to cutpoint: a
#     `trace --dry-run` far too long to finish, writing into a pipe, exits 130 and its output
#     is whole NDJSON lines ending with the stats record marked interrupted.
# Sends nothing. Skipped (77) without tini (tools/setup.sh installs it).
#   dockerfile_entrypoint_test.sh DOCKERFILE CUTPOINT_BINARY
set -uo pipefail
DOCKERFILE=$1
CUTPOINT=$2
fail() { echo "FAIL: $*"; exit 1; }

entrypoint=$(python3 - "$DOCKERFILE" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
# Instructions with their continuation lines joined, comments dropped.
lines = [l for l in text.replace("\\\n", " ").splitlines() if l.strip() and not l.lstrip().startswith("#")]
instructions = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l.strip() else "") for l in lines]
errors = []
stages = [[]]
for op, arg in instructions:
    if op == "FROM":
        image = arg.split()[0]
        if image not in ("debian:bookworm", "debian:bookworm-slim"):
            errors.append(f"FROM {image}: not debian:bookworm or debian:bookworm-slim")
        stages.append([])
    stages[-1].append((op, arg))
final = stages[-1]
if len(stages) < 2:
    errors.append("no FROM")
entrypoints = [arg for op, arg in final if op == "ENTRYPOINT"]
if len(entrypoints) != 1:
    errors.append(f"final stage has {len(entrypoints)} ENTRYPOINT instructions, want 1")
    argv = []
else:
    try:
        argv = json.loads(entrypoints[0])
    except ValueError:
        argv = []
        errors.append(f"ENTRYPOINT {entrypoints[0]} is not the exec (JSON) form: a shell "
                      "would be PID 1 and keep the signals from tini's child")
    if argv != ["/usr/bin/tini", "--", "/usr/bin/cutpoint"]:
        errors.append(f'ENTRYPOINT {argv}, want ["/usr/bin/tini", "--", "/usr/bin/cutpoint"]')
runs = " ".join(arg for op, arg in final if op == "RUN")
if not re.search(r"apt-get install[^&;]*\btini\b", runs):
    errors.append("the final stage does not apt-get install tini")
if not re.search(r"apt-get install[^&;]*cutpoint[^ ]*\.deb", runs):
    errors.append("the final stage does not apt-get install the cutpoint .deb")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(" ".join(argv))
PY
) || fail "$DOCKERFILE"
echo "Dockerfile: bookworm base images; ENTRYPOINT [$entrypoint]"

command -v tini >/dev/null || { echo "skip: no tini on this machine (tools/setup.sh installs it)"; exit 77; }
read -r -a argv <<<"$entrypoint"
argv[0]=$(command -v tini)
argv[2]=$CUTPOINT
work=$(mktemp -d /tmp/cutpoint-entrypoint.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# signal_case SIGNAL: the entrypoint's dry run into a pipe, SIGNAL to tini after 1 s.
signal_case() {
  local signal=$1 tini_pid check_pid rc
  rm -f "$work/pipe"
  mkfifo "$work/pipe"
  python3 - "$work/pipe" "$signal" >"$work/check.out" 2>&1 <<'PY' &
import json, sys
# Streamed: every line parsed as it comes (which also paces cutpoint through the pipe).
count = probes = 0
first = last = None
tail = b""
with open(sys.argv[1], "rb") as pipe:
    while chunk := pipe.read(1 << 16):
        lines = (tail + chunk).split(b"\n")
        tail = lines.pop()
        for line in lines:
            record = json.loads(line)
            first = first or record
            last = record
            count += 1
            probes += record["type"] == "probe"
if tail:
    sys.exit(f"the output ends inside a line: ...{tail[-80:]!r}")
if not first or first["type"] != "meta" or last["type"] != "stats" or last.get("interrupted") is not True:
    sys.exit(f"first record {first and first['type']}, last {last}: want meta ... stats interrupted")
print(f"{sys.argv[2]}: {count} whole lines, {probes} probes, then the stats record "
      f"(interrupted, {last['probes_unsent']} probes unsent)")
PY
  check_pid=$!
  pids+=("$check_pid")
  TINI_SUBREAPER=1 "${argv[@]}" trace --dry-run --allow-reserved 198.18.0.0/15 -S 198.18.0.1 \
    -p 1-1000 --ttl 1-32 198.18.0.0/15 >"$work/pipe" 2>"$work/stderr" &
  tini_pid=$!
  pids+=("$tini_pid")
  sleep 1
  kill -0 "$tini_pid" 2>/dev/null || { cat "$work/stderr"; fail "$signal: the dry run ended before the signal"; }
  kill "-$signal" "$tini_pid"
  for _ in $(seq 1 40); do
    kill -0 "$tini_pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$tini_pid" 2>/dev/null; then
    fail "$signal to tini: cutpoint still running 10 s later (the signal did not reach it)"
  fi
  wait "$tini_pid"
  rc=$?
  wait "$check_pid" || { cat "$work/check.out"; fail "$signal: the output is not whole NDJSON"; }
  [[ $rc -eq 130 ]] || { cat "$work/stderr"; fail "$signal: exit status $rc through tini, want 130"; }
  echo "$(cat "$work/check.out"); exit 130 through tini"
}
signal_case INT
signal_case TERM
echo "package.dockerfile_entrypoint: ok"
