// Fuzzes ICMP error quotes: builds a well-formed outer IPv4 + ICMP error header from the
// router to the scanner around the fuzz bytes, so the fuzzer spends its effort on the
// quoted datagram and RFC 4884 extensions (RFC 4950 MPLS label stacks), not on getting
// the outer headers right.
//
// Input: byte 0 picks the ICMP type among 3/11/12/4/5, byte 1 is the code, byte 2 is the
// RFC 4884 length field (ICMP header octet 5, in 32-bit words), byte 3 selects the link
// framing; the rest is the ICMP body (the quote and any extension structure).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "engine/wire/protocol.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/fuzz_match.h"

namespace {

constexpr uint8_t kErrorTypes[] = {3, 11, 12, 4, 5};
constexpr size_t kInputHeader = 4;
constexpr size_t kMaxBody = 65535 - 20 - 8;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cutpoint;
  if (size < kInputHeader) return 0;
  size_t body_len = size - kInputHeader;
  if (body_len > kMaxBody) return 0;
  const uint8_t* body = data + kInputHeader;
  size_t packet_len = 20 + 8 + body_len;

  // An exact-size heap buffer so ASan sees any read past the packet.
  std::unique_ptr<uint8_t[]> packet(new uint8_t[packet_len]);
  uint8_t* ip = packet.get();
  uint8_t* icmp = ip + 20;
  fuzz::WriteIpv4Header(ip, static_cast<uint16_t>(packet_len), 0x1234, 250, wire::kProtoIcmp,
                        fuzz::kRouter, fuzz::kSource);
  icmp[0] = kErrorTypes[data[0] % sizeof(kErrorTypes)];
  icmp[1] = data[1];
  wire::StoreBe16(icmp + 2, 0);
  icmp[4] = 0;
  icmp[5] = data[2];  // RFC 4884 length of the original datagram, in 32-bit words
  icmp[6] = 0;
  icmp[7] = 0;
  if (body_len > 0) std::memcpy(icmp + 8, body, body_len);
  wire::StoreBe16(icmp + 2, wire::InternetChecksum(icmp, 8 + body_len));

  wire::ParsedPacket parsed;
  wire::ParseStatus status = fuzz::ParseAndCheck(ip, packet_len, &parsed);
  // The outer headers are always well-formed.
  FUZZ_CHECK(status == wire::ParseStatus::kOk && parsed.has_icmp);
  FUZZ_CHECK(parsed.icmp.payload_len == body_len);
  if (parsed.has_quote) {
    // The quote never extends past the RFC 4884 length when one is declared.
    size_t declared = size_t{data[2]} * 4;
    if (declared != 0 && declared <= body_len) {
      FUZZ_CHECK(parsed.quote.ip.header_len + parsed.quote.transport_len <= declared);
    }
  }

  bool matched = fuzz::MatchAndCheck(wire::LinkType::kRaw, ip, packet_len, fuzz::kRecvTimeUs);

  // The same packet behind a link header matches the same way.
  wire::LinkType link = fuzz::kLinkTypes[data[3] % fuzz::kLinkTypeCount];
  std::vector<uint8_t> framed = fuzz::Frame(link, std::vector<uint8_t>(ip, ip + packet_len));
  std::unique_ptr<uint8_t[]> frame(new uint8_t[framed.size()]);
  std::memcpy(frame.get(), framed.data(), framed.size());
  FUZZ_CHECK(fuzz::MatchAndCheck(link, frame.get(), framed.size(), fuzz::kRecvTimeUs) == matched);
  return 0;
}
