// SPDX-License-Identifier: Apache-2.0
#include "engine/probe/probe4_kernel.h"

#include <cpuid.h>
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace cutpoint::probe {
namespace {

// The kernel reads eight specs as four 64-byte vectors: a spec is two 16-byte halves, the
// target (v4-mapped, low 8 bytes first) and the type, port, TTL and attempt.
static_assert(sizeof(ProbeSpec) == 32);
static_assert(offsetof(ProbeSpec, type) == 16 && offsetof(ProbeSpec, port) == 18 &&
              offsetof(ProbeSpec, ttl) == 20 && offsetof(ProbeSpec, attempt) == 21);
static_assert(static_cast<int>(ProbeType::kTcpSyn) == 0);
static_assert(kTcpSynProbeLen == 44 && kIcmpEchoProbeLen == 36);
constexpr size_t kIpv4HeaderLen = 20;
static_assert(kEchoSeqAt == 6 && kEchoWordAt == 8 && kEchoCompensationAt == 14);

uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return __builtin_bswap64(v);
}

// CPUID directly (clang 14's __builtin_cpu_supports does not know "vaes"): leaf 7 EBX bits
// 16 (avx512f), 17 (dq), 30 (bw), 31 (vl), ECX bits 6 (vbmi2), 9 (vaes); the OS must save
// the opmask and ZMM state (XCR0 bits 1, 2, 5, 6, 7). Every CPU with VAES has VBMI2.
bool DetectKernel() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  // Leaf 1 ECX bits 23 (popcnt), 27 (osxsave).
  const unsigned popcnt_osxsave = (1u << 23) | (1u << 27);
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & popcnt_osxsave) != popcnt_osxsave) {
    return false;
  }
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  if ((xcr0_low & 0xe6) != 0xe6) return false;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const unsigned avx512 = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
  const unsigned vbmi2_vaes = (1u << 6) | (1u << 9);
  return (ebx & avx512) == avx512 && (ecx & vbmi2_vaes) == vbmi2_vaes;
}

// GCC 12's _mm512_undefined_epi32 (behind broadcasts and shuffles) initializes a variable
// from itself, which -Wmaybe-uninitialized reports wherever it is inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#define CUTPOINT_V4 \
  __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi2,vaes,popcnt")))

// Eight specs' 64-bit words 0, 1, 2 (the target's halves, then type/port/TTL/attempt) from
// four vectors of two specs each: `low` and `high` per lane, and `misc`.
struct SpecWords {
  __m512i low, high, misc;
};
CUTPOINT_V4 inline SpecWords SpecWordsOf(__m512i z0, __m512i z1, __m512i z2, __m512i z3) {
  // Four specs' words 0, 2 (their targets' low halves, their type/port/TTL/attempt).
  const __m512i gather_words = _mm512_set_epi64(14, 10, 6, 2, 12, 8, 4, 0);
  // Their words 1 (the targets' high halves).
  const __m512i gather_high = _mm512_set_epi64(13, 9, 5, 1, 13, 9, 5, 1);
  const __m512i a = _mm512_permutex2var_epi64(z0, gather_words, z1);
  const __m512i b = _mm512_permutex2var_epi64(z2, gather_words, z3);
  return {_mm512_shuffle_i64x2(a, b, 0x44),
          _mm512_shuffle_i64x2(_mm512_permutex2var_epi64(z0, gather_high, z1),
                               _mm512_permutex2var_epi64(z2, gather_high, z3), 0x44),
          _mm512_shuffle_i64x2(a, b, 0xee)};
}

// The lanes holding IPv4 targets (::ffff:a.b.c.d: high half 0, bits 32-63 0xffff).
CUTPOINT_V4 inline __mmask8 Ipv4Lanes(const SpecWords& words) {
  return _mm512_cmpeq_epi64_mask(words.high, _mm512_setzero_si512()) &
         _mm512_cmpeq_epi64_mask(_mm512_srli_epi64(words.low, 32), _mm512_set1_epi64(0xffff));
}

// The lanes of type `type`.
CUTPOINT_V4 inline __mmask8 TypeLanes(const SpecWords& words, ProbeType type) {
  return _mm512_cmpeq_epi64_mask(_mm512_and_si512(words.misc, _mm512_set1_epi64(0xff)),
                                 _mm512_set1_epi64(static_cast<int>(type)));
}

// Two specs as one vector, as a 64-byte load of adjacent specs reads them.
CUTPOINT_V4 inline __m512i LoadSpecPair(const ProbeSpec* specs, uint8_t first, uint8_t second) {
  return _mm512_inserti64x4(
      _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(specs + first))),
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(specs + second)), 1);
}

CUTPOINT_V4 inline __m512i Encrypt4(__m512i block, const __m512i* keys) {
  block = _mm512_xor_si512(block, keys[0]);
#pragma GCC unroll 9
  for (int r = 1; r < 10; ++r) block = _mm512_aesenc_epi128(block, keys[r]);
  return _mm512_aesenclast_epi128(block, keys[10]);
}

// The one's complement of `sum` (< 2^32 per lane) folded to 16 bits.
CUTPOINT_V4 inline __m512i Finish(__m512i sum) {
  const __m512i low16 = _mm512_set1_epi64(0xffff);
  sum = _mm512_add_epi64(_mm512_and_si512(sum, low16), _mm512_srli_epi64(sum, 16));
  sum = _mm512_add_epi64(_mm512_and_si512(sum, low16), _mm512_srli_epi64(sum, 16));
  return _mm512_andnot_si512(sum, low16);
}

// The high and low 16-bit halves of a 32-bit value, added.
CUTPOINT_V4 inline __m512i Split32(__m512i value) {
  return _mm512_add_epi64(_mm512_srli_epi64(value, 16),
                          _mm512_and_si512(value, _mm512_set1_epi64(0xffff)));
}

// kIndexed: the probes of specs[index[k]] into outs[index[k]] for k < n, n of any size
// (the last group computed whole, stored only for its probes); else the leading whole
// groups of specs[0..n) of kType, into outs[0..), their count returned. Echoes whose IP ID
// came out 0 set their spec's bit in *zero_ids.
template <ProbeType kType, bool kIndexed>
CUTPOINT_V4 size_t BuildV4(const Probe4KernelParams& p, const uint8_t* l2_header, size_t l2_len,
                           const ProbeSpec* specs, const uint8_t* index, size_t n, int64_t send_us,
                           uint8_t* const* outs, uint64_t* zero_ids) {
  constexpr bool kSyn = kType == ProbeType::kTcpSyn;
  // A mixed block's first group rarely qualifies: refused before the setup below.
  if constexpr (!kIndexed) {
    if (n < 8) return 0;
    const __m512i* in = reinterpret_cast<const __m512i*>(specs);
    const SpecWords words = SpecWordsOf(_mm512_loadu_si512(in), _mm512_loadu_si512(in + 1),
                                        _mm512_loadu_si512(in + 2), _mm512_loadu_si512(in + 3));
    if ((Ipv4Lanes(words) & TypeLanes(words, kType)) != 0xff) return 0;
  }
  constexpr size_t kLen = kSyn ? kTcpSynProbeLen : kIcmpEchoProbeLen;
  __m512i flow_keys[11], mac_keys[11];
  for (int r = 0; r < 11; ++r) {
    flow_keys[r] =
        _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p.flow_keys[r])));
    mac_keys[r] =
        _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p.mac_keys[r])));
  }
  const int64_t tick = SendTick(send_us);
  const uint64_t send_low16 = static_cast<uint64_t>(send_us) & 0xffff;
  // A SYN's IP ID: the send time's low 16 bits, never 0 (see ProbeBuilder::BuildTcpSyn); an
  // echo's is its word's low half.
  const uint64_t syn_ip_id = send_low16 != 0 ? send_low16 : 1;
  const uint8_t* t = kSyn ? p.syn_template : p.echo_template;
  // The header words as big-endian values; the template's per-probe fields cleared.
  // Bytes 4-11: IP ID, flags/fragment, TTL, protocol, header checksum.
  const uint64_t ip_word1 =
      (LoadBe64(t + 4) & 0x0000ffff00ff0000ull) | (kSyn ? syn_ip_id << 48 : 0);
  // Bytes 12-19: source, destination.
  const uint64_t ip_word2 = LoadBe64(t + 12) & 0xffffffff00000000ull;
  // SYN bytes 36-43 (TCP 16-23): checksum, urgent pointer, MSS option.
  const uint64_t tcp_word3 = kSyn ? LoadBe64(t + 36) & 0x0000ffffffffffffull : 0;
  // Echo bytes 20-27: type, code (the template's), checksum, identifier, sequence.
  const uint64_t echo_word1 = kSyn ? 0 : LoadBe64(t + 20) & 0xffff000000000000ull;
  // The frame's constant bytes, stored whole (masked) before the per-probe words.
  // Two masked loads, not byte stores read back as a vector (a failed store forwarding
  // stalled every call): the header's bytes, then the template's shifted up by l2_len.
  const __mmask64 header_bytes = (__mmask64{1} << l2_len) - 1;
  const __mmask64 frame_bytes = (__mmask64{1} << (l2_len + kLen)) - 1;
  const __m512i probe_bytes = _mm512_maskz_loadu_epi8(
      frame_bytes & ~header_bytes,
      reinterpret_cast<const uint8_t*>(reinterpret_cast<uintptr_t>(t) - l2_len));
  const __m512i frame_template =
      l2_len != 0 ? _mm512_or_si512(_mm512_maskz_loadu_epi8(header_bytes, l2_header), probe_bytes)
                  : probe_bytes;

  const __m512i mask32 = _mm512_set1_epi64(0xffffffff);
  const __m512i low16 = _mm512_set1_epi64(0xffff);
  const __m512i tick_v = _mm512_set1_epi64(tick);
  const __m512i word_tick = _mm512_set1_epi64((tick & kTickMask) << 12);
  const __m512i ip_sum =
      _mm512_set1_epi64(kSyn ? p.syn_ip_sum + syn_ip_id : uint64_t{p.echo_ip_sum});
  const __m512i tcp_sum = _mm512_set1_epi64(p.syn_tcp_sum);
  const __m512i send_low = _mm512_set1_epi64(static_cast<long long>(send_low16));
  // The echo's checksum-compensation sum starts with its type byte (as the high byte).
  const __m512i echo_sum = _mm512_set1_epi64(uint64_t{t[kIpv4HeaderLen]} << 8);
  // Per 128-bit lane: bytes reversed within each 64-bit word (big-endian values to bytes).
  const __m512i to_wire =
      _mm512_broadcast_i32x4(_mm_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8));
  const __m512i even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
  // SYN bytes 28-35 (TCP 8-15: ack, offset, flags, window) as they go on the wire:
  // constant, but stored with the three words before them as one 32-byte store per probe.
  uint64_t tcp_word2 = 0;
  if (kSyn) std::memcpy(&tcp_word2, t + 28, sizeof(tcp_word2));
  const __m512i syn_wire_word4 = _mm512_set1_epi64(static_cast<long long>(tcp_word2));
  // Two probes' bytes 4-35 side by side: 128-bit lanes k of the unpacked pairs.
  const __m512i pair_low = _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0);
  const __m512i pair_high = _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4);
  alignas(64) uint64_t last_words[8];

  size_t i = 0;
  for (; kIndexed ? i < n : i + 8 <= n; i += 8) {
    SpecWords words;
    if constexpr (kIndexed) {
      const uint8_t* at = index + i;
      words = SpecWordsOf(LoadSpecPair(specs, at[0], at[1]), LoadSpecPair(specs, at[2], at[3]),
                          LoadSpecPair(specs, at[4], at[5]), LoadSpecPair(specs, at[6], at[7]));
    } else {
      const __m512i* in = reinterpret_cast<const __m512i*>(specs + i);
      words = SpecWordsOf(_mm512_loadu_si512(in), _mm512_loadu_si512(in + 1),
                          _mm512_loadu_si512(in + 2), _mm512_loadu_si512(in + 3));
      // IPv4 and of kType, all 8 (the caller's lists are).
      if ((Ipv4Lanes(words) & TypeLanes(words, kType)) != 0xff) break;
    }
    const __m512i low = words.low, misc = words.misc;
    const __m512i target = _mm512_and_si512(low, mask32);
    const __m512i port =
        kSyn ? _mm512_and_si512(_mm512_srli_epi64(misc, 16), low16) : _mm512_setzero_si512();
    const __m512i ttl = _mm512_and_si512(_mm512_srli_epi64(misc, 32), _mm512_set1_epi64(0xff));
    const __m512i attempt = _mm512_and_si512(_mm512_srli_epi64(misc, 40), _mm512_set1_epi64(3));

    // F = AES(Kf, lo = target | port << 32 | type << 48 | 0x01 << 56, hi = 0).
    const __m512i flow_in =
        _mm512_or_si512(_mm512_or_si512(target, _mm512_slli_epi64(port, 32)),
                        _mm512_set1_epi64(static_cast<long long>(
                            (uint64_t{static_cast<uint8_t>(kType)} << 48) | (uint64_t{1} << 56))));
    const __m512i f_low4 = Encrypt4(
        _mm512_maskz_permutexvar_epi64(0x55, _mm512_set_epi64(3, 3, 2, 2, 1, 1, 0, 0), flow_in),
        flow_keys);
    const __m512i f_high4 = Encrypt4(
        _mm512_maskz_permutexvar_epi64(0x55, _mm512_set_epi64(7, 7, 6, 6, 5, 5, 4, 4), flow_in),
        flow_keys);
    const __m512i f_lo = _mm512_permutex2var_epi64(f_low4, even, f_high4);
    const __m512i f_hi = _mm512_permutex2var_epi64(f_low4, odd, f_high4);

    // M = AES(Km, F ^ (lo = tick, hi = ttl | attempt << 8)); the MAC is M.lo's low 12 bits.
    const __m512i m_lo = _mm512_xor_si512(f_lo, tick_v);
    const __m512i m_hi =
        _mm512_xor_si512(f_hi, _mm512_or_si512(ttl, _mm512_slli_epi64(attempt, 8)));
    const __m512i m_low4 =
        Encrypt4(_mm512_permutex2var_epi64(m_lo, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), m_hi),
                 mac_keys);
    const __m512i m_high4 = Encrypt4(
        _mm512_permutex2var_epi64(m_lo, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), m_hi),
        mac_keys);
    const __m512i mac = _mm512_and_si512(_mm512_permutex2var_epi64(m_low4, even, m_high4),
                                         _mm512_set1_epi64((1 << kMacBits) - 1));
    // word = (ttl << 24 | attempt << 22 | tick << 12 | MAC) ^ pad, pad = F.hi mod 2^32.
    const __m512i fields =
        _mm512_or_si512(_mm512_or_si512(_mm512_slli_epi64(ttl, 24), _mm512_slli_epi64(attempt, 22)),
                        _mm512_or_si512(word_tick, mac));
    const __m512i word = _mm512_xor_si512(fields, _mm512_and_si512(f_hi, mask32));
    const __m512i target_sum = Split32(target);

    __m512i word1, word3, word4 = _mm512_setzero_si512();
    __mmask8 zero_id_lanes = 0;
    if constexpr (kSyn) {
      const __m512i sport = _mm512_add_epi64(
          _mm512_srli_epi64(_mm512_mul_epu32(f_lo, _mm512_set1_epi64(65536 - kFlowPortMin)), 32),
          _mm512_set1_epi64(kFlowPortMin));
      const __m512i ip_checksum =
          Finish(_mm512_add_epi64(_mm512_add_epi64(ip_sum, _mm512_slli_epi64(ttl, 8)), target_sum));
      const __m512i tcp_checksum = Finish(_mm512_add_epi64(
          _mm512_add_epi64(_mm512_add_epi64(tcp_sum, sport), _mm512_add_epi64(port, target_sum)),
          Split32(word)));
      word1 = _mm512_or_si512(_mm512_or_si512(_mm512_set1_epi64(static_cast<long long>(ip_word1)),
                                              _mm512_slli_epi64(ttl, 24)),
                              ip_checksum);
      word3 = _mm512_or_si512(
          _mm512_or_si512(_mm512_slli_epi64(sport, 48), _mm512_slli_epi64(port, 32)), word);
      const __m512i word5 = _mm512_or_si512(_mm512_set1_epi64(static_cast<long long>(tcp_word3)),
                                            _mm512_slli_epi64(tcp_checksum, 48));
      _mm512_store_si512(last_words, _mm512_shuffle_epi8(word5, to_wire));
    } else {
      // IP ID = the word's low half; identifier, checksum from F; sequence = word >> 16; the
      // compensation word makes the message sum to 0xffff with the checksum fixed.
      const __m512i ip_id = _mm512_and_si512(word, low16);
      zero_id_lanes = _mm512_cmpeq_epi64_mask(ip_id, _mm512_setzero_si512());
      const __m512i icmp_id = _mm512_and_si512(_mm512_srli_epi64(f_lo, 32), low16);
      const __m512i icmp_checksum = _mm512_srli_epi64(f_lo, 48);
      const __m512i sequence = _mm512_srli_epi64(word, 16);
      const __m512i ip_checksum =
          Finish(_mm512_add_epi64(_mm512_add_epi64(ip_sum, _mm512_slli_epi64(ttl, 8)),
                                  _mm512_add_epi64(target_sum, ip_id)));
      const __m512i compensation =
          Finish(_mm512_add_epi64(_mm512_add_epi64(_mm512_add_epi64(echo_sum, icmp_checksum),
                                                   _mm512_add_epi64(icmp_id, sequence)),
                                  _mm512_add_epi64(Split32(word), send_low)));
      word1 = _mm512_or_si512(_mm512_or_si512(_mm512_set1_epi64(static_cast<long long>(ip_word1)),
                                              _mm512_slli_epi64(ip_id, 48)),
                              _mm512_or_si512(_mm512_slli_epi64(ttl, 24), ip_checksum));
      word3 = _mm512_or_si512(_mm512_or_si512(_mm512_set1_epi64(static_cast<long long>(echo_word1)),
                                              _mm512_slli_epi64(icmp_checksum, 32)),
                              _mm512_or_si512(_mm512_slli_epi64(icmp_id, 16), sequence));
      word4 = _mm512_or_si512(
          _mm512_or_si512(_mm512_slli_epi64(word, 32), _mm512_slli_epi64(send_low, 16)),
          compensation);
    }
    const __m512i word2 =
        _mm512_or_si512(_mm512_set1_epi64(static_cast<long long>(ip_word2)), target);

    // Bytes 4-35 of probe j, [word1 word2 word3 word4], from a 4 x 8 transpose: unpacking
    // pairs words of probes 2k and 2k + 1 in lane k; pair_low/high put probe 2k's 32
    // bytes in one 256-bit half.
    const __m512i w1 = _mm512_shuffle_epi8(word1, to_wire);
    const __m512i w2 = _mm512_shuffle_epi8(word2, to_wire);
    const __m512i w3 = _mm512_shuffle_epi8(word3, to_wire);
    const __m512i w4 = kSyn ? syn_wire_word4 : _mm512_shuffle_epi8(word4, to_wire);
    const __m512i even12 = _mm512_unpacklo_epi64(w1, w2), odd12 = _mm512_unpackhi_epi64(w1, w2);
    const __m512i even34 = _mm512_unpacklo_epi64(w3, w4), odd34 = _mm512_unpackhi_epi64(w3, w4);
    const __m512i probes[4] = {
        _mm512_permutex2var_epi64(even12, pair_low, even34),   // probes 0, 2
        _mm512_permutex2var_epi64(odd12, pair_low, odd34),     // probes 1, 3
        _mm512_permutex2var_epi64(even12, pair_high, even34),  // probes 4, 6
        _mm512_permutex2var_epi64(odd12, pair_high, odd34),    // probes 5, 7
    };
    const size_t lanes = kIndexed ? std::min<size_t>(8, n - i) : 8;
    for (size_t j = 0; j < lanes; ++j) {
      uint8_t* out = kIndexed ? outs[index[i + j]] : outs[i + j];
      _mm512_mask_storeu_epi8(out, frame_bytes, frame_template);
      out += l2_len;
      const __m512i pair = probes[(j & 1) | ((j >> 2) << 1)];
      const __m256i bytes_4_35 =
          (j & 2) == 0 ? _mm512_castsi512_si256(pair) : _mm512_extracti64x4_epi64(pair, 1);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 4), bytes_4_35);
      if constexpr (kSyn) std::memcpy(out + 36, &last_words[j], 8);
    }
    // 1 in 65536 echoes.
    if (!kSyn && zero_id_lanes != 0) [[unlikely]] {
      for (size_t j = 0; j < lanes; ++j) {
        if ((zero_id_lanes >> j & 1) != 0)
          *zero_ids |= uint64_t{1} << (kIndexed ? index[i + j] : i + j);
      }
    }
  }
  return i;
}

// Qwords [at, at + 8) of the first `qwords` at `words`, those past it zero.
CUTPOINT_V4 inline __m512i LoadQwords(const int64_t* words, size_t qwords, size_t at) {
  const size_t valid = qwords > at ? std::min<size_t>(8, qwords - at) : 0;
  return _mm512_maskz_loadu_epi64(static_cast<__mmask8>((1u << valid) - 1), words + at);
}

CUTPOINT_V4 void Classify(const ProbeSpec* specs, size_t n, Probe4Classes& classes) {
  const __m512i iota = _mm512_set_epi8(
      63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41,
      40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,
      17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const int64_t* words = reinterpret_cast<const int64_t*>(specs);
  for (size_t i = 0; i < n; i += 8) {
    // Four qwords a spec: in a last partial group the lanes past n read as zero, which is
    // no IPv4 address.
    const int64_t* group = words + 4 * i;
    SpecWords spec_words;
    if (i + 8 <= n) {
      spec_words = SpecWordsOf(_mm512_loadu_si512(group), _mm512_loadu_si512(group + 8),
                               _mm512_loadu_si512(group + 16), _mm512_loadu_si512(group + 24));
    } else {
      const size_t qwords = 4 * (n - i);
      spec_words = SpecWordsOf(LoadQwords(group, qwords, 0), LoadQwords(group, qwords, 8),
                               LoadQwords(group, qwords, 16), LoadQwords(group, qwords, 24));
    }
    const __mmask8 v4 = Ipv4Lanes(spec_words);
    classes.syns |= uint64_t{static_cast<uint8_t>(v4 & TypeLanes(spec_words, ProbeType::kTcpSyn))}
                    << i;
    classes.echoes |=
        uint64_t{static_cast<uint8_t>(v4 & TypeLanes(spec_words, ProbeType::kIcmpEcho))} << i;
  }
  classes.syn_count = static_cast<size_t>(_mm_popcnt_u64(classes.syns));
  classes.echo_count = static_cast<size_t>(_mm_popcnt_u64(classes.echoes));
  _mm512_storeu_si512(classes.syn_index, _mm512_maskz_compress_epi8(classes.syns, iota));
  _mm512_storeu_si512(classes.echo_index, _mm512_maskz_compress_epi8(classes.echoes, iota));
}

}  // namespace

bool Probe4KernelSupported() {
  static const bool supported = DetectKernel();
  return supported;
}

size_t BuildSyn4(const Probe4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                 const ProbeSpec* specs, size_t n, int64_t send_us, uint8_t* const* outs) {
  return BuildV4<ProbeType::kTcpSyn, false>(params, l2_header, l2_len, specs, nullptr, n, send_us,
                                            outs, nullptr);
}

void BuildSyn4At(const Probe4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                 const ProbeSpec* specs, const uint8_t* index, size_t n, int64_t send_us,
                 uint8_t* const* outs) {
  BuildV4<ProbeType::kTcpSyn, true>(params, l2_header, l2_len, specs, index, n, send_us, outs,
                                    nullptr);
}

uint64_t BuildEcho4At(const Probe4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                      const ProbeSpec* specs, const uint8_t* index, size_t n, int64_t send_us,
                      uint8_t* const* outs) {
  uint64_t zero_ids = 0;
  BuildV4<ProbeType::kIcmpEcho, true>(params, l2_header, l2_len, specs, index, n, send_us, outs,
                                      &zero_ids);
  return zero_ids;
}

Probe4Classes ClassifyProbe4(const ProbeSpec* specs, size_t n) {
  Probe4Classes classes;
  Classify(specs, n, classes);
  return classes;
}

#pragma GCC diagnostic pop

}  // namespace cutpoint::probe
