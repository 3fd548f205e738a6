// SPDX-License-Identifier: Apache-2.0
// Shared fixtures for the probe tests: a fixed key, addresses and send times.
#ifndef CUTPOINT_TESTS_UNIT_PROBE_PROBE_TEST_UTIL_H_
#define CUTPOINT_TESTS_UNIT_PROBE_PROBE_TEST_UTIL_H_

#include <cstring>

#include "engine/probe/probe_builder.h"
#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_key.h"
#include "engine/wire/checksum.h"
#include "engine/wire/ip_address.h"
#include "test_util.h"

namespace cutpoint::probe::testing_probe {

inline ProbeKey FixedKey(uint8_t offset = 0) {
  ProbeKey key;
  for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(i + offset);
  return key;
}

inline constexpr uint32_t kSource = testutil::Ip(192, 0, 2, 1);
inline constexpr uint32_t kTarget = testutil::Ip(185, 70, 40, 101);
inline constexpr int64_t kSendUs = 1700000000123456;  // ticks 2056, low16 0x2240

inline constexpr wire::IpAddress V4(uint32_t host_order) {
  return wire::IpAddress::V4(host_order);
}

// 2001:db8::1 (documentation) and 2001:2:0:7::65 (benchmarking, the lab's range).
inline constexpr wire::IpAddress kSource6 = wire::IpAddress::V6(0x20010db800000000, 1);
inline constexpr wire::IpAddress kTarget6 = wire::IpAddress::V6(0x2001000200000007, 0x65);

// A dual-stack prober.
inline ProbeSources Sources() { return ProbeSources{V4(kSource), kSource6}; }

// The folded checksum of an IPv6 packet's upper-layer message with its pseudo-header
// (RFC 8200 8.1: source, destination, upper-layer length, next header), from the packet's
// own bytes: 0 when the stored TCP or ICMPv6 checksum is right. No extension headers.
inline uint16_t Ipv6MessageChecksum(const uint8_t* packet, size_t len) {
  uint8_t pseudo[40] = {};
  std::memcpy(pseudo, packet + 8, 32);  // source, destination
  testutil::Put32(pseudo + 32, static_cast<uint32_t>(len - 40));
  pseudo[39] = packet[6];
  uint32_t sum = wire::AddChecksumBytes(0, pseudo, sizeof(pseudo));
  return wire::FinishChecksum(wire::AddChecksumBytes(sum, packet + 40, len - 40));
}

}  // namespace cutpoint::probe::testing_probe

#endif  // CUTPOINT_TESTS_UNIT_PROBE_PROBE_TEST_UTIL_H_
