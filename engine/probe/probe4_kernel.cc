// SPDX-License-Identifier: Apache-2.0
#include "engine/probe/probe4_kernel.h"

#include <cpuid.h>
#include <immintrin.h>

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
// 16 (avx512f), 17 (dq), 30 (bw), 31 (vl), ECX bit 9 (vaes); the OS must save the opmask
// and ZMM state (XCR0 bits 1, 2, 5, 6, 7).
bool DetectKernel() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & (1u << 27)) == 0) return false;
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  if ((xcr0_low & 0xe6) != 0xe6) return false;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const unsigned avx512 = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
  return (ebx & avx512) == avx512 && (ecx & (1u << 9)) != 0;
}

// GCC 12's _mm512_undefined_epi32 (behind broadcasts and shuffles) initializes a variable
// from itself, which -Wmaybe-uninitialized reports wherever it is inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#define CUTPOINT_V4 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,vaes")))

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

template <ProbeType kType>
CUTPOINT_V4 size_t BuildV4(const Probe4KernelParams& p, const uint8_t* l2_header, size_t l2_len,
                           const ProbeSpec* specs, size_t n, int64_t send_us,
                           uint8_t* const* outs) {
  constexpr bool kSyn = kType == ProbeType::kTcpSyn;
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
  alignas(64) uint8_t frame[64] = {};
  if (l2_len != 0) std::memcpy(frame, l2_header, l2_len);
  std::memcpy(frame + l2_len, t, kLen);
  const __m512i frame_template = _mm512_load_si512(frame);
  const __mmask64 frame_bytes = (__mmask64{1} << (l2_len + kLen)) - 1;

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
  // Four specs' 64-bit words 0, 2 (their targets' low halves, their type/port/TTL/attempt).
  const __m512i gather_words = _mm512_set_epi64(14, 10, 6, 2, 12, 8, 4, 0);
  const __m512i even = _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1);
  // Their words 1 (the targets' high halves).
  const __m512i gather_high = _mm512_set_epi64(13, 9, 5, 1, 13, 9, 5, 1);
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
  for (; i + 8 <= n; i += 8) {
    const __m512i* in = reinterpret_cast<const __m512i*>(specs + i);
    const __m512i z0 = _mm512_loadu_si512(in), z1 = _mm512_loadu_si512(in + 1);
    const __m512i z2 = _mm512_loadu_si512(in + 2), z3 = _mm512_loadu_si512(in + 3);
    const __m512i a = _mm512_permutex2var_epi64(z0, gather_words, z1);
    const __m512i b = _mm512_permutex2var_epi64(z2, gather_words, z3);
    const __m512i low = _mm512_shuffle_i64x2(a, b, 0x44);
    const __m512i misc = _mm512_shuffle_i64x2(a, b, 0xee);
    const __m512i high = _mm512_shuffle_i64x2(_mm512_permutex2var_epi64(z0, gather_high, z1),
                                              _mm512_permutex2var_epi64(z2, gather_high, z3), 0x44);
    // IPv4 (::ffff:a.b.c.d: high half 0, bits 32-63 0xffff) and of kType, all 8.
    const __mmask8 ours = _mm512_cmpeq_epi64_mask(high, _mm512_setzero_si512()) &
                          _mm512_cmpeq_epi64_mask(_mm512_srli_epi64(low, 32), low16) &
                          _mm512_cmpeq_epi64_mask(_mm512_and_si512(misc, _mm512_set1_epi64(0xff)),
                                                  _mm512_set1_epi64(static_cast<int>(kType)));
    if (ours != 0xff) break;
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
    for (size_t j = 0; j < 8; ++j) {
      uint8_t* out = outs[i + j];
      _mm512_mask_storeu_epi8(out, frame_bytes, frame_template);
      out += l2_len;
      const __m512i pair = probes[(j & 1) | ((j >> 2) << 1)];
      const __m256i bytes_4_35 =
          (j & 2) == 0 ? _mm512_castsi512_si256(pair) : _mm512_extracti64x4_epi64(pair, 1);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 4), bytes_4_35);
      if constexpr (kSyn) std::memcpy(out + 36, &last_words[j], 8);
    }
  }
  return i;
}

#pragma GCC diagnostic pop

}  // namespace

bool Probe4KernelSupported() {
  static const bool supported = DetectKernel();
  return supported;
}

size_t BuildSyn4(const Probe4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                 const ProbeSpec* specs, size_t n, int64_t send_us, uint8_t* const* outs) {
  return BuildV4<ProbeType::kTcpSyn>(params, l2_header, l2_len, specs, n, send_us, outs);
}

size_t BuildEcho4(const Probe4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                  const ProbeSpec* specs, size_t n, int64_t send_us, uint8_t* const* outs) {
  return BuildV4<ProbeType::kIcmpEcho>(params, l2_header, l2_len, specs, n, send_us, outs);
}

}  // namespace cutpoint::probe
