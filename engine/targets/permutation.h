// A keyed bijection on [0, n) with O(1) memory: a balanced Feistel network over the
// smallest even-width bit domain >= n, with cycle walking back into range. The domain is
// at most 4n, so a lookup takes fewer than four network evaluations on average.
#ifndef CUTPOINT_ENGINE_TARGETS_PERMUTATION_H_
#define CUTPOINT_ENGINE_TARGETS_PERMUTATION_H_

#include <array>
#include <cstdint>

namespace cutpoint::targets {

class KeyedPermutation {
 public:
  static constexpr int kRounds = 4;

  // `size` may be anything up to 2^64 - 1; `seed` selects the permutation.
  KeyedPermutation(uint64_t size, uint64_t seed);

  uint64_t size() const { return size_; }
  // The element at position `index` of the permuted order; index < size().
  uint64_t At(uint64_t index) const;

 private:
  uint64_t Network(uint64_t value) const;

  uint64_t size_;
  int half_bits_;
  uint64_t half_mask_;
  std::array<uint64_t, kRounds> round_keys_;
};

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_PERMUTATION_H_
