// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/ipv4_address.h"

namespace cutpoint::wire {

std::optional<uint32_t> ParseIpv4(absl::string_view text) {
  uint32_t address = 0;
  size_t pos = 0;
  for (int octet_index = 0; octet_index < 4; ++octet_index) {
    if (octet_index > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    size_t start = pos;
    uint32_t value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      value = value * 10 + static_cast<uint32_t>(text[pos] - '0');
      ++pos;
    }
    size_t digits = pos - start;
    if (digits == 0 || value > 255) return std::nullopt;
    if (digits > 1 && text[start] == '0') return std::nullopt;
    address = (address << 8) | value;
  }
  if (pos != text.size()) return std::nullopt;
  return address;
}

size_t FormatIpv4(uint32_t address, char* out) {
  size_t len = 0;
  for (int shift = 24; shift >= 0; shift -= 8) {
    unsigned octet = (address >> shift) & 0xff;
    if (octet >= 100) out[len++] = static_cast<char>('0' + octet / 100);
    if (octet >= 10) out[len++] = static_cast<char>('0' + (octet / 10) % 10);
    out[len++] = static_cast<char>('0' + octet % 10);
    if (shift > 0) out[len++] = '.';
  }
  out[len] = '\0';
  return len;
}

std::string Ipv4ToString(uint32_t address) {
  char buf[kIpv4TextMax];
  size_t len = FormatIpv4(address, buf);
  return std::string(buf, len);
}

}  // namespace cutpoint::wire
