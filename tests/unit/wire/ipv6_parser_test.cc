// SPDX-License-Identifier: Apache-2.0
// The IPv6 half of the packet parser: the fixed header, the extension header walk, TCP and
// ICMPv6 echo over IPv6, and every way a chain can be broken. Packets come from libtins
// (ipv6_test_packets.h); quotes and ICMPv6 errors are in icmpv6_quote_test.cc.
#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "engine/wire/checksum.h"
#include "engine/wire/packet_parser.h"
#include "engine/wire/protocol.h"
#include "gtest/gtest.h"
#include "wire/ipv6_test_packets.h"
#include "wire/parse_test_util.h"

namespace cutpoint::wire {
namespace {

using v6test::Addr;
using v6test::Bytes;
using v6test::Chain;
using v6test::Ext;

ParseStatus Parse(const Bytes& packet, ParsedPacket* out) {
  return parsetest::ParseCopy(&ParsePacket, packet, out);
}

// A transport checksum over the IPv6 pseudo-header sums to 0 when intact.
uint16_t VerifyTransport(const Bytes& packet, const IpFields& ip) {
  return TransportChecksumIpv6(packet.data() + 8, packet.data() + 24, ip.protocol,
                               packet.data() + ip.header_len, packet.size() - ip.header_len);
}

TEST(Ipv6ParserTest, SynAckWithTimestamp) {
  Bytes packet = v6test::TcpReply(kTcpSyn | kTcpAck, v6test::kProbeTsval);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  const IpFields& ip = parsed.ip;
  EXPECT_EQ(ip.family, IpFamily::kV6);
  EXPECT_EQ(ip.src, Addr(v6test::kTarget));
  EXPECT_EQ(ip.dst, Addr(v6test::kUs));
  EXPECT_EQ(ip.ttl, 57);
  EXPECT_EQ(ip.flow_label, 0x5eed1u);
  EXPECT_EQ(ip.tos, 0);
  EXPECT_EQ(ip.protocol, kProtoTcp);
  EXPECT_EQ(ip.header_len, 40);
  EXPECT_EQ(ip.total_len, packet.size());
  EXPECT_EQ(ip.extension_count, 0);
  EXPECT_EQ(ip.id, 0);
  EXPECT_EQ(ip.frag, 0);
  EXPECT_FALSE(ip.has_fragment_header);
  ASSERT_TRUE(parsed.has_tcp);
  EXPECT_FALSE(parsed.has_icmp);
  EXPECT_FALSE(parsed.has_quote);
  const TcpFields& tcp = parsed.tcp;
  EXPECT_EQ(tcp.sport, v6test::kProbeDport);
  EXPECT_EQ(tcp.dport, v6test::kProbeSport);
  EXPECT_EQ(tcp.seq, 0x5eed0001u);
  EXPECT_EQ(tcp.ack, v6test::kProbeSeq + 1);
  EXPECT_EQ(tcp.flags, kTcpSyn | kTcpAck);
  EXPECT_EQ(tcp.window, 65535);
  ASSERT_TRUE(tcp.has_timestamp);
  EXPECT_EQ(tcp.tsval, 0x77665544u);
  EXPECT_EQ(tcp.tsecr, v6test::kProbeTsval);
  EXPECT_EQ(VerifyTransport(packet, ip), 0);
}

TEST(Ipv6ParserTest, TrafficClassFlowLabelAndHopLimit) {
  v6test::Ipv6Spec spec;
  spec.traffic_class = 0xb9;
  spec.flow_label = 0xfffff;
  spec.hop_limit = 255;
  Tins::TCP tcp(1, 2);
  tcp.flags(Tins::TCP::RST);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(v6test::Serialize(spec, tcp), &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.ip.tos, 0xb9);
  EXPECT_EQ(parsed.ip.flow_label, 0xfffffu);
  EXPECT_EQ(parsed.ip.ttl, 255);
  EXPECT_EQ(parsed.tcp.flags, kTcpRst);
  EXPECT_FALSE(parsed.tcp.has_timestamp);  // no options at all
}

TEST(Ipv6ParserTest, ExtensionHeadersAreWalkedToTheTransport) {
  const std::vector<Chain> chains = {
      {{Ext::kHopByHop}},
      {{Ext::kDestOptions}},
      {{Ext::kRouting}},
      {{Ext::kFragmentFirst}},
      {{}, /*ah=*/true},
      {{Ext::kHopByHop, Ext::kDestOptions, Ext::kRouting, Ext::kFragmentFirst,
        Ext::kDestOptions},
       true},
  };
  for (const Chain& chain : chains) {
    SCOPED_TRACE(testing::Message() << chain.count() << " headers, " << chain.bytes() << " bytes");
    Bytes packet = v6test::TcpReply(kTcpRst | kTcpAck, 7, chain);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
    EXPECT_EQ(parsed.ip.header_len, 40 + chain.bytes());
    EXPECT_EQ(parsed.ip.extension_count, chain.count());
    EXPECT_EQ(parsed.ip.protocol, kProtoTcp);
    EXPECT_EQ(parsed.ip.total_len, packet.size());
    ASSERT_TRUE(parsed.has_tcp);
    EXPECT_EQ(parsed.tcp.sport, v6test::kProbeDport);
    EXPECT_EQ(parsed.tcp.ack, v6test::kProbeSeq + 1);
    EXPECT_EQ(parsed.tcp.tsecr, 7u);
    bool fragment = std::find(chain.headers.begin(), chain.headers.end(),
                              Ext::kFragmentFirst) != chain.headers.end();
    EXPECT_EQ(parsed.ip.has_fragment_header, fragment);
    if (fragment) {
      EXPECT_TRUE(parsed.ip.more_fragments);
      EXPECT_EQ(parsed.ip.fragment_offset, 0);
      EXPECT_EQ(parsed.ip.fragment_id, v6test::kFragmentId);
    }
    // libtins computed the checksum over the pseudo-header and the TCP segment only (not
    // under AH: its TCP then has no IPv6 parent to take the pseudo-header from).
    if (!chain.ah) {
      EXPECT_EQ(VerifyTransport(packet, parsed.ip), 0);
    }
  }
}

TEST(Ipv6ParserTest, NonFirstFragmentHasNoTransport) {
  for (const Chain& chain : {Chain{{Ext::kFragmentLater}},
                             Chain{{Ext::kHopByHop, Ext::kRouting, Ext::kFragmentLater}}}) {
    Bytes packet = v6test::TcpReply(kTcpSyn | kTcpAck, 0, chain);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kFragment);
    EXPECT_EQ(parsed.ip.family, IpFamily::kV6);
    EXPECT_EQ(parsed.ip.src, Addr(v6test::kTarget));
    EXPECT_TRUE(parsed.ip.has_fragment_header);
    EXPECT_EQ(parsed.ip.fragment_offset, 185);
    EXPECT_FALSE(parsed.ip.more_fragments);
    EXPECT_EQ(parsed.ip.fragment_id, v6test::kFragmentId);
    EXPECT_EQ(parsed.ip.protocol, kProtoTcp);  // the fragment header's next header
    EXPECT_EQ(parsed.ip.header_len, 40 + chain.bytes());
    EXPECT_EQ(parsed.ip.extension_count, chain.count());
  }
}

TEST(Ipv6ParserTest, EchoReplyAndRequest) {
  for (bool reply : {true, false}) {
    Bytes packet = reply ? v6test::EchoReply({{Ext::kDestOptions}}) : v6test::EchoProbe(9);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
    EXPECT_EQ(parsed.ip.protocol, kProtoIcmpv6);
    ASSERT_TRUE(parsed.has_icmp);
    EXPECT_FALSE(parsed.has_tcp);
    EXPECT_FALSE(parsed.has_quote);
    const IcmpFields& icmp = parsed.icmp;
    EXPECT_EQ(icmp.type, reply ? kIcmpv6EchoReply : kIcmpv6EchoRequest);
    EXPECT_EQ(icmp.code, 0);
    EXPECT_EQ(icmp.id, v6test::kEchoId);
    EXPECT_EQ(icmp.seq, v6test::kEchoSeq);
    EXPECT_EQ(icmp.mtu, 0u);
    EXPECT_EQ(icmp.pointer, 0u);
    size_t header_len = reply ? 56 : 40;
    EXPECT_EQ(parsed.ip.header_len, header_len);
    EXPECT_EQ(icmp.checksum, (packet[header_len + 2] << 8) | packet[header_len + 3]);
    ASSERT_EQ(icmp.payload_len, v6test::kEchoPayload.size());
    EXPECT_EQ(0, std::memcmp(icmp.payload, v6test::kEchoPayload.data(), icmp.payload_len));
    EXPECT_EQ(VerifyTransport(packet, parsed.ip), 0);
  }
}

// A TCP reply with `count` destination options headers.
Bytes WithDestOptions(int count) {
  Chain chain;
  chain.headers.assign(static_cast<size_t>(count), Ext::kDestOptions);
  return v6test::TcpReply(kTcpSyn | kTcpAck, 0, chain);
}

TEST(Ipv6ParserTest, ChainLengthIsBounded) {
  ParsedPacket parsed;
  ASSERT_EQ(Parse(WithDestOptions(kMaxIpv6ExtensionHeaders), &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.ip.extension_count, kMaxIpv6ExtensionHeaders);
  EXPECT_EQ(Parse(WithDestOptions(kMaxIpv6ExtensionHeaders + 1), &parsed),
            ParseStatus::kBadHeader);
  EXPECT_EQ(Parse(WithDestOptions(40), &parsed), ParseStatus::kBadHeader);
  // AH counts too.
  Chain chain;
  chain.headers.assign(kMaxIpv6ExtensionHeaders, Ext::kRouting);
  chain.ah = true;
  EXPECT_EQ(Parse(v6test::TcpReply(kTcpRst, 0, chain), &parsed), ParseStatus::kBadHeader);
}

TEST(Ipv6ParserTest, NonsenseChainsAreBadHeaders) {
  ParsedPacket parsed;
  // Hop-by-hop must come first (RFC 8200 4.1).
  Bytes late_hop = v6test::TcpReply(kTcpRst, 0, {{Ext::kDestOptions, Ext::kHopByHop}});
  EXPECT_EQ(Parse(late_hop, &parsed), ParseStatus::kBadHeader);
  // An AH whose length field (4-byte units minus 2) is shorter than its fixed part.
  Bytes ah = v6test::TcpReply(kTcpRst, 0, {{}, true});
  ASSERT_EQ(ah[6], kIpv6Ah);
  ah[40 + 1] = 0;
  EXPECT_EQ(Parse(ah, &parsed), ParseStatus::kBadHeader);
}

TEST(Ipv6ParserTest, ChainsRunningPastThePacketAreTruncated) {
  ParsedPacket parsed;
  Bytes hop = v6test::TcpReply(kTcpRst, 0, {{Ext::kHopByHop}});
  ASSERT_EQ(hop[6], kIpv6HopByHop);
  hop[40 + 1] = 10;  // 88 bytes: past the end of the packet
  EXPECT_EQ(Parse(hop, &parsed), ParseStatus::kTruncated);
  hop[40 + 1] = 255;
  EXPECT_EQ(Parse(hop, &parsed), ParseStatus::kTruncated);
  Bytes ah = v6test::TcpReply(kTcpRst, 0, {{}, true});
  ah[40 + 1] = 200;
  EXPECT_EQ(Parse(ah, &parsed), ParseStatus::kTruncated);
  // Cut inside the chain, at every length.
  Bytes full = v6test::TcpReply(kTcpRst, 0, {{Ext::kHopByHop, Ext::kDestOptions}, true});
  for (size_t len = 40; len < 40 + 8 + 16 + 16; ++len) {
    Bytes cut(full.begin(), full.begin() + static_cast<long>(len));
    EXPECT_EQ(Parse(cut, &parsed), ParseStatus::kTruncated) << len;
  }
}

TEST(Ipv6ParserTest, PayloadLengthBoundsThePacket) {
  Bytes packet = v6test::TcpReply(kTcpSyn | kTcpAck, 5);
  ParsedPacket parsed;
  auto with_payload_len = [&](uint16_t payload_len) {
    Bytes copy = packet;
    copy[4] = static_cast<uint8_t>(payload_len >> 8);
    copy[5] = static_cast<uint8_t>(payload_len);
    return copy;
  };
  // Too short for the TCP header, or for its options, or nothing at all (a jumbogram).
  EXPECT_EQ(Parse(with_payload_len(10), &parsed), ParseStatus::kTruncated);
  EXPECT_EQ(Parse(with_payload_len(30), &parsed), ParseStatus::kTruncated);
  EXPECT_EQ(Parse(with_payload_len(0), &parsed), ParseStatus::kTruncated);
  // Longer than what was captured (snaplen): keep what is there.
  ASSERT_EQ(Parse(with_payload_len(1000), &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.ip.total_len, 1040u);
  EXPECT_TRUE(parsed.tcp.has_timestamp);
  // Link padding after the payload is not part of the packet.
  Bytes padded = packet;
  padded.resize(packet.size() + 20, 0xee);
  ASSERT_EQ(Parse(padded, &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.ip.total_len, packet.size());
  // Too short for the extension chain.
  Bytes chained = v6test::TcpReply(kTcpRst, 0, {{Ext::kHopByHop, Ext::kDestOptions}});
  chained[4] = 0;
  chained[5] = 12;
  EXPECT_EQ(Parse(chained, &parsed), ParseStatus::kTruncated);
}

TEST(Ipv6ParserTest, UnsupportedUpperLayers) {
  Bytes packet = v6test::TcpReply(kTcpRst, 0);
  ParsedPacket parsed;
  for (uint8_t next : {uint8_t{17}, kIpv6Esp, kIpv6NoNextHeader, kProtoIcmp, uint8_t{41}}) {
    Bytes copy = packet;
    copy[6] = next;
    EXPECT_EQ(Parse(copy, &parsed), ParseStatus::kUnsupported) << int{next};
    EXPECT_EQ(parsed.ip.protocol, next);
  }
  // "No next header" after a walked header ends the chain there.
  Bytes hop = v6test::TcpReply(kTcpRst, 0, {{Ext::kHopByHop}});
  hop[40] = kIpv6NoNextHeader;
  EXPECT_EQ(Parse(hop, &parsed), ParseStatus::kUnsupported);
  EXPECT_EQ(parsed.ip.extension_count, 1);
  EXPECT_EQ(parsed.ip.header_len, 48);
}

TEST(Ipv6ParserTest, VersionsAndEntryPoints) {
  Bytes v6 = v6test::TcpReply(kTcpRst, 0);
  ParsedPacket parsed;
  EXPECT_EQ(parsetest::ParseCopy(&ParseIpv6Packet, v6, &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsetest::ParseCopy(&ParseIpv4Packet, v6, &parsed), ParseStatus::kBadHeader);
  Bytes v5 = v6;
  v5[0] = 0x50;
  EXPECT_EQ(Parse(v5, &parsed), ParseStatus::kBadHeader);
  EXPECT_EQ(parsetest::ParseCopy(&ParseIpv6Packet, v5, &parsed), ParseStatus::kBadHeader);
  EXPECT_EQ(Parse(Bytes(), &parsed), ParseStatus::kTruncated);
  EXPECT_EQ(Parse(Bytes(v6.begin(), v6.begin() + 39), &parsed), ParseStatus::kTruncated);
  // An IPv4 header handed to the IPv6 entry is not IPv6.
  Bytes v4(60, 0);
  v4[0] = 0x45;
  EXPECT_EQ(parsetest::ParseCopy(&ParseIpv6Packet, v4, &parsed), ParseStatus::kBadHeader);
}

TEST(Ipv6ParserTest, TcpOptionsThatAreNotATimestamp) {
  Bytes packet = v6test::TcpReply(kTcpSyn | kTcpAck, 5);
  const size_t options = 40 + 20;  // MSS(4) NOP NOP TS(10)
  ASSERT_EQ(packet[options + 6], kTcpOptionTimestamp);
  ParsedPacket parsed;
  struct Case {
    const char* name;
    size_t offset;
    uint8_t value;
  };
  const Case cases[] = {
      {"MSS length 0", options + 1, 0},     {"MSS length past the header", options + 1, 40},
      {"end of options first", options, 0}, {"timestamp length 9", options + 7, 9},
      {"timestamp length 1", options + 7, 1},
  };
  for (const Case& c : cases) {
    Bytes copy = packet;
    copy[c.offset] = c.value;
    ASSERT_EQ(Parse(copy, &parsed), ParseStatus::kOk) << c.name;
    EXPECT_TRUE(parsed.has_tcp) << c.name;
    EXPECT_FALSE(parsed.tcp.has_timestamp) << c.name;
  }
}

TEST(Ipv6ParserTest, EveryPrefixIsSafe) {
  const std::vector<Bytes> packets = {
      v6test::TcpReply(kTcpSyn | kTcpAck, 1),
      v6test::TcpReply(kTcpRst, 1, {{Ext::kHopByHop, Ext::kFragmentFirst}, true}),
      v6test::EchoReply({{Ext::kRouting}}),
  };
  for (size_t p = 0; p < packets.size(); ++p) {
    const Bytes& full = packets[p];
    ParsedPacket whole;
    ASSERT_EQ(Parse(full, &whole), ParseStatus::kOk);
    size_t needed = whole.ip.header_len + (whole.has_tcp ? 36 : 8);
    for (size_t len = 0; len <= full.size(); ++len) {
      SCOPED_TRACE(testing::Message() << "packet " << p << " len " << len);
      ParsedPacket parsed;
      ParseStatus status = Parse(Bytes(full.begin(), full.begin() + static_cast<long>(len)),
                                 &parsed);
      EXPECT_EQ(status, len < needed ? ParseStatus::kTruncated : ParseStatus::kOk);
    }
  }
}

TEST(Ipv6ParserTest, RandomChainsNeverReadOutOfBounds) {
  std::mt19937 rng(20240612);
  const uint8_t next_headers[] = {0, 43, 44, 50, 51, 59, 60, 6, 58, 17};
  v6test::ErrorSpec e;
  e.form = v6test::ExtensionForm::kLengthField;
  e.labels = {{16005, 0, true, 1}};
  e.outer.chain = {{Ext::kHopByHop}};
  const Bytes seeds[] = {
      v6test::TcpReply(kTcpSyn | kTcpAck, 3, {{Ext::kHopByHop, Ext::kRouting}, true}),
      v6test::IcmpError(v6test::SynProbe(1, {{Ext::kDestOptions, Ext::kFragmentFirst}}), e),
  };
  int ok = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes buf;
    if (i % 3 == 0) {  // an IPv6 header, then random headers with random lengths
      buf.resize(40 + rng() % 300);
      for (auto& b : buf) b = static_cast<uint8_t>(rng());
      buf[0] = 0x60;
      buf[6] = next_headers[rng() % sizeof(next_headers)];
      for (size_t at = 40; at + 2 < buf.size(); at += 8 * (1 + rng() % 3)) {
        buf[at] = next_headers[rng() % sizeof(next_headers)];
        buf[at + 1] = static_cast<uint8_t>(rng() % 4);
      }
    } else {  // mutations of real replies
      buf = seeds[i % 2];
      int flips = 1 + static_cast<int>(rng() % 6);
      for (int f = 0; f < flips; ++f) buf[rng() % buf.size()] = static_cast<uint8_t>(rng());
      if (i % 5 == 0) buf.resize(rng() % (buf.size() + 1));
    }
    ParsedPacket parsed;
    if (Parse(buf, &parsed) == ParseStatus::kOk) {
      ++ok;
      ASSERT_TRUE(parsed.has_tcp || parsed.has_icmp);
      ASSERT_LE(parsed.ip.extension_count, kMaxIpv6ExtensionHeaders);
      ASSERT_LE(parsed.quote.mpls.count, kMaxMplsEntries);
    }
  }
  EXPECT_GT(ok, 2000);  // the generator reaches the deep paths
}

}  // namespace
}  // namespace cutpoint::wire
