// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/checksum.h"

#include <bit>
#include <cstring>

namespace cutpoint::wire {

uint32_t AddChecksumBytes(uint32_t sum, const uint8_t* data, size_t len) {
  // RFC 1071 §2(B): the one's complement sum does not depend on byte order, so sum the
  // data as native 32-bit words and swap the folded result into network order once.
  uint64_t native = 0;
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    uint32_t word;
    std::memcpy(&word, data + i, sizeof(word));
    native += word;
  }
  if (i + 2 <= len) {
    uint16_t half;
    std::memcpy(&half, data + i, sizeof(half));
    native += half;
    i += 2;
  }
  if (i < len) {
    uint8_t last[2] = {data[i], 0};
    uint16_t half;
    std::memcpy(&half, last, sizeof(half));
    native += half;
  }
  while (native >> 16) native = (native & 0xffff) + (native >> 16);
  uint16_t folded = static_cast<uint16_t>(native);
  if constexpr (std::endian::native == std::endian::little) {
    folded = static_cast<uint16_t>((folded >> 8) | (folded << 8));
  }
  uint64_t acc = uint64_t{sum} + folded;
  while (acc >> 32) acc = (acc & 0xffffffffu) + (acc >> 32);
  return static_cast<uint32_t>(acc);
}

uint16_t FoldChecksum(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

uint16_t InternetChecksum(const uint8_t* data, size_t len) {
  return FinishChecksum(AddChecksumBytes(0, data, len));
}

uint16_t TransportChecksumIpv4(uint32_t src, uint32_t dst, uint8_t protocol,
                               const uint8_t* segment, size_t len) {
  uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol +
                 static_cast<uint32_t>(len);
  return FinishChecksum(AddChecksumBytes(sum, segment, len));
}

uint16_t TransportChecksumIpv6(const uint8_t* src, const uint8_t* dst, uint8_t next_header,
                               const uint8_t* segment, size_t len) {
  // The 32-bit length and the next header (its upper three bytes zero) as 16-bit words.
  uint32_t sum = static_cast<uint32_t>(len >> 16) + static_cast<uint32_t>(len & 0xffff) +
                 next_header;
  sum = AddChecksumBytes(sum, src, 16);
  sum = AddChecksumBytes(sum, dst, 16);
  return FinishChecksum(AddChecksumBytes(sum, segment, len));
}

}  // namespace cutpoint::wire
