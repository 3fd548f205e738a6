// SPDX-License-Identifier: Apache-2.0
// RFC 1071 Internet checksum. Sums are kept unfolded (32-bit accumulators) so that
// callers can add pseudo-headers and compensation words before folding once.
#ifndef CUTPOINT_ENGINE_WIRE_CHECKSUM_H_
#define CUTPOINT_ENGINE_WIRE_CHECKSUM_H_

#include <cstddef>
#include <cstdint>

namespace cutpoint::wire {

// Adds the 16-bit big-endian words of `data` to `sum`; an odd last byte is padded with zero.
uint32_t AddChecksumBytes(uint32_t sum, const uint8_t* data, size_t len);

// Folds carries into 16 bits (no complement).
uint16_t FoldChecksum(uint32_t sum);

// The value to store in a checksum field: ~fold(sum).
inline uint16_t FinishChecksum(uint32_t sum) {
  return static_cast<uint16_t>(~FoldChecksum(sum));
}

uint16_t InternetChecksum(const uint8_t* data, size_t len);

// TCP/UDP checksum over the IPv4 pseudo-header and `segment` (checksum field included as-is).
uint16_t TransportChecksumIpv4(uint32_t src, uint32_t dst, uint8_t protocol,
                               const uint8_t* segment, size_t len);

// TCP/UDP/ICMPv6 checksum over the IPv6 pseudo-header (RFC 8200 8.1: the 16-byte source
// and destination addresses in network order, the upper-layer length, the next header) and
// `segment` (checksum field included as-is). A received segment sums to 0 when intact.
uint16_t TransportChecksumIpv6(const uint8_t* src, const uint8_t* dst, uint8_t next_header,
                               const uint8_t* segment, size_t len);

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_CHECKSUM_H_
