// Overlapping address ranges flattened into sorted disjoint ones, and the index that finds
// the range holding a key. Flattening decides, for every address, which of the ranges
// covering it wins (the narrowest; on a tie the lowest value, i.e. the one added first),
// so a lookup is one search with no backtracking into enclosing prefixes.
#ifndef CUTPOINT_ENGINE_ASN_RANGE_FLATTENER_H_
#define CUTPOINT_ENGINE_ASN_RANGE_FLATTENER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/wire/ip_address.h"

namespace cutpoint::asn {

struct ValueRange {
  wire::Uint128 first = 0;
  wire::Uint128 last = 0;  // inclusive
  uint32_t value = 0;
};

// Input in any order, possibly nested or partly overlapping. Output sorted by first,
// disjoint; adjacent ranges of equal value are merged. O(n log n).
std::vector<ValueRange> FlattenRanges(std::vector<ValueRange> ranges);

// Sorted disjoint ranges over Key (uint32_t for IPv4, Uint128 for IPv6), searched through
// a table of 2^16 buckets on the key's top 16 bits: each bucket narrows the binary search
// to the ranges starting inside it (for a full BGP table, a few dozen at most).
template <typename Key>
class RangeIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  RangeIndex() = default;

  // `ranges` sorted and disjoint (FlattenRanges output), keys within Key.
  explicit RangeIndex(const std::vector<ValueRange>& ranges) {
    starts_.reserve(ranges.size());
    lasts_.reserve(ranges.size());
    values_.reserve(ranges.size());
    for (const ValueRange& range : ranges) {
      starts_.push_back(static_cast<Key>(range.first));
      lasts_.push_back(static_cast<Key>(range.last));
      values_.push_back(range.value);
    }
    // bucket_[b] = how many ranges start below bucket b's first key.
    bucket_.assign(kBuckets + 1, 0);
    size_t index = 0;
    for (uint32_t bucket = 0; bucket <= kBuckets; ++bucket) {
      while (index < starts_.size() && bucket < kBuckets && Bucket(starts_[index]) < bucket) {
        ++index;
      }
      bucket_[bucket] = static_cast<uint32_t>(bucket == kBuckets ? starts_.size() : index);
    }
  }

  // The value of the range holding `key`, or kNone.
  uint32_t Find(Key key) const {
    if (starts_.empty()) return kNone;
    const uint32_t bucket = Bucket(key);
    // Ranges starting in this bucket at or before key; else the last one before it.
    const Key* begin = starts_.data() + bucket_[bucket];
    const Key* end = starts_.data() + bucket_[bucket + 1];
    const size_t after = static_cast<size_t>(std::upper_bound(begin, end, key) - starts_.data());
    if (after == 0) return kNone;
    const size_t index = after - 1;
    return key <= lasts_[index] ? values_[index] : kNone;
  }

  size_t size() const { return starts_.size(); }

 private:
  static constexpr uint32_t kBuckets = 1u << 16;
  static uint32_t Bucket(Key key) { return static_cast<uint32_t>(key >> (sizeof(Key) * 8 - 16)); }

  std::vector<Key> starts_;
  std::vector<Key> lasts_;
  std::vector<uint32_t> values_;
  std::vector<uint32_t> bucket_;
};

}  // namespace cutpoint::asn

#endif  // CUTPOINT_ENGINE_ASN_RANGE_FLATTENER_H_
