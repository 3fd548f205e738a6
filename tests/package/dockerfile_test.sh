#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Dockerfile at the repository root, built and run by a container runtime: `docker build`
# (or podman's), the image's `--version` equal to this build's, and a `trace --dry-run` in
# the container whose NDJSON is whole (meta, one probe per (target, TTL), stats). Sends
# nothing. The image is removed at the end, on failure too. Skipped (exit 77) where neither
# docker nor podman can run containers (no client, or no daemon answering `info`), which is
# the case on this project's CI machines: there the Dockerfile is checked by
# package.dockerfile_entrypoint only.
#   dockerfile_test.sh SOURCE_DIR CUTPOINT_BINARY
set -uo pipefail
SOURCE_DIR=$1
CUTPOINT=$2
skip() { echo "skip: $*"; exit 77; }
runtime=""
for candidate in docker podman; do
  if command -v "$candidate" >/dev/null && timeout 20 "$candidate" info >/dev/null 2>&1; then
    runtime=$candidate
    break
  fi
done
[[ -n $runtime ]] || skip "no container runtime that answers 'info' (docker, podman)"
image=cutpoint-dockerfile-test:$$
work=$(mktemp -d /tmp/cutpoint-dockerfile.XXXXXX)
cleanup() {
  "$runtime" rmi -f "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

echo "$runtime build -t $image $SOURCE_DIR"
if ! "$runtime" build -t "$image" -f "$SOURCE_DIR/Dockerfile" "$SOURCE_DIR" >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log"
  fail "$runtime build"
fi
want=$("$CUTPOINT" --version)
got=$("$runtime" run --rm "$image" --version 2>&1) || fail "--version in the container: $got"
echo "in the container: $got"
[[ $got == "$want" ]] || fail "the image's --version is '$got', this build's '$want'"

"$runtime" run --rm --network none "$image" trace --dry-run --allow-reserved 198.18.0.0/15 \
  -p 25 --probe tcp-syn --ttl 1-3 -S 198.18.0.1 198.18.0.0/30 >"$work/dry.ndjson" 2>"$work/dry.err" ||
  { cat "$work/dry.err"; fail "trace --dry-run in the container"; }
python3 - "$work/dry.ndjson" <<'PY' || fail "the container's dry-run NDJSON"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
types = [r["type"] for r in records]
want = ["meta"] + ["probe"] * 12 + ["stats"]
if types != want:
    sys.exit(f"record types {types}, want {want}")
print(f"dry run in the container: {len(records)} whole NDJSON records (meta, 12 probes, stats)")
PY
echo "package.dockerfile: ok"
