#include "engine/targets/target_set.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/base/status_macros.h"
#include "engine/wire/ipv4_address.h"

namespace cutpoint::targets {
namespace {

int PrefixLengthOf(const Ipv4Range& range) {
  for (int len = 0; len <= 32; ++len) {
    uint64_t block = uint64_t{1} << (32 - len);
    if (range.size() == block && range.first % block == 0) return len;
  }
  return -1;
}

}  // namespace

absl::StatusOr<Ipv4Range> ParseTargetSpec(absl::string_view spec) {
  if (spec.find(':') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("target '", spec, "' is IPv6; only IPv4 targets are supported"));
  }
  absl::string_view address_text = spec;
  int prefix_len = 32;
  if (size_t slash = spec.find('/'); slash != absl::string_view::npos) {
    address_text = spec.substr(0, slash);
    absl::string_view len_text = spec.substr(slash + 1);
    if (len_text.empty() || len_text.size() > 2 ||
        !std::all_of(len_text.begin(), len_text.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        !absl::SimpleAtoi(len_text, &prefix_len) || prefix_len > 32) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad prefix length in target '", spec, "' (expected /0 to /32)"));
    }
  }
  std::optional<uint32_t> address = wire::ParseIpv4(address_text);
  if (!address) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad target address '", spec, "' (expected a.b.c.d or a.b.c.d/len)"));
  }
  uint32_t mask = prefix_len == 0 ? 0 : ~uint32_t{0} << (32 - prefix_len);
  Ipv4Range range;
  range.first = *address & mask;
  range.last = range.first | ~mask;
  return range;
}

std::string FormatRange(const Ipv4Range& range) {
  int len = PrefixLengthOf(range);
  if (len >= 0) return absl::StrCat(wire::Ipv4ToString(range.first), "/", len);
  return absl::StrCat(wire::Ipv4ToString(range.first), "-", wire::Ipv4ToString(range.last));
}

TargetSet TargetSet::FromRanges(std::vector<Ipv4Range> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const Ipv4Range& a, const Ipv4Range& b) { return a.first < b.first; });
  TargetSet set;
  for (const Ipv4Range& range : ranges) {
    if (!set.ranges_.empty() && uint64_t{range.first} <= uint64_t{set.ranges_.back().last} + 1) {
      set.ranges_.back().last = std::max(set.ranges_.back().last, range.last);
    } else {
      set.ranges_.push_back(range);
    }
  }
  for (const Ipv4Range& range : set.ranges_) {
    set.starts_.push_back(set.total_);
    set.total_ += range.size();
  }
  return set;
}

uint32_t TargetSet::At(uint64_t index) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), index);
  size_t range_index = static_cast<size_t>(it - starts_.begin()) - 1;
  return ranges_[range_index].first + static_cast<uint32_t>(index - starts_[range_index]);
}

bool TargetSet::Contains(uint32_t address) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), address,
                             [](uint32_t a, const Ipv4Range& r) { return a < r.first; });
  if (it == ranges_.begin()) return false;
  return address <= std::prev(it)->last;
}

int64_t TargetSet::IndexOf(uint32_t address) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), address,
                             [](uint32_t a, const Ipv4Range& r) { return a < r.first; });
  if (it == ranges_.begin()) return -1;
  --it;
  if (address > it->last) return -1;
  size_t range_index = static_cast<size_t>(it - ranges_.begin());
  return static_cast<int64_t>(starts_[range_index] + (address - it->first));
}

TargetSet TargetSet::Subtract(const TargetSet& removed) const {
  std::vector<Ipv4Range> out;
  size_t j = 0;
  for (Ipv4Range range : ranges_) {
    uint64_t first = range.first;
    const uint64_t last = range.last;
    while (j < removed.ranges_.size() && removed.ranges_[j].last < first) ++j;
    for (size_t k = j;
         k < removed.ranges_.size() && removed.ranges_[k].first <= last && first <= last; ++k) {
      const Ipv4Range& cut = removed.ranges_[k];
      if (cut.first > first) out.push_back({static_cast<uint32_t>(first), cut.first - 1});
      first = uint64_t{cut.last} + 1;
    }
    if (first <= last) out.push_back({static_cast<uint32_t>(first), static_cast<uint32_t>(last)});
  }
  return FromRanges(std::move(out));
}

TargetSet TargetSet::Intersect(const TargetSet& kept) const {
  std::vector<Ipv4Range> out;
  size_t i = 0, j = 0;
  while (i < ranges_.size() && j < kept.ranges_.size()) {
    uint32_t first = std::max(ranges_[i].first, kept.ranges_[j].first);
    uint32_t last = std::min(ranges_[i].last, kept.ranges_[j].last);
    if (first <= last) out.push_back({first, last});
    if (ranges_[i].last < kept.ranges_[j].last) {
      ++i;
    } else {
      ++j;
    }
  }
  return FromRanges(std::move(out));
}

absl::Status TargetSetBuilder::AddSpec(absl::string_view spec) {
  ASSIGN_OR_RETURN(Ipv4Range range, ParseTargetSpec(spec));
  ranges_.push_back(range);
  return absl::OkStatus();
}

absl::Status TargetSetBuilder::AddText(absl::string_view text, absl::string_view origin) {
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    absl::Status status = AddSpec(line);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ":", line_number, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status TargetSetBuilder::AddFile(const std::string& path, bool allow_empty) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read target file '", path, "'"));
  std::stringstream contents;
  contents << in.rdbuf();
  if (in.bad())
    return absl::InvalidArgumentError(absl::StrCat("cannot read target file '", path, "'"));
  size_t before = ranges_.size();
  RETURN_IF_ERROR(AddText(contents.str(), path));
  if (ranges_.size() == before && !allow_empty) {
    return absl::InvalidArgumentError(absl::StrCat("target file '", path, "' lists no targets"));
  }
  return absl::OkStatus();
}

TargetSet TargetSetBuilder::Build() && { return TargetSet::FromRanges(std::move(ranges_)); }

}  // namespace cutpoint::targets
