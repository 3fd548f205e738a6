// SPDX-License-Identifier: Apache-2.0
// ICMPv6 errors through the parser, byte-level round trips against libtins: every reply
// kind (time exceeded, destination unreachable codes 0-7, packet too big, parameter
// problem) quoting each probe, with and without RFC 4884 extensions (RFC 4950 MPLS), with
// extension headers in the outer packet and in the quote; then broken quotes.
#include <tins/icmp_extension.h>

#include <cstring>
#include <string>
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
using v6test::ExtensionForm;

ParseStatus Parse(const Bytes& packet, ParsedPacket* out) {
  return parsetest::ParseCopy(&ParsePacket, packet, out);
}

struct ErrorKind {
  const char* name;
  uint8_t type;
  uint8_t code;
  uint32_t word;  // MTU or pointer
};

const ErrorKind kKinds[] = {
    {"time_exceeded_hop_limit", 3, 0, 0},
    {"time_exceeded_reassembly", 3, 1, 0},
    {"unreach_no_route", 1, 0, 0},
    {"unreach_admin_prohibited", 1, 1, 0},
    {"unreach_beyond_scope", 1, 2, 0},
    {"unreach_address", 1, 3, 0},
    {"unreach_port", 1, 4, 0},
    {"unreach_source_policy", 1, 5, 0},
    {"unreach_reject_route", 1, 6, 0},
    {"unreach_source_routing_header", 1, 7, 0},
    {"packet_too_big_1280", 2, 0, 1280},
    {"packet_too_big_9000", 2, 0, 9000},
    {"param_problem_header_field", 4, 0, 6},
    {"param_problem_next_header", 4, 1, 40},
    {"param_problem_option", 4, 2, 0x12345678},
};

const std::vector<v6test::Label> kLabels = {
    {16005, 0, false, 1}, {24001, 5, false, 254}, {0xfffff, 7, true, 255}};

const Chain kQuoteChain{{Ext::kHopByHop, Ext::kRouting, Ext::kFragmentFirst, Ext::kDestOptions}};
const Chain kOuterChain{{Ext::kHopByHop, Ext::kDestOptions}};

struct RoundTrip {
  ErrorKind kind;
  bool tcp_probe;
  Chain quote_chain;
  Chain outer_chain;
  ExtensionForm form;

  std::string Name() const {
    return std::string(kind.name) + (tcp_probe ? " tcp" : " echo") +
           " quote_ext=" + std::to_string(quote_chain.count()) +
           " outer_ext=" + std::to_string(outer_chain.count()) +
           " form=" + std::to_string(static_cast<int>(form));
  }
  bool HasExtensions() const {
    return form != ExtensionForm::kNone && Icmpv6TypeHasLength(kind.type);
  }
};

void ExpectOuter(const ParsedPacket& parsed, const Bytes& packet, const RoundTrip& c) {
  const IpFields& ip = parsed.ip;
  EXPECT_EQ(ip.family, IpFamily::kV6);
  EXPECT_EQ(ip.src, Addr(v6test::kRouter));
  EXPECT_EQ(ip.dst, Addr(v6test::kUs));
  EXPECT_EQ(ip.ttl, 61);
  EXPECT_EQ(ip.protocol, kProtoIcmpv6);
  EXPECT_EQ(ip.header_len, 40 + c.outer_chain.bytes());
  EXPECT_EQ(ip.extension_count, c.outer_chain.count());
  EXPECT_EQ(ip.total_len, packet.size());
  ASSERT_TRUE(parsed.has_icmp);
  EXPECT_FALSE(parsed.has_tcp);
  const IcmpFields& icmp = parsed.icmp;
  const uint8_t* header = packet.data() + ip.header_len;
  EXPECT_EQ(icmp.type, c.kind.type);
  EXPECT_EQ(icmp.code, c.kind.code);
  EXPECT_EQ(icmp.checksum, (header[2] << 8) | header[3]);
  EXPECT_EQ(icmp.id, (header[4] << 8) | header[5]);
  EXPECT_EQ(icmp.seq, (header[6] << 8) | header[7]);
  EXPECT_EQ(icmp.mtu, c.kind.type == kIcmpv6PacketTooBig ? c.kind.word : 0u);
  EXPECT_EQ(icmp.pointer, c.kind.type == kIcmpv6ParamProblem ? c.kind.word : 0u);
  EXPECT_EQ(icmp.payload, header + 8);
  EXPECT_EQ(icmp.payload_len, packet.size() - ip.header_len - 8);
  // libtins' ICMPv6 checksum covers the pseudo-header and the message only.
  EXPECT_EQ(TransportChecksumIpv6(packet.data() + 8, packet.data() + 24, kProtoIcmpv6, header,
                                  packet.size() - ip.header_len),
            0);
  if (c.form == ExtensionForm::kLengthField && c.HasExtensions()) {
    EXPECT_EQ(header[4], 128 / 8);  // RFC 4884 length: the padded quote, in 64-bit words
  }
}

void ExpectQuote(const ParsedPacket& parsed, const Bytes& probe, const RoundTrip& c) {
  ASSERT_TRUE(parsed.has_quote);
  const IpFields& ip = parsed.quote.ip;
  EXPECT_EQ(ip.family, IpFamily::kV6);
  EXPECT_EQ(ip.src, Addr(v6test::kUs));
  EXPECT_EQ(ip.dst, Addr(v6test::kTarget));
  EXPECT_EQ(ip.ttl, 1);
  EXPECT_EQ(ip.flow_label, c.tcp_probe ? 0x5eed1u : 0x5eed2u);
  EXPECT_EQ(ip.protocol, c.tcp_probe ? kProtoTcp : kProtoIcmpv6);
  EXPECT_EQ(ip.header_len, 40 + c.quote_chain.bytes());
  EXPECT_EQ(ip.extension_count, c.quote_chain.count());
  EXPECT_EQ(ip.total_len, probe.size());
  EXPECT_EQ(ip.has_fragment_header, c.quote_chain.count() != 0);
  EXPECT_EQ(ip.fragment_offset, 0);
  const IcmpQuote& quote = parsed.quote;
  EXPECT_EQ(quote.transport, parsed.icmp.payload + ip.header_len);
  ASSERT_EQ(quote.transport_len, probe.size() - ip.header_len);  // padding is not datagram
  EXPECT_EQ(0, std::memcmp(quote.transport, probe.data() + ip.header_len, quote.transport_len));
  if (c.tcp_probe) {
    TcpFields tcp;
    ReadTcpHeader(quote.transport, quote.transport_len, &tcp);
    EXPECT_EQ(tcp.sport, v6test::kProbeSport);
    EXPECT_EQ(tcp.dport, v6test::kProbeDport);
    EXPECT_EQ(tcp.seq, v6test::kProbeSeq);
    EXPECT_EQ(tcp.flags, kTcpSyn);
    EXPECT_EQ(tcp.window, 65535);
    ASSERT_TRUE(tcp.has_timestamp);
    EXPECT_EQ(tcp.tsval, v6test::kProbeTsval);
    EXPECT_EQ(tcp.tsecr, 0u);
  } else {
    EXPECT_EQ(quote.transport[0], kIcmpv6EchoRequest);
    EXPECT_EQ((quote.transport[4] << 8) | quote.transport[5], v6test::kEchoId);
    EXPECT_EQ((quote.transport[6] << 8) | quote.transport[7], v6test::kEchoSeq);
  }
}

void ExpectExtensions(const ParsedPacket& parsed, const RoundTrip& c) {
  const IcmpQuote& quote = parsed.quote;
  if (!c.HasExtensions()) {
    EXPECT_FALSE(quote.has_extensions);
    EXPECT_EQ(quote.mpls.count, 0);
    return;
  }
  ASSERT_TRUE(quote.has_extensions);
  ASSERT_EQ(quote.mpls.count, kLabels.size());
  for (size_t i = 0; i < kLabels.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(quote.mpls.entries[i].label, kLabels[i].label);
    EXPECT_EQ(quote.mpls.entries[i].exp, kLabels[i].exp);
    EXPECT_EQ(quote.mpls.entries[i].bottom, kLabels[i].bottom);
    EXPECT_EQ(quote.mpls.entries[i].ttl, kLabels[i].ttl);
  }
}

std::vector<RoundTrip> AllRoundTrips() {
  std::vector<RoundTrip> cases;
  for (const ErrorKind& kind : kKinds) {
    // RFC 4884 defines extensions for destination unreachable and time exceeded only.
    std::vector<ExtensionForm> forms = {ExtensionForm::kNone};
    if (Icmpv6TypeHasLength(kind.type)) {
      forms.push_back(ExtensionForm::kLengthField);
      forms.push_back(ExtensionForm::kLegacy);
    }
    for (bool tcp : {true, false}) {
      for (const Chain& quote_chain : {Chain{}, kQuoteChain}) {
        for (const Chain& outer_chain : {Chain{}, kOuterChain}) {
          for (ExtensionForm form : forms) {
            cases.push_back({kind, tcp, quote_chain, outer_chain, form});
          }
        }
      }
    }
  }
  return cases;
}

TEST(Icmpv6QuoteTest, EveryReplyKindRoundTrips) {
  std::vector<RoundTrip> cases = AllRoundTrips();
  ASSERT_EQ(cases.size(), 15u * 2 * 2 * 2 + 10u * 2 * 2 * 2 * 2);
  for (const RoundTrip& c : cases) {
    SCOPED_TRACE(c.Name());
    Bytes probe = c.tcp_probe ? v6test::SynProbe(1, c.quote_chain)
                              : v6test::EchoProbe(1, c.quote_chain);
    v6test::ErrorSpec e;
    e.type = c.kind.type;
    e.code = c.kind.code;
    e.word = c.kind.word;
    e.form = c.form;
    if (c.form != ExtensionForm::kNone) e.labels = kLabels;
    e.outer.chain = c.outer_chain;
    Bytes packet = v6test::IcmpError(probe, e);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
    ExpectOuter(parsed, packet, c);
    ExpectQuote(parsed, probe, c);
    ExpectExtensions(parsed, c);
  }
}

// Routers quote as much of the invoking packet as fits in 1280 bytes.
TEST(Icmpv6QuoteTest, LongQuoteWithoutExtensions) {
  Tins::TCP tcp = v6test::ProbeTcp(40001, 25, 1, 0, Tins::TCP::PSH | Tins::TCP::ACK, 9, 8);
  v6test::Ipv6Spec spec{v6test::kUs, v6test::kTarget, 1, 7, 0, {}};
  Bytes invoking = v6test::Serialize(spec, tcp / Tins::RawPDU(Bytes(1000, 0xab)));
  ASSERT_EQ(invoking.size() % 8, 4u);
  invoking.resize(invoking.size() - 4);  // a multiple of 8: libtins sets the length field
  ParsedPacket parsed;
  ASSERT_EQ(Parse(v6test::IcmpError(invoking, {}), &parsed), ParseStatus::kOk);
  ASSERT_TRUE(parsed.has_quote);
  EXPECT_EQ(parsed.quote.ip.total_len, invoking.size() + 4);
  EXPECT_EQ(parsed.quote.transport_len, invoking.size() - 40);
  EXPECT_FALSE(parsed.quote.has_extensions);
}

// Octets 4-7 of packet too big and parameter problem are the MTU and the pointer, not an
// RFC 4884 length: bytes that look like an extension structure stay part of the quote.
TEST(Icmpv6QuoteTest, NoExtensionsForPacketTooBigOrParameterProblem) {
  Tins::ICMPExtensionsStructure structure;
  for (const v6test::Label& l : kLabels) {
    Tins::MPLS mpls;
    mpls.label(l.label);
    mpls.ttl(l.ttl);
    structure.add_extension(mpls);
  }
  Tins::PDU::serialization_type ext = structure.serialize();
  Bytes body = v6test::SynProbe();
  body.resize(128, 0);
  body.insert(body.end(), ext.begin(), ext.end());
  for (uint8_t type : {kIcmpv6PacketTooBig, kIcmpv6ParamProblem}) {
    v6test::ErrorSpec e;
    e.type = type;
    e.word = 0x10000500;  // octet 4 = 16: a plausible length field if misread
    ParsedPacket parsed;
    ASSERT_EQ(Parse(v6test::IcmpError(body, e), &parsed), ParseStatus::kOk);
    EXPECT_EQ(type == kIcmpv6PacketTooBig ? parsed.icmp.mtu : parsed.icmp.pointer, e.word);
    ASSERT_TRUE(parsed.has_quote);
    EXPECT_FALSE(parsed.quote.has_extensions);
    EXPECT_EQ(parsed.quote.mpls.count, 0);
    EXPECT_EQ(parsed.quote.transport_len, v6test::SynProbe().size() - 40);
  }
}

TEST(Icmpv6QuoteTest, ExtensionWithWrongChecksumDecodesNoMpls) {
  v6test::ErrorSpec e;
  e.form = ExtensionForm::kLengthField;
  e.labels = kLabels;
  Bytes packet = v6test::IcmpError(v6test::SynProbe(), e);
  packet[packet.size() - 1] ^= 0x01;  // the last label's TTL
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  ASSERT_TRUE(parsed.has_quote);
  EXPECT_FALSE(parsed.quote.has_extensions);
  EXPECT_EQ(parsed.quote.mpls.count, 0);
  EXPECT_EQ(parsed.quote.transport_len, v6test::SynProbe().size() - 40);
}

TEST(Icmpv6QuoteTest, TruncatedQuotes) {
  Chain chain{{Ext::kHopByHop, Ext::kRouting}};
  Bytes probe = v6test::SynProbe(1, chain);
  const size_t header_len = 40 + chain.bytes();
  for (size_t len = 0; len <= probe.size(); ++len) {
    SCOPED_TRACE(len);
    Bytes quote(probe.begin(), probe.begin() + static_cast<long>(len));
    ParsedPacket parsed;
    ASSERT_EQ(Parse(v6test::IcmpError(quote, {}), &parsed), ParseStatus::kOk);
    ASSERT_TRUE(parsed.has_icmp);
    // Cut inside the IPv6 header or its extension headers: nothing to read.
    ASSERT_EQ(parsed.has_quote, len >= header_len);
    if (!parsed.has_quote) continue;
    EXPECT_EQ(parsed.quote.ip.header_len, header_len);
    EXPECT_EQ(parsed.quote.transport_len, len - header_len);
    EXPECT_EQ(parsed.quote.ip.extension_count, 2);
  }
}

TEST(Icmpv6QuoteTest, BrokenQuotedChainsGiveNoQuote) {
  struct Case {
    const char* name;
    Bytes quote;
  };
  Bytes long_hop = v6test::SynProbe(1, {{Ext::kHopByHop}});
  long_hop[40 + 1] = 200;
  Chain nine;
  nine.headers.assign(kMaxIpv6ExtensionHeaders + 1, Ext::kDestOptions);
  Bytes ipv4_in_icmpv6(60, 0);
  ipv4_in_icmpv6[0] = 0x45;
  const Case cases[] = {
      {"hop-by-hop past the quote", long_hop},
      {"nine extension headers", v6test::SynProbe(1, nine)},
      {"hop-by-hop not first", v6test::SynProbe(1, {{Ext::kRouting, Ext::kHopByHop}})},
      {"an IPv4 quote", ipv4_in_icmpv6},
  };
  for (const Case& c : cases) {
    ParsedPacket parsed;
    ASSERT_EQ(Parse(v6test::IcmpError(c.quote, {}), &parsed), ParseStatus::kOk) << c.name;
    EXPECT_TRUE(parsed.has_icmp) << c.name;
    EXPECT_FALSE(parsed.has_quote) << c.name;
  }
}

TEST(Icmpv6QuoteTest, QuotedNonFirstFragmentHasNoTransport) {
  Chain chain{{Ext::kHopByHop, Ext::kFragmentLater}};
  ParsedPacket parsed;
  ASSERT_EQ(Parse(v6test::IcmpError(v6test::SynProbe(1, chain), {}), &parsed), ParseStatus::kOk);
  ASSERT_TRUE(parsed.has_quote);
  EXPECT_TRUE(parsed.quote.ip.has_fragment_header);
  EXPECT_EQ(parsed.quote.ip.fragment_offset, 185);
  EXPECT_EQ(parsed.quote.ip.header_len, 40 + chain.bytes());
  EXPECT_EQ(parsed.quote.transport_len, 0u);
}

TEST(Icmpv6QuoteTest, LengthFieldOutOfRange) {
  Bytes probe = v6test::SynProbe();
  Bytes packet = v6test::IcmpError(probe, {});
  ParsedPacket parsed;
  // Longer than the body: ignored, as for ICMP.
  packet[40 + 4] = 200;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  ASSERT_TRUE(parsed.has_quote);
  EXPECT_EQ(parsed.quote.transport_len, probe.size() - 40);
  // Shorter than an IPv6 header: the "original datagram" cannot be read.
  packet[40 + 4] = 2;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  EXPECT_FALSE(parsed.has_quote);
  // Within the quote: it bounds the transport bytes.
  packet[40 + 4] = 8;  // 64 bytes: 24 of the 36 TCP bytes
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  ASSERT_TRUE(parsed.has_quote);
  EXPECT_EQ(parsed.quote.transport_len, 24u);
}

TEST(Icmpv6QuoteTest, NonErrorTypesHaveNoQuote) {
  // A neighbour advertisement (136) whose body happens to look like an IPv6 packet.
  v6test::ErrorSpec e;
  e.type = 136;
  ParsedPacket parsed;
  ASSERT_EQ(Parse(v6test::IcmpError(v6test::SynProbe(), e), &parsed), ParseStatus::kOk);
  EXPECT_TRUE(parsed.has_icmp);
  EXPECT_FALSE(parsed.has_quote);
}

TEST(Icmpv6QuoteTest, EveryPrefixIsSafe) {
  v6test::ErrorSpec e;
  e.form = ExtensionForm::kLengthField;
  // No all-ones word: a cut that drops one would keep the extension checksum valid.
  e.labels = {{16005, 0, false, 1}, {24001, 5, true, 7}};
  e.outer.chain = kOuterChain;
  Bytes full = v6test::IcmpError(v6test::SynProbe(1, kQuoteChain), e);
  const size_t icmp_at = 40 + kOuterChain.bytes();
  for (size_t len = 0; len <= full.size(); ++len) {
    SCOPED_TRACE(len);
    ParsedPacket parsed;
    ParseStatus status = Parse(Bytes(full.begin(), full.begin() + static_cast<long>(len)), &parsed);
    ASSERT_EQ(status, len < icmp_at + 8 ? ParseStatus::kTruncated : ParseStatus::kOk);
    if (status == ParseStatus::kOk) {
      EXPECT_EQ(parsed.has_quote, len >= icmp_at + 8 + 40 + kQuoteChain.bytes());
      EXPECT_EQ(parsed.quote.has_extensions, len == full.size());
    }
  }
}

}  // namespace
}  // namespace cutpoint::wire
