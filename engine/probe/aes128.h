// SPDX-License-Identifier: Apache-2.0
// AES-128 encryption of independent 16-byte blocks: the PRF behind probe identity
// (probe_codec.h). AES-NI when the CPU has it (checked at run time; batches of 4 or more
// blocks through 256-bit VAES when the CPU has that too), else OpenSSL's libcrypto; all
// give the same bytes (FIPS-197), which the unit tests check against OpenSSL's EVP
// interface.
#ifndef CUTPOINT_ENGINE_PROBE_AES128_H_
#define CUTPOINT_ENGINE_PROBE_AES128_H_

#include <cstddef>
#include <cstdint>

namespace cutpoint::probe {

// A block as two little-endian 64-bit words: lo = bytes 0..7, hi = bytes 8..15. Trivial,
// so scratch arrays on the crafting path are not zeroed: `Block128 b{}` is zero, a bare
// `Block128 b;` is not initialized.
struct Block128 {
  uint64_t lo;
  uint64_t hi;
  friend bool operator==(const Block128&, const Block128&) = default;
};

enum class AesBackend : uint8_t {
  kAuto,   // AES-NI if the CPU supports it (with VAES when it has that too), else OpenSSL
  kAesNi,  // requires CpuHasAesNi(); VAES for batches when the CPU has it
  kOpenSsl,
  kAesNi128,  // AES-NI without VAES (tests, comparisons)
};

bool CpuHasAesNi();

class Aes128 {
 public:
  // `key`: 16 bytes. kAesNi on a CPU without it falls back to OpenSSL.
  explicit Aes128(const uint8_t key[16], AesBackend backend = AesBackend::kAuto);

  bool uses_aesni() const { return aesni_; }
  bool uses_vaes() const { return vaes_; }

  // out[i] = AES(in[i]) for i < n; `in` and `out` may be the same array. Up to 8 blocks
  // (16 with VAES) are in flight at once, so batches hide the instruction latency.
  void Encrypt(const Block128* in, Block128* out, size_t n) const;
  Block128 Encrypt(Block128 in) const {
    Block128 out;
    Encrypt(&in, &out, 1);
    return out;
  }

  static constexpr size_t kMaxInFlight = 8;

  // The AES-NI key schedule (11 round keys), for crafting kernels that run the rounds
  // themselves; meaningful only when uses_aesni().
  const uint8_t (*round_keys() const)[16] { return round_keys_; }

 private:
  alignas(16) uint8_t round_keys_[11][16] = {};  // AES-NI key schedule
  alignas(16) uint8_t openssl_key_[256] = {};    // OpenSSL's AES_KEY (opaque here; see .cc)
  bool aesni_ = false;
  bool vaes_ = false;
};

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_AES128_H_
