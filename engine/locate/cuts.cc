// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/cuts.h"

#include <algorithm>
#include <bit>

namespace cutpoint::locate {
namespace {

using wire::IpAddress;
using wire::Uint128;

// Where the filter is and what it looks like; a location before the destination names
// each target's own address, which says "the destination", not a different place.
bool SameFinding(const Verdict& a, const Verdict& b) {
  const auto before = [](const Verdict& v) {
    return v.before_addr == v.target ? IpAddress::V6(~0ULL, ~0ULL) : v.before_addr;
  };
  if (a.port != b.port || a.verdict != b.verdict || a.mechanism != b.mechanism ||
      a.has_location != b.has_location || a.after_ttl != b.after_ttl ||
      a.after_addr != b.after_addr || a.before_ttl != b.before_ttl || before(a) != before(b) ||
      a.has_icmp != b.has_icmp || a.icmp_from != b.icmp_from || a.icmp_code != b.icmp_code ||
      (a.scope == Scope::kPort) != (b.scope == Scope::kPort) ||
      a.evidence.size() != b.evidence.size()) {
    return false;
  }
  for (size_t i = 0; i < a.evidence.size(); ++i) {
    if (a.evidence[i].name != b.evidence[i].name) return false;
  }
  return true;
}

// Trailing zero bits of a 128-bit value (128 for 0).
int TrailingZeros(Uint128 value) {
  const auto low = static_cast<uint64_t>(value);
  if (low != 0) return std::countr_zero(low);
  const auto high = static_cast<uint64_t>(value >> 64);
  return high == 0 ? 128 : 64 + std::countr_zero(high);
}

int BitLength(Uint128 value) {  // floor(log2(value)) + 1; 0 for 0
  const auto high = static_cast<uint64_t>(value >> 64);
  if (high != 0) return 128 - std::countl_zero(high);
  return 64 - std::countl_zero(static_cast<uint64_t>(value));
}

}  // namespace

std::vector<targets::IpRange> CidrBlocks(const targets::IpRange& range) {
  std::vector<targets::IpRange> blocks;
  // IPv4 blocks align within the IPv4 space, which starts on a 2^32 boundary: the same
  // alignment in the 128-bit space.
  const int family_bits = range.first.is_v4() ? 32 : 128;
  Uint128 first = range.first.value();
  const Uint128 last = range.last.value();
  while (true) {
    const Uint128 remaining = last - first;  // block sizes up to remaining + 1
    int bits = std::min({TrailingZeros(first), family_bits, BitLength(remaining + 1) - 1});
    if (remaining == ~Uint128{0}) bits = 127;  // never: ::/0 is no target range
    const Uint128 size_minus_one = bits == 128 ? ~Uint128{0} : (Uint128{1} << bits) - 1;
    blocks.push_back({IpAddress::FromValue(first), IpAddress::FromValue(first + size_minus_one)});
    if (first + size_minus_one == last) break;
    first += size_minus_one + 1;
  }
  return blocks;
}

std::vector<Cut> FindCuts(std::vector<Verdict>* verdicts) {
  std::vector<Verdict*> blocked;
  for (Verdict& v : *verdicts) {
    if (IsBlocking(v.verdict) && !v.control_host) blocked.push_back(&v);
  }
  std::sort(blocked.begin(), blocked.end(), [](const Verdict* a, const Verdict* b) {
    return a->port != b->port ? a->port < b->port : a->target < b->target;
  });
  std::vector<Cut> cuts;
  for (size_t start = 0; start < blocked.size();) {
    size_t end = start + 1;  // the run is [start, end)
    while (end < blocked.size() && blocked[end]->target.is_v4() == blocked[start]->target.is_v4() &&
           blocked[end]->target.value() == blocked[end - 1]->target.value() + 1 &&
           SameFinding(*blocked[start], *blocked[end])) {
      ++end;
    }
    size_t index = start;
    for (const targets::IpRange& block :
         CidrBlocks({blocked[start]->target, blocked[end - 1]->target})) {
      const auto count = static_cast<uint64_t>(block.size());
      const int family_bits = block.first.is_v4() ? 32 : 128;
      Cut cut{block, family_bits - BitLength(block.size()) + 1, count, blocked[index]};
      const std::string text = targets::FormatRange(block);
      for (uint64_t i = 0; i < count; ++i) {
        blocked[index + i]->cut_prefix = text;
        if (count > 1) blocked[index + i]->scope = Scope::kPrefix;
      }
      index += count;
      cuts.push_back(cut);
    }
    start = end;
  }
  return cuts;
}

}  // namespace cutpoint::locate
