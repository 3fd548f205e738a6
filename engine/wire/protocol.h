// SPDX-License-Identifier: Apache-2.0
// Protocol numbers and header sizes shared by the crafting and parsing code.
#ifndef CUTPOINT_ENGINE_WIRE_PROTOCOL_H_
#define CUTPOINT_ENGINE_WIRE_PROTOCOL_H_

#include <cstddef>
#include <cstdint>

namespace cutpoint::wire {

// The version nibble that opens every IPv4 header, and every IPv6 header.
inline constexpr uint8_t kIpv4Version = 4;
inline constexpr uint8_t kIpv6Version = 6;
inline constexpr uint8_t IpVersion(const uint8_t* ip_header) { return ip_header[0] >> 4; }
// The IPv4 header length in bytes, from its IHL field (32-bit words).
inline constexpr size_t Ipv4HeaderLen(const uint8_t* ip_header) {
  return size_t{ip_header[0] & 0x0fu} * 4;
}

inline constexpr uint8_t kProtoIcmp = 1;
inline constexpr uint8_t kProtoTcp = 6;
inline constexpr uint8_t kProtoIcmpv6 = 58;

inline constexpr size_t kIpv4MinHeaderLen = 20;
// The fixed IPv6 header (RFC 8200); extension headers follow it.
inline constexpr size_t kIpv6HeaderLen = 40;
// RFC 791: every IPv4 link carries datagrams of 68 bytes unfragmented.
inline constexpr size_t kIpv4MinMtu = 68;
inline constexpr size_t kTcpMinHeaderLen = 20;
inline constexpr size_t kIcmpHeaderLen = 8;
// RFC 792: an ICMP error quotes the IP header plus at least 8 bytes of the datagram.
inline constexpr size_t kQuotedTransportMin = 8;

inline constexpr uint8_t kIcmpEchoReply = 0;
inline constexpr uint8_t kIcmpDestUnreachable = 3;
inline constexpr uint8_t kIcmpSourceQuench = 4;
inline constexpr uint8_t kIcmpRedirect = 5;
inline constexpr uint8_t kIcmpEchoRequest = 8;
inline constexpr uint8_t kIcmpTimeExceeded = 11;
inline constexpr uint8_t kIcmpParamProblem = 12;

inline constexpr uint8_t kTcpFin = 0x01;
inline constexpr uint8_t kTcpSyn = 0x02;
inline constexpr uint8_t kTcpRst = 0x04;
inline constexpr uint8_t kTcpPsh = 0x08;
inline constexpr uint8_t kTcpAck = 0x10;
inline constexpr uint8_t kTcpUrg = 0x20;
inline constexpr uint8_t kTcpEce = 0x40;
inline constexpr uint8_t kTcpCwr = 0x80;

// True for the ICMP types whose body quotes the offending datagram.
inline constexpr bool IcmpTypeQuotes(uint8_t type) {
  return type == kIcmpDestUnreachable || type == kIcmpSourceQuench || type == kIcmpRedirect ||
         type == kIcmpTimeExceeded || type == kIcmpParamProblem;
}

// ---- IPv6 parsing (engine/wire frame and packet parser) ----------------------------------


// RFC 8200 next-header values the parser walks through; ESP and "no next header" end a
// chain (nothing after them can be read).
inline constexpr uint8_t kIpv6HopByHop = 0;
inline constexpr uint8_t kIpv6Routing = 43;
inline constexpr uint8_t kIpv6Fragment = 44;
inline constexpr uint8_t kIpv6Esp = 50;
inline constexpr uint8_t kIpv6Ah = 51;
inline constexpr uint8_t kIpv6NoNextHeader = 59;
inline constexpr uint8_t kIpv6DestOptions = 60;
inline constexpr size_t kIpv6FragmentHeaderLen = 8;
// More than any sane chain holds (RFC 8200 4.1 orders at most 7); a longer one is refused.
inline constexpr int kMaxIpv6ExtensionHeaders = 8;

inline constexpr size_t kIcmpv6HeaderLen = 8;

inline constexpr uint8_t kIcmpv6DestUnreachable = 1;
inline constexpr uint8_t kIcmpv6PacketTooBig = 2;
inline constexpr uint8_t kIcmpv6TimeExceeded = 3;
inline constexpr uint8_t kIcmpv6ParamProblem = 4;
inline constexpr uint8_t kIcmpv6EchoRequest = 128;
inline constexpr uint8_t kIcmpv6EchoReply = 129;

// True for the ICMPv6 error types whose body quotes the invoking packet (RFC 4443).
inline constexpr bool Icmpv6TypeQuotes(uint8_t type) {
  return type >= kIcmpv6DestUnreachable && type <= kIcmpv6ParamProblem;
}
// RFC 4884 5.1: only these ICMPv6 types carry the length field (octet 4, 64-bit words).
inline constexpr bool Icmpv6TypeHasLength(uint8_t type) {
  return type == kIcmpv6DestUnreachable || type == kIcmpv6TimeExceeded;
}

inline constexpr uint8_t kTcpOptionEnd = 0;
inline constexpr uint8_t kTcpOptionNop = 1;
inline constexpr uint8_t kTcpOptionTimestamp = 8;
inline constexpr uint8_t kTcpTimestampLen = 10;

// ---- end of the IPv6 parsing block ---------------------------------------------------------

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_PROTOCOL_H_
