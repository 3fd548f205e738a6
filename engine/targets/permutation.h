// SPDX-License-Identifier: Apache-2.0
// A keyed bijection on [0, n) with O(1) memory: a Feistel network over a mixed-radix
// domain just above n, with cycle walking back into range. A value x is the pair
// (x >> b, x mod 2^b), b = floor(width / 2) for the bit width of n: a low half of b bits
// and a high half in [0, H), H = ceil(n / 2^b), so the domain H * 2^b exceeds n by less
// than 2^b and a lookup takes about one network evaluation (a domain of whole bits takes
// up to two on average, a balanced one up to four). The halves trade places each round:
// a round whose new right half is the high one adds its function mod H, one whose new
// right half is the low one XORs it; after the (even) number of rounds they are back.
//
// The batch forms (AtBatch, Apply) give exactly At()'s values, many at a time: the
// network runs over arrays of lanes in lockstep, and cycle walking re-runs only the lanes
// still out of range (compacted into a shorter array each pass). They run an AVX-512
// kernel (8 lanes per vpmullq) when the CPU has avx512f and avx512dq, else a scalar one;
// the build's baseline ISA does not change.
#ifndef CUTPOINT_ENGINE_TARGETS_PERMUTATION_H_
#define CUTPOINT_ENGINE_TARGETS_PERMUTATION_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace cutpoint::targets {

class KeyedPermutation {
 public:
  static constexpr int kRounds = 4;
  // Bumped whenever At() changes for some (size, seed): resume files name the order they
  // walked (session/live_scan.cc). 1: a balanced network over whole bits; 2: the
  // mixed-radix network.
  static constexpr int kOrderVersion = 2;

  // The code behind the batch forms.
  enum class BatchKernel : uint8_t {
    kAuto,    // the fastest this CPU runs (the default)
    kScalar,  // portable
    kAvx512,  // avx512f + avx512dq, for sizes up to 2^64 - 2^32
    // kAvx512 with avx512ifma: one round multiply as a 52-bit multiply-add, for sizes up
    // to 2^37 (kAvx512 above). kAuto's choice where the CPU has it, else kAvx512's.
    kAvx512Ifma,
  };

  // `size` may be anything up to 2^64 - 1; `seed` selects the permutation.
  KeyedPermutation(uint64_t size, uint64_t seed);

  uint64_t size() const { return params_.size; }
  // The element at position `index` of the permuted order; index < size().
  uint64_t At(uint64_t index) const;

  // The position of `value` (< size()): At(IndexOf(value)) == value. The network run
  // backwards, cycle walking backwards; as costly as At().
  uint64_t IndexOf(uint64_t value) const;

  // out[i] = At(first + i) for i < n; first + n <= size().
  void AtBatch(uint64_t first, size_t n, uint64_t* out) const;
  // out[i] = At(in[i]) for i < n; every in[i] < size(). `in` may be `out`.
  void Apply(const uint64_t* in, size_t n, uint64_t* out) const;

  // Whether this CPU and OS run the AVX-512 kernels.
  static bool Avx512Supported();
  static bool Avx512IfmaSupported();
  // The kernel kAuto resolves to here.
  static BatchKernel ActiveKernel();
  // For tests and benchmarks: makes every later batch call in the process use `kernel`
  // (kAuto restores the default; an unsupported one runs the best supported below it). Returns the
  // previous setting. Not for use while other threads run batches.
  static BatchKernel ForceBatchKernel(BatchKernel kernel);

  // Network parameters, shared with the batch kernels.
  struct Params {
    uint64_t size;
    int low_bits;         // b: the low half is x mod 2^b
    uint64_t low_mask;    // 2^b - 1
    uint64_t high_size;   // H: the high half is x >> b, in [0, H)
    // A high-half round adds ((F mod 2^g_bits) * H) >> g_bits, in [0, H), mod H.
    int g_bits;           // min(b + 1, 32)
    uint64_t g_mask;
    std::array<uint64_t, kRounds> round_keys;
    // key ^ (key >> 33): a half is below 2^33, so Mix(half ^ key) starts from
    // half ^ premixed_key (its first xor-shift only moves key bits). Saves two operations
    // a round.
    std::array<uint64_t, kRounds> premixed_keys;
  };

 private:
  uint64_t Network(uint64_t value) const;
  uint64_t InverseNetwork(uint64_t value) const;

  Params params_;
};

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_PERMUTATION_H_
