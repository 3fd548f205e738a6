#include "engine/targets/target_set.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/base/status_macros.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::targets {
namespace {

constexpr Uint128 kAllOnes = ~Uint128{0};

// The prefix length of `range` within its family, or -1 when it is not one prefix.
int PrefixLengthOf(const IpRange& range) {
  const bool v4 = range.first.is_v4() && range.last.is_v4();
  const int bits = v4 ? 32 : 128;
  const Uint128 first = v4 ? range.first.v4() : range.first.value();
  const Uint128 size = range.size();
  for (int len = 0; len <= bits; ++len) {
    if (len == 0 && bits == 128) continue;  // 2^128 does not fit; ::/0 is never a range
    Uint128 block = Uint128{1} << (bits - len);
    if (size == block && first % block == 0) return len;
  }
  return -1;
}

absl::StatusOr<int> ParsePrefixLength(absl::string_view spec, absl::string_view text, int bits) {
  int prefix_len = 0;
  if (text.empty() || text.size() > 3 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      (text.size() > 1 && text[0] == '0') || !absl::SimpleAtoi(text, &prefix_len) ||
      prefix_len > bits) {
    return absl::InvalidArgumentError(absl::StrCat("bad prefix length in target '", spec,
                                                   "' (expected /0 to /", bits, ")"));
  }
  return prefix_len;
}

}  // namespace

absl::StatusOr<IpRange> ParseTargetSpec(absl::string_view spec) {
  absl::string_view address_text = spec;
  absl::string_view len_text;
  const bool has_len = spec.find('/') != absl::string_view::npos;
  if (has_len) {
    size_t slash = spec.find('/');
    address_text = spec.substr(0, slash);
    len_text = spec.substr(slash + 1);
  }
  absl::StatusOr<IpAddress> address = wire::ParseIpAddress(address_text);
  if (!address.ok()) {
    if (address.status().message() == wire::kNotAnAddress) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad target address '", spec, "' (expected a.b.c.d[/len] or an IPv6 address[/len])"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("bad target address '", spec, "': ", address.status().message()));
  }
  const bool v4 = address->is_v4();
  const int bits = v4 ? 32 : 128;
  int prefix_len = bits;
  if (has_len) {
    ASSIGN_OR_RETURN(prefix_len, ParsePrefixLength(spec, len_text, bits));
  }
  if (!v4 && prefix_len == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target '", spec, "' is the whole IPv6 space (and holds all of IPv4); not a target set"));
  }
  const Uint128 host_mask = bits - prefix_len == 128 ? kAllOnes
                                                       : (Uint128{1} << (bits - prefix_len)) - 1;
  const Uint128 value = address->value();
  IpRange range{IpAddress::FromValue(value & ~host_mask), IpAddress::FromValue(value | host_mask)};
  // IPv4 lives in ::ffff:0:0/96: an IPv6 prefix over it would silently name IPv4 targets.
  if (!v4 && range.first.value() <= (wire::kV4MappedBase | 0xffffffffu) &&
      wire::kV4MappedBase <= range.last.value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target '", spec, "' covers the IPv4-mapped block ::ffff:0:0/96; write IPv4 targets as "
        "IPv4 (a.b.c.d[/len])"));
  }
  return range;
}

std::string FormatRange(const IpRange& range) {
  int len = PrefixLengthOf(range);
  if (len >= 0) return absl::StrCat(wire::IpAddressToString(range.first), "/", len);
  return absl::StrCat(wire::IpAddressToString(range.first), "-",
                      wire::IpAddressToString(range.last));
}

std::string FormatCount(Uint128 count) {
  char digits[40];  // 2^128 has 39 digits
  size_t len = 0;
  do {
    digits[len++] = static_cast<char>('0' + static_cast<int>(count % 10));
    count /= 10;
  } while (count != 0);
  return std::string(std::make_reverse_iterator(digits + len), std::make_reverse_iterator(digits));
}

TargetSet TargetSet::FromRanges(std::vector<IpRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const IpRange& a, const IpRange& b) { return a.first < b.first; });
  // Merged in place: a hitlist's vector is the set's, never copied.
  size_t kept = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const IpRange range = ranges[i];
    if (kept != 0 && (ranges[kept - 1].last.value() == kAllOnes ||
                      range.first.value() <= ranges[kept - 1].last.value() + 1)) {
      ranges[kept - 1].last = std::max(ranges[kept - 1].last, range.last);
    } else {
      ranges[kept++] = range;
    }
  }
  ranges.resize(kept);
  TargetSet set;
  set.ranges_ = std::move(ranges);
  set.starts_.reserve(set.ranges_.size());
  for (const IpRange& range : set.ranges_) {
    set.starts_.push_back(set.total_);
    Uint128 size = range.size();
    set.total_ = (size == 0 || set.total_ > kAllOnes - size) ? kAllOnes : set.total_ + size;
  }
  return set;
}

uint64_t TargetSet::size() const {
  return total_ > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(total_);
}

uint64_t TargetSet::CountV4() const {
  const IpRange v4_block = IpRange::V4(0, UINT32_MAX);
  Uint128 count = 0;
  for (const IpRange& range : ranges_) {
    IpAddress first = std::max(range.first, v4_block.first);
    IpAddress last = std::min(range.last, v4_block.last);
    if (first <= last) count += last.value() - first.value() + 1;
  }
  return static_cast<uint64_t>(count);
}

wire::SourceAddresses TargetSet::FirstOfEachFamily() const {
  const IpRange v4_block = IpRange::V4(0, UINT32_MAX);
  wire::SourceAddresses first;
  for (const IpRange& range : ranges_) {
    // A range never straddles the IPv4 block (ParseTargetSpec refuses IPv6 prefixes over it),
    // but a hand-built one may: clip it.
    if (range.last >= v4_block.first && range.first <= v4_block.last) {
      first.AddFirst(std::max(range.first, v4_block.first));
    }
    // IPv6 below the block (::/96 and the like) and above it (everything else).
    if (range.first < v4_block.first) first.AddFirst(range.first);
    if (range.last > v4_block.last) {
      first.AddFirst(std::max(range.first, IpAddress::FromValue(v4_block.last.value() + 1)));
    }
  }
  return first;
}

IpAddress TargetSet::At(uint64_t index) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), Uint128{index});
  size_t range_index = static_cast<size_t>(it - starts_.begin()) - 1;
  return IpAddress::FromValue(ranges_[range_index].first.value() + (index - starts_[range_index]));
}

namespace {

// The range that could hold `address` (the last one starting at or before it), or end.
std::vector<IpRange>::const_iterator RangeAtOrBefore(const std::vector<IpRange>& ranges,
                                                     const IpAddress& address) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                             [](const IpAddress& a, const IpRange& r) { return a < r.first; });
  if (it == ranges.begin()) return ranges.end();
  return std::prev(it);
}

}  // namespace

bool TargetSet::Contains(const IpAddress& address) const {
  auto it = RangeAtOrBefore(ranges_, address);
  return it != ranges_.end() && address <= it->last;
}

int64_t TargetSet::IndexOf(const IpAddress& address) const {
  auto it = RangeAtOrBefore(ranges_, address);
  if (it == ranges_.end() || address > it->last) return -1;
  size_t range_index = static_cast<size_t>(it - ranges_.begin());
  Uint128 index = starts_[range_index] + (address.value() - it->first.value());
  return index > INT64_MAX ? -1 : static_cast<int64_t>(index);
}

std::optional<IpAddress> TargetSet::FirstOverlap(const TargetSet& other) const {
  for (const IpRange& wanted : other.ranges_) {
    // The first of our ranges that ends at or after `wanted` starts.
    auto it = std::lower_bound(ranges_.begin(), ranges_.end(), wanted.first,
                               [](const IpRange& r, const IpAddress& a) { return r.last < a; });
    if (it != ranges_.end() && it->first <= wanted.last) return std::max(it->first, wanted.first);
  }
  return std::nullopt;
}

TargetSet TargetSet::Subtract(const TargetSet& removed) const {
  std::vector<IpRange> out;
  out.reserve(ranges_.size() + removed.ranges_.size());
  size_t j = 0;
  for (IpRange range : ranges_) {
    Uint128 first = range.first.value();
    const Uint128 last = range.last.value();
    bool done = false;
    while (j < removed.ranges_.size() && removed.ranges_[j].last.value() < first) ++j;
    for (size_t k = j; !done && k < removed.ranges_.size() &&
                       removed.ranges_[k].first.value() <= last;
         ++k) {
      const IpRange& cut = removed.ranges_[k];
      if (cut.first.value() > first) {
        out.push_back({IpAddress::FromValue(first), IpAddress::FromValue(cut.first.value() - 1)});
      }
      if (cut.last.value() >= last) {
        done = true;
      } else {
        first = cut.last.value() + 1;
      }
    }
    if (!done) out.push_back({IpAddress::FromValue(first), IpAddress::FromValue(last)});
  }
  return FromRanges(std::move(out));
}

TargetSet TargetSet::Intersect(const TargetSet& kept) const {
  std::vector<IpRange> out;
  size_t i = 0, j = 0;
  while (i < ranges_.size() && j < kept.ranges_.size()) {
    IpAddress first = std::max(ranges_[i].first, kept.ranges_[j].first);
    IpAddress last = std::min(ranges_[i].last, kept.ranges_[j].last);
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
  if (pairs_ == Pairs::kAccepted && IsDualStackEntry(spec)) {
    ASSIGN_OR_RETURN(DualStackPair pair, ParseDualStackPair(spec));
    ranges_.push_back({pair.v4, pair.v4});
    ranges_.push_back({pair.v6, pair.v6});
    dual_stack_pairs_.push_back(pair);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(IpRange range, ParseTargetSpec(spec));
  ranges_.push_back(range);
  return absl::OkStatus();
}

absl::Status TargetSetBuilder::AddLine(absl::string_view line, absl::string_view origin,
                                       int line_number) {
  if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
  line = absl::StripAsciiWhitespace(line);
  if (line.empty()) return absl::OkStatus();
  absl::Status status = AddSpec(line);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ":", line_number, ": ", status.message()));
  }
  return absl::OkStatus();
}

absl::Status TargetSetBuilder::AddText(absl::string_view text, absl::string_view origin) {
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    RETURN_IF_ERROR(AddLine(line, origin, ++line_number));
  }
  return absl::OkStatus();
}

namespace {

// Lines in the file (an upper bound on the specs it holds), so a hitlist of millions of
// addresses is stored once, in a vector of exactly its size, not grown by doubling.
size_t CountLines(std::ifstream& in) {
  size_t lines = 1;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    lines += static_cast<size_t>(std::count(chunk, chunk + in.gcount(), '\n'));
  }
  in.clear();
  in.seekg(0);
  return lines;
}

}  // namespace

absl::Status TargetSetBuilder::AddFile(const std::string& path, bool allow_empty) {
  const auto unreadable = [&] {
    return absl::InvalidArgumentError(absl::StrCat("cannot read target file '", path, "'"));
  };
  std::ifstream in(path);
  if (!in) return unreadable();
  // Read line by line: the file's text is never held whole (hitlists are hundreds of MB).
  ranges_.reserve(ranges_.size() + CountLines(in));
  if (!in) return unreadable();
  const size_t before = ranges_.size();
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) RETURN_IF_ERROR(AddLine(line, path, ++line_number));
  if (in.bad()) return unreadable();
  if (ranges_.size() == before && !allow_empty) {
    return absl::InvalidArgumentError(absl::StrCat("target file '", path, "' lists no targets"));
  }
  return absl::OkStatus();
}

TargetSet TargetSetBuilder::Build() && { return TargetSet::FromRanges(std::move(ranges_)); }

}  // namespace cutpoint::targets
