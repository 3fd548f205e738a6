#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source file of the repository carries an SPDX licence line (LICENSE: Apache-2.0).
#   tools/spdx.sh --check   lists the tracked source files without one; exit 1 if any
#   tools/spdx.sh --fix     adds the line (after a #! line) where it is missing
# Source files: C++ (.cc .h .inc), scripts (.sh .py, .ci/run), CMake, the Dockerfile and
# .dockerignore, the report's .js and .css. Fixtures, corpora and documents are not code and
# carry none.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
[[ $mode == --check || $mode == --fix ]] || { echo "usage: $0 --check|--fix" >&2; exit 2; }
tag="SPDX-License-Identifier: Apache-2.0"
# The file list is git's: outside a checkout (a source tarball) there is nothing to check.
git rev-parse --git-dir >/dev/null 2>&1 || { echo "spdx: not a git checkout: skipped"; exit 77; }

comment_for() {
  case $1 in
    *.cc|*.h|*.inc|*.js) echo "// $tag" ;;
    *.css) echo "/* $tag */" ;;
    *) echo "# $tag" ;;
  esac
}

missing=()
while IFS= read -r file; do
  [[ -f $file ]] || continue
  head -n 3 -- "$file" | grep -q "$tag" || missing+=("$file")
done < <(git ls-files -- '*.cc' '*.h' '*.inc' '*.sh' '*.py' '*.js' '*.css' '*.cmake' \
           'CMakeLists.txt' '*/CMakeLists.txt' '.ci/run' 'Dockerfile' '.dockerignore' | grep -v '^tests/fuzz/corpus/')

if [[ $mode == --check ]]; then
  if ((${#missing[@]})); then
    echo "spdx: ${#missing[@]} source file(s) without '$tag' in their first 3 lines:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    echo "spdx: run tools/spdx.sh --fix" >&2
    exit 1
  fi
  echo "spdx: every source file carries '$tag'"
  exit 0
fi
for file in "${missing[@]}"; do
  line=$(comment_for "$file")
  if [[ $(head -c 2 -- "$file") == "#!" ]]; then
    sed -i "1a $line" -- "$file"
  else
    sed -i "1i $line" -- "$file"
  fi
done
echo "spdx: added the line to ${#missing[@]} file(s)"
