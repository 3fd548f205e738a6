// SPDX-License-Identifier: Apache-2.0
// The checks every packet-facing fuzz target runs on one captured frame: locate the IPv4
// or IPv6 header, parse it, match it under an open (offline) and a scoped (live scan)
// matcher config, and format matched replies as NDJSON, asserting the invariants the
// headers promise along the way.
#ifndef CUTPOINT_TESTS_FUZZ_FUZZ_MATCH_H_
#define CUTPOINT_TESTS_FUZZ_FUZZ_MATCH_H_

#include <cstddef>
#include <cstdint>

#include "engine/match/matcher.h"
#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/json_line.h"
#include "engine/report/records.h"
#include "engine/report/reply_line.h"
#include "engine/targets/target_set.h"
#include "engine/wire/frame.h"
#include "engine/wire/packet_parser.h"
#include "engine/wire/protocol.h"
#include "tests/fuzz/fuzz_common.h"

namespace cutpoint::fuzz {

struct MatchFixture {
  probe::ProbeCodec codec{FixedKey()};
  targets::TargetSet targets = FixedTargets();
  match::MatcherConfig open_config{};  // offline analysis: any address, full plan
  match::MatcherConfig scoped_config = ScopedConfig(&targets);
  match::Matcher open{codec, open_config};
  match::Matcher scoped{codec, scoped_config};
  report::JsonLine line;

  // A live scan's config: its address of each family, targets, TTLs, attempts, ports and
  // types, and replies at most 2 s old.
  static match::MatcherConfig ScopedConfig(const targets::TargetSet* targets) {
    match::MatcherConfig config;
    config.source_v4 = wire::IpAddress::V4(kSource);
    config.source_v6 = wire::IpAddress::FromV6Bytes(kSource6);
    config.targets = targets;
    config.ttl_min = 1;
    config.ttl_max = 32;
    config.attempts = 2;
    match::RestrictToKinds({{probe::ProbeType::kTcpSyn, 25},
                            {probe::ProbeType::kTcpSyn, 443},
                            {probe::ProbeType::kIcmpEcho, 0}},
                           &config);
    config.max_reply_age_us = match::ReplyAgeForWait(2.0);
    return config;
  }

  static MatchFixture& Get() {
    static MatchFixture* fixture = new MatchFixture();
    return *fixture;
  }
};

inline bool Within(const uint8_t* p, size_t n, const uint8_t* begin, const uint8_t* end) {
  return p >= begin && p <= end && n <= static_cast<size_t>(end - p);
}

// The smallest header of `family`.
inline size_t MinHeaderLen(wire::IpFamily family) {
  return family == wire::IpFamily::kV4 ? wire::kIpv4MinHeaderLen : wire::kIpv6HeaderLen;
}

// What the parser promises about one network header (outer or quoted).
inline void CheckIpFields(const wire::IpFields& ip) {
  FUZZ_CHECK(ip.header_len >= MinHeaderLen(ip.family));
  if (ip.family == wire::IpFamily::kV4) {
    FUZZ_CHECK(ip.extension_count == 0 && ip.flow_label == 0 && !ip.has_fragment_header);
  } else {
    FUZZ_CHECK(ip.extension_count <= wire::kMaxIpv6ExtensionHeaders);
    FUZZ_CHECK(ip.id == 0 && ip.frag == 0 && ip.flow_label <= 0xfffff);
    FUZZ_CHECK(ip.has_fragment_header || (ip.fragment_offset == 0 && !ip.more_fragments));
  }
}

inline void CheckQuote(const wire::ParsedPacket& parsed) {
  const wire::IcmpQuote& quote = parsed.quote;
  bool v6 = parsed.ip.family == wire::IpFamily::kV6;
  FUZZ_CHECK(parsed.has_icmp && (v6 ? wire::Icmpv6TypeQuotes(parsed.icmp.type)
                                    : wire::IcmpTypeQuotes(parsed.icmp.type)));
  FUZZ_CHECK(quote.ip.family == parsed.ip.family);
  CheckIpFields(quote.ip);
  FUZZ_CHECK(quote.transport == parsed.icmp.payload + quote.ip.header_len);
  FUZZ_CHECK(Within(quote.transport, quote.transport_len, parsed.icmp.payload,
                    parsed.icmp.payload + parsed.icmp.payload_len));
  if (quote.ip.fragment_offset != 0) FUZZ_CHECK(quote.transport_len == 0);
  FUZZ_CHECK(quote.mpls.count <= wire::kMaxMplsEntries);
  if (!quote.has_extensions) FUZZ_CHECK(quote.mpls.count == 0);
  // RFC 4884 defines no extensions for ICMPv6 packet too big or parameter problem.
  if (v6 && !wire::Icmpv6TypeHasLength(parsed.icmp.type)) FUZZ_CHECK(!quote.has_extensions);
}

// Parses an IPv4 or IPv6 packet and checks that every view it hands out stays inside the
// input.
inline wire::ParseStatus ParseAndCheck(const uint8_t* packet, size_t len,
                                       wire::ParsedPacket* parsed) {
  wire::ParseStatus status = wire::ParsePacket(packet, len, parsed);
  const uint8_t* end = packet + len;
  if (status != wire::ParseStatus::kOk) {
    FUZZ_CHECK(!parsed->has_tcp && !parsed->has_icmp && !parsed->has_quote);
    return status;
  }
  const wire::IpFields& ip = parsed->ip;
  FUZZ_CHECK(static_cast<uint8_t>(ip.family) == (packet[0] >> 4));
  CheckIpFields(ip);
  FUZZ_CHECK(ip.header_len <= len);
  FUZZ_CHECK(parsed->has_tcp != parsed->has_icmp);
  uint8_t icmp_protocol = ip.family == wire::IpFamily::kV4 ? wire::kProtoIcmp : wire::kProtoIcmpv6;
  FUZZ_CHECK(ip.protocol == (parsed->has_tcp ? wire::kProtoTcp : icmp_protocol));
  if (parsed->has_icmp) {
    const wire::IcmpFields& icmp = parsed->icmp;
    FUZZ_CHECK(icmp.payload == packet + ip.header_len + wire::kIcmpHeaderLen);
    FUZZ_CHECK(Within(icmp.payload, icmp.payload_len, packet, end));
  }
  if (parsed->has_quote) CheckQuote(*parsed);
  return status;
}

inline void CheckReplyLine(const match::ReplyRecord& record) {
  report::JsonLine& line = MatchFixture::Get().line;
  report::FormatReply(record, &line);
  absl::string_view text = line.Finish();
  FUZZ_CHECK(text.size() >= 3 && text.front() == '{');
  FUZZ_CHECK(text.back() == '\n' && text[text.size() - 2] == '}');
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    FUZZ_CHECK(static_cast<unsigned char>(text[i]) >= 0x20);  // one line, no raw controls
  }
  // The in-place formatter `match` uses must agree byte for byte.
  static char fast[report::kMaxReplyLineBytes];
  char* end = report::WriteReplyLine(record, false, fast);
  FUZZ_CHECK(absl::string_view(fast, static_cast<size_t>(end - fast)) == text);
}

inline void CheckMatched(const match::ReplyRecord& r, const wire::ParsedPacket& parsed,
                         int64_t recv_time_us) {
  FUZZ_CHECK(r.probe_ttl >= 1 && r.attempt < probe::kMaxAttempts);
  FUZZ_CHECK(r.from == parsed.ip.src && r.reply_ttl == parsed.ip.ttl);
  FUZZ_CHECK(r.target.family() == parsed.ip.family);
  FUZZ_CHECK(r.recv_time_us == recv_time_us);
  FUZZ_CHECK(r.is_tcp == parsed.has_tcp && r.is_icmp == parsed.has_icmp);
  FUZZ_CHECK(r.has_quote == parsed.has_quote);
  FUZZ_CHECK(r.mpls.count <= wire::kMaxMplsEntries);
  if (r.probe_type == probe::ProbeType::kIcmpEcho) FUZZ_CHECK(r.port == 0);
  if (r.is_tcp) {
    FUZZ_CHECK(r.probe_type == probe::ProbeType::kTcpSyn);
    FUZZ_CHECK(r.kind == match::ReplyKind::kSynAck || r.kind == match::ReplyKind::kRst ||
               r.kind == match::ReplyKind::kHalfOpenAck);
  }
  if (r.has_quote) FUZZ_CHECK(r.quoted_len >= wire::kQuotedTransportMin);
  if (r.kind == match::ReplyKind::kEchoReply) {
    FUZZ_CHECK(r.icmp_type == (r.target.is_v4() ? wire::kIcmpEchoReply : wire::kIcmpv6EchoReply));
  }
  if (recv_time_us >= 0) {
    // The send tick is rebuilt at most kMaxAgeTicks (~4.1 s) back, and replies from
    // the future are rejected.
    FUZZ_CHECK(r.rtt_us >= 0 && r.rtt_us < (probe::kMaxAgeTicks + 1) * probe::kTickUs);
  }
  CheckReplyLine(r);
}

inline bool SameRecord(const match::ReplyRecord& a, const match::ReplyRecord& b) {
  if (a.mpls.count != b.mpls.count) return false;
  for (int i = 0; i < a.mpls.count; ++i) {
    const wire::MplsEntry& x = a.mpls.entries[i];
    const wire::MplsEntry& y = b.mpls.entries[i];
    if (x.label != y.label || x.exp != y.exp || x.bottom != y.bottom || x.ttl != y.ttl) {
      return false;
    }
  }
  return a.target == b.target && a.probe_type == b.probe_type && a.port == b.port &&
         a.probe_ttl == b.probe_ttl && a.attempt == b.attempt && a.kind == b.kind &&
         a.from == b.from && a.reply_ttl == b.reply_ttl && a.reply_ipid == b.reply_ipid &&
         a.recv_time_us == b.recv_time_us && a.rtt_us == b.rtt_us &&
         a.rtt_exact == b.rtt_exact && a.is_icmp == b.is_icmp && a.icmp_type == b.icmp_type &&
         a.icmp_code == b.icmp_code && a.is_tcp == b.is_tcp && a.tcp_flags == b.tcp_flags &&
         a.tcp_window == b.tcp_window && a.has_quote == b.has_quote &&
         a.quoted_ttl == b.quoted_ttl && a.quoted_ipid == b.quoted_ipid &&
         a.quoted_len == b.quoted_len;
}

// Runs the whole receive path on one frame. Returns true when the open matcher matched.
inline bool MatchAndCheck(wire::LinkType link, const uint8_t* frame, size_t len,
                          int64_t recv_time_us) {
  MatchFixture& fx = MatchFixture::Get();

  wire::FrameView view;
  wire::FrameStatus frame_status = wire::LocateIp(link, frame, len, &view);
  wire::ParsedPacket parsed;
  bool parsed_ok = false;
  if (frame_status == wire::FrameStatus::kIpv4 || frame_status == wire::FrameStatus::kIpv6) {
    FUZZ_CHECK(view.l3 >= frame && view.l3_len >= 1 && view.l3 + view.l3_len == frame + len);
    parsed_ok = ParseAndCheck(view.l3, view.l3_len, &parsed) == wire::ParseStatus::kOk;
    // The IPv4-only view agrees on IPv4 and sees nothing in IPv6.
    wire::FrameView v4_view;
    wire::FrameStatus v4_status = wire::LocateIpv4(link, frame, len, &v4_view);
    FUZZ_CHECK(v4_status == (frame_status == wire::FrameStatus::kIpv4 ? frame_status
                                                                       : wire::FrameStatus::kNotIp));
  }

  match::ReplyRecord open_record;
  match::RejectReason open_reason = match::RejectReason::kNone;
  match::MatchOutcome open_outcome =
      fx.open.MatchFrame(link, frame, len, recv_time_us, &open_record, &open_reason);
  switch (frame_status) {
    case wire::FrameStatus::kNotIp:
      FUZZ_CHECK(open_outcome == match::MatchOutcome::kNotIp);
      break;
    case wire::FrameStatus::kTruncated:
      FUZZ_CHECK(open_outcome == match::MatchOutcome::kMalformed);
      break;
    case wire::FrameStatus::kIpv4:
    case wire::FrameStatus::kIpv6: {
      // MatchFrame is LocateIp + MatchIp, once link and version nibble agree.
      if (wire::IpVersion(view.l3) != (frame_status == wire::FrameStatus::kIpv4 ? 4 : 6)) {
        FUZZ_CHECK(open_outcome == match::MatchOutcome::kNotIp);
        parsed_ok = false;
        break;
      }
      match::ReplyRecord direct;
      match::RejectReason direct_reason = match::RejectReason::kNone;
      match::MatchOutcome direct_outcome =
          fx.open.MatchIp(view.l3, view.l3_len, recv_time_us, &direct, &direct_reason);
      FUZZ_CHECK(direct_outcome == open_outcome && direct_reason == open_reason);
      if (direct_outcome == match::MatchOutcome::kMatched) {
        FUZZ_CHECK(SameRecord(direct, open_record));
      }
      break;
    }
  }
  FUZZ_CHECK((open_outcome == match::MatchOutcome::kRejected) ==
             (open_reason != match::RejectReason::kNone));
  bool open_matched = open_outcome == match::MatchOutcome::kMatched;
  if (open_matched) {
    FUZZ_CHECK(parsed_ok);
    CheckMatched(open_record, parsed, recv_time_us);
  }

  match::ReplyRecord scoped_record;
  match::RejectReason scoped_reason = match::RejectReason::kNone;
  match::MatchOutcome scoped_outcome =
      fx.scoped.MatchFrame(link, frame, len, recv_time_us, &scoped_record, &scoped_reason);
  FUZZ_CHECK((scoped_outcome == match::MatchOutcome::kRejected) ==
             (scoped_reason != match::RejectReason::kNone));
  if (scoped_outcome == match::MatchOutcome::kMatched) {
    // Scoping only ever removes matches, and never changes what a match says.
    FUZZ_CHECK(open_matched && SameRecord(scoped_record, open_record));
    FUZZ_CHECK(fx.targets.Contains(scoped_record.target));
    FUZZ_CHECK(scoped_record.probe_ttl <= 32 && scoped_record.attempt < 2);
  }
  if (!parsed_ok) {
    // Link- and IP-level failures come before any config is consulted.
    FUZZ_CHECK(scoped_outcome == open_outcome);
  }
  return open_matched;
}

}  // namespace cutpoint::fuzz

#endif  // CUTPOINT_TESTS_FUZZ_FUZZ_MATCH_H_
