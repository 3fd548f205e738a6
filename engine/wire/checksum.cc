#include "engine/wire/checksum.h"

namespace cutpoint::wire {

uint32_t AddChecksumBytes(uint32_t sum, const uint8_t* data, size_t len) {
  uint64_t acc = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2) acc += (uint32_t{data[i]} << 8) | data[i + 1];
  if (i < len) acc += uint32_t{data[i]} << 8;
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

}  // namespace cutpoint::wire
