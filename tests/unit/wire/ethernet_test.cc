// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/ethernet.h"

#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>

#include <cstring>
#include <vector>

#include "engine/wire/frame.h"
#include "gtest/gtest.h"

namespace cutpoint::wire {
namespace {

constexpr MacAddress kGateway = {0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e};
constexpr MacAddress kOwn = {0x02, 0xc0, 0xff, 0xee, 0x00, 0x01};
constexpr MacAddress kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

Tins::EthernetII::address_type TinsMac(const MacAddress& mac) {
  return Tins::EthernetII::address_type(mac.data());
}

EthernetHeader Write(const MacAddress& destination, const MacAddress& source, uint16_t ethertype) {
  EthernetHeader header;
  header.fill(0xa5);  // every byte must be written
  WriteEthernetHeader(destination, source, ethertype, header.data());
  return header;
}

TEST(EthernetTest, HeaderSizesAreThoseOfEthernetII) {
  EXPECT_EQ(kMacLen, 6u);
  EXPECT_EQ(kEthernetHeaderLen, 14u);
  EXPECT_EQ(kEthernetHeaderLen, Tins::EthernetII().header_size());
}

// libtins serialises an Ethernet II header of its own for the same fields: the bytes are
// the same, and libtins reads ours back field by field.
TEST(EthernetTest, HeaderMatchesLibtins) {
  struct Case {
    MacAddress destination;
    MacAddress source;
    uint16_t ethertype;
  };
  for (const Case& c : {Case{kGateway, kOwn, kEtherTypeIpv4}, Case{kBroadcast, kOwn, 0x0806},
                        Case{kOwn, kGateway, 0x86dd}, Case{kGateway, kOwn, kEtherTypeVlan},
                        Case{MacAddress{}, MacAddress{}, 0xffff}}) {
    EthernetHeader ours = Write(c.destination, c.source, c.ethertype);

    // libtins writes the EtherType only in front of a payload (a raw one keeps ours).
    Tins::EthernetII theirs = Tins::EthernetII(TinsMac(c.destination), TinsMac(c.source)) /
                              Tins::RawPDU(std::vector<uint8_t>{0});
    theirs.payload_type(c.ethertype);
    Tins::PDU::serialization_type expected = theirs.serialize();
    ASSERT_GE(expected.size(), kEthernetHeaderLen);
    EXPECT_EQ(std::vector<uint8_t>(ours.begin(), ours.end()),
              std::vector<uint8_t>(expected.begin(), expected.begin() + kEthernetHeaderLen))
        << "ethertype " << c.ethertype;

    Tins::EthernetII parsed(ours.data(), static_cast<uint32_t>(ours.size()));
    EXPECT_EQ(parsed.dst_addr(), TinsMac(c.destination));
    EXPECT_EQ(parsed.src_addr(), TinsMac(c.source));
    EXPECT_EQ(parsed.payload_type(), c.ethertype);
  }
}

// A whole probe frame as the Ethernet senders build it (header + IPv4 bytes) is the frame
// libtins builds for the same addresses and packet, and LocateIpv4 finds the packet in it.
TEST(EthernetTest, ProbeFrameMatchesLibtinsAndParsesBack) {
  Tins::IP ip("192.0.2.1", "198.18.0.1");
  ip.ttl(7);
  ip.id(0x1234);
  ip /= Tins::RawPDU(std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
  Tins::PDU::serialization_type packet = ip.serialize();

  std::vector<uint8_t> ours(kEthernetHeaderLen + packet.size());
  WriteEthernetHeader(kGateway, kOwn, kEtherTypeIpv4, ours.data());
  std::memcpy(ours.data() + kEthernetHeaderLen, packet.data(), packet.size());

  Tins::EthernetII frame = Tins::EthernetII(TinsMac(kGateway), TinsMac(kOwn)) / ip;
  Tins::PDU::serialization_type expected = frame.serialize();
  ASSERT_GE(expected.size(), ours.size());
  EXPECT_EQ(ours, std::vector<uint8_t>(expected.begin(), expected.begin() + ours.size()));

  FrameView view;
  ASSERT_EQ(LocateIpv4(LinkType::kEthernet, ours.data(), ours.size(), &view), FrameStatus::kIpv4);
  EXPECT_EQ(view.l3, ours.data() + kEthernetHeaderLen);
  EXPECT_EQ(view.l3_len, packet.size());
}

}  // namespace
}  // namespace cutpoint::wire
