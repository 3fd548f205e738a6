// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/frame.h"

#include <cstring>
#include <memory>
#include <vector>

#include <tins/dot1q.h>
#include <tins/ethernetII.h>
#include <tins/loopback.h>
#include <tins/sll.h>

#include "gtest/gtest.h"
#include "test_util.h"
#include "wire/ipv6_test_packets.h"

namespace cutpoint::wire {
namespace {

using testutil::Bytes;

Bytes SamplePacket() {
  testutil::Ipv4Spec ip;
  ip.src = testutil::Ip(185, 70, 40, 101);
  ip.dst = testutil::Ip(192, 0, 2, 1);
  ip.id = 0x1234;
  testutil::TcpSpec tcp;
  tcp.sport = 443;
  tcp.dport = 40000;
  tcp.flags = 0x12;
  return testutil::BuildTcpPacket(ip, tcp);
}

// Runs LocateIpv4 on an exactly-sized heap copy so ASan catches any over-read.
FrameStatus Locate(LinkType link, const Bytes& frame, FrameView* view) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[frame.size() == 0 ? 1 : frame.size()]);
  if (!frame.empty()) std::memcpy(copy.get(), frame.data(), frame.size());
  FrameView local;
  FrameStatus status = LocateIpv4(link, frame.empty() ? nullptr : copy.get(), frame.size(), &local);
  if (status == FrameStatus::kIpv4) {
    EXPECT_GE(local.l3, copy.get());
    EXPECT_LE(local.l3 + local.l3_len, copy.get() + frame.size());
    // Translate to an offset into the original for the caller.
    view->l3 = frame.data() + (local.l3 - copy.get());
    view->l3_len = local.l3_len;
  }
  return status;
}

struct FrameCase {
  const char* name;
  LinkType link;
  Bytes frame;
  size_t header_len;
};

std::vector<FrameCase> ValidFrames() {
  Bytes ip = SamplePacket();
  return {
      {"ethernet", LinkType::kEthernet, testutil::WrapEthernet(ip), 14},
      {"ethernet-8021q", LinkType::kEthernet, testutil::WrapEthernet(ip, {0x8100}), 18},
      {"ethernet-qinq-88a8", LinkType::kEthernet, testutil::WrapEthernet(ip, {0x88a8, 0x8100}), 22},
      {"ethernet-qinq-9100", LinkType::kEthernet, testutil::WrapEthernet(ip, {0x9100, 0x8100}), 22},
      {"linux-sll", LinkType::kLinuxSll, testutil::WrapSll(ip), 16},
      {"linux-sll2", LinkType::kLinuxSll2, testutil::WrapSll2(ip), 20},
      {"raw", LinkType::kRaw, ip, 0},
      {"ipv4", LinkType::kIpv4, ip, 0},
      {"null-le", LinkType::kNull, testutil::WrapNull(ip, 2, false), 4},
      {"null-be", LinkType::kNull, testutil::WrapNull(ip, 2, true), 4},
      {"loop", LinkType::kLoop, testutil::WrapNull(ip, 2, true), 4},
  };
}

TEST(FrameTest, LocatesIpv4InEveryLinkType) {
  Bytes ip = SamplePacket();
  for (const FrameCase& c : ValidFrames()) {
    SCOPED_TRACE(c.name);
    FrameView view;
    ASSERT_EQ(Locate(c.link, c.frame, &view), FrameStatus::kIpv4);
    EXPECT_EQ(view.l3, c.frame.data() + c.header_len);
    EXPECT_EQ(view.l3_len, ip.size());
    EXPECT_EQ(0, std::memcmp(view.l3, ip.data(), ip.size()));
  }
}

TEST(FrameTest, TrailingPaddingStaysInView) {
  Bytes frame = testutil::WrapEthernet(SamplePacket());
  frame.resize(frame.size() + 6, 0);  // Ethernet minimum-size padding
  FrameView view;
  ASSERT_EQ(Locate(LinkType::kEthernet, frame, &view), FrameStatus::kIpv4);
  EXPECT_EQ(view.l3_len, frame.size() - 14);
}

TEST(FrameTest, NonIpv4Payloads) {
  Bytes ip = SamplePacket();
  Bytes ipv6(40, 0);
  ipv6[0] = 0x60;
  FrameView view;
  EXPECT_EQ(Locate(LinkType::kEthernet, testutil::WrapEthernet(ip, {}, 0x0806), &view),
            FrameStatus::kNotIp);  // ARP
  EXPECT_EQ(Locate(LinkType::kEthernet, testutil::WrapEthernet(ipv6, {}, 0x86dd), &view),
            FrameStatus::kNotIp);
  EXPECT_EQ(Locate(LinkType::kEthernet, testutil::WrapEthernet(ipv6, {0x8100}, 0x86dd), &view),
            FrameStatus::kNotIp);
  EXPECT_EQ(Locate(LinkType::kLinuxSll, testutil::WrapSll(ipv6, 0x86dd), &view),
            FrameStatus::kNotIp);
  EXPECT_EQ(Locate(LinkType::kLinuxSll2, testutil::WrapSll2(ipv6, 0x86dd), &view),
            FrameStatus::kNotIp);
  EXPECT_EQ(Locate(LinkType::kRaw, ipv6, &view), FrameStatus::kNotIp);
  EXPECT_EQ(Locate(LinkType::kIpv4, ipv6, &view), FrameStatus::kNotIp);
  // AF_INET6 is 24/28/30 depending on the BSD; none of them is AF_INET (2).
  EXPECT_EQ(Locate(LinkType::kNull, testutil::WrapNull(ipv6, 24, false), &view),
            FrameStatus::kNotIp);
  EXPECT_EQ(Locate(LinkType::kNull, testutil::WrapNull(ipv6, 30, true), &view),
            FrameStatus::kNotIp);
  EXPECT_EQ(Locate(LinkType::kLoop, testutil::WrapNull(ipv6, 24, true), &view),
            FrameStatus::kNotIp);
  // AF_INET header but the payload is not version 4.
  EXPECT_EQ(Locate(LinkType::kNull, testutil::WrapNull(ipv6, 2, false), &view),
            FrameStatus::kNotIp);
}

TEST(FrameTest, TooManyVlanTagsIsNotIpv4) {
  Bytes frame = testutil::WrapEthernet(SamplePacket(), {0x88a8, 0x8100, 0x8100, 0x8100, 0x8100});
  FrameView view;
  EXPECT_EQ(Locate(LinkType::kEthernet, frame, &view), FrameStatus::kNotIp);
}

TEST(FrameTest, TruncatedHeaders) {
  FrameView view;
  EXPECT_EQ(Locate(LinkType::kEthernet, Bytes(13, 0), &view), FrameStatus::kTruncated);
  EXPECT_EQ(Locate(LinkType::kLinuxSll, Bytes(15, 0), &view), FrameStatus::kTruncated);
  EXPECT_EQ(Locate(LinkType::kLinuxSll2, Bytes(19, 0), &view), FrameStatus::kTruncated);
  EXPECT_EQ(Locate(LinkType::kNull, Bytes(3, 0), &view), FrameStatus::kTruncated);
  EXPECT_EQ(Locate(LinkType::kLoop, Bytes(3, 0), &view), FrameStatus::kTruncated);
  EXPECT_EQ(Locate(LinkType::kRaw, Bytes(), &view), FrameStatus::kTruncated);
  EXPECT_EQ(Locate(LinkType::kIpv4, Bytes(), &view), FrameStatus::kTruncated);
  // Header complete but nothing after it.
  Bytes eth = testutil::WrapEthernet(SamplePacket());
  EXPECT_EQ(Locate(LinkType::kEthernet, Bytes(eth.begin(), eth.begin() + 14), &view),
            FrameStatus::kTruncated);
  Bytes tagged = testutil::WrapEthernet(SamplePacket(), {0x8100});
  EXPECT_EQ(Locate(LinkType::kEthernet, Bytes(tagged.begin(), tagged.begin() + 16), &view),
            FrameStatus::kTruncated);  // tag present, inner ethertype cut
  EXPECT_EQ(Locate(LinkType::kEthernet, Bytes(tagged.begin(), tagged.begin() + 18), &view),
            FrameStatus::kTruncated);
  Bytes null = testutil::WrapNull(SamplePacket(), 2, false);
  EXPECT_EQ(Locate(LinkType::kNull, Bytes(null.begin(), null.begin() + 4), &view),
            FrameStatus::kTruncated);
}

TEST(FrameTest, EveryPrefixOfEveryFrameIsSafe) {
  for (const FrameCase& c : ValidFrames()) {
    SCOPED_TRACE(c.name);
    for (size_t len = 0; len <= c.frame.size(); ++len) {
      Bytes prefix(c.frame.begin(), c.frame.begin() + static_cast<long>(len));
      FrameView view;
      FrameStatus status = Locate(c.link, prefix, &view);
      if (len <= c.header_len) {
        EXPECT_EQ(status, FrameStatus::kTruncated) << "len " << len;
      } else {
        ASSERT_EQ(status, FrameStatus::kIpv4) << "len " << len;
        EXPECT_EQ(view.l3_len, len - c.header_len);
      }
    }
  }
}

TEST(FrameTest, LinkTypeNumbersAndNames) {
  struct Case { uint32_t number; LinkType link; const char* name; };
  const Case cases[] = {{0, LinkType::kNull, "null"},       {1, LinkType::kEthernet, "ethernet"},
                        {101, LinkType::kRaw, "raw"},       {108, LinkType::kLoop, "loop"},
                        {113, LinkType::kLinuxSll, "linux-sll"}, {228, LinkType::kIpv4, "ipv4"},
                        {229, LinkType::kIpv6, "ipv6"},   {276, LinkType::kLinuxSll2, "linux-sll2"}};
  for (const Case& c : cases) {
    EXPECT_EQ(LinkTypeFromNumber(c.number), c.link);
    EXPECT_EQ(LinkTypeName(c.link), c.name);
  }
  for (uint32_t bad : {2u, 12u, 14u, 105u, 127u, 147u, 230u, 0xffffffffu}) {
    EXPECT_FALSE(LinkTypeFromNumber(bad).has_value()) << bad;
  }
}

// LocateIp ----------------------------------------------------------------------------------

// LocateIp on an exactly-sized heap copy; the view is translated back into `frame`.
FrameStatus LocateAny(LinkType link, const Bytes& frame, FrameView* view) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[frame.size() == 0 ? 1 : frame.size()]);
  if (!frame.empty()) std::memcpy(copy.get(), frame.data(), frame.size());
  FrameView local;
  FrameStatus status = LocateIp(link, frame.empty() ? nullptr : copy.get(), frame.size(), &local);
  if (status == FrameStatus::kIpv4 || status == FrameStatus::kIpv6) {
    EXPECT_GE(local.l3, copy.get());
    EXPECT_LE(local.l3 + local.l3_len, copy.get() + frame.size());
    view->l3 = frame.data() + (local.l3 - copy.get());
    view->l3_len = local.l3_len;
  }
  return status;
}

Bytes Ipv6Packet() { return v6test::SynProbe(9); }

std::vector<FrameCase> ValidIpv6Frames() {
  Bytes ip = Ipv6Packet();
  std::vector<FrameCase> cases = {
      {"ethernet", LinkType::kEthernet, testutil::WrapEthernet(ip, {}, 0x86dd), 14},
      {"ethernet-8021q", LinkType::kEthernet, testutil::WrapEthernet(ip, {0x8100}, 0x86dd), 18},
      {"ethernet-qinq-88a8", LinkType::kEthernet,
       testutil::WrapEthernet(ip, {0x88a8, 0x8100}, 0x86dd), 22},
      {"ethernet-qinq-9100", LinkType::kEthernet,
       testutil::WrapEthernet(ip, {0x9100, 0x8100}, 0x86dd), 22},
      {"linux-sll", LinkType::kLinuxSll, testutil::WrapSll(ip, 0x86dd), 16},
      {"linux-sll2", LinkType::kLinuxSll2, testutil::WrapSll2(ip, 0x86dd), 20},
      {"raw", LinkType::kRaw, ip, 0},
      {"ipv6", LinkType::kIpv6, ip, 0},
  };
  // AF_INET6: Linux, NetBSD/OpenBSD, FreeBSD, macOS; null in either order, loop in network order.
  for (uint32_t family : {10u, 24u, 28u, 30u}) {
    cases.push_back({"null-le", LinkType::kNull, testutil::WrapNull(ip, family, false), 4});
    cases.push_back({"null-be", LinkType::kNull, testutil::WrapNull(ip, family, true), 4});
    cases.push_back({"loop", LinkType::kLoop, testutil::WrapNull(ip, family, true), 4});
  }
  return cases;
}

TEST(FrameTest, LocatesIpv6InEveryLinkType) {
  Bytes ip = Ipv6Packet();
  for (const FrameCase& c : ValidIpv6Frames()) {
    SCOPED_TRACE(testing::Message() << c.name << " " << testutil::Hex(c.frame.data(), 4));
    FrameView view;
    ASSERT_EQ(LocateAny(c.link, c.frame, &view), FrameStatus::kIpv6);
    EXPECT_EQ(view.l3, c.frame.data() + c.header_len);
    EXPECT_EQ(view.l3_len, ip.size());
    EXPECT_EQ(0, std::memcmp(view.l3, ip.data(), ip.size()));
    // The IPv4-only view does not see it.
    FrameView unused;
    EXPECT_EQ(Locate(c.link, c.frame, &unused), FrameStatus::kNotIp);
  }
}

TEST(FrameTest, LocateIpStillFindsIpv4Everywhere) {
  Bytes ip = SamplePacket();
  for (const FrameCase& c : ValidFrames()) {
    SCOPED_TRACE(c.name);
    FrameView view;
    ASSERT_EQ(LocateAny(c.link, c.frame, &view), FrameStatus::kIpv4);
    EXPECT_EQ(view.l3, c.frame.data() + c.header_len);
    EXPECT_EQ(view.l3_len, ip.size());
  }
}

// Frames libtins builds around the same IPv6 packet.
TEST(FrameTest, LocatesIpv6InLibtinsFrames) {
  Bytes ip = Ipv6Packet();
  Tins::IPv6 packet(ip.data(), static_cast<uint32_t>(ip.size()));
  struct Case {
    const char* name;
    LinkType link;
    Tins::PDU::serialization_type frame;
  };
  Tins::SLL sll;
  sll.protocol(0x86dd);
  const Case cases[] = {
      {"ethernet", LinkType::kEthernet, (Tins::EthernetII() / packet).serialize()},
      {"8021q", LinkType::kEthernet,
       (Tins::EthernetII() / Tins::Dot1Q(10) / packet).serialize()},
      {"sll", LinkType::kLinuxSll, (sll / packet).serialize()},
      {"loopback", LinkType::kNull, (Tins::Loopback() / packet).serialize()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes frame(c.frame.begin(), c.frame.end());
    FrameView view;
    ASSERT_EQ(LocateAny(c.link, frame, &view), FrameStatus::kIpv6);
    EXPECT_EQ(Bytes(view.l3, view.l3 + view.l3_len), ip);
  }
}

TEST(FrameTest, VersionAndFamilyMustAgree) {
  Bytes v4 = SamplePacket();
  Bytes v6 = Ipv6Packet();
  Bytes v5 = v6;
  v5[0] = 0x50;
  FrameView view;
  EXPECT_EQ(LocateAny(LinkType::kIpv4, v6, &view), FrameStatus::kNotIp);
  EXPECT_EQ(LocateAny(LinkType::kIpv6, v4, &view), FrameStatus::kNotIp);
  EXPECT_EQ(LocateAny(LinkType::kRaw, v5, &view), FrameStatus::kNotIp);
  EXPECT_EQ(LocateAny(LinkType::kIpv6, v5, &view), FrameStatus::kNotIp);
  EXPECT_EQ(LocateAny(LinkType::kNull, testutil::WrapNull(v6, 2, false), &view),
            FrameStatus::kNotIp);  // AF_INET, IPv6 inside
  EXPECT_EQ(LocateAny(LinkType::kNull, testutil::WrapNull(v4, 30, false), &view),
            FrameStatus::kNotIp);  // AF_INET6, IPv4 inside
  EXPECT_EQ(LocateAny(LinkType::kLoop, testutil::WrapNull(v6, 11, true), &view),
            FrameStatus::kNotIp);  // no AF_INET6 anywhere
  EXPECT_EQ(LocateAny(LinkType::kEthernet, testutil::WrapEthernet(v6, {}, 0x0806), &view),
            FrameStatus::kNotIp);  // ARP
  EXPECT_EQ(LocateAny(LinkType::kLinuxSll2, testutil::WrapSll2(v6, 0x88cc), &view),
            FrameStatus::kNotIp);  // LLDP
  // The link type decides for typed links; the parser checks the version nibble.
  EXPECT_EQ(LocateAny(LinkType::kEthernet, testutil::WrapEthernet(v4, {}, 0x86dd), &view),
            FrameStatus::kIpv6);
}

TEST(FrameTest, EveryPrefixOfEveryIpv6FrameIsSafe) {
  for (const FrameCase& c : ValidIpv6Frames()) {
    SCOPED_TRACE(c.name);
    for (size_t len = 0; len <= c.frame.size(); ++len) {
      Bytes prefix(c.frame.begin(), c.frame.begin() + static_cast<long>(len));
      FrameView view;
      FrameStatus status = LocateAny(c.link, prefix, &view);
      if (len <= c.header_len) {
        EXPECT_EQ(status, FrameStatus::kTruncated) << "len " << len;
      } else {
        ASSERT_EQ(status, FrameStatus::kIpv6) << "len " << len;
        EXPECT_EQ(view.l3_len, len - c.header_len);
      }
    }
  }
}

}  // namespace
}  // namespace cutpoint::wire
