// SPDX-License-Identifier: Apache-2.0
#include "engine/probe/aes128.h"

#include <cstring>

// The low-level AES_encrypt is deprecated in OpenSSL 3 in favour of EVP, but EVP contexts
// carry per-call state (unsafe to share between the sender and capture threads) and cost
// an allocation each: the block function is what a keyed PRF needs.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/aes.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define CUTPOINT_HAVE_AESNI_CODE 1
#endif

namespace cutpoint::probe {
namespace {

static_assert(sizeof(AES_KEY) <= 256, "openssl_key_ too small for AES_KEY");

void StoreLe64(uint8_t* out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t LoadLe64(const uint8_t* in) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | in[i];
  return value;
}

void EncryptOpenSsl(const AES_KEY* key, const Block128* in, Block128* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    uint8_t bytes[16];
    StoreLe64(bytes, in[i].lo);
    StoreLe64(bytes + 8, in[i].hi);
    AES_encrypt(bytes, bytes, key);
    out[i] = Block128{LoadLe64(bytes), LoadLe64(bytes + 8)};
  }
}

#ifdef CUTPOINT_HAVE_AESNI_CODE

__attribute__((target("aes,sse4.1"))) __m128i ExpandStep(__m128i key, __m128i assist) {
  assist = _mm_shuffle_epi32(assist, 0xff);
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
  return _mm_xor_si128(key, assist);
}

__attribute__((target("aes,sse4.1"))) void ExpandKeyAesNi(const uint8_t key[16],
                                                           uint8_t round_keys[11][16]) {
  __m128i rk[11];
  rk[0] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
  // The round constant must be an immediate, hence one line per round.
  rk[1] = ExpandStep(rk[0], _mm_aeskeygenassist_si128(rk[0], 0x01));
  rk[2] = ExpandStep(rk[1], _mm_aeskeygenassist_si128(rk[1], 0x02));
  rk[3] = ExpandStep(rk[2], _mm_aeskeygenassist_si128(rk[2], 0x04));
  rk[4] = ExpandStep(rk[3], _mm_aeskeygenassist_si128(rk[3], 0x08));
  rk[5] = ExpandStep(rk[4], _mm_aeskeygenassist_si128(rk[4], 0x10));
  rk[6] = ExpandStep(rk[5], _mm_aeskeygenassist_si128(rk[5], 0x20));
  rk[7] = ExpandStep(rk[6], _mm_aeskeygenassist_si128(rk[6], 0x40));
  rk[8] = ExpandStep(rk[7], _mm_aeskeygenassist_si128(rk[7], 0x80));
  rk[9] = ExpandStep(rk[8], _mm_aeskeygenassist_si128(rk[8], 0x1b));
  rk[10] = ExpandStep(rk[9], _mm_aeskeygenassist_si128(rk[9], 0x36));
  for (int i = 0; i < 11; ++i) _mm_store_si128(reinterpret_cast<__m128i*>(round_keys[i]), rk[i]);
}

// W independent blocks round by round: AESENC has a latency of several cycles but a
// throughput of one (or two) per cycle, so W chains in parallel cost about one.
template <int W>
__attribute__((target("aes,sse4.1"), always_inline)) inline void EncryptWide(
    const __m128i* rk, const Block128* in, Block128* out) {
  __m128i b[W];
  for (int i = 0; i < W; ++i) {
    b[i] = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i)), rk[0]);
  }
  for (int r = 1; r < 10; ++r) {
    for (int i = 0; i < W; ++i) b[i] = _mm_aesenc_si128(b[i], rk[r]);
  }
  for (int i = 0; i < W; ++i) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_aesenclast_si128(b[i], rk[10]));
  }
}

__attribute__((target("aes,sse4.1"))) void EncryptAesNi(const uint8_t round_keys[11][16],
                                                         const Block128* in, Block128* out,
                                                         size_t n) {
  __m128i rk[11];
  for (int i = 0; i < 11; ++i) {
    rk[i] = _mm_load_si128(reinterpret_cast<const __m128i*>(round_keys[i]));
  }
  size_t i = 0;
  for (; i + 8 <= n; i += 8) EncryptWide<8>(rk, in + i, out + i);
  if (i + 4 <= n) {
    EncryptWide<4>(rk, in + i, out + i);
    i += 4;
  }
  for (; i < n; ++i) EncryptWide<1>(rk, in + i, out + i);
}

// VAES (256-bit AESENC: two blocks per instruction), when the CPU has it: a burst's
// blocks, 16 in flight, take half the AES instructions of the 128-bit path.
template <int W>
__attribute__((target("vaes,avx2"), always_inline)) inline void EncryptWide256(
    const __m256i* rk, const Block128* in, Block128* out) {
  __m256i b[W];
  for (int i = 0; i < W; ++i) {
    b[i] = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 2 * i)),
                            rk[0]);
  }
  for (int r = 1; r < 10; ++r) {
    for (int i = 0; i < W; ++i) b[i] = _mm256_aesenc_epi128(b[i], rk[r]);
  }
  for (int i = 0; i < W; ++i) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2 * i),
                        _mm256_aesenclast_epi128(b[i], rk[10]));
  }
}

__attribute__((target("vaes,avx2"))) void EncryptVaes(const uint8_t round_keys[11][16],
                                                       const Block128* in, Block128* out,
                                                       size_t n) {
  __m256i rk[11];
  for (int i = 0; i < 11; ++i) {
    rk[i] = _mm256_broadcastsi128_si256(
        _mm_load_si128(reinterpret_cast<const __m128i*>(round_keys[i])));
  }
  size_t i = 0;
  for (; i + 16 <= n; i += 16) EncryptWide256<8>(rk, in + i, out + i);
  for (; i + 4 <= n; i += 4) EncryptWide256<2>(rk, in + i, out + i);
  if (i < n) EncryptAesNi(round_keys, in + i, out + i, n - i);
}

// CPUID directly: clang 14's __builtin_cpu_supports does not know "vaes". VAES is leaf 7
// ECX bit 9, AVX2 leaf 7 EBX bit 5; the OS must also save the YMM state (XCR0 bits 1-2).
bool CpuHasVaes() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & (1u << 27)) == 0) return false;
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  if ((xcr0_low & 0x6) != 0x6) return false;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (ecx & (1u << 9)) != 0 && (ebx & (1u << 5)) != 0;
}

#endif  // CUTPOINT_HAVE_AESNI_CODE

}  // namespace

bool CpuHasAesNi() {
#ifdef CUTPOINT_HAVE_AESNI_CODE
  return __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1");
#else
  return false;
#endif
}

Aes128::Aes128(const uint8_t key[16], AesBackend backend) {
  AES_set_encrypt_key(key, 128, reinterpret_cast<AES_KEY*>(openssl_key_));
  aesni_ = backend != AesBackend::kOpenSsl && CpuHasAesNi();
#ifdef CUTPOINT_HAVE_AESNI_CODE
  vaes_ = aesni_ && backend != AesBackend::kAesNi128 && CpuHasVaes();
#endif
#ifdef CUTPOINT_HAVE_AESNI_CODE
  if (aesni_) ExpandKeyAesNi(key, round_keys_);
#endif
}

void Aes128::Encrypt(const Block128* in, Block128* out, size_t n) const {
#ifdef CUTPOINT_HAVE_AESNI_CODE
  if (vaes_ && n >= 4) {
    EncryptVaes(round_keys_, in, out, n);
    return;
  }
  if (aesni_) {
    EncryptAesNi(round_keys_, in, out, n);
    return;
  }
#endif
  EncryptOpenSsl(reinterpret_cast<const AES_KEY*>(openssl_key_), in, out, n);
}

}  // namespace cutpoint::probe
