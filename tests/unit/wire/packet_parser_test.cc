// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/packet_parser.h"

#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"
#include "wire/parse_test_util.h"

namespace cutpoint::wire {
namespace {

using testutil::Bytes;
using testutil::Ip;

constexpr testutil::Ipv4Literal kUs = Ip(192, 0, 2, 1);
constexpr testutil::Ipv4Literal kTarget = Ip(185, 70, 40, 101);
constexpr testutil::Ipv4Literal kRouter = Ip(203, 0, 113, 9);

Bytes TcpSyn(uint8_t ttl = 5) {
  testutil::Ipv4Spec ip;
  ip.src = kUs;
  ip.dst = kTarget;
  ip.ttl = ttl;
  ip.id = 0xbeef;
  testutil::TcpSpec tcp;
  tcp.sport = 40001;
  tcp.dport = 443;
  tcp.seq = 0x05c0ffee;
  tcp.flags = 0x02;
  tcp.window = 65535;
  tcp.options = {2, 4, 0x05, 0xb4};
  return testutil::BuildTcpPacket(ip, tcp);
}

Bytes IcmpEcho(uint8_t ttl = 5) {
  testutil::Ipv4Spec ip;
  ip.src = kUs;
  ip.dst = kTarget;
  ip.ttl = ttl;
  ip.id = 0x0102;
  return testutil::BuildIcmpPacket(ip, 8, 0, 0x12345678, {1, 2, 3, 4, 5, 6, 7, 8});
}

// Parses an exactly-sized heap copy (ASan catches over-reads) and checks that every
// pointer handed back lies inside the buffer.
ParseStatus Parse(const Bytes& packet, ParsedPacket* out) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[packet.size() == 0 ? 1 : packet.size()]);
  if (!packet.empty()) std::memcpy(copy.get(), packet.data(), packet.size());
  const uint8_t* begin = copy.get();
  const uint8_t* end = begin + packet.size();
  ParseStatus status = ParseIpv4Packet(begin, packet.size(), out);
  if (status == ParseStatus::kOk && out->has_icmp) {
    EXPECT_GE(out->icmp.payload, begin);
    EXPECT_LE(out->icmp.payload + out->icmp.payload_len, end);
  }
  if (status == ParseStatus::kOk && out->has_quote) {
    EXPECT_GE(out->quote.transport, begin);
    EXPECT_LE(out->quote.transport + out->quote.transport_len, end);
  }
  // Re-point into the caller's vector so the pointers stay valid after `copy` dies.
  auto rebase = [&](const uint8_t* p) { return p == nullptr ? p : packet.data() + (p - begin); };
  // Only the parts the flags report are filled (the others may be stale).
  if (out->has_icmp) out->icmp.payload = rebase(out->icmp.payload);
  if (out->has_quote) out->quote.transport = rebase(out->quote.transport);
  return status;
}

TEST(PacketParserTest, TcpSynAck) {
  testutil::Ipv4Spec ip;
  ip.src = kTarget;
  ip.dst = kUs;
  ip.ttl = 57;
  ip.id = 0x4321;
  ip.tos = 0x10;
  ip.frag = 0x4000;  // DF
  testutil::TcpSpec tcp{443, 40001, 0xaabbccdd, 0x05c0ffef, 0x12, 29200, {2, 4, 5, 0xb4}};
  Bytes packet = testutil::BuildTcpPacket(ip, tcp);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.ip.src.v4(), kTarget);
  EXPECT_EQ(parsed.ip.dst.v4(), kUs);
  EXPECT_EQ(parsed.ip.ttl, 57);
  EXPECT_EQ(parsed.ip.id, 0x4321);
  EXPECT_EQ(parsed.ip.tos, 0x10);
  EXPECT_EQ(parsed.ip.frag, 0x4000);
  EXPECT_EQ(parsed.ip.header_len, 20);
  EXPECT_EQ(parsed.ip.total_len, 44);
  EXPECT_EQ(parsed.ip.protocol, 6);
  ASSERT_TRUE(parsed.has_tcp);
  EXPECT_FALSE(parsed.has_icmp);
  EXPECT_FALSE(parsed.has_quote);
  EXPECT_EQ(parsed.tcp.sport, 443);
  EXPECT_EQ(parsed.tcp.dport, 40001);
  EXPECT_EQ(parsed.tcp.seq, 0xaabbccddu);
  EXPECT_EQ(parsed.tcp.ack, 0x05c0ffefu);
  EXPECT_EQ(parsed.tcp.flags, 0x12);
  EXPECT_EQ(parsed.tcp.window, 29200);
}

TEST(PacketParserTest, IpOptionsShiftTransport) {
  testutil::Ipv4Spec ip;
  ip.src = kTarget;
  ip.dst = kUs;
  ip.options = {0x01, 0x01, 0x01, 0x00};  // NOP NOP NOP EOL
  testutil::TcpSpec tcp{80, 33333, 1, 2, 0x14, 0, {}};
  Bytes packet = testutil::BuildTcpPacket(ip, tcp);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.ip.header_len, 24);
  EXPECT_EQ(parsed.tcp.sport, 80);
  EXPECT_EQ(parsed.tcp.dport, 33333);
  EXPECT_EQ(parsed.tcp.flags, 0x14);
}

TEST(PacketParserTest, LinkPaddingBeyondTotalLengthIsIgnored) {
  testutil::Ipv4Spec ip;
  ip.src = kTarget;
  ip.dst = kUs;
  Bytes packet = testutil::BuildIcmpPacket(ip, 0, 0, 0x00010002, {9, 9, 9, 9});
  packet.resize(packet.size() + 10, 0xee);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.icmp.payload_len, 4u);
}

TEST(PacketParserTest, IcmpEchoReply) {
  testutil::Ipv4Spec ip;
  ip.src = kTarget;
  ip.dst = kUs;
  ip.ttl = 60;
  Bytes body = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};
  Bytes packet = testutil::BuildIcmpPacket(ip, 0, 0, 0x9abc0042, body);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  ASSERT_TRUE(parsed.has_icmp);
  EXPECT_FALSE(parsed.has_tcp);
  EXPECT_FALSE(parsed.has_quote);
  EXPECT_EQ(parsed.icmp.type, 0);
  EXPECT_EQ(parsed.icmp.code, 0);
  EXPECT_EQ(parsed.icmp.id, 0x9abc);
  EXPECT_EQ(parsed.icmp.seq, 0x0042);
  EXPECT_EQ(parsed.icmp.checksum, testutil::Get16(&packet[22]));
  ASSERT_EQ(parsed.icmp.payload_len, body.size());
  EXPECT_EQ(0, std::memcmp(parsed.icmp.payload, body.data(), body.size()));
}

void ExpectQuotesProbe(const ParsedPacket& parsed, const Bytes& probe, size_t transport_len) {
  ASSERT_TRUE(parsed.has_quote);
  EXPECT_EQ(parsed.quote.ip.src.v4(), kUs);
  EXPECT_EQ(parsed.quote.ip.dst.v4(), kTarget);
  EXPECT_EQ(parsed.quote.ip.protocol, probe[9]);
  EXPECT_EQ(parsed.quote.ip.id, testutil::Get16(&probe[4]));
  EXPECT_EQ(parsed.quote.ip.total_len, probe.size());
  EXPECT_EQ(parsed.quote.ip.header_len, 20);
  EXPECT_EQ(parsed.quote.ip.ttl, 1);
  ASSERT_EQ(parsed.quote.transport_len, transport_len);
  EXPECT_EQ(0, std::memcmp(parsed.quote.transport, probe.data() + 20,
                           std::min<size_t>(transport_len, probe.size() - 20)));
}

TEST(PacketParserTest, TimeExceededQuotingEightBytes) {
  for (const Bytes& probe : {TcpSyn(), IcmpEcho()}) {
    testutil::IcmpErrorSpec e;
    e.router = kRouter;
    Bytes packet = testutil::BuildIcmpError(probe, e);
    ASSERT_EQ(packet.size(), 20u + 8 + 20 + 8);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
    EXPECT_EQ(parsed.ip.src.v4(), kRouter);
    EXPECT_EQ(parsed.ip.dst.v4(), kUs);
    EXPECT_EQ(parsed.ip.ttl, 250);
    EXPECT_EQ(parsed.icmp.type, 11);
    EXPECT_EQ(parsed.icmp.code, 0);
    ExpectQuotesProbe(parsed, probe, 8);
    EXPECT_FALSE(parsed.quote.has_extensions);
    EXPECT_EQ(parsed.quote.mpls.count, 0);
  }
}

TEST(PacketParserTest, TimeExceededQuotingFullPacket) {
  for (const Bytes& probe : {TcpSyn(), IcmpEcho()}) {
    testutil::IcmpErrorSpec e;
    e.router = kRouter;
    e.quote_transport = SIZE_MAX;
    Bytes packet = testutil::BuildIcmpError(probe, e);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
    ExpectQuotesProbe(parsed, probe, probe.size() - 20);
    TcpFields tcp;
    if (probe[9] == 6) {
      ReadTcpPrefix(parsed.quote.transport, parsed.quote.transport_len, &tcp);
      EXPECT_EQ(tcp.sport, 40001);
      EXPECT_EQ(tcp.dport, 443);
      EXPECT_EQ(tcp.seq, 0x05c0ffeeu);
      EXPECT_EQ(tcp.flags, 0x02);
      EXPECT_EQ(tcp.window, 65535);
    }
  }
}

TEST(PacketParserTest, DestUnreachableAndParamProblem) {
  for (uint8_t code = 0; code < 16; ++code) {
    testutil::IcmpErrorSpec e;
    e.type = 3;
    e.code = code;
    e.router = kTarget;
    Bytes packet = testutil::BuildIcmpError(TcpSyn(), e);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
    EXPECT_EQ(parsed.icmp.type, 3);
    EXPECT_EQ(parsed.icmp.code, code);
    ExpectQuotesProbe(parsed, TcpSyn(), 8);
  }
  testutil::IcmpErrorSpec e;
  e.type = 12;
  e.code = 0;
  e.pointer = 20;
  e.router = kRouter;
  e.quote_transport = SIZE_MAX;
  Bytes packet = testutil::BuildIcmpError(IcmpEcho(), e);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.icmp.type, 12);
  ExpectQuotesProbe(parsed, IcmpEcho(), 16);
}

TEST(PacketParserTest, NonQuotingIcmpHasNoQuote) {
  testutil::Ipv4Spec ip;
  ip.src = kTarget;
  ip.dst = kUs;
  // A timestamp reply (14) whose body happens to look like an IPv4 header.
  Bytes syn = TcpSyn();
  Bytes body(syn.begin(), syn.begin() + 28);
  Bytes packet = testutil::BuildIcmpPacket(ip, 14, 0, 0, body);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  EXPECT_FALSE(parsed.has_quote);
}

const std::vector<testutil::Label> kLabels = {
    {16005, 0, false, 1}, {24001, 5, false, 254}, {0xfffff, 7, true, 255}};

void ExpectLabels(const ParsedPacket& parsed) {
  ASSERT_TRUE(parsed.quote.has_extensions);
  ASSERT_EQ(parsed.quote.mpls.count, kLabels.size());
  for (size_t i = 0; i < kLabels.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(parsed.quote.mpls.entries[i].label, kLabels[i].label);
    EXPECT_EQ(parsed.quote.mpls.entries[i].exp, kLabels[i].tc);
    EXPECT_EQ(parsed.quote.mpls.entries[i].bottom, kLabels[i].bottom);
    EXPECT_EQ(parsed.quote.mpls.entries[i].ttl, kLabels[i].ttl);
  }
}

TEST(PacketParserTest, Rfc4884ExtensionWithLengthField) {
  testutil::IcmpErrorSpec e;
  e.router = kRouter;
  e.quote_transport = SIZE_MAX;
  e.form = testutil::ExtensionForm::kLengthField;
  e.extension = testutil::MplsExtension(kLabels);
  Bytes packet = testutil::BuildIcmpError(TcpSyn(), e);
  ASSERT_EQ(packet[20 + 5], 32);  // length field: 128 bytes
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  ExpectQuotesProbe(parsed, TcpSyn(), TcpSyn().size() - 20);  // padding is not datagram
  ExpectLabels(parsed);
}

TEST(PacketParserTest, Rfc4884ExtensionLegacyForm) {
  for (const Bytes& probe : {TcpSyn(), IcmpEcho()}) {
    testutil::IcmpErrorSpec e;
    e.router = kRouter;
    e.quote_transport = SIZE_MAX;
    e.form = testutil::ExtensionForm::kLegacy;
    e.extension = testutil::MplsExtension(kLabels);
    Bytes packet = testutil::BuildIcmpError(probe, e);
    ASSERT_EQ(packet[20 + 5], 0);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
    ExpectQuotesProbe(parsed, probe, probe.size() - 20);
    ExpectLabels(parsed);
  }
}

TEST(PacketParserTest, ExtensionWithZeroChecksumIsAccepted) {
  testutil::IcmpErrorSpec e;
  e.router = kRouter;
  e.form = testutil::ExtensionForm::kLengthField;
  e.extension = testutil::MplsExtension({{100, 0, true, 1}});
  e.extension[2] = e.extension[3] = 0;  // "checksum not computed"
  ParsedPacket parsed;
  ASSERT_EQ(Parse(testutil::BuildIcmpError(TcpSyn(), e), &parsed), ParseStatus::kOk);
  ASSERT_EQ(parsed.quote.mpls.count, 1);
  EXPECT_EQ(parsed.quote.mpls.entries[0].label, 100u);
}

TEST(PacketParserTest, ExtensionWithWrongChecksumDecodesNoMpls) {
  for (auto form : {testutil::ExtensionForm::kLengthField, testutil::ExtensionForm::kLegacy}) {
    testutil::IcmpErrorSpec e;
    e.router = kRouter;
    e.form = form;
    e.extension = testutil::MplsExtension(kLabels, /*corrupt_checksum=*/true);
    ParsedPacket parsed;
    ASSERT_EQ(Parse(testutil::BuildIcmpError(TcpSyn(), e), &parsed), ParseStatus::kOk);
    ASSERT_TRUE(parsed.has_quote);
    EXPECT_FALSE(parsed.quote.has_extensions);
    EXPECT_EQ(parsed.quote.mpls.count, 0);
    EXPECT_EQ(parsed.quote.transport_len, TcpSyn().size() - 20);
  }
  // Corrupting a label byte (checksum left as it was) must also be caught.
  testutil::IcmpErrorSpec e;
  e.router = kRouter;
  e.form = testutil::ExtensionForm::kLengthField;
  e.extension = testutil::MplsExtension(kLabels);
  e.extension[9] ^= 0x40;
  ParsedPacket parsed;
  ASSERT_EQ(Parse(testutil::BuildIcmpError(TcpSyn(), e), &parsed), ParseStatus::kOk);
  EXPECT_EQ(parsed.quote.mpls.count, 0);
}

TEST(PacketParserTest, UnknownExtensionObjectsAreSkipped) {
  // An interface-information object (class 2) before the MPLS object.
  Bytes ext = {0x20, 0, 0, 0,                     // version 2, checksum below
               0, 8, 2, 0x0c, 1, 2, 3, 4,         // class 2, 8 bytes
               0, 8, 1, 1, 0x00, 0x3e, 0x81, 0x01};  // label 1000, tc 0, S, ttl 1
  testutil::Put16(&ext[2], InternetChecksum(ext.data(), ext.size()));
  testutil::IcmpErrorSpec e;
  e.router = kRouter;
  e.form = testutil::ExtensionForm::kLengthField;
  e.extension = ext;
  ParsedPacket parsed;
  ASSERT_EQ(Parse(testutil::BuildIcmpError(TcpSyn(), e), &parsed), ParseStatus::kOk);
  ASSERT_EQ(parsed.quote.mpls.count, 1);
  EXPECT_EQ(parsed.quote.mpls.entries[0].label, 1000u);
  EXPECT_TRUE(parsed.quote.mpls.entries[0].bottom);
  EXPECT_EQ(parsed.quote.mpls.entries[0].ttl, 1);
}

TEST(PacketParserTest, MplsStackIsCappedAtMaxEntries) {
  std::vector<testutil::Label> many;
  for (int i = 0; i < kMaxMplsEntries + 4; ++i) {
    many.push_back({static_cast<uint32_t>(100 + i), 0, i == kMaxMplsEntries + 3, 1});
  }
  testutil::IcmpErrorSpec e;
  e.router = kRouter;
  e.form = testutil::ExtensionForm::kLengthField;
  e.extension = testutil::MplsExtension(many);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(testutil::BuildIcmpError(TcpSyn(), e), &parsed), ParseStatus::kOk);
  ASSERT_EQ(parsed.quote.mpls.count, kMaxMplsEntries);
  EXPECT_EQ(parsed.quote.mpls.entries[kMaxMplsEntries - 1].label, 100u + kMaxMplsEntries - 1);
}

TEST(PacketParserTest, Fragments) {
  Bytes packet = TcpSyn();
  packet[6] = 0x00;
  packet[7] = 0x10;  // offset 16 (128 bytes)
  ParsedPacket parsed;
  EXPECT_EQ(Parse(packet, &parsed), ParseStatus::kFragment);
  packet[6] = 0x20;  // MF + offset
  EXPECT_EQ(Parse(packet, &parsed), ParseStatus::kFragment);
  packet[6] = 0x20;  // first fragment (MF, offset 0) still has its transport header
  packet[7] = 0x00;
  EXPECT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  EXPECT_TRUE(parsed.has_tcp);
  packet[6] = 0x40;  // DF
  EXPECT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
}

TEST(PacketParserTest, BadHeadersAndUnsupported) {
  ParsedPacket parsed;
  Bytes packet = TcpSyn();
  Bytes v6 = packet;
  v6[0] = 0x65;
  EXPECT_EQ(Parse(v6, &parsed), ParseStatus::kBadHeader);
  Bytes ihl4 = packet;
  ihl4[0] = 0x44;
  EXPECT_EQ(Parse(ihl4, &parsed), ParseStatus::kBadHeader);
  Bytes short_total = packet;
  testutil::Put16(&short_total[2], 19);
  EXPECT_EQ(Parse(short_total, &parsed), ParseStatus::kBadHeader);
  Bytes ihl15 = packet;  // 60-byte header in a 44-byte packet
  ihl15[0] = 0x4f;
  EXPECT_EQ(Parse(ihl15, &parsed), ParseStatus::kTruncated);
  Bytes udp = packet;
  udp[9] = 17;
  EXPECT_EQ(Parse(udp, &parsed), ParseStatus::kUnsupported);
  Bytes bad_doff = packet;
  bad_doff[20 + 12] = 0x40;  // TCP data offset 16 bytes
  EXPECT_EQ(Parse(bad_doff, &parsed), ParseStatus::kTruncated);
  Bytes big_doff = packet;
  big_doff[20 + 12] = 0xf0;  // 60 bytes: beyond the segment
  EXPECT_EQ(Parse(big_doff, &parsed), ParseStatus::kTruncated);
}

TEST(PacketParserTest, EveryPrefixIsSafe) {
  std::vector<Bytes> packets = {TcpSyn(), IcmpEcho()};
  for (const Bytes& probe : {TcpSyn(), IcmpEcho()}) {
    for (auto form : {testutil::ExtensionForm::kNone, testutil::ExtensionForm::kLengthField,
                      testutil::ExtensionForm::kLegacy}) {
      testutil::IcmpErrorSpec e;
      e.router = kRouter;
      e.quote_transport = SIZE_MAX;
      e.form = form;
      if (form != testutil::ExtensionForm::kNone) e.extension = testutil::MplsExtension(kLabels);
      packets.push_back(testutil::BuildIcmpError(probe, e));
    }
  }
  for (size_t p = 0; p < packets.size(); ++p) {
    const Bytes& full = packets[p];
    for (size_t len = 0; len <= full.size(); ++len) {
      SCOPED_TRACE(testing::Message() << "packet " << p << " len " << len);
      Bytes prefix(full.begin(), full.begin() + static_cast<long>(len));
      ParsedPacket parsed;
      ParseStatus status = Parse(prefix, &parsed);
      if (len < 20) {
        EXPECT_EQ(status, ParseStatus::kTruncated);
      }
      if (full[9] == 6 && len < 40) {
        EXPECT_EQ(status, ParseStatus::kTruncated);
      }
      if (full[9] == 1 && len < 28) {
        EXPECT_EQ(status, ParseStatus::kTruncated);
      }
      if (len == full.size()) {
        EXPECT_EQ(status, ParseStatus::kOk);
      }
      // An ICMP error cut inside the quoted IP header has no quote.
      if (full[9] == 1 && full[20] == 11 && len < 48) {
        EXPECT_FALSE(parsed.has_quote);
      }
    }
  }
}

TEST(PacketParserTest, RandomGarbageNeverReadsOutOfBounds) {
  std::mt19937 rng(20240229);
  Bytes seed_packet;
  {
    testutil::IcmpErrorSpec e;
    e.router = kRouter;
    e.quote_transport = SIZE_MAX;
    e.form = testutil::ExtensionForm::kLengthField;
    e.extension = testutil::MplsExtension(kLabels);
    seed_packet = testutil::BuildIcmpError(TcpSyn(), e);
  }
  int ok = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes buf;
    switch (i % 4) {
      case 0: {  // pure noise
        buf.resize(rng() % 200);
        for (auto& b : buf) b = static_cast<uint8_t>(rng());
        break;
      }
      case 1: {  // plausible IPv4 header, random rest
        buf.resize(20 + rng() % 200);
        for (auto& b : buf) b = static_cast<uint8_t>(rng());
        buf[0] = static_cast<uint8_t>(0x40 | (5 + rng() % 11));
        buf[6] &= 0xe0;
        buf[7] = 0;
        buf[9] = (rng() & 1) ? 1 : 6;
        if (buf[9] == 1 && buf.size() > 24) {
          const uint8_t types[] = {0, 3, 4, 5, 11, 12};
          size_t hl = size_t{buf[0] & 0xfu} * 4;
          if (hl < buf.size()) buf[hl] = types[rng() % 6];
        }
        break;
      }
      default: {  // mutations of a valid ICMP error with extensions
        buf = seed_packet;
        int flips = 1 + static_cast<int>(rng() % 8);
        for (int f = 0; f < flips; ++f) buf[rng() % buf.size()] = static_cast<uint8_t>(rng());
        if (i % 4 == 3) buf.resize(rng() % (buf.size() + 1));
        break;
      }
    }
    ParsedPacket parsed;
    if (Parse(buf, &parsed) == ParseStatus::kOk) {
      ++ok;
      ASSERT_TRUE(parsed.has_tcp || parsed.has_icmp);
      ASSERT_LE(parsed.quote.mpls.count, kMaxMplsEntries);
    }
  }
  EXPECT_GT(ok, 1000);  // the generator reaches the deep paths
}

TEST(PacketParserTest, ReadTcpPrefixPartial) {
  Bytes tcp = testutil::BuildTcp(kUs, kTarget, {40001, 443, 0x01020304, 0x05060708, 0x12, 999, {}});
  TcpFields f;
  ReadTcpPrefix(tcp.data(), 8, &f);
  EXPECT_EQ(f.sport, 40001);
  EXPECT_EQ(f.dport, 443);
  EXPECT_EQ(f.seq, 0x01020304u);
  EXPECT_EQ(f.ack, 0u);
  EXPECT_EQ(f.flags, 0);
  TcpFields g;
  ReadTcpPrefix(tcp.data(), 14, &g);
  EXPECT_EQ(g.ack, 0x05060708u);
  EXPECT_EQ(g.flags, 0x12);
  EXPECT_EQ(g.window, 0);
  TcpFields h;
  ReadTcpPrefix(tcp.data(), 16, &h);
  EXPECT_EQ(h.window, 999);
}

// The timestamp option is read for both families: IPv6 SYN-ACKs echo the send time in TSecr.
TEST(PacketParserTest, TcpTimestampOption) {
  testutil::Ipv4Spec ip;
  ip.src = kTarget;
  ip.dst = kUs;
  testutil::TcpSpec tcp{443, 40001, 1, 2, 0x12, 29200,
                        {2, 4, 5, 0xb4, 1, 1, 8, 10, 0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4}};
  Bytes packet = testutil::BuildTcpPacket(ip, tcp);
  ParsedPacket parsed;
  ASSERT_EQ(Parse(packet, &parsed), ParseStatus::kOk);
  ASSERT_TRUE(parsed.tcp.has_timestamp);
  EXPECT_EQ(parsed.tcp.tsval, 0xa1a2a3a4u);
  EXPECT_EQ(parsed.tcp.tsecr, 0xb1b2b3b4u);
  // The same header read from a quote: whole header only.
  const uint8_t* header = packet.data() + 20;
  TcpFields whole;
  ReadTcpHeader(header, 36, &whole);
  EXPECT_TRUE(whole.has_timestamp);
  EXPECT_EQ(whole.tsecr, 0xb1b2b3b4u);
  EXPECT_EQ(whole.window, 29200);
  TcpFields cut;
  ReadTcpHeader(header, 35, &cut);
  EXPECT_FALSE(cut.has_timestamp);
  EXPECT_EQ(cut.window, 29200);
  TcpFields eight;
  ReadTcpHeader(header, 8, &eight);
  EXPECT_FALSE(eight.has_timestamp);
  EXPECT_EQ(eight.seq, 1u);
  // No options: no timestamp.
  ASSERT_EQ(Parse(TcpSyn(), &parsed), ParseStatus::kOk);
  EXPECT_FALSE(parsed.tcp.has_timestamp);
}

// ParsePacket hands IPv4 to the IPv4 parser: the same answer, field for field.
TEST(PacketParserTest, ParsePacketOnIpv4IsParseIpv4Packet) {
  testutil::IcmpErrorSpec e;
  e.router = kRouter;
  e.quote_transport = SIZE_MAX;
  e.form = testutil::ExtensionForm::kLengthField;
  e.extension = testutil::MplsExtension(kLabels);
  Bytes error = testutil::BuildIcmpError(TcpSyn(), e);
  Bytes fragment = TcpSyn();
  fragment[7] = 0x10;
  Bytes udp = TcpSyn();
  udp[9] = 17;
  for (const Bytes& packet : {TcpSyn(), IcmpEcho(), error, fragment, udp, Bytes(10, 0x45)}) {
    ParsedPacket a, b;
    ParseStatus sa = parsetest::ParseCopy(&ParseIpv4Packet, packet, &a);
    ParseStatus sb = parsetest::ParseCopy(&ParsePacket, packet, &b);
    ASSERT_EQ(sa, sb);
    EXPECT_EQ(a.ip.family, IpFamily::kV4);
    EXPECT_EQ(a.ip.src, b.ip.src);
    EXPECT_EQ(a.ip.header_len, b.ip.header_len);
    EXPECT_EQ(a.has_tcp, b.has_tcp);
    EXPECT_EQ(a.has_icmp, b.has_icmp);
    EXPECT_EQ(a.has_quote, b.has_quote);
    if (a.has_quote) {
      EXPECT_EQ(a.quote.transport_len, b.quote.transport_len);
      EXPECT_EQ(a.quote.mpls.count, b.quote.mpls.count);
    }
    if (sa == ParseStatus::kOk) {
      EXPECT_TRUE(a.ip.src.is_v4());
      EXPECT_EQ(a.ip.flow_label, 0u);
      EXPECT_EQ(a.ip.extension_count, 0);
    }
  }
}

}  // namespace
}  // namespace cutpoint::wire
