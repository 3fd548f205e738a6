#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nothing lost, nothing half-written (issue 10, rows 3 and 4, and the --pcap-out warning):
#   * a run refused for a bad --tx, -i, --user, a missing privilege or a bad --from-pcap
#     leaves an existing -o / --pcap-out file byte for byte as it was, and removes an
#     output it had to create;
#   * a full disk on -o (/dev/full; a tiny tmpfs in a private mount namespace) exits 4
#     with a message, and the file ends at its last whole line, every line JSON;
#   * --pcap-out without --key-file warns that the capture can never be re-judged.
# Nothing here sends a packet: runs that would open sockets run in an empty network
# namespace of their own (root), and every run fails before its first probe. Cases that
# need root (namespaces, another user) are skipped without it.
set -uo pipefail
CUTPOINT=$1
work=$(mktemp -d /tmp/cutpoint-output-integrity.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
failures=0
cases=0
root=0
[[ $(id -u) -eq 0 ]] && root=1

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# In an empty network namespace (loopback up, no route anywhere) when root.
isolated() {
  if ((root)); then
    unshare -n bash -c 'ip link set lo up && exec "$@"' _ "$@"
  else
    "$@"
  fi
}

# untouched CODE PATTERN FILE -- COMMAND...: the run exits CODE naming PATTERN, and FILE
# (which exists) is byte for byte unchanged.
untouched() {
  local code=$1 pattern=$2 file=$3
  shift 4
  cases=$((cases + 1))
  local before after got
  before=$(sha256sum <"$file")
  "$@" >"$work/stdout" 2>"$work/stderr" </dev/null
  got=$?
  after=$(sha256sum <"$file")
  if [[ $got -ne $code ]]; then
    fail "[$*]: exit $got, expected $code; stderr: $(head -n 1 "$work/stderr")"
  elif ! grep -q -- "$pattern" "$work/stderr"; then
    fail "[$*]: stderr does not name '$pattern': $(head -n 2 "$work/stderr")"
  elif [[ $before != "$after" ]]; then
    fail "[$*]: a failing run changed $file ($(wc -c <"$file") bytes now)"
  fi
}

old='{"type":"verdict","target":"198.19.1.101","verdict":"silent_drop","from":"an earlier run"}'
printf '%s\n' "$old" "$old" >"$work/kept.ndjson"
chmod 666 "$work/kept.ndjson"
printf 'earlier evidence, not to be truncated\n' >"$work/kept.pcap"
L=(--allow-reserved 198.18.0.0/15 -S 198.18.0.1 -i lo 198.18.0.5)

# Row 3: every flag, interface, backend, user and privilege is checked first.
untouched 2 "unknown TX backend 'bogus'" "$work/kept.ndjson" -- \
  isolated "$CUTPOINT" trace --tx bogus -o "$work/kept.ndjson" "${L[@]}"
untouched 2 "unknown TX backend 'bogus'" "$work/kept.ndjson" -- \
  isolated "$CUTPOINT" scan --tx bogus --resume "$work/resume" --key-file "$work/key" \
  -o "$work/kept.ndjson" "${L[@]}"
untouched 2 "unknown TX backend 'bogus'" "$work/kept.ndjson" -- \
  isolated "$CUTPOINT" locate -p 25 --tx bogus -o "$work/kept.ndjson" "${L[@]}"
untouched 2 "unknown TX backend 'bogus'" "$work/kept.pcap" -- \
  isolated "$CUTPOINT" locate -p 25 --tx bogus --pcap-out "$work/kept.pcap" \
  -o "$work/kept.ndjson" "${L[@]}"
printf 'not a capture\n' >"$work/garbage.pcap"
printf '%032x\n' 7 >"$work/scan.key"
untouched 2 "garbage.pcap" "$work/kept.ndjson" -- \
  "$CUTPOINT" locate -p 25 --from-pcap "$work/garbage.pcap" --key-file "$work/scan.key" \
  -o "$work/kept.ndjson" --allow-reserved 198.18.0.0/15 -S 198.18.0.1 198.18.0.5
if ((root)); then
  untouched 2 "unknown interface 'nosuch0'" "$work/kept.ndjson" -- \
    isolated "$CUTPOINT" trace -o "$work/kept.ndjson" --allow-reserved 198.18.0.0/15 -S 198.18.0.1 -i nosuch0 198.18.0.5
  untouched 2 "unknown interface 'nosuch0'" "$work/kept.ndjson" -- \
    isolated "$CUTPOINT" locate -p 25 -o "$work/kept.ndjson" --allow-reserved 198.18.0.0/15 -S 198.18.0.1 -i nosuch0 198.18.0.5
  untouched 2 "unknown user 'nosuchuser'" "$work/kept.ndjson" -- \
    isolated "$CUTPOINT" trace --user nosuchuser -o "$work/kept.ndjson" "${L[@]}"
  untouched 2 "unknown user 'nosuchuser'" "$work/kept.pcap" -- \
    isolated "$CUTPOINT" locate -p 25 --user nosuchuser --pcap-out "$work/kept.pcap" "${L[@]}"
  untouched 3 "CAP_NET_RAW" "$work/kept.ndjson" -- \
    isolated setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
    --bounding-set=-all "$CUTPOINT" trace -o "$work/kept.ndjson" "${L[@]}"
else
  untouched 3 "CAP_NET_RAW" "$work/kept.ndjson" -- \
    "$CUTPOINT" trace -o "$work/kept.ndjson" "${L[@]}"
fi
# An output the failing run had to create is removed again.
cases=$((cases + 1))
isolated "$CUTPOINT" trace --tx bogus -o "$work/new.ndjson" "${L[@]}" >/dev/null 2>&1
isolated "$CUTPOINT" locate -p 25 --tx bogus --pcap-out "$work/new.pcap" "${L[@]}" >/dev/null 2>&1
[[ -e $work/new.ndjson || -e $work/new.pcap ]] && fail "a refused run left $(ls "$work"/new.*)"
# ... but an unwritable output is still refused before anything else.
cases=$((cases + 1))
isolated "$CUTPOINT" trace -o "$work/no/such/dir/out.ndjson" "${L[@]}" 2>"$work/stderr"
code=$?
[[ $code -eq 2 ]] && grep -q "cannot write output" "$work/stderr" ||
  fail "unwritable -o: exit $code, $(head -n 1 "$work/stderr")"

# whole_lines FILE: every line of FILE is complete JSON (it ends in a newline).
whole_lines() {
  python3 - "$1" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
if data and not data.endswith(b"\n"):
    sys.exit("ends mid-line: ...%r" % data[-40:])
for n, line in enumerate(data.splitlines(), 1):
    try:
        json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON: %s" % (n, e))
print(len(data.splitlines()))
PY
}

# Row 4: disk full. /dev/full fails on the first write.
cases=$((cases + 1))
"$CUTPOINT" scan --allow-reserved 198.18.0.0/15 -S 198.18.0.1 --dry-run -o /dev/full 198.18.0.0/24 2>"$work/stderr"
code=$?
[[ $code -eq 4 ]] && grep -q "^cutpoint: writing /dev/full: No space left on device" "$work/stderr" ||
  fail "/dev/full: exit $code, $(head -n 1 "$work/stderr")"
# A 64 KiB tmpfs fills part-way through a write: the file is cut back to its last
# whole line. Private mount namespace: nothing leaks.
if ((root)); then
  cases=$((cases + 1))
  mkdir "$work/small"
  unshare -m --propagation private bash -c '
    mount -t tmpfs -o size=64k tmpfs "$2" || exit 99
    "$1" scan --allow-reserved 198.18.0.0/15 -S 198.18.0.1 --dry-run -o "$2/out.ndjson" 198.18.0.0/20 2>"$3/stderr"
    code=$?
    cp "$2/out.ndjson" "$3/full.ndjson"
    exit $code' _ "$CUTPOINT" "$work/small" "$work"
  code=$?
  if ! lines=$(whole_lines "$work/full.ndjson" 2>&1); then
    fail "tmpfs full: $lines"
  elif [[ $code -ne 4 ]] || ! grep -q "No space left on device (the output ends at its last whole line)" "$work/stderr"; then
    fail "tmpfs full: exit $code, $(head -n 1 "$work/stderr")"
  elif ((lines < 100)); then
    fail "tmpfs full: only $lines lines kept"
  fi
fi

# The --pcap-out warning: once, on stderr, before anything runs; not with --key-file.
cases=$((cases + 1))
isolated "$CUTPOINT" locate -p 25 --tx bogus --pcap-out "$work/w.pcap" "${L[@]}" >/dev/null 2>"$work/stderr"
grep -qx "cutpoint: warning: --pcap-out without --key-file: this capture can never be re-judged (the probe key is not saved)" "$work/stderr" ||
  fail "no --pcap-out warning: $(cat "$work/stderr")"
isolated "$CUTPOINT" locate -p 25 --tx bogus --key-file "$work/scan.key" --pcap-out "$work/w.pcap" "${L[@]}" \
  >/dev/null 2>"$work/stderr"
grep -q "warning" "$work/stderr" && fail "warning despite --key-file: $(cat "$work/stderr")"

echo "cli.output_integrity: $cases cases, $failures failures"
((failures == 0))
