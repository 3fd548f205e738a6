// SPDX-License-Identifier: Apache-2.0
// The reply capture filter, compiled by libpcap and run on hand-made frames: what must
// pass (every reply kind, IPv6 replies behind extension headers) and what must not.
#include "capture/reply_filter.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cutpoint::capture {
namespace {

const wire::IpAddress kOurV4 = wire::IpAddress::V4(0xc6120001);  // 198.18.0.1
const wire::IpAddress kOurV6 = *wire::ParseIpAddress("2001:2::1");
const wire::IpAddress kOtherV6 = *wire::ParseIpAddress("2001:2::77");

using Bytes = std::vector<uint8_t>;

Bytes Ethernet(uint16_t ethertype, const Bytes& payload) {
  Bytes frame(14 + payload.size(), 0x02);
  frame[12] = static_cast<uint8_t>(ethertype >> 8);
  frame[13] = static_cast<uint8_t>(ethertype);
  std::copy(payload.begin(), payload.end(), frame.begin() + 14);
  return frame;
}

// IPv6 header (next header `next`) to `dst`, then `rest`.
Bytes Ipv6(const wire::IpAddress& dst, uint8_t next, const Bytes& rest) {
  Bytes packet(40 + rest.size(), 0);
  packet[0] = 0x60;
  packet[4] = static_cast<uint8_t>(rest.size() >> 8);
  packet[5] = static_cast<uint8_t>(rest.size());
  packet[6] = next;
  packet[7] = 64;
  wire::IpAddress::V6(0x2001000200000001, 5).ToV6Bytes(packet.data() + 8);
  dst.ToV6Bytes(packet.data() + 24);
  std::copy(rest.begin(), rest.end(), packet.begin() + 40);
  return Ethernet(0x86dd, packet);
}

Bytes Icmp6(uint8_t type) { return Bytes{type, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}; }

Bytes Tcp(uint16_t dport, uint8_t flags) {
  Bytes tcp(20, 0);
  tcp[0] = 0x00;
  tcp[1] = 25;
  tcp[2] = static_cast<uint8_t>(dport >> 8);
  tcp[3] = static_cast<uint8_t>(dport);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  return tcp;
}

// An extension header of 8 bytes (next header `next`) in front of `rest`.
Bytes Extension(uint8_t next, const Bytes& rest) {
  Bytes out(8 + rest.size(), 0);
  out[0] = next;
  std::copy(rest.begin(), rest.end(), out.begin() + 8);
  return out;
}

Bytes Ipv4(uint32_t dst, uint8_t protocol, const Bytes& rest) {
  Bytes packet(20 + rest.size(), 0);
  packet[0] = 0x45;
  packet[3] = static_cast<uint8_t>(20 + rest.size());
  packet[8] = 64;
  packet[9] = protocol;
  for (int i = 0; i < 4; ++i) packet[16 + i] = static_cast<uint8_t>(dst >> (24 - 8 * i));
  std::copy(rest.begin(), rest.end(), packet.begin() + 20);
  return Ethernet(0x0800, packet);
}

class Filter {
 public:
  explicit Filter(const std::string& text) : handle_(pcap_open_dead(DLT_EN10MB, 65535)) {
    compiled_ = pcap_compile(handle_, &program_, text.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
    error_ = compiled_ ? "" : pcap_geterr(handle_);
  }
  ~Filter() {
    if (compiled_) pcap_freecode(&program_);
    pcap_close(handle_);
  }
  bool compiled() const { return compiled_; }
  const std::string& error() const { return error_; }
  bool Passes(const Bytes& frame) const {
    pcap_pkthdr header{};
    header.caplen = header.len = static_cast<bpf_u_int32>(frame.size());
    return pcap_offline_filter(&program_, &header, frame.data()) != 0;
  }

 private:
  pcap_t* handle_;
  bpf_program program_{};
  bool compiled_ = false;
  std::string error_;
};

FamilyAddresses Sources(std::optional<wire::IpAddress> v4, std::optional<wire::IpAddress> v6) {
  FamilyAddresses sources;
  sources.v4 = v4;
  sources.v6 = v6;
  return sources;
}

TEST(ReplyFilterTest, Ipv6RepliesPassAndProvableStraysDoNot) {
  Filter filter(ReplyCaptureFilter(Sources(std::nullopt, kOurV6)));
  ASSERT_TRUE(filter.compiled()) << filter.error();
  for (uint8_t type : {1, 2, 3, 4, 129}) {  // errors and the echo reply
    EXPECT_TRUE(filter.Passes(Ipv6(kOurV6, 58, Icmp6(type)))) << "ICMPv6 type " << int(type);
  }
  EXPECT_TRUE(filter.Passes(Ipv6(kOurV6, 6, Tcp(40001, 0x12)))) << "SYN-ACK";
  EXPECT_TRUE(filter.Passes(Ipv6(kOurV6, 6, Tcp(1024, 0x14)))) << "RST-ACK to the lowest flow port";
  for (uint8_t type : {128, 133, 134, 135, 136, 137}) {  // echo request, neighbour discovery
    EXPECT_FALSE(filter.Passes(Ipv6(kOurV6, 58, Icmp6(type)))) << "ICMPv6 type " << int(type);
  }
  EXPECT_FALSE(filter.Passes(Ipv6(kOurV6, 6, Tcp(1023, 0x12)))) << "below the flow ports";
  EXPECT_FALSE(filter.Passes(Ipv6(kOurV6, 6, Tcp(40001, 0x10)))) << "neither SYN nor RST";
  EXPECT_FALSE(filter.Passes(Ipv6(kOtherV6, 58, Icmp6(3)))) << "not to us";
  EXPECT_FALSE(filter.Passes(Ipv4(0xc6120001, 1, Icmp6(11)))) << "IPv4 with no IPv4 source";
}

// Behind hop-by-hop (0), routing (43), fragment (44) or destination options (60) the
// transport cannot be seen by BPF: such packets pass, the matcher walks the chain.
TEST(ReplyFilterTest, Ipv6RepliesBehindExtensionHeadersAreNeverLost) {
  Filter filter(ReplyCaptureFilter(Sources(std::nullopt, kOurV6)));
  ASSERT_TRUE(filter.compiled()) << filter.error();
  for (uint8_t ext : {0, 43, 44, 60}) {
    EXPECT_TRUE(filter.Passes(Ipv6(kOurV6, ext, Extension(58, Icmp6(3))))) << int(ext);
    EXPECT_TRUE(filter.Passes(Ipv6(kOurV6, ext, Extension(6, Tcp(40001, 0x12))))) << int(ext);
  }
}

TEST(ReplyFilterTest, Ipv4PartIsUnchanged) {
  std::string text = ReplyCaptureFilter(Sources(kOurV4, std::nullopt));
  EXPECT_EQ(text,
            "dst host 198.18.0.1 and ((icmp and icmp[icmptype] != icmp-echo) or (tcp and dst "
            "portrange 1024-65535 and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0))");
  Filter filter(text);
  ASSERT_TRUE(filter.compiled()) << filter.error();
  EXPECT_TRUE(filter.Passes(Ipv4(0xc6120001, 1, Icmp6(11))));
  EXPECT_FALSE(filter.Passes(Ipv4(0xc6120001, 1, Icmp6(8))));
  EXPECT_TRUE(filter.Passes(Ipv4(0xc6120001, 6, Tcp(40001, 0x12))));
  EXPECT_FALSE(filter.Passes(Ipv6(kOurV6, 58, Icmp6(3))));
}

TEST(ReplyFilterTest, DualStackPassesBothFamiliesReplies) {
  Filter filter(ReplyCaptureFilter(Sources(kOurV4, kOurV6)));
  ASSERT_TRUE(filter.compiled()) << filter.error();
  EXPECT_TRUE(filter.Passes(Ipv4(0xc6120001, 1, Icmp6(11))));
  EXPECT_TRUE(filter.Passes(Ipv6(kOurV6, 58, Icmp6(3))));
  EXPECT_TRUE(filter.Passes(Ipv6(kOurV6, 0, Extension(6, Tcp(40001, 0x14)))));
  EXPECT_FALSE(filter.Passes(Ipv4(0xc6120001, 1, Icmp6(8))));
  EXPECT_FALSE(filter.Passes(Ipv6(kOurV6, 58, Icmp6(135))));
}

TEST(ReplyFilterTest, NoSourcePassesNothing) {
  Filter filter(ReplyCaptureFilter(FamilyAddresses{}));
  ASSERT_TRUE(filter.compiled()) << filter.error();
  EXPECT_FALSE(filter.Passes(Ipv6(kOurV6, 58, Icmp6(3))));
  EXPECT_FALSE(filter.Passes(Ipv4(0xc6120001, 1, Icmp6(11))));
}

}  // namespace
}  // namespace cutpoint::capture
