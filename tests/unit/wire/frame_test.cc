#include "engine/wire/frame.h"

#include <cstring>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

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

}  // namespace
}  // namespace cutpoint::wire
