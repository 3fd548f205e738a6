// SPDX-License-Identifier: Apache-2.0
#include "engine/probe/probe_key.h"

#include <sodium.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cutpoint::probe {
namespace {

std::string ToHex(const uint8_t* bytes, size_t len) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ProbeKeyToHex(const ProbeKey& key) {
  return ToHex(key.bytes.data(), key.bytes.size());
}

absl::StatusOr<ProbeKey> ProbeKeyFromHex(absl::string_view text) {
  absl::string_view digits = absl::StripAsciiWhitespace(text);
  if (digits.size() != 2 * kProbeKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("probe key must be ", 2 * kProbeKeyBytes,
                                                   " hex digits, got ", digits.size(),
                                                   " characters"));
  }
  ProbeKey key;
  for (size_t i = 0; i < kProbeKeyBytes; ++i) {
    int hi = HexValue(digits[2 * i]);
    int lo = HexValue(digits[2 * i + 1]);
    if (hi < 0 || lo < 0) return absl::InvalidArgumentError("probe key contains a non-hex character");
    key.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return key;
}

std::string ProbeKeyFingerprint(const ProbeKey& key) {
  uint8_t digest[8];
  crypto_generichash(digest, sizeof(digest), key.bytes.data(), key.bytes.size(), nullptr, 0);
  return ToHex(digest, sizeof(digest));
}

uint64_t SeedFromKey(const ProbeKey& key) {
  static constexpr char kLabel[] = "cutpoint permutation seed v1";  // nor equal any subkey
  uint8_t digest[8];
  crypto_generichash(digest, sizeof(digest), reinterpret_cast<const uint8_t*>(kLabel),
                     sizeof(kLabel) - 1, key.bytes.data(), key.bytes.size());
  uint64_t seed = 0;
  for (int i = 7; i >= 0; --i) seed = (seed << 8) | digest[i];
  return seed;
}

}  // namespace cutpoint::probe
