// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/packet_parser.h"

#include <cstring>
#include <type_traits>

#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "engine/wire/protocol.h"

namespace cutpoint::wire {
namespace {

// RFC 4884: with extensions, the original datagram is padded to at least 128 bytes.
constexpr size_t kRfc4884OriginalMin = 128;
constexpr size_t kExtensionHeaderLen = 4;
constexpr size_t kObjectHeaderLen = 4;
constexpr uint8_t kExtensionVersion = 2;
constexpr uint8_t kClassMplsLabelStack = 1;
constexpr uint8_t kCtypeIncomingStack = 1;
// RFC 4302: AH is at least its 12-byte fixed part (payload length field >= 1).
constexpr size_t kAhMinLen = 12;

// Copies a blank constant over `part`: a copy compiles to a few vector stores, where
// `*part = {}` became a `rep stos` whose start-up cost was a sizeable share of parsing.
template <typename T>
void ClearPart(T* part) {
  static constexpr T kBlank{};
  static_assert(std::is_trivially_copyable_v<T>);
  std::memcpy(part, &kBlank, sizeof(kBlank));
}

// The header and the flags only: each transport part is cleared when it is parsed. Clearing
// all 300 bytes up front (IPv6 addresses made the struct half again as big) cost more than
// the rest of parsing an IPv4 SYN-ACK.
void Clear(ParsedPacket* out) {
  ClearPart(&out->ip);
  out->has_tcp = false;
  out->has_icmp = false;
  out->has_quote = false;
}

IpAddress LoadIpv6Address(const uint8_t* p) {
  uint64_t high = (uint64_t{LoadBe32(p)} << 32) | LoadBe32(p + 4);
  uint64_t low = (uint64_t{LoadBe32(p + 8)} << 32) | LoadBe32(p + 12);
  return IpAddress::V6(high, low);
}

// Reads an IPv4 header; `len` may be shorter than total_len (quotes and snaplen).
bool ReadIpv4Header(const uint8_t* p, size_t len, IpFields* out) {
  if (len < kIpv4MinHeaderLen || IpVersion(p) != kIpv4Version) return false;
  size_t header_len = Ipv4HeaderLen(p);
  if (header_len < kIpv4MinHeaderLen || header_len > len) return false;
  out->family = IpFamily::kV4;
  out->header_len = static_cast<uint16_t>(header_len);
  out->tos = p[1];
  out->total_len = LoadBe16(p + 2);
  out->id = LoadBe16(p + 4);
  out->frag = LoadBe16(p + 6);
  out->ttl = p[8];
  out->protocol = p[9];
  out->src = IpAddress::V4(LoadBe32(p + 12));
  out->dst = IpAddress::V4(LoadBe32(p + 16));
  return true;
}

// Reads the fixed IPv6 header; `protocol` is its next header until the chain is walked.
bool ReadIpv6FixedHeader(const uint8_t* p, size_t len, IpFields* out) {
  if (len < kIpv6HeaderLen || IpVersion(p) != kIpv6Version) return false;
  uint32_t first_word = LoadBe32(p);
  out->family = IpFamily::kV6;
  out->tos = static_cast<uint8_t>(first_word >> 20);
  out->flow_label = first_word & 0xfffff;
  out->total_len = static_cast<uint32_t>(kIpv6HeaderLen + LoadBe16(p + 4));
  out->protocol = p[6];
  out->ttl = p[7];
  out->header_len = static_cast<uint16_t>(kIpv6HeaderLen);
  out->src = LoadIpv6Address(p + 8);
  out->dst = LoadIpv6Address(p + 24);
  return true;
}

bool IsIpv6ExtensionHeader(uint8_t next_header) {
  return next_header == kIpv6HopByHop || next_header == kIpv6Routing ||
         next_header == kIpv6Fragment || next_header == kIpv6DestOptions ||
         next_header == kIpv6Ah;
}

// The length of the extension header of type `type` at `p` (2 bytes readable): 8-byte
// units for most, 4-byte units for AH (RFC 4302), fixed for fragment headers.
size_t Ipv6ExtensionHeaderLen(uint8_t type, const uint8_t* p) {
  if (type == kIpv6Fragment) return kIpv6FragmentHeaderLen;
  if (type == kIpv6Ah) return (size_t{p[1]} + 2) * 4;
  return (size_t{p[1]} + 1) * 8;
}

void ReadFragmentHeader(const uint8_t* p, IpFields* ip) {
  uint16_t offset_and_flags = LoadBe16(p + 2);
  ip->has_fragment_header = true;
  ip->fragment_offset = offset_and_flags >> 3;
  ip->more_fragments = (offset_and_flags & 0x1) != 0;
  ip->fragment_id = LoadBe32(p + 4);
}

// Walks the extension headers after a fixed IPv6 header, within [p, p + end): sets the
// upper-layer protocol and header_len. A non-first fragment stops the walk (kFragment: what
// follows is not a header); a chain past `end` is kTruncated, a nonsense one kBadHeader
// (more than kMaxIpv6ExtensionHeaders, hop-by-hop not first, AH shorter than itself).
ParseStatus WalkIpv6ExtensionHeaders(const uint8_t* p, size_t end, IpFields* ip) {
  size_t offset = kIpv6HeaderLen;
  uint8_t type = ip->protocol;
  while (IsIpv6ExtensionHeader(type)) {
    if (ip->extension_count == kMaxIpv6ExtensionHeaders) return ParseStatus::kBadHeader;
    if (type == kIpv6HopByHop && offset != kIpv6HeaderLen) return ParseStatus::kBadHeader;
    if (offset + 2 > end) return ParseStatus::kTruncated;
    size_t len = Ipv6ExtensionHeaderLen(type, p + offset);
    if (type == kIpv6Ah && len < kAhMinLen) return ParseStatus::kBadHeader;
    if (len > end - offset) return ParseStatus::kTruncated;
    ++ip->extension_count;
    uint8_t following = p[offset];
    if (type == kIpv6Fragment) {
      ReadFragmentHeader(p + offset, ip);
      if (ip->fragment_offset != 0) {
        ip->protocol = following;
        ip->header_len = static_cast<uint16_t>(offset + len);
        return ParseStatus::kFragment;
      }
    }
    offset += len;
    type = following;
  }
  ip->protocol = type;
  ip->header_len = static_cast<uint16_t>(offset);
  return ParseStatus::kOk;
}

bool IsExtensionHeader(const uint8_t* p, size_t len) {
  return len >= kExtensionHeaderLen && (p[0] >> 4) == kExtensionVersion;
}

// Decodes the RFC 4884 extension structure; unknown objects are skipped, malformed
// lengths stop decoding. The checksum is verified when non-zero (RFC 4884 §7).
bool DecodeExtensions(const uint8_t* p, size_t len, MplsStack* mpls) {
  if (!IsExtensionHeader(p, len)) return false;
  if (LoadBe16(p + 2) != 0 && FoldChecksum(AddChecksumBytes(0, p, len)) != 0xffff) return false;
  size_t offset = kExtensionHeaderLen;
  while (offset + kObjectHeaderLen <= len) {
    size_t object_len = LoadBe16(p + offset);
    uint8_t class_num = p[offset + 2];
    uint8_t ctype = p[offset + 3];
    if (object_len < kObjectHeaderLen || offset + object_len > len) break;
    if (class_num == kClassMplsLabelStack && ctype == kCtypeIncomingStack) {
      for (size_t entry = offset + kObjectHeaderLen;
           entry + 4 <= offset + object_len && mpls->count < kMaxMplsEntries; entry += 4) {
        uint32_t word = LoadBe32(p + entry);
        MplsEntry& e = mpls->entries[mpls->count++];
        e.label = word >> 12;
        e.exp = static_cast<uint8_t>((word >> 9) & 0x7);
        e.bottom = ((word >> 8) & 0x1) != 0;
        e.ttl = static_cast<uint8_t>(word & 0xff);
      }
    }
    offset += object_len;
  }
  return true;
}

// An error body split into the original datagram and the RFC 4884 extension structure.
struct QuoteLayout {
  size_t original_len = 0;
  const uint8_t* ext = nullptr;
  size_t ext_len = 0;
};

// `declared` is the RFC 4884 length field in bytes (0: none).
QuoteLayout SplitQuote(const uint8_t* body, size_t body_len, size_t declared) {
  QuoteLayout layout{body_len};
  if (declared != 0 && declared <= body_len) {
    layout.original_len = declared;
    if (body_len > declared) {
      layout.ext = body + declared;
      layout.ext_len = body_len - declared;
    }
  } else if (declared == 0 && body_len > kRfc4884OriginalMin + kExtensionHeaderLen &&
             IsExtensionHeader(body + kRfc4884OriginalMin, body_len - kRfc4884OriginalMin)) {
    // Pre-RFC 4884 implementations append extensions after a fixed 128-byte quote
    // with the length field left zero.
    layout.original_len = kRfc4884OriginalMin;
    layout.ext = body + kRfc4884OriginalMin;
    layout.ext_len = body_len - kRfc4884OriginalMin;
  }
  return layout;
}

// Points the quote at its transport bytes and decodes the extensions, once quote->ip is read.
void FinishQuote(const uint8_t* body, const QuoteLayout& layout, IcmpQuote* quote) {
  quote->transport = body + quote->ip.header_len;
  quote->transport_len = layout.original_len - quote->ip.header_len;
  // Padding (RFC 4884 pads the quote to 128 bytes) is not part of the datagram: bound the
  // transport bytes by the quoted total length when that length is plausible.
  size_t quoted_payload = quote->ip.total_len >= quote->ip.header_len
                              ? size_t{quote->ip.total_len} - quote->ip.header_len
                              : 0;
  if (quoted_payload >= kQuotedTransportMin && quoted_payload < quote->transport_len) {
    quote->transport_len = quoted_payload;
  }
  if (layout.ext != nullptr) {
    quote->has_extensions = DecodeExtensions(layout.ext, layout.ext_len, &quote->mpls);
  }
}

void ParseIcmpQuote(const uint8_t* icmp, size_t icmp_len, ParsedPacket* out) {
  const uint8_t* body = icmp + kIcmpHeaderLen;
  // RFC 4884 length field (octet 5, in 32-bit words) bounds the original datagram.
  QuoteLayout layout = SplitQuote(body, icmp_len - kIcmpHeaderLen, size_t{icmp[5]} * 4);
  if (!ReadIpv4Header(body, layout.original_len, &out->quote.ip)) return;
  out->has_quote = true;
  FinishQuote(body, layout, &out->quote);
}

void ParseIcmpv6Quote(const uint8_t* icmp, size_t icmp_len, ParsedPacket* out) {
  const uint8_t* body = icmp + kIcmpv6HeaderLen;
  size_t body_len = icmp_len - kIcmpv6HeaderLen;
  // RFC 4884 length field (octet 4, in 64-bit words), only where the type defines it:
  // octets 4-7 of packet too big and parameter problem are the MTU and the pointer.
  QuoteLayout layout{body_len};
  if (Icmpv6TypeHasLength(icmp[0])) layout = SplitQuote(body, body_len, size_t{icmp[4]} * 8);
  IcmpQuote& quote = out->quote;
  if (!ReadIpv6FixedHeader(body, layout.original_len, &quote.ip)) return;
  ParseStatus chain = WalkIpv6ExtensionHeaders(body, layout.original_len, &quote.ip);
  if (chain != ParseStatus::kOk && chain != ParseStatus::kFragment) return;
  out->has_quote = true;
  FinishQuote(body, layout, &quote);
  // A quoted non-first fragment has no transport header, whatever bytes follow.
  if (chain == ParseStatus::kFragment) quote.transport_len = 0;
}

void ReadIcmpHeader(const uint8_t* l4, size_t l4_len, IcmpFields* icmp) {
  icmp->type = l4[0];
  icmp->code = l4[1];
  icmp->checksum = LoadBe16(l4 + 2);
  icmp->id = LoadBe16(l4 + 4);
  icmp->seq = LoadBe16(l4 + 6);
  icmp->payload = l4 + kIcmpHeaderLen;
  icmp->payload_len = l4_len - kIcmpHeaderLen;
}

// The RFC 7323 timestamp option among `len` bytes of TCP options.
void ReadTcpTimestamp(const uint8_t* options, size_t len, TcpFields* out) {
  size_t i = 0;
  while (i < len) {
    uint8_t kind = options[i];
    if (kind == kTcpOptionEnd) return;
    if (kind == kTcpOptionNop) {
      ++i;
      continue;
    }
    if (i + 1 >= len) return;
    size_t option_len = options[i + 1];
    if (option_len < 2 || option_len > len - i) return;
    if (kind == kTcpOptionTimestamp && option_len == kTcpTimestampLen) {
      out->has_timestamp = true;
      out->tsval = LoadBe32(options + i + 2);
      out->tsecr = LoadBe32(options + i + 6);
      return;
    }
    i += option_len;
  }
}

ParseStatus ParseTcp(const uint8_t* l4, size_t l4_len, ParsedPacket* out) {
  if (l4_len < kTcpMinHeaderLen) return ParseStatus::kTruncated;
  size_t data_offset = static_cast<size_t>(l4[12] >> 4) * 4;
  if (data_offset < kTcpMinHeaderLen || data_offset > l4_len) return ParseStatus::kTruncated;
  out->has_tcp = true;
  ClearPart(&out->tcp);
  ReadTcpPrefix(l4, l4_len, &out->tcp);
  if (data_offset > kTcpMinHeaderLen) {
    ReadTcpTimestamp(l4 + kTcpMinHeaderLen, data_offset - kTcpMinHeaderLen, &out->tcp);
  }
  return ParseStatus::kOk;
}

ParseStatus ParseIcmp(const uint8_t* l4, size_t l4_len, ParsedPacket* out) {
  if (l4_len < kIcmpHeaderLen) return ParseStatus::kTruncated;
  out->has_icmp = true;
  ClearPart(&out->icmp);
  ReadIcmpHeader(l4, l4_len, &out->icmp);
  if (IcmpTypeQuotes(out->icmp.type)) {
    ClearPart(&out->quote);
    ParseIcmpQuote(l4, l4_len, out);
  }
  return ParseStatus::kOk;
}

ParseStatus ParseIcmpv6(const uint8_t* l4, size_t l4_len, ParsedPacket* out) {
  if (l4_len < kIcmpv6HeaderLen) return ParseStatus::kTruncated;
  out->has_icmp = true;
  IcmpFields& icmp = out->icmp;
  ClearPart(&icmp);
  ReadIcmpHeader(l4, l4_len, &icmp);
  if (icmp.type == kIcmpv6PacketTooBig) icmp.mtu = LoadBe32(l4 + 4);
  if (icmp.type == kIcmpv6ParamProblem) icmp.pointer = LoadBe32(l4 + 4);
  if (Icmpv6TypeQuotes(icmp.type)) {
    ClearPart(&out->quote);
    ParseIcmpv6Quote(l4, l4_len, out);
  }
  return ParseStatus::kOk;
}

}  // namespace

void ReadTcpPrefix(const uint8_t* tcp, size_t len, TcpFields* out) {
  out->sport = LoadBe16(tcp);
  out->dport = LoadBe16(tcp + 2);
  out->seq = LoadBe32(tcp + 4);
  if (len >= 14) {
    out->ack = LoadBe32(tcp + 8);
    out->flags = tcp[13];
  }
  if (len >= 16) out->window = LoadBe16(tcp + 14);
}

void ReadTcpHeader(const uint8_t* tcp, size_t len, TcpFields* out) {
  ReadTcpPrefix(tcp, len, out);
  if (len < kTcpMinHeaderLen) return;
  size_t data_offset = static_cast<size_t>(tcp[12] >> 4) * 4;
  if (data_offset < kTcpMinHeaderLen || data_offset > len) return;
  ReadTcpTimestamp(tcp + kTcpMinHeaderLen, data_offset - kTcpMinHeaderLen, out);
}

ParseStatus ParseIpv4Packet(const uint8_t* packet, size_t len, ParsedPacket* out) {
  Clear(out);
  if (len < kIpv4MinHeaderLen) return ParseStatus::kTruncated;
  if (IpVersion(packet) != kIpv4Version || Ipv4HeaderLen(packet) < kIpv4MinHeaderLen) {
    return ParseStatus::kBadHeader;
  }
  if (!ReadIpv4Header(packet, len, &out->ip)) return ParseStatus::kTruncated;
  const IpFields& ip = out->ip;
  if (ip.total_len < ip.header_len) return ParseStatus::kBadHeader;
  if ((ip.frag & 0x1fff) != 0) return ParseStatus::kFragment;
  // Trailing link padding beyond total_len is ignored; a capture cut short by snaplen
  // keeps what it has.
  size_t packet_len = ip.total_len < len ? ip.total_len : len;
  const uint8_t* l4 = packet + ip.header_len;
  size_t l4_len = packet_len - ip.header_len;
  if (ip.protocol == kProtoTcp) return ParseTcp(l4, l4_len, out);
  if (ip.protocol == kProtoIcmp) return ParseIcmp(l4, l4_len, out);
  return ParseStatus::kUnsupported;
}

ParseStatus ParseIpv6Packet(const uint8_t* packet, size_t len, ParsedPacket* out) {
  Clear(out);
  if (len < kIpv6HeaderLen) return ParseStatus::kTruncated;
  if (!ReadIpv6FixedHeader(packet, len, &out->ip)) return ParseStatus::kBadHeader;
  // As for IPv4: link padding beyond the payload length is ignored, a capture cut short
  // keeps what it has.
  size_t packet_len = out->ip.total_len < len ? out->ip.total_len : len;
  ParseStatus chain = WalkIpv6ExtensionHeaders(packet, packet_len, &out->ip);
  if (chain != ParseStatus::kOk) return chain;
  const IpFields& ip = out->ip;
  const uint8_t* l4 = packet + ip.header_len;
  size_t l4_len = packet_len - ip.header_len;
  if (ip.protocol == kProtoTcp) return ParseTcp(l4, l4_len, out);
  if (ip.protocol == kProtoIcmpv6) return ParseIcmpv6(l4, l4_len, out);
  return ParseStatus::kUnsupported;
}

ParseStatus ParsePacket(const uint8_t* packet, size_t len, ParsedPacket* out) {
  if (len != 0 && IpVersion(packet) == kIpv6Version) return ParseIpv6Packet(packet, len, out);
  // Everything else gets the IPv4 parser's answer (kTruncated, kBadHeader, ...).
  return ParseIpv4Packet(packet, len, out);
}

}  // namespace cutpoint::wire
