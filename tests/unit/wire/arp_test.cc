// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/arp.h"

#include <tins/arp.h>
#include <tins/ethernetII.h>
#include <tins/hw_address.h>
#include <tins/ip_address.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cutpoint::wire {
namespace {

constexpr MacAddress kOwn = {0x02, 0xc0, 0xff, 0xee, 0x00, 0x01};
constexpr MacAddress kGateway = {0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e};
constexpr uint32_t kOwnIp = 0xc612c802;      // 198.18.200.2
constexpr uint32_t kGatewayIp = 0xc612c801;  // 198.18.200.1

Tins::HWAddress<6> TinsMac(const MacAddress& mac) { return Tins::HWAddress<6>(mac.data()); }
Tins::IPv4Address TinsIp(uint32_t ip) { return Tins::IPv4Address(__builtin_bswap32(ip)); }

std::string Hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  char digits[4];
  for (uint8_t b : bytes) {
    std::snprintf(digits, sizeof(digits), "%02x ", b);
    out += digits;
  }
  return out;
}

// libtins pads its Ethernet frames to 60 bytes; ours stop at kArpFrameLen (the NIC pads).
void ExpectSameFrame(const std::vector<uint8_t>& ours,
                     const Tins::PDU::serialization_type& theirs) {
  ASSERT_GE(theirs.size(), kArpFrameLen);
  std::vector<uint8_t> expected(theirs.begin(), theirs.begin() + kArpFrameLen);
  EXPECT_EQ(ours, expected) << "ours:    " << Hex(ours) << "\nlibtins: " << Hex(expected);
  for (size_t i = kArpFrameLen; i < theirs.size(); ++i) EXPECT_EQ(theirs[i], 0) << i;
}

std::vector<uint8_t> Request(const MacAddress& mac, uint32_t sender_ip, uint32_t target_ip) {
  std::vector<uint8_t> frame(kArpFrameLen, 0xa5);  // every byte must be written
  EXPECT_EQ(BuildArpRequest(mac, sender_ip, target_ip, frame), kArpFrameLen);
  return frame;
}

TEST(ArpTest, RequestMatchesLibtins) {
  std::vector<uint8_t> ours = Request(kOwn, kOwnIp, kGatewayIp);
  Tins::EthernetII theirs =
      Tins::ARP::make_arp_request(TinsIp(kGatewayIp), TinsIp(kOwnIp), TinsMac(kOwn));
  ExpectSameFrame(ours, theirs.serialize());

  Tins::EthernetII parsed(ours.data(), static_cast<uint32_t>(ours.size()));
  EXPECT_EQ(parsed.dst_addr(), Tins::EthernetII::BROADCAST);
  EXPECT_EQ(parsed.src_addr(), TinsMac(kOwn));
  const Tins::ARP& arp = parsed.rfind_pdu<Tins::ARP>();
  EXPECT_EQ(arp.opcode(), Tins::ARP::REQUEST);
  EXPECT_EQ(arp.sender_ip_addr(), TinsIp(kOwnIp));
  EXPECT_EQ(arp.target_ip_addr(), TinsIp(kGatewayIp));
  EXPECT_EQ(arp.sender_hw_addr(), TinsMac(kOwn));
}

TEST(ArpTest, ReplyMatchesLibtins) {
  ArpMessage request;
  request.operation = ArpOperation::kRequest;
  request.sender_mac = kGateway;
  request.sender_ip = kGatewayIp;
  request.target_ip = kOwnIp;
  std::vector<uint8_t> ours(kArpFrameLen + 8, 0xa5);
  ASSERT_EQ(BuildArpReply(kOwn, kOwnIp, request, ours), kArpFrameLen);
  ours.resize(kArpFrameLen);
  Tins::EthernetII theirs = Tins::ARP::make_arp_reply(TinsIp(kGatewayIp), TinsIp(kOwnIp),
                                                      TinsMac(kGateway), TinsMac(kOwn));
  ExpectSameFrame(ours, theirs.serialize());
}

// libtins builds the frames; ours parses them back field by field, padding and all.
TEST(ArpTest, ParsesLibtinsFrames) {
  Tins::PDU::serialization_type reply =
      Tins::ARP::make_arp_reply(TinsIp(kOwnIp), TinsIp(kGatewayIp), TinsMac(kOwn),
                                TinsMac(kGateway))
          .serialize();
  ArpMessage message;
  ASSERT_EQ(ParseArpFrame(reply, &message), ArpParseResult::kArp);
  EXPECT_EQ(message.operation, ArpOperation::kReply);
  EXPECT_EQ(message.sender_mac, kGateway);
  EXPECT_EQ(message.sender_ip, kGatewayIp);
  EXPECT_EQ(message.target_mac, kOwn);
  EXPECT_EQ(message.target_ip, kOwnIp);
  EXPECT_FALSE(AsksFor(message, kOwnIp));

  Tins::PDU::serialization_type request =
      Tins::ARP::make_arp_request(TinsIp(kOwnIp), TinsIp(kGatewayIp), TinsMac(kGateway))
          .serialize();
  ASSERT_EQ(ParseArpFrame(request, &message), ArpParseResult::kArp);
  EXPECT_EQ(message.operation, ArpOperation::kRequest);
  EXPECT_EQ(message.sender_mac, kGateway);
  EXPECT_EQ(message.target_ip, kOwnIp);
  EXPECT_TRUE(AsksFor(message, kOwnIp));
  EXPECT_FALSE(AsksFor(message, kGatewayIp));
}

TEST(ArpTest, OwnRequestEchoedBackIsNotAnswered) {
  std::vector<uint8_t> frame = Request(kOwn, kOwnIp, kOwnIp);  // an announcement
  ArpMessage message;
  ASSERT_EQ(ParseArpFrame(frame, &message), ArpParseResult::kArp);
  EXPECT_FALSE(AsksFor(message, kOwnIp));
}

TEST(ArpTest, ShortBuffersAreNotWritten) {
  std::vector<uint8_t> small(kArpFrameLen - 1, 0xa5);
  EXPECT_EQ(BuildArpRequest(kOwn, kOwnIp, kGatewayIp, small), 0u);
  EXPECT_EQ(BuildArpReply(kOwn, kOwnIp, ArpMessage{}, small), 0u);
  for (uint8_t b : small) EXPECT_EQ(b, 0xa5);
}

TEST(ArpTest, EveryTruncationIsRefused) {
  std::vector<uint8_t> frame = Request(kOwn, kOwnIp, kGatewayIp);
  ArpMessage message;
  message.sender_ip = 7;
  for (size_t len = 0; len < kArpFrameLen; ++len) {
    ArpParseResult result = ParseArpFrame(std::span(frame.data(), len), &message);
    EXPECT_EQ(result,
              len < kEthernetHeaderLen ? ArpParseResult::kNotArp : ArpParseResult::kTruncated)
        << len;
  }
  EXPECT_EQ(message.sender_ip, 7u);  // untouched
}

TEST(ArpTest, OtherKindsAreRefused) {
  ArpMessage message;
  std::vector<uint8_t> frame = Request(kOwn, kOwnIp, kGatewayIp);
  std::vector<uint8_t> ipv4 = frame;
  ipv4[12] = 0x08;
  ipv4[13] = 0x00;
  EXPECT_EQ(ParseArpFrame(ipv4, &message), ArpParseResult::kNotArp);
  std::vector<uint8_t> tagged = frame;  // 802.1Q: not looked into
  tagged[12] = 0x81;
  tagged[13] = 0x00;
  EXPECT_EQ(ParseArpFrame(tagged, &message), ArpParseResult::kNotArp);
  struct Corruption {
    size_t offset;
    uint8_t value;
  };
  for (Corruption c : {Corruption{14, 0x01}, Corruption{15, 6},  // hardware type 257, 6
                       Corruption{16, 0x86}, Corruption{18, 8},  // protocol type, hlen
                       Corruption{19, 16}, Corruption{21, 3},    // plen, RARP request
                       Corruption{21, 0}, Corruption{20, 1}}) {  // opcode 0, 257
    std::vector<uint8_t> bad = frame;
    bad[c.offset] = c.value;
    EXPECT_EQ(ParseArpFrame(bad, &message), ArpParseResult::kUnsupported) << c.offset;
  }
}

}  // namespace
}  // namespace cutpoint::wire
