#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package, end to end on this machine: cpack builds the .deb from the build
# tree; its Depends come from dpkg-shlibdeps (no -dev package); `dpkg -i` installs it;
# /usr/bin/cutpoint runs --version and a --dry-run as nobody; the man pages and the
# bash and zsh completions are installed; the postinst granted
# cap_net_raw (getcap); `dpkg -r` and `dpkg -P` leave nothing behind. Sends nothing. The
# machine is left without the package even when a step fails (trap). Needs root and dpkg,
# and refuses to touch a cutpoint package that was installed before it ran: exit 77.
set -uo pipefail
BUILD_DIR=$1
skip() { echo "skip: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root (dpkg -i)"
for tool in dpkg dpkg-deb dpkg-shlibdeps file cpack getcap setpriv flock; do
  command -v "$tool" >/dev/null || skip "no $tool"
done
# One dpkg user at a time across build trees (Release and sanitizer runs).
exec 9>/run/lock/cutpoint-package-test.lock
flock 9
if dpkg-query -W -f='${Status}' cutpoint 2>/dev/null | grep -q installed; then
  skip "a cutpoint package is already installed; not replacing it"
fi
work=$(mktemp -d /tmp/cutpoint-deb.XXXXXX)
chmod 755 "$work"
installed=0
cleanup() {
  if ((installed)); then dpkg -P cutpoint >/dev/null 2>&1; fi
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

if ! cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  echo "FAIL: cpack"
  exit 1
fi
debs=("$work"/cpack/*.deb)
deb=${debs[0]}
[[ -f $deb ]] || { cat "$work/cpack.log"; echo "FAIL: cpack made no .deb"; exit 1; }
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes ($(du -h "$deb" | cut -f1))"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
[[ $(dpkg-deb -f "$deb" Package) == cutpoint ]] || fail "package name is not cutpoint"
[[ $depends == *libc6* ]] || fail "Depends lacks libc6: dpkg-shlibdeps did not run"
[[ $depends == *libcap2-bin* ]] || fail "Depends lacks libcap2-bin (the postinst's setcap)"
grep -Eq -- '-dev( |,|$)' <<<"$depends" && fail "Depends names a -dev package"
contents=$(dpkg-deb -c "$deb")
grep -q ' \./usr/bin/cutpoint$' <<<"$contents" || fail "no ./usr/bin/cutpoint in the package"
grep -q 'usr/share/doc/cutpoint/ndjson-schema.md' <<<"$contents" || fail "no ndjson-schema.md"
grep -q 'usr/share/doc/cutpoint/schema/cutpoint-record.schema.json' <<<"$contents" || fail "no JSON Schema"
grep -q 'usr/share/doc/cutpoint/LICENSE' <<<"$contents" || fail "no LICENSE"
grep -q 'usr/share/doc/cutpoint/copyright' <<<"$contents" || fail "no copyright (Debian policy 12.5)"
for page in cutpoint.1 cutpoint-trace.1 cutpoint-scan.1 cutpoint-locate.1 cutpoint-report.1; do
  grep -q "usr/share/man/man1/$page" <<<"$contents" || fail "no man page $page"
done
grep -q 'usr/share/bash-completion/completions/cutpoint$' <<<"$contents" || fail "no bash completion"
grep -q 'usr/share/zsh/vendor-completions/_cutpoint$' <<<"$contents" || fail "no zsh completion"
awk '{print $1}' <<<"$contents" | grep -q '^-..s\|^-.....s' && fail "a setuid/setgid file in the package"

installed=1
dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; }
sed 's/^/  dpkg -i: /' "$work/install.log" | grep -i "cutpoint:" || true
version=$(/usr/bin/cutpoint --version 2>&1) || fail "cutpoint --version: $version"
echo "version: $version"
if command -v man >/dev/null; then
  MANPAGER=cat man /usr/share/man/man1/cutpoint-scan.1 2>/dev/null | grep -q -- '--probe' ||
    fail "the installed cutpoint-scan(1) does not render"
fi
bash -c 'source /usr/share/bash-completion/completions/cutpoint && complete -p cutpoint' >/dev/null ||
  fail "the installed bash completion does not register"
as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
mkdir -m 0777 "$work/out"
# Dry runs only, in an empty network namespace: nothing can leave.
if (cd / && unshare -n "${as_nobody[@]}" /usr/bin/cutpoint trace --dry-run --allow-reserved 198.18.0.0/15 \
      -S 198.18.0.1 -p 25 --ttl 1-2 -o "$work/out/dry.ndjson" 198.18.0.5) 2>"$work/dry.err"; then
  grep -q '"type":"probe"' "$work/out/dry.ndjson" || fail "--dry-run as nobody wrote no probe records"
  echo "ok: --dry-run as nobody"
else
  fail "--dry-run as nobody: $(cat "$work/dry.err")"
fi
getcap_line=$(getcap /usr/bin/cutpoint)
echo "getcap: $getcap_line"
[[ $getcap_line == *cap_net_raw[=+]ep* ]] || fail "getcap shows no cap_net_raw: '$getcap_line'"
find /usr/bin/cutpoint -perm /6000 | grep -q . && fail "/usr/bin/cutpoint is setuid/setgid"

dpkg -r cutpoint >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r"; }
dpkg -P cutpoint >>"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -P"; }
installed=0
[[ -e /usr/bin/cutpoint ]] && fail "/usr/bin/cutpoint left after dpkg -r"
[[ -e /usr/share/doc/cutpoint ]] && fail "/usr/share/doc/cutpoint left after dpkg -P"
left=$(dpkg -L cutpoint 2>/dev/null)
[[ -n $left ]] && fail "dpkg -L cutpoint still lists: $left"
dpkg-query -W -f='${Status}' cutpoint 2>/dev/null | grep -q installed && fail "still installed"

echo "package.deb: $failures failed"
[[ $failures -eq 0 ]]
