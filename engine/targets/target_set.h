// A set of IPv4 and IPv6 targets in one ordered 128-bit space (IPv4 in ::ffff:0:0/96, see
// engine/wire/ip_address.h), held as sorted, merged, inclusive ranges: O(ranges) memory
// whatever the number of addresses, O(log ranges) to index or test membership.
#ifndef CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_
#define CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_

#include <cstdint>
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
  TargetSet() = default;

  // Normalizes: sorts, merges overlapping and adjacent ranges (so no address repeats).
  static TargetSet FromRanges(std::vector<IpRange> ranges);

  // The number of addresses, saturated at 2^64 - 1 (runs refuse sets that large).
  uint64_t size() const;
  Uint128 exact_size() const { return total_; }
  bool empty() const { return total_ == 0; }
  // The index-th address in ascending order; index < size().
  IpAddress At(uint64_t index) const;
  bool Contains(const IpAddress& address) const;
  // The index of `address` (inverse of At), or -1 when it is not in the set.
  int64_t IndexOf(const IpAddress& address) const;
  const std::vector<IpRange>& ranges() const { return ranges_; }
  // Addresses of each family (IPv4 is exactly the ::ffff:0:0/96 block).
  uint64_t CountV4() const;
  uint64_t CountV6() const { return size() - CountV4(); }
  // The lowest address of each family in the set (unset for a family it lacks): where a
  // run looks up that family's route, source and next hop.
  wire::SourceAddresses FirstOfEachFamily() const;

  // The lowest address in both sets, or nullopt: O(other's ranges x log(ranges)) and no
  // copy, for checks of a huge set (a hitlist) against a small one (the reserved ranges).
  std::optional<IpAddress> FirstOverlap(const TargetSet& other) const;

  // Set algebra for block- and allow-lists, linear in the number of ranges.
  TargetSet Subtract(const TargetSet& removed) const;
  TargetSet Intersect(const TargetSet& kept) const;

 private:
  std::vector<IpRange> ranges_;
  std::vector<Uint128> starts_;  // index of each range's first address
  Uint128 total_ = 0;            // saturated at the largest Uint128
};

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
  TargetSet Build() &&;
  // The dual-stack hosts declared so far, in input order.
  std::vector<DualStackPair> TakeDualStackPairs() { return std::move(dual_stack_pairs_); }

 private:
  // One line of a file or text: '#' comments and blank lines skipped; errors name the line.
  absl::Status AddLine(absl::string_view line, absl::string_view origin, int line_number);

  Pairs pairs_;
  std::vector<IpRange> ranges_;
  std::vector<DualStackPair> dual_stack_pairs_;
};

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_
