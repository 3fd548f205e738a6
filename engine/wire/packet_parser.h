// One-pass IPv4 packet parser: fills a struct of header fields and offsets into the
// caller's buffer, allocation-free. ICMP errors are parsed down into the quoted IP header
// and whatever quoted transport bytes the router included (RFC 792 minimum of 8 or more),
// and RFC 4884 extension objects are decoded (RFC 4950 MPLS label stack).
#ifndef CUTPOINT_ENGINE_WIRE_PACKET_PARSER_H_
#define CUTPOINT_ENGINE_WIRE_PACKET_PARSER_H_

#include <cstddef>
#include <cstdint>

namespace cutpoint::wire {

struct Ipv4Fields {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint16_t total_len = 0;
  uint16_t id = 0;
  uint16_t frag = 0;  // flags + fragment offset, as on the wire
  uint8_t header_len = 0;
  uint8_t tos = 0;
  uint8_t ttl = 0;
  uint8_t protocol = 0;
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
};

struct IcmpFields {
  uint8_t type = 0;
  uint8_t code = 0;
  uint16_t checksum = 0;
  uint16_t id = 0;   // echo: identifier
  uint16_t seq = 0;  // echo: sequence number
  const uint8_t* payload = nullptr;  // bytes after the 8-byte ICMP header
  size_t payload_len = 0;
};

// What an ICMP error tells about the datagram it answers.
struct IcmpQuote {
  Ipv4Fields ip;
  const uint8_t* transport = nullptr;  // first quoted transport byte
  size_t transport_len = 0;            // quoted transport bytes available (may be < 8)
  MplsStack mpls;
  bool has_extensions = false;
};

struct ParsedPacket {
  Ipv4Fields ip;
  bool has_tcp = false;
  TcpFields tcp;
  bool has_icmp = false;
  IcmpFields icmp;
  bool has_quote = false;  // ICMP error with a parsable quoted IPv4 header
  IcmpQuote quote;
};

enum class ParseStatus : uint8_t {
  kOk,
  kTruncated,    // shorter than its own headers say
  kBadHeader,    // not IPv4, bad IHL or total length
  kFragment,     // non-first fragment: no transport header to read
  kUnsupported,  // IPv4 but neither TCP nor ICMP
};

// Parses `len` bytes starting at an IPv4 header. Never reads outside [packet, packet+len).
ParseStatus ParseIpv4Packet(const uint8_t* packet, size_t len, ParsedPacket* out);

// Decodes the TCP header fields from at least 14 bytes (ports, seq, ack, flags); the
// window is filled only when 16 bytes are present.
void ReadTcpPrefix(const uint8_t* tcp, size_t len, TcpFields* out);

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_PACKET_PARSER_H_
