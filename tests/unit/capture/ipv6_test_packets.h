// SPDX-License-Identifier: Apache-2.0
// Hand-made IPv6 probes shaped as the IPv6 spec (notes/ipv6-spec) lays them out, for the
// send-side tests while the probe builder grows IPv6: a TCP SYN of 76 bytes (IPv6 header
// + 36 bytes of TCP with MSS, NOP, NOP, timestamps) and an ICMPv6 echo request of 56
// bytes (IPv6 header + 8 bytes of ICMPv6 + 8 of payload), checksums over the IPv6
// pseudo-header. Shared by the unit tests (checked against libtins), tests/dpdk and the
// lab's tx_probe_tool (which includes it by relative path).
#ifndef CUTPOINT_TESTS_UNIT_CAPTURE_IPV6_TEST_PACKETS_H_
#define CUTPOINT_TESTS_UNIT_CAPTURE_IPV6_TEST_PACKETS_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "engine/wire/checksum.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::testv6 {

inline constexpr size_t kTcpSynLen = 76;
inline constexpr size_t kIcmpEchoLen = 56;

struct Ipv6Probe {
  wire::IpAddress source;
  wire::IpAddress destination;
  uint8_t hop_limit = 64;
  uint32_t flow_label = 1;  // 20 bits, never zero (Paris constancy per flow)
  uint16_t id = 0;          // TCP source port, or ICMPv6 identifier
  uint16_t port = 0;        // TCP destination port
  uint32_t word = 0;        // TCP sequence, or ICMPv6 sequence (high 16 bits) and payload
};

inline void Put16(std::vector<uint8_t>& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v >> 8);
  out[at + 1] = static_cast<uint8_t>(v);
}
inline void Put32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
  Put16(out, at, static_cast<uint16_t>(v >> 16));
  Put16(out, at + 2, static_cast<uint16_t>(v));
}

// The 40-byte header; payload length from the vector's size.
inline std::vector<uint8_t> Ipv6Header(const Ipv6Probe& p, uint8_t next_header, size_t len) {
  std::vector<uint8_t> out(len, 0);
  Put32(out, 0, 6u << 28 | (p.flow_label & 0xfffff));
  Put16(out, 4, static_cast<uint16_t>(len - 40));
  out[6] = next_header;
  out[7] = p.hop_limit;
  p.source.ToV6Bytes(out.data() + 8);
  p.destination.ToV6Bytes(out.data() + 24);
  return out;
}

// RFC 8200 8.1: addresses, upper-layer length, next header, then the segment.
inline uint16_t Ipv6TransportChecksum(const std::vector<uint8_t>& packet) {
  uint32_t sum = wire::AddChecksumBytes(0, packet.data() + 8, 32);
  uint32_t upper_len = static_cast<uint32_t>(packet.size() - 40);
  sum += upper_len >> 16;
  sum += upper_len & 0xffff;
  sum += packet[6];
  sum = wire::AddChecksumBytes(sum, packet.data() + 40, packet.size() - 40);
  return wire::FinishChecksum(sum);
}

inline std::vector<uint8_t> TcpSyn(const Ipv6Probe& p, uint32_t tsval = 0x01020304) {
  std::vector<uint8_t> out = Ipv6Header(p, 6, kTcpSynLen);
  Put16(out, 40, p.id);
  Put16(out, 42, p.port);
  Put32(out, 44, p.word);
  out[52] = 9 << 4;  // data offset: 36 bytes
  out[53] = 0x02;    // SYN
  Put16(out, 54, 65535);
  const uint8_t options[16] = {2, 4, 0x05, 0xa0, 1, 1, 8, 10};  // MSS 1440, NOP, NOP, TS
  std::copy(options, options + 16, out.begin() + 60);
  Put32(out, 68, tsval);
  Put16(out, 56, Ipv6TransportChecksum(out));
  return out;
}

inline std::vector<uint8_t> IcmpEcho(const Ipv6Probe& p) {
  std::vector<uint8_t> out = Ipv6Header(p, 58, kIcmpEchoLen);
  out[40] = 128;  // echo request
  Put16(out, 44, p.id);
  Put16(out, 46, static_cast<uint16_t>(p.word >> 16));
  Put32(out, 48, p.word);
  Put16(out, 52, 0x1234);
  Put16(out, 42, Ipv6TransportChecksum(out));
  return out;
}

}  // namespace cutpoint::testv6

#endif  // CUTPOINT_TESTS_UNIT_CAPTURE_IPV6_TEST_PACKETS_H_
