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

// The Feistel network; each round's function is Mix(right ^ key) with
//   Mix(x) = x ^= x >> 33; x *= kMix1; x ^= x >> 33; x *= kMix2; x ^ (x >> 33).
inline uint64_t NetworkOf(const Params& p, uint64_t value) {
  uint64_t left = value >> p.half_bits;
  uint64_t right = value & p.half_mask;
  for (uint64_t key : p.premixed_keys) {
    uint64_t next = left ^ (MixPremixed(right ^ key) & p.half_mask);
    left = right;
    right = next;
  }
  return (left << p.half_bits) | right;
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

#define CUTPOINT_AVX512 __attribute__((target("avx512f,avx512dq")))

// GCC 12's _mm512_undefined_epi32 (behind the shifts) initializes a variable from itself,
// which -Wmaybe-uninitialized reports wherever it is inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

struct Avx512Params {
  __m512i size, half_mask, mix1, mix2;
  __m512i mix1_high, mix2_high;  // the constants' upper 32 bits, for MulLowLatency
  __m512i keys[KeyedPermutation::kRounds];
  __m128i half_bits;
};

CUTPOINT_AVX512 inline Avx512Params Broadcast(const Params& p) {
  Avx512Params v;
  v.size = _mm512_set1_epi64(static_cast<long long>(p.size));
  v.half_mask = _mm512_set1_epi64(static_cast<long long>(p.half_mask));
  v.mix1 = _mm512_set1_epi64(static_cast<long long>(kMix1));
  v.mix2 = _mm512_set1_epi64(static_cast<long long>(kMix2));
  v.mix1_high = _mm512_set1_epi64(static_cast<long long>(kMix1 >> 32));
  v.mix2_high = _mm512_set1_epi64(static_cast<long long>(kMix2 >> 32));
  for (int r = 0; r < KeyedPermutation::kRounds; ++r) {
    v.keys[r] = _mm512_set1_epi64(static_cast<long long>(p.premixed_keys[r]));
  }
  v.half_bits = _mm_cvtsi32_si128(p.half_bits);
  return v;
}

// x * c (mod 2^64) from three 32x32->64 multiplies: ~9 cycles of latency against vpmullq's
// 15, for twice the uops. Passes of a few vectors are latency bound and use it.
CUTPOINT_AVX512 inline __m512i MulLowLatency(__m512i x, __m512i c, __m512i c_high) {
  const __m512i low = _mm512_mul_epu32(x, c);
  const __m512i cross =
      _mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64(x, 32), c), _mm512_mul_epu32(x, c_high));
  return _mm512_add_epi64(low, _mm512_slli_epi64(cross, 32));
}

template <bool kLowLatency>
CUTPOINT_AVX512 inline __m512i Mul(__m512i x, __m512i c, __m512i c_high) {
  if constexpr (kLowLatency) {
    return MulLowLatency(x, c, c_high);
  } else {
    return _mm512_mullo_epi64(x, c);
  }
}

// x[j] = Network(x[j]) for K vectors, round-major.
template <int K, bool kLowLatency = false>
CUTPOINT_AVX512 inline void NetworkBlock(const Avx512Params& v, __m512i* x) {
  __m512i left[K], right[K];
#pragma GCC unroll 8
  for (int j = 0; j < K; ++j) {
    left[j] = _mm512_srl_epi64(x[j], v.half_bits);
    right[j] = _mm512_and_si512(x[j], v.half_mask);
  }
#pragma GCC unroll 4
  for (int r = 0; r < KeyedPermutation::kRounds; ++r) {
    __m512i t[K];
#pragma GCC unroll 8
    for (int j = 0; j < K; ++j) {
      t[j] = _mm512_xor_si512(right[j], v.keys[r]);  // premixed: Mix's first xor-shift
    }
#pragma GCC unroll 8
    for (int j = 0; j < K; ++j) t[j] = Mul<kLowLatency>(t[j], v.mix1, v.mix1_high);
#pragma GCC unroll 8
    for (int j = 0; j < K; ++j) t[j] = _mm512_xor_si512(t[j], _mm512_srli_epi64(t[j], 33));
#pragma GCC unroll 8
    for (int j = 0; j < K; ++j) t[j] = Mul<kLowLatency>(t[j], v.mix2, v.mix2_high);
#pragma GCC unroll 8
    for (int j = 0; j < K; ++j) {
      t[j] = _mm512_xor_si512(t[j], _mm512_srli_epi64(t[j], 33));
      const __m512i next = _mm512_ternarylogic_epi64(left[j], t[j], v.half_mask, 0x78);  // a^(b&c)
      left[j] = right[j];
      right[j] = next;
    }
  }
#pragma GCC unroll 8
  for (int j = 0; j < K; ++j) {
    x[j] = _mm512_or_si512(_mm512_sll_epi64(left[j], v.half_bits), right[j]);
  }
}

CUTPOINT_AVX512 inline __mmask8 TailMask(size_t left) {
  return left >= 8 ? __mmask8{0xff} : static_cast<__mmask8>((1u << left) - 1);
}

// Walking passes of up to this many vectors use MulLowLatency.
constexpr int kLowLatencyMaxVectors = 2;

// First pass over up to 8K lanes at values + base: values[i] = Network(values[i]), and
// the lanes out of range appended to pending/slots.
template <int K>
CUTPOINT_AVX512 inline void FirstPassBlock(const Avx512Params& v, uint64_t* values, size_t base,
                                           size_t n, uint64_t* pending, uint64_t* slots,
                                           size_t& m) {
  __m512i x[K];
  __mmask8 live[K];
#pragma GCC unroll 8
  for (int j = 0; j < K; ++j) {
    const size_t at = base + 8 * static_cast<size_t>(j);
    live[j] = at < n ? TailMask(n - at) : __mmask8{0};
    x[j] = _mm512_maskz_loadu_epi64(live[j], values + at);
  }
  NetworkBlock<K, (K <= kLowLatencyMaxVectors)>(v, x);
  const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
#pragma GCC unroll 8
  for (int j = 0; j < K; ++j) {
    const size_t at = base + 8 * static_cast<size_t>(j);
    _mm512_mask_storeu_epi64(values + at, live[j], x[j]);
    const __mmask8 out = _mm512_mask_cmpge_epu64_mask(live[j], x[j], v.size);
    const __m512i slot = _mm512_add_epi64(lane, _mm512_set1_epi64(static_cast<long long>(at)));
    _mm512_storeu_si512(pending + m, _mm512_maskz_compress_epi64(out, x[j]));
    _mm512_storeu_si512(slots + m, _mm512_maskz_compress_epi64(out, slot));
    m += static_cast<size_t>(std::popcount(static_cast<unsigned>(out)));
  }
}

// One walking pass over pending lanes [k, k + 8K), compacted in place to `kept` (a store at
// kept <= k only overwrites lanes already loaded); finished lanes scattered to values.
template <int K>
CUTPOINT_AVX512 inline void WalkBlock(const Avx512Params& v, uint64_t* values, uint64_t* pending,
                                      uint64_t* slots, size_t k, size_t m, size_t& kept) {
  __m512i x[K], slot[K];
  __mmask8 live[K];
#pragma GCC unroll 8
  for (int j = 0; j < K; ++j) {
    const size_t at = k + 8 * static_cast<size_t>(j);
    live[j] = at < m ? TailMask(m - at) : __mmask8{0};
    x[j] = _mm512_maskz_loadu_epi64(live[j], pending + at);
    slot[j] = _mm512_maskz_loadu_epi64(live[j], slots + at);
  }
  NetworkBlock<K, (K <= kLowLatencyMaxVectors)>(v, x);
#pragma GCC unroll 8
  for (int j = 0; j < K; ++j) {
    const __mmask8 out = _mm512_mask_cmpge_epu64_mask(live[j], x[j], v.size);
    _mm512_mask_i64scatter_epi64(values, live[j] & ~out, slot[j], x[j], 8);
    _mm512_storeu_si512(pending + kept, _mm512_maskz_compress_epi64(out, x[j]));
    _mm512_storeu_si512(slots + kept, _mm512_maskz_compress_epi64(out, slot[j]));
    kept += static_cast<size_t>(std::popcount(static_cast<unsigned>(out)));
  }
}

// values[i] = At(values[i]) for n <= kChunk lanes.
CUTPOINT_AVX512 void PermuteChunkAvx512(const Params& p, uint64_t* values, size_t n) {
  const Avx512Params v = Broadcast(p);
  // 8 lanes of slack: compressed vectors are stored whole.
  alignas(64) uint64_t pending[kChunk + 8];
  alignas(64) uint64_t slots[kChunk + 8];
  size_t m = 0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) FirstPassBlock<8>(v, values, i, n, pending, slots, m);
  if (n - i > 32) {
    FirstPassBlock<8>(v, values, i, n, pending, slots, m);
  } else if (n - i > 16) {
    FirstPassBlock<4>(v, values, i, n, pending, slots, m);
  } else if (n - i > 8) {
    FirstPassBlock<2>(v, values, i, n, pending, slots, m);
  } else if (n - i > 0) {
    FirstPassBlock<1>(v, values, i, n, pending, slots, m);
  }
  while (m != 0) {
    size_t kept = 0;
    size_t k = 0;
    for (; k + 64 <= m; k += 64) WalkBlock<8>(v, values, pending, slots, k, m, kept);
    if (m - k > 32) {
      WalkBlock<8>(v, values, pending, slots, k, m, kept);
    } else if (m - k > 16) {
      WalkBlock<4>(v, values, pending, slots, k, m, kept);
    } else if (m - k > 8) {
      WalkBlock<2>(v, values, pending, slots, k, m, kept);
    } else if (m - k > 0) {
      WalkBlock<1>(v, values, pending, slots, k, m, kept);
    }
    m = kept;
  }
}

#pragma GCC diagnostic pop

// ---- Dispatch ------------------------------------------------------------------------------

std::atomic<BatchKernel> forced_kernel{BatchKernel::kAuto};

bool DetectAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

using ChunkKernel = void (*)(const Params&, uint64_t*, size_t);

ChunkKernel ChosenKernel() {
  static const bool avx512 = DetectAvx512();
  const BatchKernel forced = forced_kernel.load(std::memory_order_relaxed);
  const bool use_avx512 = avx512 && forced != BatchKernel::kScalar;
  return use_avx512 ? &PermuteChunkAvx512 : &PermuteChunkScalar;
}

}  // namespace

KeyedPermutation::KeyedPermutation(uint64_t size, uint64_t seed) {
  int bits = 2;
  while (bits < 64 && (uint64_t{1} << bits) < size) ++bits;
  if (bits % 2 != 0) ++bits;
  params_.size = size;
  params_.half_bits = bits / 2;
  params_.half_mask =
      params_.half_bits == 32 ? 0xffffffffull : (uint64_t{1} << params_.half_bits) - 1;
  uint64_t state = seed;
  for (int r = 0; r < kRounds; ++r) {
    params_.round_keys[r] = SplitMix64(state);
    params_.premixed_keys[r] = params_.round_keys[r] ^ (params_.round_keys[r] >> 33);
  }
}

uint64_t KeyedPermutation::Network(uint64_t value) const { return NetworkOf(params_, value); }

uint64_t KeyedPermutation::At(uint64_t index) const {
  // Cycle walking: the Network is a permutation of the larger domain, so following its
  // cycle from an in-range value always comes back into range.
  uint64_t value = Network(index);
  while (value >= params_.size) value = Network(value);
  return value;
}

void KeyedPermutation::AtBatch(uint64_t first, size_t n, uint64_t* out) const {
  const ChunkKernel kernel = ChosenKernel();
  for (size_t done = 0; done < n; done += kChunk) {
    const size_t count = std::min(kChunk, n - done);
    for (size_t i = 0; i < count; ++i) out[done + i] = first + done + i;
    kernel(params_, out + done, count);
  }
}

void KeyedPermutation::Apply(const uint64_t* in, size_t n, uint64_t* out) const {
  const ChunkKernel kernel = ChosenKernel();
  if (in != out) std::copy(in, in + n, out);
  for (size_t done = 0; done < n; done += kChunk) {
    kernel(params_, out + done, std::min(kChunk, n - done));
  }
}

bool KeyedPermutation::Avx512Supported() {
  static const bool avx512 = DetectAvx512();
  return avx512;
}

KeyedPermutation::BatchKernel KeyedPermutation::ActiveKernel() {
  return ChosenKernel() == &PermuteChunkAvx512 ? BatchKernel::kAvx512 : BatchKernel::kScalar;
}

KeyedPermutation::BatchKernel KeyedPermutation::ForceBatchKernel(BatchKernel kernel) {
  return forced_kernel.exchange(kernel, std::memory_order_relaxed);
}

}  // namespace cutpoint::targets
