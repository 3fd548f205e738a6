// SPDX-License-Identifier: Apache-2.0
// The per-scan secret that authenticates probe identities. Keys are injected (never
// generated here) so that a fixed key makes crafted bytes and golden outputs reproducible.
#ifndef CUTPOINT_ENGINE_PROBE_PROBE_KEY_H_
#define CUTPOINT_ENGINE_PROBE_PROBE_KEY_H_

#include <array>
#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace cutpoint::probe {

inline constexpr size_t kProbeKeyBytes = 16;  // 128-bit secret; subkeys derive from it

struct ProbeKey {
  std::array<uint8_t, kProbeKeyBytes> bytes{};
};

// 32 lowercase hex digits.
std::string ProbeKeyToHex(const ProbeKey& key);
// Accepts 32 hex digits, surrounding whitespace allowed.
absl::StatusOr<ProbeKey> ProbeKeyFromHex(absl::string_view text);

// A public, non-reversible name for the key (16 hex digits of BLAKE2b), written in the
// `meta` record so outputs can be tied to the key file that decodes them.
std::string ProbeKeyFingerprint(const ProbeKey& key);

// The permutation seed when none is given: derived from the key, so the same key file
// reproduces the same send order (needed by --resume). One-way, under its own label: the
// seed is written to resume files and may be shown; it reveals nothing of the key.
uint64_t SeedFromKey(const ProbeKey& key);

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_PROBE_KEY_H_
