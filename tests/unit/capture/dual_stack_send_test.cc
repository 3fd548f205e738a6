// SPDX-License-Identifier: Apache-2.0
// The dual-stack pieces of the send side that need no root and send nothing: per-family
// Ethernet framing (byte-exact headers, checked against libtins too), the hand-made IPv6
// test probes (checksums checked by libtins), the raw sender's and the route lookup's
// argument checks.
#include <tins/ethernetII.h>
#include <tins/icmpv6.h>
#include <tins/ipv6.h>
#include <tins/tcp.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "capture/send/raw_socket_sender.h"
#include "capture/send/route_lookup.h"
#include "capture/send/sender_factory.h"
#include "engine/wire/ethernet.h"
#include "gtest/gtest.h"
#include "ipv6_test_packets.h"

namespace cutpoint::capture {
namespace {

constexpr wire::MacAddress kRouter4 = {0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x04};
constexpr wire::MacAddress kRouter6 = {0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x06};
constexpr wire::MacAddress kOwn = {0x02, 0xc0, 0xff, 0xee, 0x00, 0x01};

wire::IpAddress V6(const char* text) { return *wire::ParseIpAddress(text); }

testv6::Ipv6Probe LabProbe() {
  testv6::Ipv6Probe p;
  p.source = V6("2001:2::1");
  p.destination = V6("2001:2:0:1::5");
  p.hop_limit = 3;
  p.flow_label = 0xabcde;
  p.id = 40001;
  p.port = 25;
  p.word = 0x5a010203;
  return p;
}

std::string Hex(const wire::EthernetHeader& header) {
  return absl::BytesToHexString(std::string(header.begin(), header.end()));
}

TEST(EthernetFramingTest, EachFamilyGetsItsEtherTypeAndNextHop) {
  wire::EthernetFraming framing(wire::NextHopMacs{kRouter4, kRouter6}, kOwn);
  std::vector<uint8_t> v6 = testv6::TcpSyn(LabProbe());
  uint8_t v4[20] = {0x45};
  EXPECT_EQ(Hex(framing.HeaderFor(v4)),
            "020a0b0c0d04"
            "02c0ffee0001"
            "0800");
  EXPECT_EQ(Hex(framing.HeaderFor(v6.data())),
            "020a0b0c0d06"
            "02c0ffee0001"
            "86dd");
  EXPECT_EQ(wire::EthernetFraming::Slot(v4), 0u);
  EXPECT_EQ(wire::EthernetFraming::Slot(v6.data()), 1u);
  EXPECT_TRUE(framing.frames(0));
  EXPECT_TRUE(framing.frames(1));
}

TEST(EthernetFramingTest, AFamilyWithoutANextHopIsNotFramed) {
  wire::EthernetFraming v6_only(wire::NextHopMacs{std::nullopt, kRouter6}, kOwn);
  EXPECT_FALSE(v6_only.frames(0));
  EXPECT_TRUE(v6_only.frames(1));
  wire::EthernetFraming none;
  EXPECT_FALSE(none.frames(0));
  EXPECT_FALSE(none.frames(1));
}

// libtins reads the whole frame back: Ethernet II with 0x86DD, then the IPv6 probe.
TEST(EthernetFramingTest, LibtinsReadsAFramedIpv6Probe) {
  wire::EthernetFraming framing(wire::NextHopMacs{kRouter4, kRouter6}, kOwn);
  std::vector<uint8_t> packet = testv6::IcmpEcho(LabProbe());
  std::vector<uint8_t> frame(framing.HeaderFor(packet.data()).begin(),
                             framing.HeaderFor(packet.data()).end());
  frame.insert(frame.end(), packet.begin(), packet.end());
  Tins::EthernetII parsed(frame.data(), static_cast<uint32_t>(frame.size()));
  EXPECT_EQ(parsed.dst_addr(), Tins::EthernetII::address_type(kRouter6.data()));
  EXPECT_EQ(parsed.src_addr(), Tins::EthernetII::address_type(kOwn.data()));
  EXPECT_EQ(parsed.payload_type(), 0x86dd);
  ASSERT_NE(parsed.find_pdu<Tins::IPv6>(), nullptr);
  EXPECT_EQ(parsed.rfind_pdu<Tins::IPv6>().dst_addr(), Tins::IPv6Address("2001:2:0:1::5"));
}

// The test probes are what the spec lays out, with checksums libtins agrees with: it
// recomputes them when it serialises the parsed packet again.
TEST(Ipv6TestPacketsTest, TcpSynIs76BytesWithAValidChecksum) {
  std::vector<uint8_t> syn = testv6::TcpSyn(LabProbe());
  ASSERT_EQ(syn.size(), 76u);
  Tins::IPv6 ip(syn.data(), static_cast<uint32_t>(syn.size()));
  EXPECT_EQ(ip.flow_label(), 0xabcdeu);
  EXPECT_EQ(ip.hop_limit(), 3);
  EXPECT_EQ(ip.payload_length(), 36);
  const Tins::TCP& tcp = ip.rfind_pdu<Tins::TCP>();
  EXPECT_EQ(tcp.sport(), 40001);
  EXPECT_EQ(tcp.dport(), 25);
  EXPECT_EQ(tcp.seq(), 0x5a010203u);
  EXPECT_EQ(tcp.flags(), Tins::TCP::SYN);
  EXPECT_EQ(tcp.mss(), 1440);
  EXPECT_EQ(ip.serialize(), syn) << "libtins' own checksum differs";
}

TEST(Ipv6TestPacketsTest, IcmpEchoIs56BytesWithAValidChecksum) {
  std::vector<uint8_t> echo = testv6::IcmpEcho(LabProbe());
  ASSERT_EQ(echo.size(), 56u);
  Tins::IPv6 ip(echo.data(), static_cast<uint32_t>(echo.size()));
  const Tins::ICMPv6& icmp = ip.rfind_pdu<Tins::ICMPv6>();
  EXPECT_EQ(icmp.type(), Tins::ICMPv6::ECHO_REQUEST);
  EXPECT_EQ(icmp.identifier(), 40001);
  EXPECT_EQ(icmp.sequence(), 0x5a01);
  EXPECT_EQ(ip.serialize(), echo) << "libtins' own checksum differs";
}

TEST(RawSocketSenderTest, NeedsAFamily) {
  absl::StatusOr<std::unique_ptr<RawSocketSender>> none =
      RawSocketSender::Create("", SendFamilies{false, false});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
}

// The IPv6 socket binds to a local source (the kernel then skips its per-packet source
// selection) and stays usable, unbound, with one the host does not own. Opens sockets,
// sends nothing; skipped without CAP_NET_RAW.
TEST(RawSocketSenderTest, BindsTheIpv6SocketToALocalSourceOnly) {
  absl::StatusOr<std::unique_ptr<RawSocketSender>> local =
      RawSocketSender::Create("", SendFamilies{false, true}, V6("::1"));
  if (local.status().code() == absl::StatusCode::kPermissionDenied)
    GTEST_SKIP() << "no CAP_NET_RAW";
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_TRUE((*local)->v6_source_bound());
  absl::StatusOr<std::unique_ptr<RawSocketSender>> foreign =
      RawSocketSender::Create("", SendFamilies{false, true}, V6("2001:db8::1"));
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  EXPECT_FALSE((*foreign)->v6_source_bound());
  absl::StatusOr<std::unique_ptr<RawSocketSender>> none =
      RawSocketSender::Create("", SendFamilies{false, true});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE((*none)->v6_source_bound());
}

TEST(EthernetPathTest, NeedsAFirstTarget) {
  absl::StatusOr<EthernetPath> path = ResolveEthernetPath("afpacket", "eth0", {}, {});
  EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument);
}

// Given MACs for both families and the interface: nothing is looked up.
TEST(EthernetPathTest, GivenMacsPerFamilyAreUsedAsGiven) {
  FamilyAddresses first;
  first.AddFirst(wire::IpAddress::V4(0xc6130101));
  first.AddFirst(V6("2001:2:0:1::5"));
  first.AddFirst(V6("2001:2:0:1::6"));  // not the first: ignored
  EXPECT_EQ(first.v6, V6("2001:2:0:1::5"));
  absl::StatusOr<EthernetPath> path = ResolveEthernetPath("afpacket", "cpt-nosuchif0", first,
                                                          wire::NextHopMacs{kRouter4, kRouter6});
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(path->interface, "cpt-nosuchif0");
  EXPECT_EQ(path->next_hops.v4, kRouter4);
  EXPECT_EQ(path->next_hops.v6, kRouter6);
  // A family without targets gets no next hop, even when a MAC was given for it.
  first.v4.reset();
  path = ResolveEthernetPath("afpacket", "cpt-nosuchif0", first,
                             wire::NextHopMacs{kRouter4, kRouter6});
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_FALSE(path->next_hops.v4.has_value());
}

TEST(ResolveSourceTest, ASourceOfTheOtherFamilyIsRefused) {
  std::optional<wire::IpAddress> source = V6("2001:2::1");
  std::string interface = "eth0";
  absl::Status status = ResolveSource(wire::IpAddress::V4(0xc6130101), false, &source, &interface);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("2001:2::1 is IPv6"), absl::string_view::npos) << status;
}

// Sources given for both families and the interface too: nothing to look up.
TEST(ResolveSourceTest, DualStackKeepsOneGivenSourcePerFamily) {
  FamilyAddresses first;
  first.v4 = wire::IpAddress::V4(0xc6130101);
  first.v6 = V6("2001:2:0:1::5");
  FamilyAddresses sources;
  sources.v4 = wire::IpAddress::V4(0xc6120001);
  sources.v6 = V6("2001:2::1");
  std::string interface = "lnk0";
  ASSERT_TRUE(ResolveSources(first, true, &sources, &interface).ok());
  EXPECT_EQ(sources.v4, wire::IpAddress::V4(0xc6120001));
  EXPECT_EQ(sources.v6, V6("2001:2::1"));
  EXPECT_EQ(interface, "lnk0");
  sources.v4 = V6("2001:2::9");  // an IPv6 address where the IPv4 source belongs
  EXPECT_EQ(ResolveSources(first, true, &sources, &interface).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cutpoint::capture
