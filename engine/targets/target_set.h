// SPDX-License-Identifier: Apache-2.0
// A set of IPv4 and IPv6 targets in one ordered 128-bit space (IPv4 in ::ffff:0:0/96, see
// engine/wire/ip_address.h), held as sorted, merged runs of addresses: lone hosts as bare
// 16-byte addresses (a hitlist of N hosts takes 16 N bytes) and runs of two or more as
// inclusive ranges (a prefix takes the same memory whatever its size). O(log) to index or
// test membership.
#ifndef CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_
#define CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/targets/dual_stack.h"
#include "engine/wire/ip_address.h"
#include "engine/wire/source_addresses.h"

namespace cutpoint::targets {

using wire::IpAddress;
using wire::Uint128;

struct IpRange {
  IpAddress first;
  IpAddress last;  // inclusive
  static constexpr IpRange V4(uint32_t first, uint32_t last) {
    return {IpAddress::V4(first), IpAddress::V4(last)};
  }
  // Wraps to 0 only for the whole space ::/0, which no parser produces.
  Uint128 size() const { return last.value() - first.value() + 1; }
  friend bool operator==(const IpRange&, const IpRange&) = default;
};

// "198.18.0.1", "198.18.0.0/24", "2001:2::1" or "2001:2::/120". Host bits below the
// prefix length are ignored, as in zmap and nmap ("198.18.0.7/24" is 198.18.0.0/24).
// An IPv6 /0 is refused (it is not a target set; it would also hold all of IPv4).
absl::StatusOr<IpRange> ParseTargetSpec(absl::string_view spec);

// "a.b.c.d/len" or "2001:db8::/len" for a range that is one prefix of its family,
// otherwise "first-last".
std::string FormatRange(const IpRange& range);

// A count of addresses in decimal, however large (an IPv6 prefix's 2^80).
std::string FormatCount(Uint128 count);

class TargetSet {
 public:
  class RangeView;

  TargetSet() = default;

  // Normalizes: sorts, merges overlapping and adjacent ranges (so no address repeats).
  static TargetSet FromRanges(std::vector<IpRange> ranges);
  // The same from lone addresses and ranges, in any order, repeated or overlapping; both
  // vectors become the set's storage (a hitlist is never copied into 32-byte ranges).
  static TargetSet FromHostsAndRanges(std::vector<IpAddress> hosts, std::vector<IpRange> ranges);

  // The number of addresses, saturated at 2^64 - 1 (runs refuse sets that large).
  uint64_t size() const;
  Uint128 exact_size() const { return total_; }
  bool empty() const { return total_ == 0; }
  // The index-th address in ascending order; index < size().
  IpAddress At(uint64_t index) const;
  // The set's one run when it is a single range (no lone hosts), else null: then At(i) is
  // the range's first address + i, no search (batch callers take this fast path).
  const IpRange* SingleRange() const {
    return hosts_.empty() && ranges_.size() == 1 ? &ranges_[0] : nullptr;
  }
  bool Contains(const IpAddress& address) const;
  // The index of `address` (inverse of At), or -1 when it is not in the set.
  int64_t IndexOf(const IpAddress& address) const;
  // The maximal runs of addresses, ascending, each as a range (a lone host as {a, a}):
  // sorted, disjoint and non-adjacent. A view: valid while the set is.
  RangeView ranges() const;
  // The run holding `address`, or nullopt when it is not in the set.
  std::optional<IpRange> RangeHolding(const IpAddress& address) const;
  // The lowest address of the set at or above `address`, or nullopt.
  std::optional<IpAddress> FirstAtOrAbove(const IpAddress& address) const;
  // Addresses of each family (IPv4 is exactly the ::ffff:0:0/96 block).
  uint64_t CountV4() const;
  uint64_t CountV6() const { return size() - CountV4(); }
  // The lowest address of each family in the set (unset for a family it lacks): where a
  // run looks up that family's route, source and next hop.
  wire::SourceAddresses FirstOfEachFamily() const;

  // The lowest address in both sets, or nullopt: O(other's runs x log(ours)) and no
  // copy, for checks of a huge set (a hitlist) against a small one (the reserved ranges).
  std::optional<IpAddress> FirstOverlap(const TargetSet& other) const;

  // Set algebra for block- and allow-lists, linear in the number of runs.
  TargetSet Subtract(const TargetSet& removed) const;
  TargetSet Intersect(const TargetSet& kept) const;

 private:
  friend class TargetSetBuilder;  // appends a set's hosts and ranges without expanding them

  // Fills starts_ and total_ from hosts_ and ranges_.
  void ComputeStarts();
  // The number of hosts below range r: searched, not stored, so a range costs no more than
  // it did before hosts were apart (only sets with both pay the search, on a host's index).
  size_t HostsBelow(size_t r) const;

  // Invariant: the union of hosts_ (as one-address runs) and ranges_ is sorted, disjoint and
  // non-adjacent; every range holds two or more addresses.
  std::vector<IpAddress> hosts_;
  std::vector<IpRange> ranges_;
  std::vector<Uint128> starts_;  // index of each range's first address
  Uint128 total_ = 0;            // saturated at the largest Uint128
};

// Iterates a set's runs in ascending order, merging its hosts and ranges on the fly.
class TargetSet::RangeView {
 public:
  class Iterator {
   public:
    using value_type = IpRange;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    IpRange operator*() const;
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) {
      return a.host_ == b.host_ && a.range_ == b.range_;
    }

   private:
    friend class RangeView;
    Iterator(const TargetSet* set, size_t host, size_t range)
        : set_(set), host_(host), range_(range) {}
    bool HostIsNext() const;
    const TargetSet* set_ = nullptr;
    size_t host_ = 0;
    size_t range_ = 0;
  };

  explicit RangeView(const TargetSet* set) : set_(set) {}
  Iterator begin() const { return Iterator(set_, 0, 0); }
  Iterator end() const { return Iterator(set_, set_->hosts_.size(), set_->ranges_.size()); }
  size_t size() const { return set_->hosts_.size() + set_->ranges_.size(); }
  bool empty() const { return size() == 0; }
  // A copy, for small sets and tests.
  std::vector<IpRange> ToVector() const { return std::vector<IpRange>(begin(), end()); }

 private:
  const TargetSet* set_;
};

inline TargetSet::RangeView TargetSet::ranges() const { return RangeView(this); }

// Collects targets from command-line words and files (one spec per line, '#' comments,
// blank lines ignored). Errors name the file and line. A spec of two addresses, one per
// family, is a dual-stack host (engine/targets/dual_stack.h): both are targets, and the
// pair is kept.
class TargetSetBuilder {
 public:
  // Block- and allowlists (zmap's format) take prefixes only: no dual-stack pairs.
  enum class Pairs : bool { kRefused, kAccepted };
  explicit TargetSetBuilder(Pairs pairs = Pairs::kAccepted) : pairs_(pairs) {}

  absl::Status AddSpec(absl::string_view spec);
  absl::Status AddText(absl::string_view text, absl::string_view origin);
  // `allow_empty`: a file of only comments is fine (block- and allowlists).
  absl::Status AddFile(const std::string& path, bool allow_empty = false);
  // Every address of `set` (its hosts stay 16-byte hosts).
  void AddSet(const TargetSet& set);
  TargetSet Build() &&;
  // The dual-stack hosts declared so far, in input order.
  std::vector<DualStackPair> TakeDualStackPairs() { return std::move(dual_stack_pairs_); }

 private:
  void Add(const IpRange& range);
  // One line of a file or text: '#' comments and blank lines skipped; errors name the line.
  absl::Status AddLine(absl::string_view line, absl::string_view origin, int line_number);
  size_t added() const { return hosts_.size() + ranges_.size(); }

  Pairs pairs_;
  // Lone addresses apart: a hitlist line costs 16 bytes, not a 32-byte range.
  std::vector<IpAddress> hosts_;
  std::vector<IpRange> ranges_;
  std::vector<DualStackPair> dual_stack_pairs_;
};

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_
