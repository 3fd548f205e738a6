// SPDX-License-Identifier: Apache-2.0
// IPv4 ranges written in tests as host-order integer pairs, for the engine's 128-bit
// target space (IPv4 lives in ::ffff:0:0/96).
#ifndef CUTPOINT_TESTS_UNIT_V4_RANGES_H_
#define CUTPOINT_TESTS_UNIT_V4_RANGES_H_

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "engine/targets/target_set.h"

namespace cutpoint::testutil {

struct V4Span {
  uint32_t first;
  uint32_t last;
};

inline std::vector<targets::IpRange> V4Ranges(std::initializer_list<V4Span> spans) {
  std::vector<targets::IpRange> ranges;
  for (const V4Span& span : spans) ranges.push_back(targets::IpRange::V4(span.first, span.last));
  return ranges;
}

inline targets::TargetSet V4Set(std::initializer_list<V4Span> spans) {
  return targets::TargetSet::FromRanges(V4Ranges(spans));
}

}  // namespace cutpoint::testutil

#endif  // CUTPOINT_TESTS_UNIT_V4_RANGES_H_
