// SPDX-License-Identifier: Apache-2.0
// Where ProbeBuilder puts each field of the probes it crafts, for code that reads them
// back: the matcher (quotes in ICMP/ICMPv6 errors, echo replies, SYN-ACK TSecr), tests and
// tools. Offsets count from the start of the header they name. Header-only, no code.
//
//   IPv4 TCP SYN      44 bytes: IPv4 (20) + TCP (24: MSS 1460)
//   IPv4 ICMP echo    36 bytes: IPv4 (20) + ICMP echo (8) + payload (8)
//   IPv6 TCP SYN      76 bytes: IPv6 (40) + TCP (36: MSS 1440, NOP, NOP, TS)
//   IPv6 ICMPv6 echo  56 bytes: IPv6 (40) + ICMPv6 echo (8) + payload (8)
#ifndef CUTPOINT_ENGINE_PROBE_PROBE_LAYOUT_H_
#define CUTPOINT_ENGINE_PROBE_PROBE_LAYOUT_H_

#include <cstddef>
#include <cstdint>

#include "engine/probe/probe_codec.h"
#include "engine/wire/byte_order.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::probe {

// IPv6 header (RFC 8200): version 6, traffic class 0, our flow label.
inline constexpr size_t kIpv6HeaderLen = 40;
inline constexpr uint8_t kIpv6Version = 6;
inline constexpr size_t kIpv6PayloadLenAt = 4;
inline constexpr size_t kIpv6NextHeaderAt = 6;
inline constexpr size_t kIpv6HopLimitAt = 7;  // = the probe's TTL
inline constexpr size_t kIpv6SourceAt = 8;
inline constexpr size_t kIpv6DestinationAt = 24;
inline constexpr uint8_t kNextHeaderTcp = 6;
inline constexpr uint8_t kNextHeaderIcmpv6 = 58;
inline constexpr uint8_t kIcmpv6EchoRequest = 128;
inline constexpr uint8_t kIcmpv6EchoReply = 129;

// The 20-bit flow label of an IPv6 header (bytes 1..3, low 20 bits).
inline uint32_t Ipv6FlowLabel(const uint8_t* ipv6_header) {
  return wire::LoadBe32(ipv6_header) & kFlowLabelMask;
}

// TCP SYN, both families: the sequence number is the probe word.
inline constexpr size_t kTcpSeqAt = 4;
inline constexpr size_t kTcpChecksumAt = 16;
inline constexpr size_t kTcpOptionsAt = 20;
inline constexpr uint16_t kSynWindow = 65535;
inline constexpr uint16_t kSynMss = 1460;         // IPv4: 1500 - 20 - 20
inline constexpr uint16_t kSynMssV6 = 1440;       // IPv6: 1500 - 40 - 20
inline constexpr size_t kSynTcpHeaderLen = 24;    // IPv4: MSS
inline constexpr size_t kSynTcpHeaderLenV6 = 36;  // IPv6: MSS, NOP, NOP, TS (kind 8, len 10)
// IPv6 SYN timestamp option: TSval = the send time in microseconds mod 2^32, TSecr = 0.
inline constexpr size_t kSynV6TsvalAt = kTcpOptionsAt + 8;  // from the TCP header
inline constexpr size_t kSynV6TsecrAt = kTcpOptionsAt + 12;
inline constexpr uint32_t SynTsval(int64_t send_us) { return static_cast<uint32_t>(send_us); }
// What RecoverSendTime takes from a quoted TSval or a SYN-ACK's TSecr.
inline constexpr uint16_t SendUsLow16FromTsval(uint32_t tsval) {
  return static_cast<uint16_t>(tsval);
}

// ICMP echo (IPv4) and ICMPv6 echo, from the ICMP header: the identifier and checksum are
// the flow's, the sequence is word >> 16, the payload is the word, the send time's low 16
// bits and the compensation word that holds the checksum constant.
inline constexpr size_t kEchoChecksumAt = 2;
inline constexpr size_t kEchoIdAt = 4;
inline constexpr size_t kEchoSeqAt = 6;
inline constexpr size_t kEchoWordAt = 8;
inline constexpr size_t kEchoSendUsLow16At = 12;
inline constexpr size_t kEchoCompensationAt = 14;
inline constexpr size_t kEchoMessageLen = 16;

inline constexpr size_t kTcpSynProbeLen = 20 + kSynTcpHeaderLen;                  // 44
inline constexpr size_t kIcmpEchoProbeLen = 20 + kEchoMessageLen;                 // 36
inline constexpr size_t kTcpSynProbeLenV6 = kIpv6HeaderLen + kSynTcpHeaderLenV6;  // 76
inline constexpr size_t kIcmpEchoProbeLenV6 = kIpv6HeaderLen + kEchoMessageLen;   // 56
// Every buffer a probe is built into holds this much.
inline constexpr size_t kMaxProbeLen = kTcpSynProbeLenV6;

// The length of a probe of `type` sent over `family`.
constexpr size_t ProbeLen(ProbeType type, wire::IpFamily family) {
  if (family == wire::IpFamily::kV4) {
    return type == ProbeType::kTcpSyn ? kTcpSynProbeLen : kIcmpEchoProbeLen;
  }
  return type == ProbeType::kTcpSyn ? kTcpSynProbeLenV6 : kIcmpEchoProbeLenV6;
}

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_PROBE_LAYOUT_H_
