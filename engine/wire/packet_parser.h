// SPDX-License-Identifier: Apache-2.0
// One-pass IPv4/IPv6 packet parser: fills one family-neutral struct of header fields and
// offsets into the caller's buffer, allocation-free. IPv6 extension headers (hop-by-hop,
// routing, fragment, destination options, AH) are walked to the upper-layer header. ICMP
// and ICMPv6 errors are parsed down into the quoted IP header (and its extension headers)
// and whatever quoted transport bytes the router included (RFC 792 minimum of 8 or more),
// and RFC 4884 extension objects are decoded (RFC 4950 MPLS label stack).
#ifndef CUTPOINT_ENGINE_WIRE_PACKET_PARSER_H_
#define CUTPOINT_ENGINE_WIRE_PACKET_PARSER_H_

#include <cstddef>
#include <cstdint>

#include "engine/wire/ip_address.h"

namespace cutpoint::wire {

// The network header of either family. IPv4-only and IPv6-only fields are 0 in the other.
// `family` is the header's version: an IPv4-mapped address in an IPv6 header (::ffff:a.b.c.d)
// still reads is_v4() in the shared address space.
struct IpFields {
  IpAddress src;  // IPv4 addresses as IpAddress::V4
  IpAddress dst;
  // IPv4: total length; IPv6: 40 + payload length. As on the wire: the capture may hold
  // fewer bytes (snaplen, a quote) or more (link padding).
  uint32_t total_len = 0;
  uint32_t flow_label = 0;   // IPv6, 20 bits
  uint32_t fragment_id = 0;  // IPv6 fragment header's identification, when there is one
  // Bytes up to the transport header: IPv4 IHL * 4; IPv6 40 + every extension header walked.
  uint16_t header_len = 0;
  uint16_t id = 0;    // IPv4
  uint16_t frag = 0;  // IPv4: flags + fragment offset, as on the wire
  uint16_t fragment_offset = 0;  // IPv6 fragment header's offset, in 8-byte units
  IpFamily family = IpFamily::kV4;
  uint8_t tos = 0;       // IPv4 type of service / IPv6 traffic class (both DSCP + ECN)
  uint8_t ttl = 0;       // IPv4 TTL / IPv6 hop limit
  uint8_t protocol = 0;  // IPv4 protocol / IPv6 next header after the extension headers
  uint8_t extension_count = 0;  // IPv6 extension headers walked
  bool has_fragment_header = false;  // IPv6
  bool more_fragments = false;       // IPv6 fragment header's M flag
};

struct MplsEntry {
  uint32_t label = 0;  // 20 bits
  uint8_t exp = 0;     // traffic class, 3 bits
  bool bottom = false;
  uint8_t ttl = 0;
};

inline constexpr int kMaxMplsEntries = 8;

struct MplsStack {
  uint8_t count = 0;
  MplsEntry entries[kMaxMplsEntries];
};

struct TcpFields {
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  // RFC 7323 timestamp option, when the whole header (options included) was read.
  bool has_timestamp = false;
  uint32_t tsval = 0;
  uint32_t tsecr = 0;
};

// ICMP and ICMPv6 share the 8-byte header layout.
struct IcmpFields {
  uint8_t type = 0;
  uint8_t code = 0;
  uint16_t checksum = 0;
  uint16_t id = 0;   // echo: identifier
  uint16_t seq = 0;  // echo: sequence number
  uint32_t mtu = 0;      // ICMPv6 packet too big: the next-hop MTU
  uint32_t pointer = 0;  // ICMPv6 parameter problem: offset of the offending byte
  const uint8_t* payload = nullptr;  // bytes after the 8-byte header
  size_t payload_len = 0;
};

// What an ICMP or ICMPv6 error tells about the datagram it answers.
struct IcmpQuote {
  IpFields ip;  // the quoted header; an IPv6 quote's extension headers are walked
  // First quoted transport byte and how many are available (may be < 8). A quoted IPv6
  // non-first fragment (ip.fragment_offset != 0) has no transport header: length 0.
  const uint8_t* transport = nullptr;
  size_t transport_len = 0;
  MplsStack mpls;
  bool has_extensions = false;
};

struct ParsedPacket {
  IpFields ip;
  bool has_tcp = false;
  TcpFields tcp;
  bool has_icmp = false;  // ICMP over IPv4 or ICMPv6 over IPv6 (ip.family says which)
  IcmpFields icmp;
  bool has_quote = false;  // an error with a parsable quoted header of the same family
  IcmpQuote quote;
};

enum class ParseStatus : uint8_t {
  kOk,
  kTruncated,    // shorter than its own headers say (also an IPv6 chain running past the end)
  kBadHeader,    // wrong version, bad IHL or total length, a nonsense IPv6 extension chain
  kFragment,     // non-first fragment: no transport header to read
  kUnsupported,  // neither TCP nor ICMP/ICMPv6 (also ESP, no next header, UDP, ...)
};

// Parses `len` bytes starting at an IPv4 or IPv6 header, by its version nibble. Never
// reads outside [packet, packet+len). `ip` is always cleared first, then filled as far as
// parsed (on kFragment: all of it); `tcp`, `icmp` and `quote` are cleared and filled only
// when their has_* flag is set, and hold stale values otherwise (clearing all of them per
// packet cost as much as parsing). On any status but kOk the flags are false.
ParseStatus ParsePacket(const uint8_t* packet, size_t len, ParsedPacket* out);
// The same for one family only: anything else is kBadHeader (kTruncated when too short).
ParseStatus ParseIpv4Packet(const uint8_t* packet, size_t len, ParsedPacket* out);
ParseStatus ParseIpv6Packet(const uint8_t* packet, size_t len, ParsedPacket* out);

// Decodes the TCP header fields from at least 14 bytes (ports, seq, ack, flags); the
// window is filled only when 16 bytes are present. Options are not read.
void ReadTcpPrefix(const uint8_t* tcp, size_t len, TcpFields* out);

// ReadTcpPrefix, then the timestamp option when `len` holds the whole header (its data
// offset): for quotes that carry the probe's options. Malformed options are ignored.
void ReadTcpHeader(const uint8_t* tcp, size_t len, TcpFields* out);

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_PACKET_PARSER_H_
