// SPDX-License-Identifier: Apache-2.0
// IPv4 addresses as host-order integers, with strict text parsing and allocation-free
// formatting (used on the per-reply output path).
#ifndef CUTPOINT_ENGINE_WIRE_IPV4_ADDRESS_H_
#define CUTPOINT_ENGINE_WIRE_IPV4_ADDRESS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

namespace cutpoint::wire {

// Longest dotted quad plus NUL.
inline constexpr size_t kIpv4TextMax = 16;

// Parses exactly four decimal octets ("198.18.0.1"). Rejects leading zeros (ambiguous:
// inet_aton reads them as octal), signs, whitespace and out-of-range octets.
std::optional<uint32_t> ParseIpv4(absl::string_view text);

// Writes the dotted quad into `out` (at least kIpv4TextMax bytes), NUL-terminated;
// returns the length without the NUL.
size_t FormatIpv4(uint32_t address, char* out);

std::string Ipv4ToString(uint32_t address);

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_IPV4_ADDRESS_H_
