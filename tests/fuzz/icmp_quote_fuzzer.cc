// SPDX-License-Identifier: Apache-2.0
// Fuzzes ICMP and ICMPv6 error quotes: builds a well-formed outer header (IPv4 + ICMP, or
// IPv6, optionally a hop-by-hop header, + ICMPv6) from the router to the scanner around
// the fuzz bytes, so the fuzzer spends its effort on the quoted datagram (its IPv6
// extension headers) and RFC 4884 extensions (RFC 4950 MPLS label stacks), not on getting
// the outer headers right.
//
// Input: byte 0: bit 7 picks the family (0 ICMP, 1 ICMPv6), the rest the type among
// 3/11/12/4/5 (ICMP) or 1/2/3/4 (ICMPv6); byte 1 is the code; byte 2 the RFC 4884 length
// field (ICMP octet 5 in 32-bit words; ICMPv6 octet 4 in 64-bit words, the MTU's or
// pointer's top byte for types 2 and 4); byte 3: bits 0-6 select the link framing, bit 7
// adds an 8-byte hop-by-hop header to the outer IPv6 packet; the rest is the body (the
// quote and any extension structure).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "engine/wire/protocol.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/fuzz_match.h"

namespace {

using namespace cutpoint;

constexpr uint8_t kErrorTypes[] = {3, 11, 12, 4, 5};
constexpr uint8_t kIcmpv6ErrorTypes[] = {1, 2, 3, 4};
constexpr size_t kInputHeader = 4;
constexpr size_t kHopByHopLen = 8;

struct Input {
  bool v6;
  uint8_t type;
  uint8_t code;
  uint8_t length_field;
  uint8_t link_selector;
  bool hop_by_hop;
  const uint8_t* body;
  size_t body_len;
};

Input Decode(const uint8_t* data, size_t size) {
  Input in;
  in.v6 = (data[0] & 0x80) != 0;
  uint8_t selector = data[0] & 0x7f;
  in.type = in.v6 ? kIcmpv6ErrorTypes[selector % sizeof(kIcmpv6ErrorTypes)]
                  : kErrorTypes[selector % sizeof(kErrorTypes)];
  in.code = data[1];
  in.length_field = data[2];
  in.link_selector = data[3] & 0x7f;
  in.hop_by_hop = in.v6 && (data[3] & 0x80) != 0;
  in.body = data + kInputHeader;
  in.body_len = size - kInputHeader;
  return in;
}

// IPv4 + ICMP error: 20 + 8 + body.
std::vector<uint8_t> BuildIcmp(const Input& in) {
  std::vector<uint8_t> packet(20 + 8 + in.body_len);
  uint8_t* ip = packet.data();
  uint8_t* icmp = ip + 20;
  fuzz::WriteIpv4Header(ip, static_cast<uint16_t>(packet.size()), 0x1234, 250, wire::kProtoIcmp,
                        fuzz::kRouter, fuzz::kSource);
  icmp[0] = in.type;
  icmp[1] = in.code;
  icmp[5] = in.length_field;  // RFC 4884 length of the original datagram, in 32-bit words
  if (in.body_len > 0) std::memcpy(icmp + 8, in.body, in.body_len);
  wire::StoreBe16(icmp + 2, wire::InternetChecksum(icmp, 8 + in.body_len));
  return packet;
}

// IPv6 (+ hop-by-hop) + ICMPv6 error: 40 + 8? + 8 + body.
std::vector<uint8_t> BuildIcmpv6(const Input& in) {
  size_t ext = in.hop_by_hop ? kHopByHopLen : 0;
  std::vector<uint8_t> packet(40 + ext + 8 + in.body_len);
  uint8_t* ip = packet.data();
  fuzz::WriteIpv6Header(ip, static_cast<uint16_t>(packet.size() - 40), 0x12345,
                        in.hop_by_hop ? wire::kIpv6HopByHop : wire::kProtoIcmpv6, 250,
                        fuzz::kRouter6, fuzz::kSource6);
  if (in.hop_by_hop) {
    const uint8_t pad_n[] = {wire::kProtoIcmpv6, 0, 1, 4, 0, 0, 0, 0};
    std::memcpy(ip + 40, pad_n, sizeof(pad_n));
  }
  uint8_t* icmp = ip + 40 + ext;
  icmp[0] = in.type;
  icmp[1] = in.code;
  icmp[4] = in.length_field;  // RFC 4884 length in 64-bit words (types 1 and 3)
  if (in.body_len > 0) std::memcpy(icmp + 8, in.body, in.body_len);
  wire::StoreBe16(icmp + 2, wire::TransportChecksumIpv6(ip + 8, ip + 24, wire::kProtoIcmpv6,
                                                        icmp, 8 + in.body_len));
  return packet;
}

// The quote never extends past the RFC 4884 length when one is declared.
void CheckDeclaredLength(const Input& in, const wire::ParsedPacket& parsed) {
  if (!parsed.has_quote) return;
  if (in.v6 && !wire::Icmpv6TypeHasLength(in.type)) return;
  size_t declared = size_t{in.length_field} * (in.v6 ? 8 : 4);
  if (declared != 0 && declared <= in.body_len) {
    FUZZ_CHECK(parsed.quote.ip.header_len + parsed.quote.transport_len <= declared);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kInputHeader) return 0;
  Input in = Decode(data, size);
  size_t outer = in.v6 ? 8 + (in.hop_by_hop ? kHopByHopLen : 0) : 20 + 8;
  if (in.body_len > 65535 - outer) return 0;
  std::vector<uint8_t> built = in.v6 ? BuildIcmpv6(in) : BuildIcmp(in);

  // An exact-size heap buffer so ASan sees any read past the packet.
  std::unique_ptr<uint8_t[]> packet(new uint8_t[built.size()]);
  std::memcpy(packet.get(), built.data(), built.size());
  wire::ParsedPacket parsed;
  wire::ParseStatus status = fuzz::ParseAndCheck(packet.get(), built.size(), &parsed);
  // The outer headers are always well-formed.
  FUZZ_CHECK(status == wire::ParseStatus::kOk && parsed.has_icmp);
  FUZZ_CHECK(parsed.icmp.payload_len == in.body_len);
  FUZZ_CHECK(parsed.ip.extension_count == (in.hop_by_hop ? 1 : 0));
  CheckDeclaredLength(in, parsed);

  bool matched =
      fuzz::MatchAndCheck(wire::LinkType::kRaw, packet.get(), built.size(), fuzz::kRecvTimeUs);

  // The same packet behind a link header matches the same way.
  wire::LinkType link =
      fuzz::LinkFor(fuzz::kLinkTypes[in.link_selector % fuzz::kLinkTypeCount], built);
  std::vector<uint8_t> framed = fuzz::Frame(link, built);
  std::unique_ptr<uint8_t[]> frame(new uint8_t[framed.size()]);
  std::memcpy(frame.get(), framed.data(), framed.size());
  FUZZ_CHECK(fuzz::MatchAndCheck(link, frame.get(), framed.size(), fuzz::kRecvTimeUs) == matched);
  return 0;
}
