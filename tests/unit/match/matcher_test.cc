// SPDX-License-Identifier: Apache-2.0
// Matcher round trips: replies built from our own probe bytes, as a real responder or
// router would build them, must map back to the probe with every record field right.
#include "engine/match/matcher.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "engine/probe/probe_builder.h"
#include "gtest/gtest.h"
#include "v4_ranges.h"
#include "test_util.h"

namespace cutpoint::match {
namespace {

using probe::ProbeType;
using testutil::Bytes;
using testutil::Ip;

constexpr testutil::Ipv4Literal kSource = Ip(192, 0, 2, 1);
constexpr testutil::Ipv4Literal kTarget = Ip(185, 70, 40, 101);
constexpr testutil::Ipv4Literal kOffPlanTarget = Ip(185, 70, 41, 1);
constexpr testutil::Ipv4Literal kRouter = Ip(203, 0, 113, 9);
constexpr int64_t kSendUs = 1700000000123456;
constexpr int64_t kRttUs = 23456;
constexpr int64_t kRecvUs = kSendUs + kRttUs;
constexpr int64_t kTickStart = kSendUs / probe::kTickUs * probe::kTickUs;

probe::ProbeKey Key(uint8_t offset = 0) {
  probe::ProbeKey key;
  for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(i + offset);
  return key;
}

probe::ProbeSpec Spec(ProbeType type, uint16_t port, uint8_t ttl, uint8_t attempt,
                      uint32_t target = kTarget) {
  probe::ProbeSpec spec;
  spec.target = wire::IpAddress::V4(target);
  spec.type = type;
  spec.port = port;
  spec.ttl = ttl;
  spec.attempt = attempt;
  return spec;
}

// Runs a matcher on an exactly-sized heap copy (ASan catches over-reads).
MatchOutcome RunFrame(const Matcher& m, wire::LinkType link, const Bytes& frame, int64_t recv,
                      ReplyRecord* out, RejectReason* reason) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[frame.empty() ? 1 : frame.size()]);
  if (!frame.empty()) std::memcpy(copy.get(), frame.data(), frame.size());
  return m.MatchFrame(link, copy.get(), frame.size(), recv, out, reason);
}

void ExpectSameRecord(const ReplyRecord& a, const ReplyRecord& e) {
  EXPECT_EQ(a.target, e.target);
  EXPECT_EQ(a.probe_type, e.probe_type);
  EXPECT_EQ(a.port, e.port);
  EXPECT_EQ(a.probe_ttl, e.probe_ttl);
  EXPECT_EQ(a.attempt, e.attempt);
  EXPECT_EQ(ReplyKindName(a.kind), ReplyKindName(e.kind));
  EXPECT_EQ(a.from, e.from);
  EXPECT_EQ(a.reply_ttl, e.reply_ttl);
  EXPECT_EQ(a.reply_ipid, e.reply_ipid);
  EXPECT_EQ(a.recv_time_us, e.recv_time_us);
  EXPECT_EQ(a.rtt_us, e.rtt_us);
  EXPECT_EQ(a.rtt_exact, e.rtt_exact);
  EXPECT_EQ(a.is_icmp, e.is_icmp);
  EXPECT_EQ(a.icmp_type, e.icmp_type);
  EXPECT_EQ(a.icmp_code, e.icmp_code);
  EXPECT_EQ(a.is_tcp, e.is_tcp);
  EXPECT_EQ(a.tcp_flags, e.tcp_flags);
  EXPECT_EQ(a.tcp_window, e.tcp_window);
  EXPECT_EQ(a.has_quote, e.has_quote);
  EXPECT_EQ(a.quoted_ttl, e.quoted_ttl);
  EXPECT_EQ(a.quoted_ipid, e.quoted_ipid);
  EXPECT_EQ(a.quoted_len, e.quoted_len);
  ASSERT_EQ(a.mpls.count, e.mpls.count);
  for (int i = 0; i < e.mpls.count; ++i) {
    EXPECT_EQ(a.mpls.entries[i].label, e.mpls.entries[i].label) << i;
    EXPECT_EQ(a.mpls.entries[i].exp, e.mpls.entries[i].exp) << i;
    EXPECT_EQ(a.mpls.entries[i].bottom, e.mpls.entries[i].bottom) << i;
    EXPECT_EQ(a.mpls.entries[i].ttl, e.mpls.entries[i].ttl) << i;
  }
}

class MatcherTest : public ::testing::Test {
 protected:
  MatcherTest()
      : targets_(testutil::V4Set(
            {{kTarget, kTarget}, {Ip(198, 51, 100, 0), Ip(198, 51, 100, 255)}})) {
    config_.source_v4 = wire::IpAddress::V4(kSource);
    config_.targets = &targets_;
    config_.ttl_min = 1;
    config_.ttl_max = 32;
    config_.attempts = 4;
  }

  Bytes Probe(const probe::ProbeSpec& spec, int64_t send_us = kSendUs,
              const probe::ProbeCodec* codec = nullptr) const {
    probe::ProbeBuilder builder(codec != nullptr ? *codec : codec_,
                                probe::ProbeSources{wire::IpAddress::V4(kSource), std::nullopt});
    uint8_t buf[probe::kMaxProbeLen];
    size_t len = builder.Build(spec, send_us, buf);
    return Bytes(buf, buf + len);
  }

  // Matches `reply` bare and wrapped in Ethernet (with and without a VLAN tag), SLL and
  // SLL2 frames; every path must agree. Returns the bare result.
  MatchOutcome Match(const Bytes& reply, ReplyRecord* out, RejectReason* reason = nullptr,
                     const MatcherConfig* config = nullptr, int64_t recv = kRecvUs) const {
    Matcher matcher(codec_, config != nullptr ? *config : config_);
    RejectReason bare_reason = RejectReason::kNone;
    MatchOutcome bare = RunFrame(matcher, wire::LinkType::kRaw, reply, recv, out, &bare_reason);
    const std::pair<wire::LinkType, Bytes> frames[] = {
        {wire::LinkType::kEthernet, testutil::WrapEthernet(reply)},
        {wire::LinkType::kEthernet, testutil::WrapEthernet(reply, {0x8100})},
        {wire::LinkType::kLinuxSll, testutil::WrapSll(reply)},
        {wire::LinkType::kLinuxSll2, testutil::WrapSll2(reply)},
    };
    for (const auto& [link, frame] : frames) {
      SCOPED_TRACE(wire::LinkTypeName(link));
      ReplyRecord framed;
      RejectReason framed_reason = RejectReason::kNone;
      EXPECT_EQ(RunFrame(matcher, link, frame, recv, &framed, &framed_reason), bare);
      EXPECT_EQ(framed_reason, bare_reason);
      if (bare == MatchOutcome::kMatched) ExpectSameRecord(framed, *out);
    }
    if (reason != nullptr) *reason = bare_reason;
    return bare;
  }

  // The probe half of the expected record.
  static ReplyRecord ExpectedFor(const probe::ProbeSpec& spec) {
    ReplyRecord r;
    r.target = spec.target;
    r.probe_type = spec.type;
    r.port = spec.type == ProbeType::kTcpSyn ? spec.port : 0;
    r.probe_ttl = spec.ttl;
    r.attempt = spec.attempt;
    r.recv_time_us = kRecvUs;
    return r;
  }

  probe::ProbeCodec codec_{Key()};
  targets::TargetSet targets_;
  MatcherConfig config_;
};

TEST_F(MatcherTest, SynAck) {
  probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 9, 2);
  Bytes reply = testutil::TcpReplyFor(Probe(spec));
  ReplyRecord rec;
  RejectReason reason = RejectReason::kBadMac;
  ASSERT_EQ(Match(reply, &rec, &reason), MatchOutcome::kMatched);
  EXPECT_EQ(reason, RejectReason::kNone);
  ReplyRecord e = ExpectedFor(spec);
  e.kind = ReplyKind::kSynAck;
  e.from = wire::IpAddress::V4(kTarget);
  e.reply_ttl = 57;
  e.reply_ipid = 0x3333;
  e.rtt_us = kRecvUs - kTickStart;  // from the send tick only: an upper bound
  e.rtt_exact = false;
  e.is_tcp = true;
  e.tcp_flags = 0x12;
  e.tcp_window = 29200;
  ExpectSameRecord(rec, e);
  EXPECT_GE(rec.rtt_us, kRttUs);
  EXPECT_LT(rec.rtt_us, kRttUs + probe::kTickUs);
}

TEST_F(MatcherTest, RstAckFromTarget) {
  probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 80, 20, 0);
  testutil::TcpReplySpec r;
  r.flags = 0x14;
  r.seq = 0;
  r.window = 0;
  r.ttl = 49;
  r.ipid = 0;
  ReplyRecord rec;
  ASSERT_EQ(Match(testutil::TcpReplyFor(Probe(spec), r), &rec), MatchOutcome::kMatched);
  ReplyRecord e = ExpectedFor(spec);
  e.kind = ReplyKind::kRst;
  e.from = wire::IpAddress::V4(kTarget);
  e.reply_ttl = 49;
  e.reply_ipid = 0;
  e.rtt_us = kRecvUs - kTickStart;
  e.is_tcp = true;
  e.tcp_flags = 0x14;
  e.tcp_window = 0;
  ExpectSameRecord(rec, e);
}

TEST_F(MatcherTest, RstInjectedAtLowTtlNamesTheProbeTtl) {
  // A middlebox three hops out answers in the target's name: the reply names TTL 3.
  for (uint8_t flags : {uint8_t{0x14}, uint8_t{0x04}}) {
    probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 3, 1);
    testutil::TcpReplySpec r;
    r.flags = flags;
    r.ttl = 253;
    r.ipid = 0x0101;
    ReplyRecord rec;
    ASSERT_EQ(Match(testutil::TcpReplyFor(Probe(spec), r), &rec), MatchOutcome::kMatched);
    EXPECT_EQ(rec.kind, ReplyKind::kRst);
    EXPECT_EQ(rec.probe_ttl, 3);
    EXPECT_EQ(rec.attempt, 1);
    EXPECT_EQ(rec.reply_ttl, 253);
    EXPECT_EQ(rec.tcp_flags, flags);
    EXPECT_EQ(rec.from, kTarget);
  }
}

TEST_F(MatcherTest, EchoReply) {
  probe::ProbeSpec spec = Spec(ProbeType::kIcmpEcho, 0, 30, 3);
  Bytes reply = testutil::EchoReplyFor(Probe(spec));
  ReplyRecord rec;
  ASSERT_EQ(Match(reply, &rec), MatchOutcome::kMatched);
  ReplyRecord e = ExpectedFor(spec);
  e.kind = ReplyKind::kEchoReply;
  e.from = wire::IpAddress::V4(kTarget);
  e.reply_ttl = 60;
  e.reply_ipid = 0x5555;
  e.rtt_us = kRttUs;  // the echoed payload carries the send time's low bits
  e.rtt_exact = true;
  e.is_icmp = true;
  e.icmp_type = 0;
  e.icmp_code = 0;
  ExpectSameRecord(rec, e);
}

struct ErrorCase {
  ProbeType type;
  size_t quote;  // transport bytes quoted
  uint16_t expected_quoted_len;
  bool exact;
};

TEST_F(MatcherTest, TimeExceeded) {
  const ErrorCase cases[] = {
      {ProbeType::kTcpSyn, 8, 8, true},       // IP ID carries the send time's low bits
      {ProbeType::kTcpSyn, SIZE_MAX, 24, true},
      {ProbeType::kIcmpEcho, 8, 8, false},    // only the tick survives an 8-byte quote
      {ProbeType::kIcmpEcho, SIZE_MAX, 16, true},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(testing::Message() << probe::ProbeTypeName(c.type) << " quote " << c.quote);
    probe::ProbeSpec spec = Spec(c.type, c.type == ProbeType::kTcpSyn ? 443 : 0, 5, 1);
    Bytes probe = Probe(spec);
    testutil::IcmpErrorSpec err;
    err.router = kRouter;
    err.quote_transport = c.quote;
    err.quoted_ttl = 1;
    err.ttl = 251;
    err.ipid = 0x7777;
    ReplyRecord rec;
    ASSERT_EQ(Match(testutil::BuildIcmpError(probe, err), &rec), MatchOutcome::kMatched);
    ReplyRecord e = ExpectedFor(spec);
    e.kind = ReplyKind::kTimeExceeded;
    e.from = wire::IpAddress::V4(kRouter);
    e.reply_ttl = 251;
    e.reply_ipid = 0x7777;
    e.rtt_us = c.exact ? kRttUs : kRecvUs - kTickStart;
    e.rtt_exact = c.exact;
    e.is_icmp = true;
    e.icmp_type = 11;
    e.icmp_code = 0;
    e.has_quote = true;
    e.quoted_ttl = 1;
    e.quoted_ipid = testutil::Get16(&probe[4]);
    e.quoted_len = c.expected_quoted_len;
    ExpectSameRecord(rec, e);
  }
}

TEST_F(MatcherTest, FragmentReassemblyTimeExceededCode1) {
  probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 32, 0);
  testutil::IcmpErrorSpec err;
  err.router = kTarget;
  err.code = 1;
  ReplyRecord rec;
  ASSERT_EQ(Match(testutil::BuildIcmpError(Probe(spec), err), &rec), MatchOutcome::kMatched);
  EXPECT_EQ(rec.kind, ReplyKind::kTimeExceeded);
  EXPECT_EQ(rec.icmp_code, 1);
}

TEST_F(MatcherTest, DestUnreachableEveryCode) {
  for (ProbeType type : {ProbeType::kTcpSyn, ProbeType::kIcmpEcho}) {
    for (uint8_t code = 0; code <= 15; ++code) {
      SCOPED_TRACE(testing::Message() << probe::ProbeTypeName(type) << " code " << int{code});
      probe::ProbeSpec spec = Spec(type, type == ProbeType::kTcpSyn ? 8443 : 0, 12, 2);
      Bytes probe = Probe(spec);
      testutil::IcmpErrorSpec err;
      err.type = 3;
      err.code = code;
      err.router = code == 3 ? kTarget : kRouter;
      err.quoted_ttl = 3;
      ReplyRecord rec;
      ASSERT_EQ(Match(testutil::BuildIcmpError(probe, err), &rec), MatchOutcome::kMatched);
      EXPECT_EQ(rec.kind, ReplyKind::kDestUnreachable);
      EXPECT_EQ(rec.icmp_type, 3);
      EXPECT_EQ(rec.icmp_code, code);
      EXPECT_EQ(rec.from, wire::IpAddress::V4(err.router));
      EXPECT_EQ(rec.target, kTarget);
      EXPECT_EQ(rec.probe_ttl, 12);
      EXPECT_EQ(rec.attempt, 2);
      EXPECT_EQ(rec.quoted_ttl, 3);
      EXPECT_TRUE(rec.has_quote);
    }
  }
}

TEST_F(MatcherTest, ParameterProblem) {
  probe::ProbeSpec spec = Spec(ProbeType::kIcmpEcho, 0, 7, 0);
  testutil::IcmpErrorSpec err;
  err.type = 12;
  err.code = 0;
  err.pointer = 20;
  err.router = kRouter;
  err.quote_transport = SIZE_MAX;
  ReplyRecord rec;
  ASSERT_EQ(Match(testutil::BuildIcmpError(Probe(spec), err), &rec), MatchOutcome::kMatched);
  EXPECT_EQ(rec.kind, ReplyKind::kParamProblem);
  EXPECT_EQ(rec.icmp_type, 12);
  EXPECT_EQ(rec.probe_ttl, 7);
  EXPECT_EQ(rec.quoted_len, 16);
}

TEST_F(MatcherTest, OtherQuotingTypesAreKindOther) {
  probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 7, 0);
  for (uint8_t type : {uint8_t{4}, uint8_t{5}}) {  // source quench, redirect
    testutil::IcmpErrorSpec err;
    err.type = type;
    err.router = kRouter;
    ReplyRecord rec;
    ASSERT_EQ(Match(testutil::BuildIcmpError(Probe(spec), err), &rec), MatchOutcome::kMatched);
    EXPECT_EQ(rec.kind, ReplyKind::kOther);
    EXPECT_EQ(rec.icmp_type, type);
  }
}

TEST_F(MatcherTest, MplsExtensionsDecodedIntoRecord) {
  const std::vector<testutil::Label> labels = {{16005, 0, false, 1}, {299792, 5, true, 254}};
  for (auto form : {testutil::ExtensionForm::kLengthField, testutil::ExtensionForm::kLegacy}) {
    for (ProbeType type : {ProbeType::kTcpSyn, ProbeType::kIcmpEcho}) {
      SCOPED_TRACE(testing::Message() << probe::ProbeTypeName(type) << " form "
                                      << static_cast<int>(form));
      probe::ProbeSpec spec = Spec(type, type == ProbeType::kTcpSyn ? 443 : 0, 4, 0);
      testutil::IcmpErrorSpec err;
      err.router = kRouter;
      err.quote_transport = SIZE_MAX;
      err.form = form;
      err.extension = testutil::MplsExtension(labels);
      ReplyRecord rec;
      ASSERT_EQ(Match(testutil::BuildIcmpError(Probe(spec), err), &rec), MatchOutcome::kMatched);
      EXPECT_EQ(rec.kind, ReplyKind::kTimeExceeded);
      EXPECT_EQ(rec.probe_ttl, 4);
      EXPECT_TRUE(rec.rtt_exact);
      EXPECT_EQ(rec.rtt_us, kRttUs);
      // The quote is padded to 128 bytes; quoted_len counts only the datagram's own bytes.
      EXPECT_EQ(rec.quoted_len, type == ProbeType::kTcpSyn ? 24 : 16);
      ASSERT_EQ(rec.mpls.count, 2);
      EXPECT_EQ(rec.mpls.entries[0].label, 16005u);
      EXPECT_EQ(rec.mpls.entries[0].exp, 0);
      EXPECT_FALSE(rec.mpls.entries[0].bottom);
      EXPECT_EQ(rec.mpls.entries[0].ttl, 1);
      EXPECT_EQ(rec.mpls.entries[1].label, 299792u);
      EXPECT_EQ(rec.mpls.entries[1].exp, 5);
      EXPECT_TRUE(rec.mpls.entries[1].bottom);
      EXPECT_EQ(rec.mpls.entries[1].ttl, 254);
    }
  }
  // A bad extension checksum: still matched, but no labels.
  testutil::IcmpErrorSpec err;
  err.router = kRouter;
  err.form = testutil::ExtensionForm::kLengthField;
  err.extension = testutil::MplsExtension(labels, /*corrupt_checksum=*/true);
  ReplyRecord rec;
  ASSERT_EQ(Match(testutil::BuildIcmpError(Probe(Spec(ProbeType::kTcpSyn, 443, 4, 0)), err), &rec),
            MatchOutcome::kMatched);
  EXPECT_EQ(rec.mpls.count, 0);
}

TEST_F(MatcherTest, OfflineConfigAcceptsAnyDestination) {
  MatcherConfig offline;  // source 0, no target set, full TTL range
  probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 200, 3, kOffPlanTarget);
  testutil::TcpReplySpec r;
  r.to = Ip(100, 64, 0, 7);
  ReplyRecord rec;
  ASSERT_EQ(Match(testutil::TcpReplyFor(Probe(spec), r), &rec, nullptr, &offline),
            MatchOutcome::kMatched);
  EXPECT_EQ(rec.probe_ttl, 200);
  EXPECT_EQ(rec.target, kOffPlanTarget);
}

// ---- Forged, stale and unrelated traffic ----

TEST_F(MatcherTest, DifferentKeyIsRejected) {
  probe::ProbeCodec other(Key(1));
  int rejected = 0;
  for (uint8_t ttl = 1; ttl <= 32; ++ttl) {
    std::vector<Bytes> replies;
    Bytes tcp = Probe(Spec(ProbeType::kTcpSyn, 443, ttl, 0), kSendUs, &other);
    Bytes icmp = Probe(Spec(ProbeType::kIcmpEcho, 0, ttl, 0), kSendUs, &other);
    replies.push_back(testutil::TcpReplyFor(tcp));
    replies.push_back(testutil::EchoReplyFor(icmp));
    testutil::IcmpErrorSpec err;
    err.router = kRouter;
    replies.push_back(testutil::BuildIcmpError(tcp, err));
    replies.push_back(testutil::BuildIcmpError(icmp, err));
    for (const Bytes& reply : replies) {
      ReplyRecord rec;
      RejectReason reason = RejectReason::kNone;
      MatchOutcome outcome = Match(reply, &rec, &reason);
      ASSERT_EQ(outcome, MatchOutcome::kRejected);
      EXPECT_TRUE(reason == RejectReason::kBadFlowField || reason == RejectReason::kBadMac)
          << static_cast<int>(reason);
      ++rejected;
    }
  }
  EXPECT_EQ(rejected, 32 * 4);
}

TEST_F(MatcherTest, AckOffByOneIsRejected) {
  probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 9, 0);
  for (int64_t delta : {0, 2, -1, 0x10000}) {
    testutil::TcpReplySpec r;
    r.ack_delta = delta;
    ReplyRecord rec;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(testutil::TcpReplyFor(Probe(spec), r), &rec, &reason), MatchOutcome::kRejected)
        << delta;
    EXPECT_EQ(reason, RejectReason::kBadMac) << delta;
  }
}

TEST_F(MatcherTest, WrongFlowPortIsRejected) {
  probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 9, 0);
  Bytes probe = Probe(spec);
  testutil::TcpReplySpec r;
  r.dport = static_cast<uint16_t>(testutil::Get16(&probe[20]) ^ 0x0001);
  ReplyRecord rec;
  RejectReason reason = RejectReason::kNone;
  EXPECT_EQ(Match(testutil::TcpReplyFor(probe, r), &rec, &reason), MatchOutcome::kRejected);
  EXPECT_EQ(reason, RejectReason::kBadFlowField);
}

TEST_F(MatcherTest, QuoteWithAlteredSeqIsRejected) {
  Bytes probe = Probe(Spec(ProbeType::kTcpSyn, 443, 9, 0));
  for (int bit : {0, 5, 12, 23, 31}) {
    Bytes altered = probe;
    uint32_t seq = testutil::Get32(&altered[24]) ^ (1u << bit);
    testutil::Put32(&altered[24], seq);
    testutil::IcmpErrorSpec err;
    err.router = kRouter;
    ReplyRecord rec;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(testutil::BuildIcmpError(altered, err), &rec, &reason),
              MatchOutcome::kRejected) << bit;
    EXPECT_EQ(reason, RejectReason::kBadMac) << bit;
  }
}

TEST_F(MatcherTest, QuoteWithWrongIcmpIdOrChecksumIsRejected) {
  Bytes probe = Probe(Spec(ProbeType::kIcmpEcho, 0, 9, 0));
  for (size_t offset : {size_t{24}, size_t{22}}) {  // identifier, checksum
    Bytes altered = probe;
    altered[offset + 1] ^= 0x01;
    testutil::IcmpErrorSpec err;
    err.router = kRouter;
    ReplyRecord rec;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(testutil::BuildIcmpError(altered, err), &rec, &reason),
              MatchOutcome::kRejected) << offset;
    EXPECT_EQ(reason, RejectReason::kBadFlowField) << offset;
  }
  // Altered echo sequence (the high half of the word) fails the MAC.
  Bytes altered = probe;
  altered[27] ^= 0x04;
  testutil::IcmpErrorSpec err;
  err.router = kRouter;
  ReplyRecord rec;
  RejectReason reason = RejectReason::kNone;
  EXPECT_EQ(Match(testutil::BuildIcmpError(altered, err), &rec, &reason), MatchOutcome::kRejected);
  EXPECT_EQ(reason, RejectReason::kBadMac);
}

TEST_F(MatcherTest, ForgedEchoReplies) {
  Bytes probe = Probe(Spec(ProbeType::kIcmpEcho, 0, 9, 0));
  struct Case { testutil::EchoReplySpec spec; RejectReason reason; };
  testutil::EchoReplySpec wrong_id, wrong_seq;
  wrong_id.id_delta = 1;
  wrong_seq.seq_delta = 1;
  for (const Case& c : {Case{wrong_id, RejectReason::kBadFlowField},
                        Case{wrong_seq, RejectReason::kBadMac}}) {
    ReplyRecord rec;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(testutil::EchoReplyFor(probe, c.spec), &rec, &reason),
              MatchOutcome::kRejected);
    EXPECT_EQ(reason, c.reason);
  }
  // Payload word altered (sequence left consistent with it).
  Bytes altered = probe;
  altered[31] ^= 0x01;  // MAC bits of the payload word
  ReplyRecord rec;
  RejectReason reason = RejectReason::kNone;
  EXPECT_EQ(Match(testutil::EchoReplyFor(altered), &rec, &reason), MatchOutcome::kRejected);
  EXPECT_EQ(reason, RejectReason::kBadMac);
  // Echo reply with a payload too short to carry the word.
  testutil::Ipv4Spec ip;
  ip.src = kTarget;
  ip.dst = kSource;
  uint32_t rest = uint32_t{testutil::Get16(&probe[24])} << 16 | testutil::Get16(&probe[26]);
  Bytes short_reply = testutil::BuildIcmpPacket(ip, 0, 0, rest, {probe[28], probe[29], probe[30]});
  EXPECT_EQ(Match(short_reply, &rec, &reason), MatchOutcome::kRejected);
  EXPECT_EQ(reason, RejectReason::kShortQuote);
}

TEST_F(MatcherTest, WrongDestinationIsUnrelated) {
  probe::ProbeSpec tcp_spec = Spec(ProbeType::kTcpSyn, 443, 9, 0);
  probe::ProbeSpec icmp_spec = Spec(ProbeType::kIcmpEcho, 0, 9, 0);
  const uint32_t elsewhere = Ip(192, 0, 2, 77);
  testutil::TcpReplySpec r;
  r.to = elsewhere;
  testutil::EchoReplySpec er;
  er.to = elsewhere;
  testutil::IcmpErrorSpec err;
  err.router = kRouter;
  err.to = elsewhere;
  ReplyRecord rec;
  EXPECT_EQ(Match(testutil::TcpReplyFor(Probe(tcp_spec), r), &rec), MatchOutcome::kUnrelated);
  EXPECT_EQ(Match(testutil::EchoReplyFor(Probe(icmp_spec), er), &rec), MatchOutcome::kUnrelated);
  EXPECT_EQ(Match(testutil::BuildIcmpError(Probe(tcp_spec), err), &rec), MatchOutcome::kUnrelated);
  // Addressed to us, but quoting a packet some other host sent.
  Bytes foreign = Probe(tcp_spec);
  testutil::Put32(&foreign[12], elsewhere);
  testutil::IcmpErrorSpec to_us;
  to_us.router = kRouter;
  to_us.to = kSource;
  EXPECT_EQ(Match(testutil::BuildIcmpError(foreign, to_us), &rec), MatchOutcome::kUnrelated);
}

TEST_F(MatcherTest, SynAckToLowPortIsUnrelated) {
  probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 9, 0);
  for (uint16_t port : {uint16_t{1}, uint16_t{22}, uint16_t{1023}}) {
    testutil::TcpReplySpec r;
    r.dport = port;
    ReplyRecord rec;
    EXPECT_EQ(Match(testutil::TcpReplyFor(Probe(spec), r), &rec), MatchOutcome::kUnrelated) << port;
  }
  // A time exceeded quoting a low source port is not ours either.
  Bytes probe = Probe(spec);
  testutil::Put16(&probe[20], 1000);
  testutil::IcmpErrorSpec err;
  err.router = kRouter;
  ReplyRecord rec;
  EXPECT_EQ(Match(testutil::BuildIcmpError(probe, err), &rec), MatchOutcome::kUnrelated);
}

TEST_F(MatcherTest, ShortQuoteIsRejected) {
  for (ProbeType type : {ProbeType::kTcpSyn, ProbeType::kIcmpEcho}) {
    for (size_t quote : {size_t{0}, size_t{4}, size_t{7}}) {
      testutil::IcmpErrorSpec err;
      err.router = kRouter;
      err.quote_transport = quote;
      ReplyRecord rec;
      RejectReason reason = RejectReason::kNone;
      Bytes probe = Probe(Spec(type, type == ProbeType::kTcpSyn ? 443 : 0, 9, 0));
      EXPECT_EQ(Match(testutil::BuildIcmpError(probe, err), &rec, &reason),
                MatchOutcome::kRejected) << quote;
      EXPECT_EQ(reason, RejectReason::kShortQuote) << quote;
    }
  }
}

TEST_F(MatcherTest, TargetOutsideScanIsRejected) {
  for (ProbeType type : {ProbeType::kTcpSyn, ProbeType::kIcmpEcho}) {
    Bytes probe = Probe(Spec(type, type == ProbeType::kTcpSyn ? 443 : 0, 9, 0, kOffPlanTarget));
    std::vector<Bytes> replies;
    replies.push_back(type == ProbeType::kTcpSyn ? testutil::TcpReplyFor(probe)
                                                 : testutil::EchoReplyFor(probe));
    testutil::IcmpErrorSpec err;
    err.router = kRouter;
    replies.push_back(testutil::BuildIcmpError(probe, err));
    for (const Bytes& reply : replies) {
      ReplyRecord rec;
      RejectReason reason = RejectReason::kNone;
      EXPECT_EQ(Match(reply, &rec, &reason), MatchOutcome::kRejected);
      EXPECT_EQ(reason, RejectReason::kNotOurTarget);
    }
  }
  // Another member of the target set (second range) matches.
  ReplyRecord rec;
  Bytes member = Probe(Spec(ProbeType::kTcpSyn, 443, 9, 0, Ip(198, 51, 100, 200)));
  EXPECT_EQ(Match(testutil::TcpReplyFor(member), &rec), MatchOutcome::kMatched);
  EXPECT_EQ(rec.target, Ip(198, 51, 100, 200));
}

TEST_F(MatcherTest, OutOfPlanIsRejected) {
  MatcherConfig config = config_;
  config.ttl_min = 2;
  config.ttl_max = 32;
  config.attempts = 2;
  const probe::ProbeSpec specs[] = {
      Spec(ProbeType::kTcpSyn, 443, 1, 0),   // below ttl_min
      Spec(ProbeType::kTcpSyn, 443, 33, 0),  // above ttl_max
      Spec(ProbeType::kTcpSyn, 443, 200, 0),
      Spec(ProbeType::kIcmpEcho, 0, 40, 1),
      Spec(ProbeType::kTcpSyn, 443, 5, 2),   // attempt beyond the plan
      Spec(ProbeType::kIcmpEcho, 0, 5, 3),
  };
  for (const probe::ProbeSpec& spec : specs) {
    SCOPED_TRACE(testing::Message() << "ttl " << int{spec.ttl} << " attempt " << int{spec.attempt});
    Bytes probe = Probe(spec);
    Bytes reply = spec.type == ProbeType::kTcpSyn ? testutil::TcpReplyFor(probe)
                                                  : testutil::EchoReplyFor(probe);
    ReplyRecord rec;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(reply, &rec, &reason, &config), MatchOutcome::kRejected);
    EXPECT_EQ(reason, RejectReason::kOutOfPlan);
  }
  // The edges of the plan match.
  for (uint8_t ttl : {uint8_t{2}, uint8_t{32}}) {
    ReplyRecord rec;
    Bytes reply = testutil::TcpReplyFor(Probe(Spec(ProbeType::kTcpSyn, 443, ttl, 1)));
    EXPECT_EQ(Match(reply, &rec, nullptr, &config), MatchOutcome::kMatched) << int{ttl};
  }
}

// A half-open connection answers a new SYN of its flow with an ACK of the SYN that opened
// it: authenticated like a SYN-ACK, of any age the tick can express, a wrong ack rejected.
TEST_F(MatcherTest, HalfOpenAck) {
  MatcherConfig config = config_;
  config.max_reply_age_us = ReplyAgeForWait(1.0);
  const probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 9, 1);
  for (uint8_t flags : {uint8_t{0x10}, uint8_t{0x18}}) {
    testutil::TcpReplySpec r;
    r.flags = flags;
    ReplyRecord rec;
    ASSERT_EQ(Match(testutil::TcpReplyFor(Probe(spec), r), &rec, nullptr, &config,
                    kSendUs + 3'000'000),
              MatchOutcome::kMatched)
        << int{flags};
    EXPECT_EQ(rec.kind, ReplyKind::kHalfOpenAck);
    EXPECT_EQ(rec.probe_ttl, 9);
    EXPECT_EQ(rec.attempt, 1);
    EXPECT_EQ(ReplyKindName(rec.kind), "half_open_ack");
    r.ack_delta = 2;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(testutil::TcpReplyFor(Probe(spec), r), &rec, &reason), MatchOutcome::kRejected);
    EXPECT_EQ(reason, RejectReason::kBadMac);
  }
}

TEST_F(MatcherTest, UnrelatedTraffic) {
  ReplyRecord rec;
  // A bare SYN, a FIN, a FIN-ACK from the target: not replies to a SYN (a bare ACK is a
  // half-open connection's, see HalfOpenAck).
  for (uint8_t flags : {uint8_t{0x02}, uint8_t{0x01}, uint8_t{0x11}, uint8_t{0x19}}) {
    testutil::TcpReplySpec r;
    r.flags = flags;
    EXPECT_EQ(Match(testutil::TcpReplyFor(Probe(Spec(ProbeType::kTcpSyn, 443, 9, 0)), r), &rec),
              MatchOutcome::kUnrelated) << int{flags};
  }
  // An echo request addressed to us.
  testutil::Ipv4Spec ip;
  ip.src = kTarget;
  ip.dst = kSource;
  EXPECT_EQ(Match(testutil::BuildIcmpPacket(ip, 8, 0, 0x12340001, {1, 2, 3, 4, 5, 6, 7, 8}), &rec),
            MatchOutcome::kUnrelated);
  // UDP.
  ip.protocol = 17;
  EXPECT_EQ(Match(testutil::BuildIpv4(ip, Bytes(8 + 4, 0)), &rec), MatchOutcome::kUnrelated);
  // A non-first fragment.
  Bytes frag = testutil::TcpReplyFor(Probe(Spec(ProbeType::kTcpSyn, 443, 9, 0)));
  frag[6] = 0x00;
  frag[7] = 0x05;
  EXPECT_EQ(Match(frag, &rec), MatchOutcome::kUnrelated);
  // An ICMP error quoting UDP.
  testutil::Ipv4Spec udp;
  udp.src = kSource;
  udp.dst = kTarget;
  udp.protocol = 17;
  testutil::IcmpErrorSpec err;
  err.router = kRouter;
  EXPECT_EQ(Match(testutil::BuildIcmpError(testutil::BuildIpv4(udp, Bytes(16, 0)), err), &rec),
            MatchOutcome::kUnrelated);
  // An ICMP error quoting an ICMP message that is not an echo request.
  testutil::Ipv4Spec icmp;
  icmp.src = kSource;
  icmp.dst = kTarget;
  EXPECT_EQ(Match(testutil::BuildIcmpError(testutil::BuildIcmpPacket(icmp, 0, 0, 0, Bytes(8, 0)),
                                           err), &rec),
            MatchOutcome::kUnrelated);
  // Non-IP frames.
  Matcher matcher(codec_, config_);
  Bytes arp = testutil::WrapEthernet(Bytes(28, 0), {}, 0x0806);
  EXPECT_EQ(RunFrame(matcher, wire::LinkType::kEthernet, arp, kRecvUs, &rec, nullptr),
            MatchOutcome::kNotIp);
}

TEST_F(MatcherTest, IcmpErrorWithoutParsableQuoteIsMalformed) {
  testutil::Ipv4Spec ip;
  ip.src = kRouter;
  ip.dst = kSource;
  ReplyRecord rec;
  EXPECT_EQ(Match(testutil::BuildIcmpPacket(ip, 11, 0, 0, Bytes(12, 0x45)), &rec),
            MatchOutcome::kMalformed);
}

TEST_F(MatcherTest, TruncatedRepliesAreMalformedNeverACrash) {
  Bytes tcp_probe = Probe(Spec(ProbeType::kTcpSyn, 443, 9, 0));
  Bytes icmp_probe = Probe(Spec(ProbeType::kIcmpEcho, 0, 9, 0));
  testutil::IcmpErrorSpec full;
  full.router = kRouter;
  full.quote_transport = SIZE_MAX;
  full.form = testutil::ExtensionForm::kLengthField;
  full.extension = testutil::MplsExtension({{100, 0, true, 1}});
  struct Case { Bytes reply; size_t malformed_below; };
  const Case cases[] = {
      {testutil::TcpReplyFor(tcp_probe), 44},            // IP + TCP header with MSS option
      {testutil::EchoReplyFor(icmp_probe), 28},
      {testutil::BuildIcmpError(tcp_probe, full), 48},   // outer + ICMP + quoted IP header
      {testutil::BuildIcmpError(icmp_probe, full), 48},
  };
  Matcher matcher(codec_, config_);
  for (size_t c = 0; c < std::size(cases); ++c) {
    const Bytes& reply = cases[c].reply;
    for (size_t len = 0; len <= reply.size(); ++len) {
      SCOPED_TRACE(testing::Message() << "case " << c << " len " << len);
      Bytes prefix(reply.begin(), reply.begin() + static_cast<long>(len));
      ReplyRecord rec;
      RejectReason reason = RejectReason::kNone;
      MatchOutcome outcome =
          RunFrame(matcher, wire::LinkType::kRaw, prefix, kRecvUs, &rec, &reason);
      if (len < cases[c].malformed_below) {
        EXPECT_EQ(outcome, MatchOutcome::kMalformed);
      }
      if (len == reply.size()) {
        EXPECT_EQ(outcome, MatchOutcome::kMatched);
      }
      Bytes eth = testutil::WrapEthernet(prefix);
      for (size_t cut = 0; cut < 14 && cut <= eth.size(); ++cut) {
        Bytes short_frame(eth.begin(), eth.begin() + static_cast<long>(cut));
        EXPECT_EQ(RunFrame(matcher, wire::LinkType::kEthernet, short_frame, kRecvUs, &rec, nullptr),
                  MatchOutcome::kMalformed);
      }
      RunFrame(matcher, wire::LinkType::kEthernet, eth, kRecvUs, &rec, nullptr);
    }
  }
}

TEST_F(MatcherTest, RandomMutationsNeverCrash) {
  std::mt19937 rng(31337);
  Bytes tcp_probe = Probe(Spec(ProbeType::kTcpSyn, 443, 9, 0));
  Bytes icmp_probe = Probe(Spec(ProbeType::kIcmpEcho, 0, 9, 0));
  testutil::IcmpErrorSpec full;
  full.router = kRouter;
  full.quote_transport = SIZE_MAX;
  full.form = testutil::ExtensionForm::kLegacy;
  full.extension = testutil::MplsExtension({{100, 0, true, 1}});
  const Bytes seeds[] = {testutil::TcpReplyFor(tcp_probe), testutil::EchoReplyFor(icmp_probe),
                         testutil::BuildIcmpError(tcp_probe, full),
                         testutil::BuildIcmpError(icmp_probe, full)};
  Matcher matcher(codec_, config_);
  int matched = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes buf = seeds[i % 4];
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) buf[rng() % buf.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    if (rng() % 2) buf.resize(rng() % (buf.size() + 1));
    ReplyRecord rec;
    MatchOutcome outcome = RunFrame(matcher, wire::LinkType::kRaw, buf, kRecvUs, &rec, nullptr);
    if (outcome == MatchOutcome::kMatched) {
      ++matched;
      // Whatever matched must be a real probe of this scan.
      ASSERT_TRUE(targets_.Contains(rec.target));
      ASSERT_GE(rec.probe_ttl, config_.ttl_min);
      ASSERT_LE(rec.probe_ttl, config_.ttl_max);
      ASSERT_LT(rec.attempt, config_.attempts);
    }
  }
  EXPECT_GT(matched, 100);  // mutations of irrelevant bytes still match
}


TEST_F(MatcherTest, PortAndProbeTypeOutsideThePlanAreRejected) {
  MatcherConfig config = config_;
  RestrictToKinds({{ProbeType::kTcpSyn, 443}}, &config);
  testutil::IcmpErrorSpec err;
  err.router = kRouter;
  const Bytes other_port = Probe(Spec(ProbeType::kTcpSyn, 444, 9, 0));
  const Bytes echo = Probe(Spec(ProbeType::kIcmpEcho, 0, 9, 0));
  const Bytes cases[] = {
      testutil::TcpReplyFor(other_port),
      testutil::BuildIcmpError(other_port, err),
      testutil::EchoReplyFor(echo),
      testutil::BuildIcmpError(echo, err),
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    ReplyRecord rec;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(cases[i], &rec, &reason, &config), MatchOutcome::kRejected) << i;
    EXPECT_EQ(reason, RejectReason::kOutOfPlan) << i;
    // Without the plan (offline `match` without -p/--probe) the same replies match.
    EXPECT_EQ(Match(cases[i], &rec, &reason), MatchOutcome::kMatched) << i;
  }
  ReplyRecord rec;
  const Bytes planned = Probe(Spec(ProbeType::kTcpSyn, 443, 9, 0));
  EXPECT_EQ(Match(testutil::TcpReplyFor(planned), &rec, nullptr, &config), MatchOutcome::kMatched);
  EXPECT_EQ(Match(testutil::BuildIcmpError(planned, err), &rec, nullptr, &config),
            MatchOutcome::kMatched);
  // A plan of ICMP only accepts no TCP reply at all.
  MatcherConfig icmp_only = config_;
  RestrictToKinds({{ProbeType::kIcmpEcho, 0}}, &icmp_only);
  RejectReason reason = RejectReason::kNone;
  EXPECT_EQ(Match(testutil::TcpReplyFor(planned), &rec, &reason, &icmp_only),
            MatchOutcome::kRejected);
  EXPECT_EQ(reason, RejectReason::kOutOfPlan);
  EXPECT_EQ(Match(testutil::EchoReplyFor(echo), &rec, nullptr, &icmp_only), MatchOutcome::kMatched);
}

TEST_F(MatcherTest, TicksBoundTheRtt) {
  MatcherConfig config = config_;
  config.max_reply_age_us = ReplyAgeForWait(2.0);
  const probe::ProbeSpec spec = Spec(ProbeType::kTcpSyn, 443, 9, 0);
  const Bytes reply = testutil::TcpReplyFor(Probe(spec));
  struct Case { int64_t recv; MatchOutcome outcome; RejectReason reason; };
  const Case cases[] = {
      {kSendUs + 1'900'000, MatchOutcome::kMatched, RejectReason::kNone},
      {kTickStart + 2'000'000, MatchOutcome::kMatched, RejectReason::kNone},
      {kSendUs + 2'100'000, MatchOutcome::kRejected, RejectReason::kStale},
      {kSendUs + 4'000'000, MatchOutcome::kRejected, RejectReason::kStale},
      // Received before the send tick began: a clock step, not a reply.
      {kTickStart - 1, MatchOutcome::kRejected, RejectReason::kFuture},
      {kTickStart - 50'000, MatchOutcome::kRejected, RejectReason::kFuture},
      // Replayed in a later run with the same key: the tick rebuilds 1024 ticks off.
      {kSendUs + 4'300'000, MatchOutcome::kRejected, RejectReason::kBadMac},
      {kSendUs + 3600LL * 1'000'000, MatchOutcome::kRejected, RejectReason::kBadMac},
  };
  for (const Case& c : cases) {
    ReplyRecord rec;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(reply, &rec, &reason, &config, c.recv), c.outcome) << c.recv - kSendUs;
    EXPECT_EQ(reason, c.reason) << c.recv - kSendUs;
  }
  // Without an age limit, anything the tick can express (~4.1 s) is accepted.
  ReplyRecord rec;
  EXPECT_EQ(Match(reply, &rec, nullptr, &config_, kSendUs + 4'000'000), MatchOutcome::kMatched);
  EXPECT_EQ(rec.rtt_us, kSendUs + 4'000'000 - kTickStart);
}

TEST_F(MatcherTest, StaleAndFutureApplyToEveryReplyKind) {
  MatcherConfig config = config_;
  config.max_reply_age_us = ReplyAgeForWait(1.0);
  testutil::IcmpErrorSpec err;
  err.router = kRouter;
  const Bytes tcp = Probe(Spec(ProbeType::kTcpSyn, 443, 9, 0));
  const Bytes icmp = Probe(Spec(ProbeType::kIcmpEcho, 0, 9, 0));
  const Bytes replies[] = {testutil::TcpReplyFor(tcp), testutil::BuildIcmpError(tcp, err),
                           testutil::EchoReplyFor(icmp), testutil::BuildIcmpError(icmp, err)};
  for (size_t i = 0; i < std::size(replies); ++i) {
    ReplyRecord rec;
    RejectReason reason = RejectReason::kNone;
    EXPECT_EQ(Match(replies[i], &rec, &reason, &config, kSendUs + 500'000), MatchOutcome::kMatched);
    EXPECT_EQ(Match(replies[i], &rec, &reason, &config, kSendUs + 1'500'000),
              MatchOutcome::kRejected);
    EXPECT_EQ(reason, RejectReason::kStale) << i;
    EXPECT_EQ(Match(replies[i], &rec, &reason, &config, kTickStart - 10'000),
              MatchOutcome::kRejected);
    EXPECT_EQ(reason, RejectReason::kFuture) << i;
  }
}

TEST(MatcherConfigTest, AgeTicks) {
  MatcherConfig config;
  EXPECT_EQ(MaxAgeTicks(config), probe::kMaxAgeTicks);
  config.max_reply_age_us = ReplyAgeForWait(2.0);
  EXPECT_EQ(config.max_reply_age_us, 2'000'000);
  EXPECT_EQ(MaxAgeTicks(config), 489);  // ceil(2e6 / 4096)
  config.max_reply_age_us = ReplyAgeForWait(60.0);  // beyond the tick: the whole window
  EXPECT_EQ(MaxAgeTicks(config), probe::kMaxAgeTicks);
  // Never below 1 s: replies to earlier probes arrive while a short-cooldown run sends.
  EXPECT_EQ(ReplyAgeForWait(0), 1'000'000);
  EXPECT_EQ(ReplyAgeForWait(0.2), 1'000'000);
}

TEST(MatcherConfigTest, ForgedTcpAcceptanceOfTheDefaultPlans) {
  // p = 66577/2^32 * 2^-12 * (TTLs x attempts / 1024) * ((age ticks + 1) / 1024).
  auto expected = [](double cells, double window) {
    return 66577.0 / 4294967296.0 / 4096.0 * cells / 1024.0 * window / 1024.0;
  };
  MatcherConfig locate;  // TTL 1-32, attempts 2 + 1 retry, 2 s cooldown
  locate.ttl_min = 1;
  locate.ttl_max = 32;
  locate.attempts = 3;
  locate.max_reply_age_us = ReplyAgeForWait(2.0);
  EXPECT_DOUBLE_EQ(ForgedTcpAcceptance(locate), expected(96, 490));
  EXPECT_LT(ForgedTcpAcceptance(locate), std::ldexp(1.0, -32));
  MatcherConfig trace = locate;  // one attempt
  trace.attempts = 1;
  EXPECT_LT(ForgedTcpAcceptance(trace), std::ldexp(1.0, -34));
  MatcherConfig scan = trace;  // TTL 64 only
  scan.ttl_min = scan.ttl_max = 64;
  EXPECT_LT(ForgedTcpAcceptance(scan), std::ldexp(1.0, -39));
  // The worst any plan can do: every TTL and attempt, the whole tick window.
  MatcherConfig open;
  EXPECT_DOUBLE_EQ(ForgedTcpAcceptance(open), expected(255 * 4, probe::kMaxAgeTicks + 1));
  EXPECT_LT(ForgedTcpAcceptance(open), std::ldexp(1.0, -28));
}

}  // namespace
}  // namespace cutpoint::match
