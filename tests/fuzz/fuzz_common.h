// SPDX-License-Identifier: Apache-2.0
// Shared fixtures of the fuzz targets and the seed generator: the fixed scan key, the
// scan's source address and targets, and small helpers to wrap packets in link headers.
// The seeds are real probe replies under this key, so the fuzzers start from inputs that
// authenticate and reach the matched paths (record filling, NDJSON formatting).
#ifndef CUTPOINT_TESTS_FUZZ_FUZZ_COMMON_H_
#define CUTPOINT_TESTS_FUZZ_FUZZ_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_key.h"
#include "engine/targets/target_set.h"
#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "engine/wire/frame.h"
#include "tests/support/fixed_key.h"

// Aborts (a libFuzzer crash) with the failed invariant; active in every build type.
#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

namespace cutpoint::fuzz {

// 198.18.0.1: the scanning host.
inline constexpr uint32_t kSource = 0xc6120001;
// 198.18.1.0/24 and 203.0.113.7: the scan's targets.
inline constexpr uint32_t kTargetNet = 0xc6120100;
inline constexpr uint32_t kTargetHost = 0xcb007107;
// 198.18.2.1: a router on the path.
inline constexpr uint32_t kRouter = 0xc6120201;
// The same roles in IPv6 (lab addressing 2001:2::/48), network order.
inline constexpr uint8_t kSource6[16] = {0x20, 0x01, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
inline constexpr uint8_t kTarget6[16] = {0x20, 0x01, 0, 0x02, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7};
// 2001:2:0:1::/120, the IPv6 targets of the scan (kTarget6 among them).
inline constexpr wire::IpAddress kTargetNet6First = wire::IpAddress::V6(0x2001000200000001ull, 0);
inline constexpr wire::IpAddress kTargetNet6Last = wire::IpAddress::V6(0x2001000200000001ull, 0xff);
inline constexpr uint8_t kRouter6[16] = {0x20, 0x01, 0, 0x02, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};
// A plausible capture time (2024-01-01T00:00:00Z), microseconds.
inline constexpr int64_t kRecvTimeUs = int64_t{1704067200} * 1000000;

// The fixed key every probe of the seeds is crafted under.
inline probe::ProbeKey FixedKey() { return test_support::FixedProbeKey(); }

inline targets::TargetSet FixedTargets() {
  return targets::TargetSet::FromRanges({targets::IpRange::V4(kTargetNet, kTargetNet + 255),
                                         targets::IpRange::V4(kTargetHost, kTargetHost),
                                         targets::IpRange{kTargetNet6First, kTargetNet6Last}});
}

// Every link type the engine parses, selectable by one fuzz byte (new ones go last, so
// saved inputs keep their framing).
inline constexpr wire::LinkType kLinkTypes[] = {
    wire::LinkType::kNull,     wire::LinkType::kEthernet, wire::LinkType::kRaw,
    wire::LinkType::kLoop,     wire::LinkType::kLinuxSll, wire::LinkType::kIpv4,
    wire::LinkType::kLinuxSll2, wire::LinkType::kIpv6,
};
inline constexpr size_t kLinkTypeCount = sizeof(kLinkTypes) / sizeof(kLinkTypes[0]);

inline size_t LinkIndex(wire::LinkType link) {
  for (size_t i = 0; i < kLinkTypeCount; ++i) {
    if (kLinkTypes[i] == link) return i;
  }
  return 0;
}

// Writes a 20-byte IPv4 header with a correct checksum.
inline void WriteIpv4Header(uint8_t* ip, uint16_t total_len, uint16_t id, uint8_t ttl,
                            uint8_t protocol, uint32_t src, uint32_t dst) {
  ip[0] = 0x45;
  ip[1] = 0;
  wire::StoreBe16(ip + 2, total_len);
  wire::StoreBe16(ip + 4, id);
  wire::StoreBe16(ip + 6, 0x4000);  // DF
  ip[8] = ttl;
  ip[9] = protocol;
  wire::StoreBe16(ip + 10, 0);
  wire::StoreBe32(ip + 12, src);
  wire::StoreBe32(ip + 16, dst);
  wire::StoreBe16(ip + 10, wire::InternetChecksum(ip, 20));
}

// The link type of `link`'s kind that carries `packet`'s IP version: a bare-IPv4 link
// cannot carry IPv6 and the other way round.
inline wire::LinkType LinkFor(wire::LinkType link, const std::vector<uint8_t>& packet) {
  bool v6 = !packet.empty() && (packet[0] >> 4) == 6;
  if (v6 && link == wire::LinkType::kIpv4) return wire::LinkType::kIpv6;
  if (!v6 && link == wire::LinkType::kIpv6) return wire::LinkType::kIpv4;
  return link;
}

// Writes a 40-byte IPv6 header (16-byte addresses in network order).
inline void WriteIpv6Header(uint8_t* ip, uint16_t payload_len, uint32_t flow_label,
                            uint8_t next_header, uint8_t hop_limit, const uint8_t* src,
                            const uint8_t* dst) {
  wire::StoreBe32(ip, (6u << 28) | (flow_label & 0xfffff));
  wire::StoreBe16(ip + 4, payload_len);
  ip[6] = next_header;
  ip[7] = hop_limit;
  for (int i = 0; i < 16; ++i) {
    ip[8 + i] = src[i];
    ip[24 + i] = dst[i];
  }
}

// Wraps an IPv4 or IPv6 packet (by its version nibble) in the link header of `link`;
// use LinkFor(link, packet) as the frame's link type.
inline std::vector<uint8_t> Frame(wire::LinkType link, const std::vector<uint8_t>& packet) {
  bool v6 = !packet.empty() && (packet[0] >> 4) == 6;
  uint8_t type_high = v6 ? 0x86 : 0x08;
  uint8_t type_low = v6 ? 0xdd : 0x00;
  std::vector<uint8_t> header;
  switch (link) {
    case wire::LinkType::kEthernet:
      header = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, type_high, type_low};
      break;
    case wire::LinkType::kLinuxSll:
      header = {0, 0, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 0x02, 0, 0, type_high, type_low};
      break;
    case wire::LinkType::kLinuxSll2:
      header = {type_high, type_low, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 0x02, 0, 0};
      break;
    case wire::LinkType::kNull:
      // AF_INET / AF_INET6 (Linux's 10), little-endian host.
      header = {static_cast<uint8_t>(v6 ? 10 : 2), 0, 0, 0};
      break;
    case wire::LinkType::kLoop:
      header = {0, 0, 0, static_cast<uint8_t>(v6 ? 24 : 2)};  // OpenBSD's AF_INET6
      break;
    case wire::LinkType::kRaw:
    case wire::LinkType::kIpv4:
    case wire::LinkType::kIpv6:
      break;
  }
  header.insert(header.end(), packet.begin(), packet.end());
  return header;
}

}  // namespace cutpoint::fuzz

#endif  // CUTPOINT_TESTS_FUZZ_FUZZ_COMMON_H_
