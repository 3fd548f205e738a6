// A set of IPv4 targets held as sorted, merged, inclusive ranges: O(ranges) memory
// whatever the number of addresses, O(log ranges) to index or test membership.
#ifndef CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_
#define CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cutpoint::targets {

struct Ipv4Range {
  uint32_t first = 0;
  uint32_t last = 0;  // inclusive
  uint64_t size() const { return uint64_t{last} - first + 1; }
  friend bool operator==(const Ipv4Range&, const Ipv4Range&) = default;
};

// "198.18.0.1" or "198.18.0.0/24". Host bits below the prefix length are ignored, as in
// zmap and nmap ("198.18.0.7/24" is 198.18.0.0/24).
absl::StatusOr<Ipv4Range> ParseTargetSpec(absl::string_view spec);

// "a.b.c.d/len" for a range that is one prefix, otherwise "first-last".
std::string FormatRange(const Ipv4Range& range);

class TargetSet {
 public:
  TargetSet() = default;

  // Normalizes: sorts, merges overlapping and adjacent ranges (so no address repeats).
  static TargetSet FromRanges(std::vector<Ipv4Range> ranges);

  uint64_t size() const { return total_; }
  bool empty() const { return total_ == 0; }
  // The index-th address in ascending order; index < size().
  uint32_t At(uint64_t index) const;
  bool Contains(uint32_t address) const;
  // The index of `address` (inverse of At), or -1 when it is not in the set.
  int64_t IndexOf(uint32_t address) const;
  const std::vector<Ipv4Range>& ranges() const { return ranges_; }

  // Set algebra for block- and allow-lists, linear in the number of ranges.
  TargetSet Subtract(const TargetSet& removed) const;
  TargetSet Intersect(const TargetSet& kept) const;

 private:
  std::vector<Ipv4Range> ranges_;
  std::vector<uint64_t> starts_;  // index of each range's first address
  uint64_t total_ = 0;
};

// Collects targets from command-line words and files (one spec per line, '#' comments,
// blank lines ignored). Errors name the file and line.
class TargetSetBuilder {
 public:
  absl::Status AddSpec(absl::string_view spec);
  absl::Status AddText(absl::string_view text, absl::string_view origin);
  // `allow_empty`: a file of only comments is fine (block- and allowlists).
  absl::Status AddFile(const std::string& path, bool allow_empty = false);
  TargetSet Build() &&;

 private:
  std::vector<Ipv4Range> ranges_;
};

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_TARGET_SET_H_
