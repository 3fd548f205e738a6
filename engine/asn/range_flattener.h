// SPDX-License-Identifier: Apache-2.0
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
// a table of buckets on the key's top bits: each bucket narrows the binary search to the
// ranges starting inside it. About one bucket per range, at most 2^20: a full BGP table
// then has a few ranges per bucket, and the 4 MiB bucket table costs one cache miss where
// a longer search would cost several; a small table keeps a small index.
template <typename Key>
class RangeIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  RangeIndex() = default;

  // `ranges` sorted and disjoint (FlattenRanges output), keys within Key.
  explicit RangeIndex(const std::vector<ValueRange>& ranges) {
    // The gaps become ranges of kNone, so the whole key space is covered from key 0 and
    // a lookup needs no end check: one search, one read of the value next to it.
    Key next = 0;
    bool covered_to_end = false;
    for (const ValueRange& range : ranges) {
      const Key first = static_cast<Key>(range.first);
      if (first != next) Append(next, kNone);
      Append(first, range.value);
      const Key last = static_cast<Key>(range.last);
      covered_to_end = last == static_cast<Key>(~Key{0});
      next = last + 1;
    }
    if (!covered_to_end) Append(next, kNone);
    int bucket_bits = kMinBucketBits;
    while (bucket_bits < kMaxBucketBits && (size_t{1} << bucket_bits) < slots_.size()) {
      ++bucket_bits;
    }
    shift_ = static_cast<int>(sizeof(Key) * 8) - bucket_bits;
    const uint32_t buckets = uint32_t{1} << bucket_bits;
    // bucket_[b] = how many ranges start below bucket b's first key (>= 1: key 0 starts).
    bucket_.assign(buckets + 1, static_cast<uint32_t>(slots_.size()));
    size_t index = 0;
    for (uint32_t bucket = 0; bucket < buckets; ++bucket) {
      while (index < slots_.size() && Bucket(slots_[index].start) < bucket) ++index;
      bucket_[bucket] = static_cast<uint32_t>(index);
    }
  }

  // The value of the range holding `key`, or kNone.
  uint32_t Find(Key key) const {
    if (bucket_.empty()) return kNone;  // never built
    const uint32_t bucket = Bucket(key);
    // The last range starting at or before key: among those starting in key's bucket,
    // else the one before the bucket (there is one: ranges start at key 0).
    const Slot* begin = slots_.data() + bucket_[bucket];
    const Slot* end = slots_.data() + bucket_[bucket + 1];
    const Slot* after = std::upper_bound(
        begin, end, key, [](Key value, const Slot& slot) { return value < slot.start; });
    return after[-1].value;
  }

  // Ranges held, the gaps between them included.
  size_t size() const { return slots_.size(); }

 private:
  static constexpr int kMinBucketBits = 4;
  static constexpr int kMaxBucketBits = 20;
  uint32_t Bucket(Key key) const { return static_cast<uint32_t>(key >> shift_); }

  // A range's start next to its value: the search's last probe reads both in one line.
  struct Slot {
    Key start;
    uint32_t value;
  };

  void Append(Key start, uint32_t value) { slots_.push_back({start, value}); }

  // Built: slots_[0].start == 0, so every key has a range.
  std::vector<Slot> slots_;
  std::vector<uint32_t> bucket_;
  int shift_ = 0;  // key bits below the bucket bits
};

}  // namespace cutpoint::asn

#endif  // CUTPOINT_ENGINE_ASN_RANGE_FLATTENER_H_
