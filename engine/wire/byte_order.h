// SPDX-License-Identifier: Apache-2.0
// Big-endian loads and stores on raw buffers. The wire is always network order;
// in memory every value is host order. These are the only conversions used.
#ifndef CUTPOINT_ENGINE_WIRE_BYTE_ORDER_H_
#define CUTPOINT_ENGINE_WIRE_BYTE_ORDER_H_

#include <bit>
#include <cstdint>
#include <cstring>

namespace cutpoint::wire {

// One (unaligned) load or store plus a byte swap each: byte-at-a-time code was merged
// by the compiler into long shift/or chains on the crafting hot path.
inline uint16_t LoadBe16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  return std::endian::native == std::endian::little ? __builtin_bswap16(v) : v;
}
inline uint32_t LoadBe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
}
inline void StoreBe16(uint8_t* p, uint16_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap16(v);
  std::memcpy(p, &v, sizeof(v));
}
inline void StoreBe32(uint8_t* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  std::memcpy(p, &v, sizeof(v));
}

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_BYTE_ORDER_H_
