// SPDX-License-Identifier: Apache-2.0
// IPv4 and IPv6 addresses as one ordered 128-bit space. An IPv4 address is held in the
// IPv4-mapped block ::ffff:0:0/96 (RFC 4291 2.5.5.2), so ranges, sets and permutations
// work over mixed-family targets unchanged, while its text form stays the dotted quad.
// Text in: RFC 4291 forms; text out: RFC 5952 canonical form. Formatting allocates
// nothing (it runs per reply on the output path).
#ifndef CUTPOINT_ENGINE_WIRE_IP_ADDRESS_H_
#define CUTPOINT_ENGINE_WIRE_IP_ADDRESS_H_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cutpoint::wire {

using Uint128 = unsigned __int128;

enum class IpFamily : uint8_t { kV4 = 4, kV6 = 6 };

// ::ffff:0:0/96, where IPv4 addresses live in the shared space.
inline constexpr Uint128 kV4MappedBase = static_cast<Uint128>(0xffff) << 32;

// Longest RFC 5952 text ("ffff:...:ffff" is 39) plus NUL; INET6_ADDRSTRLEN.
inline constexpr size_t kIpTextMax = 46;

class IpAddress {
 public:
  // :: (the IPv6 unspecified address).
  constexpr IpAddress() = default;

  static constexpr IpAddress V4(uint32_t host_order) {
    return IpAddress(kV4MappedBase | host_order);
  }
  // A 128-bit value: IPv6 unless it lies in ::ffff:0:0/96.
  static constexpr IpAddress FromValue(Uint128 value) { return IpAddress(value); }
  static constexpr IpAddress V6(uint64_t high, uint64_t low) {
    return IpAddress((static_cast<Uint128>(high) << 64) | low);
  }
  // 16 bytes in network order (an IPv6 header's address field).
  static IpAddress FromV6Bytes(const uint8_t* bytes);

  constexpr bool is_v4() const { return (value_ >> 32) == 0xffff; }
  constexpr IpFamily family() const { return is_v4() ? IpFamily::kV4 : IpFamily::kV6; }
  // The IPv4 address in host order; meaningful only when is_v4().
  constexpr uint32_t v4() const { return static_cast<uint32_t>(value_); }
  constexpr Uint128 value() const { return value_; }
  constexpr uint64_t high() const { return static_cast<uint64_t>(value_ >> 64); }
  constexpr uint64_t low() const { return static_cast<uint64_t>(value_); }
  // Writes 16 bytes in network order.
  void ToV6Bytes(uint8_t* out) const;

  friend constexpr bool operator==(const IpAddress&, const IpAddress&) = default;
  friend constexpr auto operator<=>(const IpAddress& a, const IpAddress& b) {
    return a.value_ <=> b.value_;
  }

  template <typename H>
  friend H AbslHashValue(H state, const IpAddress& address) {
    return H::combine(std::move(state), address.high(), address.low());
  }

 private:
  constexpr explicit IpAddress(Uint128 value) : value_(value) {}
  Uint128 value_ = 0;
};

// The number of address bits of a family (32 or 128).
constexpr int AddressBits(IpFamily family) { return family == IpFamily::kV4 ? 32 : 128; }

// Parses a dotted quad (strict: no leading zeros, no shorthand) or an RFC 4291 IPv6
// address (hex groups, "::", an embedded dotted quad in the last 32 bits). Refuses zone
// ids ("fe80::1%eth0"), IPv4-mapped forms ("::ffff:1.2.3.4": write the IPv4 address),
// brackets, whitespace and anything else. The message says why without repeating the
// text (callers name what was being parsed); kNotAnAddress when there is no better reason.
inline constexpr absl::string_view kNotAnAddress = "not an IP address";
absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text);

// Writes the canonical text (dotted quad, or RFC 5952: lowercase, no leading zeros, the
// longest run of two or more zero groups compressed, the first on a tie) into `out`
// (kIpTextMax bytes), NUL-terminated; returns the length without the NUL.
size_t FormatIpAddress(const IpAddress& address, char* out);

std::string IpAddressToString(const IpAddress& address);

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_IP_ADDRESS_H_
