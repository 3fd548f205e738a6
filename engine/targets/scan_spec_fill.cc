// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/scan_spec_fill.h"

#include <immintrin.h>

#include <cstddef>

#include "engine/targets/probe_plan.h"

namespace cutpoint::targets {
namespace {

// The kernel writes specs as four 64-bit words: the target's low and high halves, then
// type | port << 16 | ttl << 32 | attempt << 40, then padding.
static_assert(sizeof(probe::ProbeSpec) == 32);
static_assert(offsetof(probe::ProbeSpec, type) == 16 && offsetof(probe::ProbeSpec, port) == 18 &&
              offsetof(probe::ProbeSpec, ttl) == 20 && offsetof(probe::ProbeSpec, attempt) == 21);
// A kind is read as one 32-bit word: type in byte 0, port in bytes 2-3.
static_assert(sizeof(ProbeKind) == 4 && offsetof(ProbeKind, port) == 2);

bool DetectKernel() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl");
}

// GCC 12's _mm512_undefined_epi32 (behind conversions and shuffles) initializes a variable
// from itself, which -Wmaybe-uninitialized reports wherever it is inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#define CUTPOINT_FILL __attribute__((target("avx512f,avx512dq,avx512vl")))

// x / d and x % d per lane (x < 2^52: exact in a double): the quotient from x * (1 / d) is
// within one of the truth, and corrected by the remainder's sign and size.
struct Divisor {
  __m512i d;
  __m512d inverse;
};
CUTPOINT_FILL inline Divisor MakeDivisor(uint64_t d) {
  return {_mm512_set1_epi64(static_cast<long long>(d)),
          _mm512_set1_pd(1.0 / static_cast<double>(d))};
}
CUTPOINT_FILL inline __m512i DivMod(__m512i x, const Divisor& by, __m512i* remainder) {
  const __m512i one = _mm512_set1_epi64(1);
  __m512i q = _mm512_cvttpd_epu64(_mm512_mul_pd(_mm512_cvtepu64_pd(x), by.inverse));
  __m512i r = _mm512_sub_epi64(x, _mm512_mullo_epi64(q, by.d));
  const __mmask8 over = _mm512_cmplt_epi64_mask(r, _mm512_setzero_si512());
  q = _mm512_mask_sub_epi64(q, over, q, one);
  r = _mm512_mask_add_epi64(r, over, r, by.d);
  const __mmask8 under = _mm512_cmpge_epu64_mask(r, by.d);
  q = _mm512_mask_add_epi64(q, under, q, one);
  *remainder = _mm512_mask_sub_epi64(r, under, r, by.d);
  return q;
}

CUTPOINT_FILL size_t FillAvx512(const ScanSpecShape& shape, uint64_t first_target,
                                const uint64_t* local, size_t n, probe::ProbeSpec* out) {
  const Divisor by_per_target = MakeDivisor(shape.per_target);
  const Divisor by_attempts = MakeDivisor(shape.attempts);
  const Divisor by_ttls = MakeDivisor(shape.ttl_count);
  const bool kinds_only = shape.attempts == 1 && shape.ttl_count == 1;
  const bool one_attempt = shape.attempts == 1;
  const long long* within_words = reinterpret_cast<const long long*>(shape.within_words);
  // Up to 8 kinds (trace's two, a scan of a few ports) are looked up in a register.
  const bool few_kinds = shape.kind_count <= 8;
  const int* kinds = reinterpret_cast<const int*>(shape.kinds);
  const __m512i kind_table = few_kinds
                                 ? _mm512_cvtepu32_epi64(_mm256_maskz_loadu_epi32(
                                       static_cast<__mmask8>((1u << shape.kind_count) - 1), kinds))
                                 : _mm512_setzero_si512();
  const __m512i base = _mm512_set1_epi64(static_cast<long long>(shape.first_low + first_target));
  const long long* target_offsets = reinterpret_cast<const long long*>(shape.target_offsets);
  const __m512i ttl_min = _mm512_set1_epi64(shape.ttl_min);
  const __m512i kind_bits = _mm512_set1_epi64(0xffff00ff);  // type and port of a kind's word
  const __m512i zero = _mm512_setzero_si512();
  // Specs 2k and 2k + 2 side by side (see the transpose below).
  const __m512i pair_low = _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0);
  const __m512i pair_high = _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m512i within;
    const __m512i q = DivMod(_mm512_loadu_si512(local + i), by_per_target, &within);
    const __m512i low = _mm512_add_epi64(
        base, target_offsets != nullptr ? _mm512_i64gather_epi64(q, target_offsets, 8) : q);
    __m512i misc;
    if (within_words != nullptr) {
      misc = _mm512_i64gather_epi64(within, within_words, 8);
    } else {
      // SpecAt's digits, least significant first: attempt, TTL, kind.
      __m512i kind_index = within, ttl = ttl_min, attempt = zero;
      if (!kinds_only) {
        kind_index =
            DivMod(one_attempt ? within : DivMod(within, by_attempts, &attempt), by_ttls, &ttl);
        ttl = _mm512_add_epi64(ttl, ttl_min);
      }
      const __m512i kind =
          few_kinds ? _mm512_permutexvar_epi64(kind_index, kind_table)
                    : _mm512_cvtepu32_epi64(_mm512_i64gather_epi32(kind_index, kinds, 4));
      misc = _mm512_or_si512(
          _mm512_and_si512(kind, kind_bits),
          _mm512_or_si512(_mm512_slli_epi64(ttl, 32), _mm512_slli_epi64(attempt, 40)));
    }
    // 4 x 8 words to 8 specs: unpacking pairs specs 2k and 2k + 1 in lane k, the pair
    // permutes put spec 2k whole in one 256-bit half, the lane shuffles two specs in order.
    const __m512i even01 = _mm512_unpacklo_epi64(low, zero),
                  odd01 = _mm512_unpackhi_epi64(low, zero);
    const __m512i even23 = _mm512_unpacklo_epi64(misc, zero);
    const __m512i odd23 = _mm512_unpackhi_epi64(misc, zero);
    const __m512i even_a = _mm512_permutex2var_epi64(even01, pair_low, even23);   // specs 0, 2
    const __m512i odd_a = _mm512_permutex2var_epi64(odd01, pair_low, odd23);      // specs 1, 3
    const __m512i even_b = _mm512_permutex2var_epi64(even01, pair_high, even23);  // specs 4, 6
    const __m512i odd_b = _mm512_permutex2var_epi64(odd01, pair_high, odd23);     // specs 5, 7
    __m512i* to = reinterpret_cast<__m512i*>(out + i);
    _mm512_storeu_si512(to, _mm512_shuffle_i64x2(even_a, odd_a, 0x44));      // specs 0, 1
    _mm512_storeu_si512(to + 1, _mm512_shuffle_i64x2(even_a, odd_a, 0xee));  // specs 2, 3
    _mm512_storeu_si512(to + 2, _mm512_shuffle_i64x2(even_b, odd_b, 0x44));  // specs 4, 5
    _mm512_storeu_si512(to + 3, _mm512_shuffle_i64x2(even_b, odd_b, 0xee));  // specs 6, 7
  }
  return i;
}

#pragma GCC diagnostic pop

}  // namespace

std::vector<uint64_t> MakeWithinWords(std::span<const ProbeKind> kinds, uint8_t ttl_min,
                                      uint64_t ttl_count, uint8_t attempt_min, uint64_t attempts) {
  std::vector<uint64_t> words;
  words.reserve(kinds.size() * ttl_count * attempts);
  for (const ProbeKind& kind : kinds) {
    for (uint64_t ttl = ttl_min; ttl < ttl_min + ttl_count; ++ttl) {
      for (uint64_t attempt = attempt_min; attempt < attempt_min + attempts; ++attempt) {
        words.push_back(static_cast<uint64_t>(kind.type) | uint64_t{kind.port} << 16 | ttl << 32 |
                        attempt << 40);
      }
    }
  }
  return words;
}

bool ScanSpecFillSupported() {
  static const bool supported = DetectKernel();
  return supported;
}

size_t FillScanSpecs(const ScanSpecShape& shape, uint64_t first_target, const uint64_t* local,
                     size_t n, probe::ProbeSpec* out) {
  return FillAvx512(shape, first_target, local, n, out);
}

}  // namespace cutpoint::targets
