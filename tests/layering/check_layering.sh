#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# check_layering.sh CXX ENGINE_INCLUDES CAPTURE_INCLUDES SESSION_INCLUDES
# Each *_INCLUDES is a ;-separated include path list of a library of that layer.
set -uo pipefail
cxx=$1
declare -A includes=([engine]=$2 [capture]=$3 [session]=$4)
failures=0

# expect LAYER HEADER yes|no: whether a source of LAYER may include HEADER.
expect() {
  local layer=$1 header=$2 want=$3 flags=() dir
  IFS=';' read -ra dirs <<<"${includes[$layer]}"
  for dir in "${dirs[@]}"; do [[ -n $dir ]] && flags+=("-I$dir"); done
  # Only the include itself is checked: -E resolves it without compiling the header.
  if printf '#include "%s"\n' "$header" | "$cxx" -std=c++20 -E "${flags[@]}" -x c++ - \
      -o /dev/null 2>/dev/null; then got=yes; else got=no; fi
  if [[ $got != "$want" ]]; then
    echo "FAIL: $layer including $header: expected $want, got $got" >&2
    failures=$((failures + 1))
  else
    echo "ok: $layer including $header: $got"
  fi
}

expect engine engine/wire/frame.h yes
expect engine capture/frame_source.h no
expect engine session/probe_session.h no
expect engine tools/cutpoint/arg_parser.h no
expect capture engine/wire/frame.h yes
expect capture capture/frame_source.h yes
expect capture session/output_sink.h no
expect capture tools/cutpoint/arg_parser.h no
expect session capture/frame_source.h yes
expect session session/output_sink.h yes
expect session tools/cutpoint/arg_parser.h no
expect session tools/cutpoint/commands.h no
exit $((failures > 0))
