// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/wire/ipv4_address.h"

namespace cutpoint::wire {

IpAddress IpAddress::FromV6Bytes(const uint8_t* bytes) {
  Uint128 value = 0;
  for (int i = 0; i < 16; ++i) value = (value << 8) | bytes[i];
  return IpAddress(value);
}

void IpAddress::ToV6Bytes(uint8_t* out) const {
  Uint128 value = value_;
  for (int i = 15; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(value);
    value >>= 8;
  }
}

namespace {

bool IsIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
         c == ':' || c == '.';
}

absl::StatusOr<IpAddress> ParseIpv6(absl::string_view text) {
  if (text.find('%') != absl::string_view::npos) {
    return absl::InvalidArgumentError("zone ids (%...) name a local link, not a target");
  }
  // inet_pton needs a NUL-terminated string; the longest valid form fits in 45 bytes.
  char buf[kIpTextMax];
  if (text.size() >= sizeof(buf)) return absl::InvalidArgumentError(kNotAnAddress);
  for (char c : text) {
    if (!IsIpv6Char(c)) return absl::InvalidArgumentError(kNotAnAddress);
  }
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t bytes[16];
  if (inet_pton(AF_INET6, buf, bytes) != 1) return absl::InvalidArgumentError(kNotAnAddress);
  IpAddress address = IpAddress::FromV6Bytes(bytes);
  if (address.is_v4()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an IPv4-mapped IPv6 address; write the IPv4 address ", IpAddressToString(address)));
  }
  return address;
}

}  // namespace

absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text) {
  if (text.find(':') == absl::string_view::npos) {
    std::optional<uint32_t> v4 = ParseIpv4(text);
    if (!v4) return absl::InvalidArgumentError(kNotAnAddress);
    return IpAddress::V4(*v4);
  }
  return ParseIpv6(text);
}

size_t FormatIpAddress(const IpAddress& address, char* out) {
  if (address.is_v4()) return FormatIpv4(address.v4(), out);
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) {
    groups[i] = static_cast<uint16_t>(address.value() >> (112 - 16 * i));
  }
  // RFC 5952 4.2: compress the longest run of >= 2 zero groups, the first on a tie.
  int best_start = -1;
  int best_len = 1;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int start = i;
    while (i < 8 && groups[i] == 0) ++i;
    if (i - start > best_len) {
      best_start = start;
      best_len = i - start;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  size_t len = 0;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out[len++] = ':';
      if (i == 0) out[len++] = ':';
      i += best_len - 1;
      continue;
    }
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned nibble = (groups[i] >> shift) & 0xf;
      if (nibble == 0 && !started && shift > 0) continue;
      started = true;
      out[len++] = kHex[nibble];
    }
    if (i < 7) out[len++] = ':';
  }
  out[len] = '\0';
  return len;
}

std::string IpAddressToString(const IpAddress& address) {
  char buf[kIpTextMax];
  size_t len = FormatIpAddress(address, buf);
  return std::string(buf, len);
}

}  // namespace cutpoint::wire
