// SPDX-License-Identifier: Apache-2.0
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

namespace {

Uint128 SaturatingAdd(Uint128 a, Uint128 b) { return a > kAllOnes - b ? kAllOnes : a + b; }

// A range's size for index arithmetic: a hand-built ::/0 wraps to 0 and counts as the most.
Uint128 SizeOf(const IpRange& range) {
  const Uint128 size = range.size();
  return size == 0 ? kAllOnes : size;
}

// Whether `next`, starting at or after the run ending at `last` starts, overlaps or adjoins it.
bool Touches(const IpAddress& last, const IpRange& next) {
  return last.value() == kAllOnes || next.first.value() <= last.value() + 1;
}

// Sorts `ranges` and merges overlapping and adjacent ones, in place (no copy of a big list).
void SortAndMerge(std::vector<IpRange>& ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const IpRange& a, const IpRange& b) { return a.first < b.first; });
  size_t kept = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const IpRange range = ranges[i];
    if (kept != 0 && Touches(ranges[kept - 1].last, range)) {
      ranges[kept - 1].last = std::max(ranges[kept - 1].last, range.last);
    } else {
      ranges[kept++] = range;
    }
  }
  ranges.resize(kept);
}

// Visits the maximal runs of sorted, distinct `hosts` and sorted, merged `ranges` in
// ascending order. `visit` may overwrite hosts it has been given (each run it is given
// consumed at least as many hosts as it holds), so the hosts can be compacted in place.
template <typename Visit>
void VisitRuns(const std::vector<IpAddress>& hosts, const std::vector<IpRange>& ranges,
               Visit visit) {
  size_t i = 0, j = 0;
  std::optional<IpRange> run;
  while (i < hosts.size() || j < ranges.size()) {
    const bool host = j == ranges.size() || (i < hosts.size() && hosts[i] < ranges[j].first);
    const IpRange next = host ? IpRange{hosts[i], hosts[i]} : ranges[j];
    host ? ++i : ++j;
    if (run && Touches(run->last, next)) {
      run->last = std::max(run->last, next.last);
    } else {
      if (run) visit(*run);
      run = next;
    }
  }
  if (run) visit(*run);
}

// Disjoint runs in ascending order, split as a TargetSet stores them.
struct RunSink {
  std::vector<IpAddress> hosts;
  std::vector<IpRange> ranges;
  void Add(Uint128 first, Uint128 last) {
    if (first == last) {
      hosts.push_back(IpAddress::FromValue(first));
    } else {
      ranges.push_back({IpAddress::FromValue(first), IpAddress::FromValue(last)});
    }
  }
  TargetSet Build() && {
    return TargetSet::FromHostsAndRanges(std::move(hosts), std::move(ranges));
  }
};

constexpr size_t kNone = ~size_t{0};

// The range that could hold `address` (the last one starting at or before it), or kNone.
size_t RangeAtOrBefore(const std::vector<IpRange>& ranges, const IpAddress& address) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                             [](const IpAddress& a, const IpRange& r) { return a < r.first; });
  return it == ranges.begin() ? kNone : static_cast<size_t>(it - ranges.begin()) - 1;
}

bool HasHost(const std::vector<IpAddress>& hosts, const IpAddress& address) {
  return std::binary_search(hosts.begin(), hosts.end(), address);
}

}  // namespace

TargetSet TargetSet::FromRanges(std::vector<IpRange> ranges) {
  return FromHostsAndRanges({}, std::move(ranges));
}

TargetSet TargetSet::FromHostsAndRanges(std::vector<IpAddress> hosts, std::vector<IpRange> ranges) {
  // One-address ranges become hosts, so merged ranges only ever make runs of two or more.
  size_t kept = 0;
  for (const IpRange& range : ranges) {
    if (range.first == range.last) {
      hosts.push_back(range.first);
    } else {
      ranges[kept++] = range;
    }
  }
  ranges.resize(kept);
  SortAndMerge(ranges);
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  TargetSet set;
  if (hosts.empty()) {
    // A list of prefixes only: its merged ranges are the runs, kept without a copy.
    set.ranges_ = std::move(ranges);
    set.ComputeStarts();
    return set;
  }
  // Hosts that join a range or each other leave hosts_: counted first, so the runs of two
  // or more get a vector of their exact size, then written while hosts compact in place.
  size_t runs = 0;
  VisitRuns(hosts, ranges, [&](const IpRange& run) { runs += run.first != run.last; });
  set.ranges_.reserve(runs);
  size_t lone = 0;
  VisitRuns(hosts, ranges, [&](const IpRange& run) {
    if (run.first == run.last) {
      hosts[lone++] = run.first;
    } else {
      set.ranges_.push_back(run);
    }
  });
  hosts.resize(lone);
  set.hosts_ = std::move(hosts);
  set.ComputeStarts();
  return set;
}

void TargetSet::ComputeStarts() {
  starts_.clear();
  starts_.reserve(ranges_.size());
  Uint128 in_ranges = 0;
  size_t hosts_below = 0;
  for (const IpRange& range : ranges_) {
    while (hosts_below < hosts_.size() && hosts_[hosts_below] < range.first) ++hosts_below;
    starts_.push_back(SaturatingAdd(in_ranges, hosts_below));
    in_ranges = SaturatingAdd(in_ranges, SizeOf(range));
  }
  total_ = SaturatingAdd(in_ranges, hosts_.size());
}

size_t TargetSet::HostsBelow(size_t r) const {
  return static_cast<size_t>(std::lower_bound(hosts_.begin(), hosts_.end(), ranges_[r].first) -
                             hosts_.begin());
}

uint64_t TargetSet::size() const {
  return total_ > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(total_);
}

uint64_t TargetSet::CountV4() const {
  const IpRange v4_block = IpRange::V4(0, UINT32_MAX);
  Uint128 count = std::upper_bound(hosts_.begin(), hosts_.end(), v4_block.last) -
                  std::lower_bound(hosts_.begin(), hosts_.end(), v4_block.first);
  for (const IpRange& range : ranges_) {
    IpAddress first = std::max(range.first, v4_block.first);
    IpAddress last = std::min(range.last, v4_block.last);
    if (first <= last) count += last.value() - first.value() + 1;
  }
  return static_cast<uint64_t>(count);
}

std::optional<IpAddress> TargetSet::FirstAtOrAbove(const IpAddress& address) const {
  std::optional<IpAddress> first;
  auto host = std::lower_bound(hosts_.begin(), hosts_.end(), address);
  if (host != hosts_.end()) first = *host;
  // The first range ending at or after `address`.
  auto range = std::lower_bound(ranges_.begin(), ranges_.end(), address,
                                [](const IpRange& r, const IpAddress& a) { return r.last < a; });
  if (range != ranges_.end()) {
    const IpAddress in_range = std::max(range->first, address);
    if (!first || in_range < *first) first = in_range;
  }
  return first;
}

wire::SourceAddresses TargetSet::FirstOfEachFamily() const {
  const IpRange v4_block = IpRange::V4(0, UINT32_MAX);
  wire::SourceAddresses first;
  // Ranges are clipped to the block: a hand-built one may straddle it.
  std::optional<IpAddress> v4 = FirstAtOrAbove(v4_block.first);
  if (v4 && *v4 <= v4_block.last) first.v4 = v4;
  // IPv6 below the block (::/96 and the like), else the first above it (everything else).
  std::optional<IpAddress> lowest = FirstAtOrAbove(IpAddress::FromValue(0));
  first.v6 = lowest && *lowest < v4_block.first
                 ? lowest
                 : FirstAtOrAbove(IpAddress::FromValue(v4_block.last.value() + 1));
  return first;
}

IpAddress TargetSet::At(uint64_t index) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), Uint128{index});
  // Below the first range there are only hosts.
  if (it == starts_.begin()) return hosts_[index];
  const size_t r = static_cast<size_t>(it - starts_.begin()) - 1;
  const Uint128 offset = index - starts_[r];
  const Uint128 size = SizeOf(ranges_[r]);
  if (offset < size) return IpAddress::FromValue(ranges_[r].first.value() + offset);
  // One of the hosts between range r and the next.
  return hosts_[HostsBelow(r) + static_cast<size_t>(offset - size)];
}

bool TargetSet::Contains(const IpAddress& address) const {
  const size_t r = RangeAtOrBefore(ranges_, address);
  return (r != kNone && address <= ranges_[r].last) || HasHost(hosts_, address);
}

int64_t TargetSet::IndexOf(const IpAddress& address) const {
  const size_t r = RangeAtOrBefore(ranges_, address);
  Uint128 index = 0;
  if (r != kNone && address <= ranges_[r].last) {
    index = SaturatingAdd(starts_[r], address.value() - ranges_[r].first.value());
  } else {
    auto host = std::lower_bound(hosts_.begin(), hosts_.end(), address);
    if (host == hosts_.end() || *host != address) return -1;
    // Hosts below it, plus every address of the ranges below it (range r and those before).
    index = static_cast<size_t>(host - hosts_.begin());
    if (r != kNone) {
      const Uint128 in_ranges = SaturatingAdd(starts_[r], SizeOf(ranges_[r])) - HostsBelow(r);
      index = SaturatingAdd(index, in_ranges);
    }
  }
  return index > INT64_MAX ? -1 : static_cast<int64_t>(index);
}

std::optional<IpRange> TargetSet::RangeHolding(const IpAddress& address) const {
  const size_t r = RangeAtOrBefore(ranges_, address);
  if (r != kNone && address <= ranges_[r].last) return ranges_[r];
  // A host is never adjacent to another address of the set: its run is itself.
  if (HasHost(hosts_, address)) return IpRange{address, address};
  return std::nullopt;
}

std::optional<IpAddress> TargetSet::FirstOverlap(const TargetSet& other) const {
  // Other's runs ascend, so the first hit is the lowest.
  for (const IpRange wanted : other.ranges()) {
    std::optional<IpAddress> first = FirstAtOrAbove(wanted.first);
    if (first && *first <= wanted.last) return first;
  }
  return std::nullopt;
}

TargetSet TargetSet::Subtract(const TargetSet& removed) const {
  RunSink out;
  out.hosts.reserve(hosts_.size());
  const RangeView cuts = removed.ranges();
  auto cut = cuts.begin();
  for (const IpRange range : ranges()) {
    Uint128 first = range.first.value();
    const Uint128 last = range.last.value();
    bool done = false;
    while (cut != cuts.end() && (*cut).last.value() < first) ++cut;
    for (auto k = cut; !done && k != cuts.end() && (*k).first.value() <= last; ++k) {
      const IpRange piece = *k;
      if (piece.first.value() > first) out.Add(first, piece.first.value() - 1);
      if (piece.last.value() >= last) {
        done = true;
      } else {
        first = piece.last.value() + 1;
      }
    }
    if (!done) out.Add(first, last);
  }
  return std::move(out).Build();
}

TargetSet TargetSet::Intersect(const TargetSet& kept) const {
  RunSink out;
  const RangeView mine = ranges(), theirs = kept.ranges();
  auto i = mine.begin();
  auto j = theirs.begin();
  while (i != mine.end() && j != theirs.end()) {
    const IpRange a = *i, b = *j;
    const IpAddress first = std::max(a.first, b.first);
    const IpAddress last = std::min(a.last, b.last);
    if (first <= last) out.Add(first.value(), last.value());
    if (a.last < b.last) {
      ++i;
    } else {
      ++j;
    }
  }
  return std::move(out).Build();
}

bool TargetSet::RangeView::Iterator::HostIsNext() const {
  const TargetSet& set = *set_;
  return range_ == set.ranges_.size() ||
         (host_ < set.hosts_.size() && set.hosts_[host_] < set.ranges_[range_].first);
}

IpRange TargetSet::RangeView::Iterator::operator*() const {
  if (HostIsNext()) return {set_->hosts_[host_], set_->hosts_[host_]};
  return set_->ranges_[range_];
}

TargetSet::RangeView::Iterator& TargetSet::RangeView::Iterator::operator++() {
  HostIsNext() ? ++host_ : ++range_;
  return *this;
}

void TargetSetBuilder::Add(const IpRange& range) {
  if (range.first == range.last) {
    hosts_.push_back(range.first);
  } else {
    ranges_.push_back(range);
  }
}

absl::Status TargetSetBuilder::AddSpec(absl::string_view spec) {
  if (pairs_ == Pairs::kAccepted && IsDualStackEntry(spec)) {
    ASSIGN_OR_RETURN(DualStackPair pair, ParseDualStackPair(spec));
    Add({pair.v4, pair.v4});
    Add({pair.v6, pair.v6});
    dual_stack_pairs_.push_back(pair);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(IpRange range, ParseTargetSpec(spec));
  Add(range);
  return absl::OkStatus();
}

void TargetSetBuilder::AddSet(const TargetSet& set) {
  hosts_.insert(hosts_.end(), set.hosts_.begin(), set.hosts_.end());
  ranges_.insert(ranges_.end(), set.ranges_.begin(), set.ranges_.end());
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

// Upper bounds on the specs a file holds: its lines (hosts) and its '/'s (every prefix
// has one). Both vectors are reserved to them, so a hitlist of millions of addresses is
// stored once, in a vector that never regrows; the pages of a reserve that is not used
// (the hosts' of a list of prefixes) are never touched, so they are not resident.
struct SpecBounds {
  size_t lines = 1;
  size_t slashes = 0;
};

SpecBounds CountSpecBounds(std::ifstream& in) {
  SpecBounds bounds;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    const char* begin = chunk;
    const char* end = chunk + in.gcount();
    bounds.lines += static_cast<size_t>(std::count(begin, end, '\n'));
    bounds.slashes += static_cast<size_t>(std::count(begin, end, '/'));
  }
  in.clear();
  in.seekg(0);
  return bounds;
}

}  // namespace

absl::Status TargetSetBuilder::AddFile(const std::string& path, bool allow_empty) {
  const auto unreadable = [&] {
    return absl::InvalidArgumentError(absl::StrCat("cannot read target file '", path, "'"));
  };
  std::ifstream in(path);
  if (!in) return unreadable();
  // Read line by line: the file's text is never held whole (hitlists are hundreds of MB).
  const SpecBounds bounds = CountSpecBounds(in);
  if (!in) return unreadable();
  hosts_.reserve(hosts_.size() + bounds.lines);
  ranges_.reserve(ranges_.size() + bounds.slashes);
  const size_t before = added();
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) RETURN_IF_ERROR(AddLine(line, path, ++line_number));
  if (in.bad()) return unreadable();
  if (added() == before && !allow_empty) {
    return absl::InvalidArgumentError(absl::StrCat("target file '", path, "' lists no targets"));
  }
  return absl::OkStatus();
}

TargetSet TargetSetBuilder::Build() && {
  return TargetSet::FromHostsAndRanges(std::move(hosts_), std::move(ranges_));
}

}  // namespace cutpoint::targets
