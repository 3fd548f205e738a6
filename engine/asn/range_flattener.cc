// SPDX-License-Identifier: Apache-2.0
#include "engine/asn/range_flattener.h"

#include <algorithm>
#include <queue>
#include <vector>

namespace cutpoint::asn {
namespace {

using wire::Uint128;

constexpr Uint128 kMax = ~static_cast<Uint128>(0);

// Heap order: the narrowest range first, then the lowest value.
struct Wider {
  bool operator()(const ValueRange* a, const ValueRange* b) const {
    const Uint128 width_a = a->last - a->first;
    const Uint128 width_b = b->last - b->first;
    if (width_a != width_b) return width_a > width_b;
    return a->value > b->value;
  }
};

}  // namespace

std::vector<ValueRange> FlattenRanges(std::vector<ValueRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const ValueRange& a, const ValueRange& b) { return a.first < b.first; });
  // Every point where the winner may change: a range's start, or just past its end.
  std::vector<Uint128> points;
  points.reserve(ranges.size() * 2);
  for (const ValueRange& range : ranges) {
    points.push_back(range.first);
    if (range.last != kMax) points.push_back(range.last + 1);
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());

  std::vector<ValueRange> flat;
  std::priority_queue<const ValueRange*, std::vector<const ValueRange*>, Wider> active;
  size_t next = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const Uint128 point = points[i];
    while (next < ranges.size() && ranges[next].first <= point) active.push(&ranges[next++]);
    // Ranges ended before this point leave lazily, when they reach the top.
    while (!active.empty() && active.top()->last < point) active.pop();
    if (active.empty()) continue;
    const uint32_t value = active.top()->value;
    const Uint128 last = i + 1 < points.size() ? points[i + 1] - 1 : kMax;
    if (!flat.empty() && flat.back().value == value && flat.back().last + 1 == point &&
        flat.back().last != kMax) {
      flat.back().last = last;
    } else {
      flat.push_back({point, last, value});
    }
  }
  return flat;
}

}  // namespace cutpoint::asn
