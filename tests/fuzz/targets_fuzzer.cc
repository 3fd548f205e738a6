// SPDX-License-Identifier: Apache-2.0
// Fuzzes target-list parsing: targets::ParseTargetSpec on the whole input, and
// TargetSetBuilder::AddText on it as a targets file. For a set that builds, checks that
// its runs are normalized and that At(), IndexOf() and Contains() agree; for a small one,
// that every index matches a naive model (a std::set of the lines' addresses), and that
// Subtract and Intersect of the two halves of the lines do too.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "engine/targets/dual_stack.h"
#include "absl/strings/strip.h"
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
  const std::vector<IpRange> ranges = set.ranges().ToVector();
  FUZZ_CHECK(ranges.size() == set.ranges().size());
  Uint128 total = 0;
  bool saturated = false;
  for (size_t i = 0; i < ranges.size(); ++i) {
    FUZZ_CHECK(ranges[i].first <= ranges[i].last);
    // Sorted, and merged: neither overlapping nor adjacent.
    if (i > 0) FUZZ_CHECK(ranges[i - 1].last.value() + 1 < ranges[i].first.value());
    const Uint128 range_size = ranges[i].size();
    if (range_size == 0 || total + range_size < total) saturated = true;
    total += range_size;
    FUZZ_CHECK(set.RangeHolding(ranges[i].first) == ranges[i]);
    FUZZ_CHECK(set.RangeHolding(ranges[i].last) == ranges[i]);
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

using Model = std::set<Uint128>;
constexpr size_t kMaxModel = 1 << 12;

// The addresses of `lines` (a targets file's, already accepted by the builder), or false
// when they are too many to list.
bool ModelOf(const std::vector<absl::string_view>& lines, Model* model) {
  for (absl::string_view line : lines) {
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    if (cutpoint::targets::IsDualStackEntry(line)) {  // one host in each family
      absl::StatusOr<cutpoint::targets::DualStackPair> pair =
          cutpoint::targets::ParseDualStackPair(line);
      FUZZ_CHECK(pair.ok());
      model->insert(pair->v4.value());
      model->insert(pair->v6.value());
      if (model->size() > kMaxModel) return false;
      continue;
    }
    absl::StatusOr<IpRange> range = cutpoint::targets::ParseTargetSpec(line);
    FUZZ_CHECK(range.ok());
    if (range->size() == 0 || range->size() > kMaxModel) return false;
    for (Uint128 value = range->first.value();; ++value) {
      model->insert(value);
      if (model->size() > kMaxModel) return false;
      if (value == range->last.value()) break;
    }
  }
  return true;
}

void CheckAgainstModel(const TargetSet& set, const Model& model) {
  FUZZ_CHECK(set.size() == model.size());
  uint64_t index = 0;
  for (Uint128 value : model) {
    const IpAddress address = IpAddress::FromValue(value);
    FUZZ_CHECK(set.At(index) == address);
    FUZZ_CHECK(set.IndexOf(address) == static_cast<int64_t>(index));
    if (model.count(value + 1) == 0) FUZZ_CHECK(!set.Contains(IpAddress::FromValue(value + 1)));
    ++index;
  }
}

TargetSet BuildLines(const std::vector<absl::string_view>& lines) {
  cutpoint::targets::TargetSetBuilder builder;
  for (absl::string_view line : lines) FUZZ_CHECK(builder.AddText(line, "half").ok());
  return std::move(builder).Build();
}

// Every index against the model, and the set algebra of the lines' two halves.
void CheckSmallSet(const TargetSet& set, absl::string_view text) {
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  const auto middle = lines.begin() + static_cast<std::ptrdiff_t>(lines.size() / 2);
  const std::vector<absl::string_view> low(lines.begin(), middle), high(middle, lines.end());
  Model all, a, b;
  if (!ModelOf(lines, &all) || !ModelOf(low, &a) || !ModelOf(high, &b)) return;
  CheckAgainstModel(set, all);
  Model difference, intersection;
  for (Uint128 value : a) (b.count(value) != 0 ? intersection : difference).insert(value);
  const TargetSet set_a = BuildLines(low), set_b = BuildLines(high);
  CheckAgainstModel(set_a.Subtract(set_b), difference);
  CheckAgainstModel(set_a.Intersect(set_b), intersection);
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
  CheckSmallSet(set, text);
  return 0;
}
