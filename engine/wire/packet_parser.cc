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

// Reads an IPv4 header; `len` may be shorter than total_len (quotes and snaplen).
bool ReadIpv4Header(const uint8_t* p, size_t len, Ipv4Fields* out) {
  if (len < kIpv4MinHeaderLen || IpVersion(p) != kIpv4Version) return false;
  size_t header_len = Ipv4HeaderLen(p);
  if (header_len < kIpv4MinHeaderLen || header_len > len) return false;
  out->header_len = static_cast<uint8_t>(header_len);
  out->tos = p[1];
  out->total_len = LoadBe16(p + 2);
  out->id = LoadBe16(p + 4);
  out->frag = LoadBe16(p + 6);
  out->ttl = p[8];
  out->protocol = p[9];
  out->src = LoadBe32(p + 12);
  out->dst = LoadBe32(p + 16);
  return true;
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

void ParseIcmpQuote(const uint8_t* icmp, size_t icmp_len, ParsedPacket* out) {
  const uint8_t* body = icmp + kIcmpHeaderLen;
  size_t body_len = icmp_len - kIcmpHeaderLen;
  // RFC 4884 length field (octet 5, in 32-bit words) bounds the original datagram.
  size_t original_len = body_len;
  size_t declared = size_t{icmp[5]} * 4;
  const uint8_t* ext = nullptr;
  size_t ext_len = 0;
  if (declared != 0 && declared <= body_len) {
    original_len = declared;
    if (body_len > declared) {
      ext = body + declared;
      ext_len = body_len - declared;
    }
  } else if (declared == 0 && body_len > kRfc4884OriginalMin + kExtensionHeaderLen &&
             IsExtensionHeader(body + kRfc4884OriginalMin, body_len - kRfc4884OriginalMin)) {
    // Pre-RFC 4884 implementations append extensions after a fixed 128-byte quote
    // with the length field left zero.
    original_len = kRfc4884OriginalMin;
    ext = body + kRfc4884OriginalMin;
    ext_len = body_len - kRfc4884OriginalMin;
  }
  IcmpQuote& quote = out->quote;
  if (!ReadIpv4Header(body, original_len, &quote.ip)) return;
  out->has_quote = true;
  quote.transport = body + quote.ip.header_len;
  quote.transport_len = original_len - quote.ip.header_len;
  // Padding (RFC 4884 pads the quote to 128 bytes) is not part of the datagram: bound the
  // transport bytes by the quoted total length when that length is plausible.
  size_t quoted_payload = quote.ip.total_len >= quote.ip.header_len
                              ? size_t{quote.ip.total_len} - quote.ip.header_len
                              : 0;
  if (quoted_payload >= kQuotedTransportMin && quoted_payload < quote.transport_len) {
    quote.transport_len = quoted_payload;
  }
  if (ext != nullptr) quote.has_extensions = DecodeExtensions(ext, ext_len, &quote.mpls);
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

ParseStatus ParseIpv4Packet(const uint8_t* packet, size_t len, ParsedPacket* out) {
  // A copy from a blank constant compiles to a dozen vector stores; `*out = {}` became a
  // `rep stos`, whose start-up cost was a sizeable share of parsing a packet.
  static constexpr ParsedPacket kBlank{};
  static_assert(std::is_trivially_copyable_v<ParsedPacket>);
  std::memcpy(out, &kBlank, sizeof(kBlank));
  if (len < kIpv4MinHeaderLen) return ParseStatus::kTruncated;
  if (IpVersion(packet) != kIpv4Version || Ipv4HeaderLen(packet) < kIpv4MinHeaderLen) {
    return ParseStatus::kBadHeader;
  }
  if (!ReadIpv4Header(packet, len, &out->ip)) return ParseStatus::kTruncated;
  const Ipv4Fields& ip = out->ip;
  if (ip.total_len < ip.header_len) return ParseStatus::kBadHeader;
  if ((ip.frag & 0x1fff) != 0) return ParseStatus::kFragment;
  // Trailing link padding beyond total_len is ignored; a capture cut short by snaplen
  // keeps what it has.
  size_t packet_len = ip.total_len < len ? ip.total_len : len;
  const uint8_t* l4 = packet + ip.header_len;
  size_t l4_len = packet_len - ip.header_len;

  if (ip.protocol == kProtoTcp) {
    if (l4_len < kTcpMinHeaderLen) return ParseStatus::kTruncated;
    size_t data_offset = static_cast<size_t>(l4[12] >> 4) * 4;
    if (data_offset < kTcpMinHeaderLen || data_offset > l4_len) return ParseStatus::kTruncated;
    out->has_tcp = true;
    ReadTcpPrefix(l4, l4_len, &out->tcp);
    return ParseStatus::kOk;
  }
  if (ip.protocol == kProtoIcmp) {
    if (l4_len < kIcmpHeaderLen) return ParseStatus::kTruncated;
    out->has_icmp = true;
    IcmpFields& icmp = out->icmp;
    icmp.type = l4[0];
    icmp.code = l4[1];
    icmp.checksum = LoadBe16(l4 + 2);
    icmp.id = LoadBe16(l4 + 4);
    icmp.seq = LoadBe16(l4 + 6);
    icmp.payload = l4 + kIcmpHeaderLen;
    icmp.payload_len = l4_len - kIcmpHeaderLen;
    if (IcmpTypeQuotes(icmp.type)) ParseIcmpQuote(l4, l4_len, out);
    return ParseStatus::kOk;
  }
  return ParseStatus::kUnsupported;
}

}  // namespace cutpoint::wire
