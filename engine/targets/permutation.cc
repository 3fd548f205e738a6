// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/permutation.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <bit>

namespace cutpoint::targets {
namespace {

using Params = KeyedPermutation::Params;
using BatchKernel = KeyedPermutation::BatchKernel;

constexpr uint64_t kMix1 = 0xff51afd7ed558ccdull;
constexpr uint64_t kMix2 = 0xc4ceb9fe1a85ec53ull;

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Mix(x) without its first xor-shift, done already (see Params::premixed_keys).
inline uint64_t MixPremixed(uint64_t x) {
  x *= kMix1;
  x ^= x >> 33;
  x *= kMix2;
  return x ^ (x >> 33);
}

// A high-half round's function: F cut to [0, H) by a multiply-shift.
inline uint64_t HighPart(const Params& p, uint64_t f) {
  return ((f & p.g_mask) * p.high_size) >> p.g_bits;
}

// The Feistel network; each round's function is F = Mix(right ^ key) with
//   Mix(x) = x ^= x >> 33; x *= kMix1; x ^= x >> 33; x *= kMix2; x ^ (x >> 33).
// Even rounds make the high half the new right one (left + HighPart(F) mod H), odd rounds
// the low half (left ^ F mod 2^b).
inline uint64_t NetworkOf(const Params& p, uint64_t value) {
  uint64_t left = value >> p.low_bits;
  uint64_t right = value & p.low_mask;
  for (int r = 0; r < KeyedPermutation::kRounds; ++r) {
    const uint64_t f = MixPremixed(right ^ p.premixed_keys[r]);
    uint64_t next;
    if (r % 2 == 0) {
      next = left + HighPart(p, f);
      if (next >= p.high_size) next -= p.high_size;
    } else {
      next = left ^ (f & p.low_mask);
    }
    left = right;
    right = next;
  }
  return (left << p.low_bits) | right;
}

// Lanes per call of a batch kernel (the pending arrays live on the stack). Cycle walking
// ends with a few passes over a few lanes, each a full network latency: the more lanes
// a call has, the less that tail costs per lane (2x from 64 lanes to 1024).
constexpr size_t kChunk = 1024;

// ---- Scalar kernel -------------------------------------------------------------------------

// values[i] = Network(values[i]): independent lanes, so the core overlaps several
// evaluations (a lone one is a ~60-cycle dependency chain).
void NetworkLanesScalar(const Params& p, uint64_t* values, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint64_t a = NetworkOf(p, values[i]);
    const uint64_t b = NetworkOf(p, values[i + 1]);
    const uint64_t c = NetworkOf(p, values[i + 2]);
    const uint64_t d = NetworkOf(p, values[i + 3]);
    values[i] = a;
    values[i + 1] = b;
    values[i + 2] = c;
    values[i + 3] = d;
  }
  for (; i < n; ++i) values[i] = NetworkOf(p, values[i]);
}

// Cycle walking over `m` pending lanes: pending[k] (out of range) belongs at values[slots[k]].
// Each pass runs the network on every pending lane, writes them all back (a lane still out
// of range is overwritten by a later pass) and keeps the ones still out of range.
template <typename Slot>
void WalkPendingScalar(const Params& p, uint64_t* pending, Slot* slots, size_t m,
                       uint64_t* values) {
  while (m != 0) {
    NetworkLanesScalar(p, pending, m);
    size_t kept = 0;
    for (size_t k = 0; k < m; ++k) {
      const uint64_t value = pending[k];
      const Slot slot = slots[k];
      values[slot] = value;
      pending[kept] = value;
      slots[kept] = slot;
      kept += value >= p.size;
    }
    m = kept;
  }
}

// values[i] = At(values[i]) for n <= kChunk lanes.
void PermuteChunkScalar(const Params& p, uint64_t* values, size_t n) {
  NetworkLanesScalar(p, values, n);
  uint64_t pending[kChunk];
  uint16_t slots[kChunk];
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    pending[m] = values[i];
    slots[m] = static_cast<uint16_t>(i);
    m += values[i] >= p.size;
  }
  WalkPendingScalar(p, pending, slots, m, values);
}

// ---- AVX-512 kernel ------------------------------------------------------------------------
//
// One network evaluation is a ~150-cycle dependency chain (8 vpmullq), so a lone vector
// is latency bound: the kernel runs blocks of K vectors round by round, K chains in
// lockstep, which keeps the multiplier busy.

// GCC 12's _mm512_undefined_epi32 (behind the shifts) initializes a variable from itself,
// which -Wmaybe-uninitialized reports wherever it is inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace avx512 {
#define CUTPOINT_AVX512 __attribute__((target("avx512f,avx512dq")))
#define CUTPOINT_IFMA 0
#include "engine/targets/permutation_avx512.inc"
#undef CUTPOINT_IFMA
#undef CUTPOINT_AVX512
}  // namespace avx512

// The second multiply of a round keeps bits [0, 33 + max(b, g_bits)) = [0, 34 + b) only:
// below 2^52 for b <= 18 (sizes up to 2^37), where IFMA's vpmadd52luq does it in one uop
// instead of three.
constexpr int kIfmaMaxLowBits = 18;
// The kernels multiply F by H in 32-bit lanes.
constexpr uint64_t kAvx512MaxHighSize = 0xffffffff;

namespace avx512_ifma {
#define CUTPOINT_AVX512 __attribute__((target("avx512f,avx512dq,avx512ifma")))
#define CUTPOINT_IFMA 1
#include "engine/targets/permutation_avx512.inc"
#undef CUTPOINT_IFMA
#undef CUTPOINT_AVX512
}  // namespace avx512_ifma

#pragma GCC diagnostic pop

// ---- Dispatch ------------------------------------------------------------------------------

std::atomic<BatchKernel> forced_kernel{BatchKernel::kAuto};

bool DetectAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

bool DetectAvx512Ifma() { return DetectAvx512() && __builtin_cpu_supports("avx512ifma"); }

using ChunkKernel = void (*)(const Params&, uint64_t*, size_t);

BatchKernel ResolvedKernel() {
  static const bool avx512 = DetectAvx512();
  static const bool ifma = DetectAvx512Ifma();
  switch (forced_kernel.load(std::memory_order_relaxed)) {
    case BatchKernel::kScalar:
      return BatchKernel::kScalar;
    case BatchKernel::kAvx512:
      return avx512 ? BatchKernel::kAvx512 : BatchKernel::kScalar;
    case BatchKernel::kAuto:
    case BatchKernel::kAvx512Ifma:
    default:
      return ifma ? BatchKernel::kAvx512Ifma
                  : (avx512 ? BatchKernel::kAvx512 : BatchKernel::kScalar);
  }
}

ChunkKernel ChosenKernel(const Params& p) {
  const BatchKernel kernel = ResolvedKernel();
  if (kernel == BatchKernel::kScalar || p.high_size > kAvx512MaxHighSize) {
    return &PermuteChunkScalar;
  }
  if (kernel == BatchKernel::kAvx512Ifma && p.low_bits <= kIfmaMaxLowBits) {
    return &avx512_ifma::PermuteChunkAvx512;
  }
  return &avx512::PermuteChunkAvx512;
}

}  // namespace

KeyedPermutation::KeyedPermutation(uint64_t size, uint64_t seed) {
  int bits = 2;
  while (bits < 64 && (uint64_t{1} << bits) < size) ++bits;
  params_.size = size;
  params_.low_bits = bits / 2;
  params_.low_mask = (uint64_t{1} << params_.low_bits) - 1;
  params_.high_size = size == 0 ? 1 : ((size - 1) >> params_.low_bits) + 1;
  params_.g_bits = std::min(params_.low_bits + 1, 32);
  params_.g_mask = (uint64_t{1} << params_.g_bits) - 1;
  uint64_t state = seed;
  for (int r = 0; r < kRounds; ++r) {
    params_.round_keys[r] = SplitMix64(state);
    params_.premixed_keys[r] = params_.round_keys[r] ^ (params_.round_keys[r] >> 33);
  }
}

uint64_t KeyedPermutation::Network(uint64_t value) const { return NetworkOf(params_, value); }

uint64_t KeyedPermutation::InverseNetwork(uint64_t value) const {
  // Each round maps (left, right) to (right, left (+) F(right)); undone from the last one.
  const Params& p = params_;
  uint64_t left = value >> p.low_bits;
  uint64_t right = value & p.low_mask;
  for (int r = kRounds - 1; r >= 0; --r) {
    const uint64_t f = MixPremixed(left ^ p.premixed_keys[r]);
    uint64_t previous_left;
    if (r % 2 == 0) {
      previous_left = right + p.high_size - HighPart(p, f);
      if (previous_left >= p.high_size) previous_left -= p.high_size;
    } else {
      previous_left = right ^ (f & p.low_mask);
    }
    right = left;
    left = previous_left;
  }
  return (left << p.low_bits) | right;
}

uint64_t KeyedPermutation::IndexOf(uint64_t value) const {
  uint64_t index = InverseNetwork(value);
  while (index >= params_.size) index = InverseNetwork(index);
  return index;
}

uint64_t KeyedPermutation::At(uint64_t index) const {
  // Cycle walking: the Network is a permutation of the larger domain, so following its
  // cycle from an in-range value always comes back into range.
  uint64_t value = Network(index);
  while (value >= params_.size) value = Network(value);
  return value;
}

void KeyedPermutation::AtBatch(uint64_t first, size_t n, uint64_t* out) const {
  const ChunkKernel kernel = ChosenKernel(params_);
  for (size_t done = 0; done < n; done += kChunk) {
    const size_t count = std::min(kChunk, n - done);
    for (size_t i = 0; i < count; ++i) out[done + i] = first + done + i;
    kernel(params_, out + done, count);
  }
}

void KeyedPermutation::Apply(const uint64_t* in, size_t n, uint64_t* out) const {
  const ChunkKernel kernel = ChosenKernel(params_);
  if (in != out) std::copy(in, in + n, out);
  for (size_t done = 0; done < n; done += kChunk) {
    kernel(params_, out + done, std::min(kChunk, n - done));
  }
}

bool KeyedPermutation::Avx512Supported() {
  static const bool avx512 = DetectAvx512();
  return avx512;
}

bool KeyedPermutation::Avx512IfmaSupported() {
  static const bool ifma = DetectAvx512Ifma();
  return ifma;
}

KeyedPermutation::BatchKernel KeyedPermutation::ActiveKernel() { return ResolvedKernel(); }

KeyedPermutation::BatchKernel KeyedPermutation::ForceBatchKernel(BatchKernel kernel) {
  return forced_kernel.exchange(kernel, std::memory_order_relaxed);
}

}  // namespace cutpoint::targets
