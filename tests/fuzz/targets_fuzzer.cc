// Fuzzes target-list parsing: targets::ParseTargetSpec on the whole input, and
// TargetSetBuilder::AddText on it as a targets file. For a set that builds, checks that
// ranges are normalized and that At(), IndexOf() and Contains() agree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/targets/target_set.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

using cutpoint::targets::IpRange;
using cutpoint::targets::TargetSet;

using cutpoint::wire::IpAddress;
using cutpoint::wire::Uint128;

void CheckIndex(const TargetSet& set, uint64_t index) {
  IpAddress address = set.At(index);
  FUZZ_CHECK(set.Contains(address));
  if (set.exact_size() <= Uint128{INT64_MAX}) {
    FUZZ_CHECK(set.IndexOf(address) == static_cast<int64_t>(index));
  }
}

void CheckAddress(const TargetSet& set, Uint128 value) {
  const IpAddress address = IpAddress::FromValue(value);
  int64_t index = set.IndexOf(address);
  if (index >= 0) {
    FUZZ_CHECK(set.Contains(address));
    FUZZ_CHECK(static_cast<uint64_t>(index) < set.size());
    FUZZ_CHECK(set.At(static_cast<uint64_t>(index)) == address);
  } else if (set.exact_size() <= Uint128{INT64_MAX}) {
    FUZZ_CHECK(!set.Contains(address));
  }
}

void CheckSet(const TargetSet& set, const uint8_t* data, size_t size) {
  const std::vector<IpRange>& ranges = set.ranges();
  Uint128 total = 0;
  bool saturated = false;
  for (size_t i = 0; i < ranges.size(); ++i) {
    FUZZ_CHECK(ranges[i].first <= ranges[i].last);
    // Sorted, and merged: neither overlapping nor adjacent.
    if (i > 0) FUZZ_CHECK(ranges[i - 1].last.value() + 1 < ranges[i].first.value());
    const Uint128 range_size = ranges[i].size();
    if (range_size == 0 || total + range_size < total) saturated = true;
    total += range_size;
  }
  if (!saturated) FUZZ_CHECK(total == set.exact_size());
  FUZZ_CHECK(set.empty() == (set.size() == 0));

  if (!set.empty()) {
    CheckIndex(set, 0);
    CheckIndex(set, set.size() - 1);
    CheckIndex(set, set.size() / 2);
    // A few indices derived from the input.
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
    for (int i = 0; i < 4; ++i) {
      CheckIndex(set, h % set.size());
      h = h * 6364136223846793005ull + 1442695040888963407ull;
    }
  }
  // Range edges and their neighbours, in and out of the set.
  size_t probes = ranges.size() < 16 ? ranges.size() : 16;
  for (size_t i = 0; i < probes; ++i) {
    const Uint128 first = ranges[i].first.value(), last = ranges[i].last.value();
    for (Uint128 value : {first, last, first - 1, last + 1, first + (last - first) / 2}) {
      CheckAddress(set, value);
    }
  }
  CheckAddress(set, IpAddress::V4(0).value());
  CheckAddress(set, IpAddress::V4(0xffffffffu).value());
  CheckAddress(set, 0);
  CheckAddress(set, ~Uint128{0});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cutpoint;
  if (size > 1 << 16) return 0;
  absl::string_view text(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<IpRange> range = targets::ParseTargetSpec(text);
  if (range.ok()) {
    FUZZ_CHECK(range->first <= range->last);
    // A parsed spec is one prefix: FormatRange prints it as a/len, which parses back.
    std::string formatted = targets::FormatRange(*range);
    FUZZ_CHECK(formatted.find('/') != std::string::npos);
    absl::StatusOr<IpRange> again = targets::ParseTargetSpec(formatted);
    FUZZ_CHECK(again.ok() && *again == *range);
  } else {
    FUZZ_CHECK(!range.status().message().empty());
  }

  targets::TargetSetBuilder builder;
  absl::Status status = builder.AddText(text, "fuzz.txt");
  if (!status.ok()) {
    FUZZ_CHECK(absl::string_view(status.message()).substr(0, 9) == "fuzz.txt:");
    return 0;
  }
  TargetSet set = std::move(builder).Build();
  CheckSet(set, data, size);
  return 0;
}
