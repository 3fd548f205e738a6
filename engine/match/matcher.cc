// SPDX-License-Identifier: Apache-2.0
#include "engine/match/matcher.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "engine/probe/probe_layout.h"
#include "engine/wire/byte_order.h"
#include "engine/wire/protocol.h"

namespace cutpoint::match {
namespace {

using probe::ProbeType;

MatchOutcome Reject(RejectReason why, RejectReason* reason) {
  if (reason != nullptr) *reason = why;
  return MatchOutcome::kRejected;
}

void FillReplyHeader(const wire::ParsedPacket& packet, int64_t recv_time_us, ReplyRecord* out) {
  out->from = packet.ip.src;
  out->reply_ttl = packet.ip.ttl;
  out->reply_ipid = packet.ip.id;
  out->recv_time_us = recv_time_us;
}

void FillIcmpHeader(const wire::IcmpFields& icmp, ReplyRecord* out) {
  out->is_icmp = true;
  out->icmp_type = icmp.type;
  out->icmp_code = icmp.code;
}

ReplyKind Icmpv6ErrorKind(uint8_t type) {
  switch (type) {
    case wire::kIcmpv6TimeExceeded:
      return ReplyKind::kTimeExceeded;
    case wire::kIcmpv6DestUnreachable:
      return ReplyKind::kDestUnreachable;
    case wire::kIcmpv6PacketTooBig:
      return ReplyKind::kPacketTooBig;
    case wire::kIcmpv6ParamProblem:
      return ReplyKind::kParamProblem;
    default:
      return ReplyKind::kOther;
  }
}

bool IsV6(const wire::ParsedPacket& packet) { return packet.ip.family == wire::IpFamily::kV6; }

uint8_t EchoRequestType(bool v6) { return v6 ? wire::kIcmpv6EchoRequest : wire::kIcmpEchoRequest; }

// The low 16 bits of the send time an IPv6 SYN carries in its TSval (probe_layout.h): from
// a quote's TSval, or a SYN-ACK's TSecr.
std::optional<uint16_t> SendUsFromTimestamp(const wire::TcpFields& tcp, uint32_t stamp) {
  if (!tcp.has_timestamp || stamp == 0) return std::nullopt;
  return probe::SendUsLow16FromTsval(stamp);
}

ReplyKind IcmpErrorKind(uint8_t type) {
  switch (type) {
    case wire::kIcmpTimeExceeded:
      return ReplyKind::kTimeExceeded;
    case wire::kIcmpDestUnreachable:
      return ReplyKind::kDestUnreachable;
    case wire::kIcmpParamProblem:
      return ReplyKind::kParamProblem;
    default:
      return ReplyKind::kOther;
  }
}

constexpr double kMinReplyAgeS = 1.0;

}  // namespace

void PortSet::Add(uint16_t port) {
  if (bits_ == nullptr) bits_ = std::make_shared<std::vector<uint64_t>>(65536 / 64, 0);
  (*bits_)[port >> 6] |= uint64_t{1} << (port & 63);
}

void RestrictToKinds(const std::vector<targets::ProbeKind>& kinds, MatcherConfig* config) {
  config->probe_types = 0;
  config->tcp_ports = PortSet();
  for (const targets::ProbeKind& kind : kinds) {
    config->probe_types |= ProbeTypeBit(kind.type);
    if (kind.type == ProbeType::kTcpSyn) config->tcp_ports.Add(kind.port);
  }
  // Only ICMP planned: no TCP port can match, which an empty set (any port) would not say.
  if (config->tcp_ports.empty() && (config->probe_types & ProbeTypeBit(ProbeType::kTcpSyn)) == 0) {
    config->tcp_ports.Add(0);
  }
}

int64_t ReplyAgeForWait(double wait_s) {
  // At least 1 s: a run with a short cooldown still gets replies to its earlier probes
  // while it sends, and those may be slow (long paths, ICMP from a busy router).
  double age_us = std::max(wait_s, kMinReplyAgeS) * 1e6;
  double cap_us = static_cast<double>(probe::kMaxAgeTicks * probe::kTickUs);
  return age_us >= cap_us ? 0 : static_cast<int64_t>(age_us);
}

int64_t MaxAgeTicks(const MatcherConfig& config) {
  if (config.max_reply_age_us <= 0) return probe::kMaxAgeTicks;
  // A reply received r microseconds after its probe is at most ceil(r / tick) ticks
  // younger than the tick it was sent in.
  int64_t ticks = (config.max_reply_age_us + probe::kTickUs - 1) / probe::kTickUs;
  return std::min(ticks, probe::kMaxAgeTicks);
}

double ForgedTcpAcceptance(const MatcherConfig& config) {
  // The largest share of the 2^32 port hashes any one port gets, the MAC, then the shares
  // of the uniform (padded) TTL/attempt and tick fields the plan accepts.
  constexpr double kPortGuess = 66577.0 / 4294967296.0;
  constexpr double kMacGuess = 1.0 / (1u << probe::kMacBits);
  int ttl_min = std::max<int>(config.ttl_min, 1);
  int ttls = std::max(0, static_cast<int>(config.ttl_max) - ttl_min + 1);
  int attempts = std::clamp<int>(config.attempts, 0, probe::kMaxAttempts);
  double cells = static_cast<double>(ttls * attempts) / 1024.0;
  double window = static_cast<double>(MaxAgeTicks(config) + 1) / 1024.0;
  return kPortGuess * kMacGuess * cells * window;
}

MatchOutcome Matcher::MatchFrame(wire::LinkType link, const uint8_t* frame, size_t len,
                                 int64_t recv_time_us, ReplyRecord* out,
                                 RejectReason* reason) const {
  wire::FrameView view;
  const wire::FrameStatus status = wire::LocateIp(link, frame, len, &view);
  switch (status) {
    case wire::FrameStatus::kIpv4:
    case wire::FrameStatus::kIpv6:
      break;
    case wire::FrameStatus::kNotIp:
      return MatchOutcome::kNotIp;
    case wire::FrameStatus::kTruncated:
      return MatchOutcome::kMalformed;
  }
  // The link layer's protocol and the packet's version nibble must agree: IPv4 bytes in an
  // IPv6 frame are nobody's reply.
  const uint8_t want = status == wire::FrameStatus::kIpv4 ? 4 : 6;
  if (view.l3_len == 0 || wire::IpVersion(view.l3) != want) return MatchOutcome::kNotIp;
  return MatchIp(view.l3, view.l3_len, recv_time_us, out, reason);
}

MatchOutcome Matcher::MatchIp(const uint8_t* packet, size_t len, int64_t recv_time_us,
                                ReplyRecord* out, RejectReason* reason) const {
  if (reason != nullptr) *reason = RejectReason::kNone;
  // ParseIpv4Packet clears every part it reports itself: the local is left uninitialised
  // rather than cleared twice per packet.
  union Storage {
    Storage() {}
    wire::ParsedPacket packet;
  } storage;
  wire::ParsedPacket& parsed = storage.packet;
  switch (wire::ParsePacket(packet, len, &parsed)) {
    case wire::ParseStatus::kOk:
      break;
    case wire::ParseStatus::kTruncated:
    case wire::ParseStatus::kBadHeader:
      return MatchOutcome::kMalformed;
    case wire::ParseStatus::kFragment:
    case wire::ParseStatus::kUnsupported:
      return MatchOutcome::kUnrelated;
  }
  if (IsOwnProbe(parsed, recv_time_us)) return MatchOutcome::kOwnProbe;
  if (NotOurAddress(parsed.ip.dst)) return MatchOutcome::kUnrelated;
  if (parsed.has_tcp) return MatchTcp(parsed, recv_time_us, out, reason);
  if (!parsed.has_icmp) return MatchOutcome::kUnrelated;
  const bool v6 = IsV6(parsed);
  if (parsed.icmp.type == (v6 ? wire::kIcmpv6EchoReply : wire::kIcmpEchoReply)) {
    return MatchEchoReply(parsed, recv_time_us, out, reason);
  }
  if (v6 ? wire::Icmpv6TypeQuotes(parsed.icmp.type) : wire::IcmpTypeQuotes(parsed.icmp.type)) {
    return MatchIcmpError(parsed, recv_time_us, out, reason);
  }
  return MatchOutcome::kUnrelated;
}

bool Matcher::IsOwnProbe(const wire::ParsedPacket& packet, int64_t recv_time_us) const {
  if (NotOurAddress(packet.ip.src)) return false;
  const wire::IpAddress target = packet.ip.dst;
  if (packet.has_tcp) {
    const wire::TcpFields& tcp = packet.tcp;
    if ((tcp.flags & (wire::kTcpSyn | wire::kTcpAck | wire::kTcpRst)) != wire::kTcpSyn)
      return false;
    if (tcp.sport < probe::kFlowPortMin) return false;
    probe::FlowBlock flow = codec_.FlowBlockOf(target, ProbeType::kTcpSyn, tcp.dport);
    return flow.fields.tcp_sport == tcp.sport &&
           codec_.DecodeWord(flow, tcp.seq, recv_time_us).has_value();
  }
  const wire::IcmpFields& icmp = packet.icmp;
  if (!packet.has_icmp || icmp.type != EchoRequestType(IsV6(packet)) || icmp.payload_len < 4) {
    return false;
  }
  probe::FlowBlock flow = codec_.FlowBlockOf(target, ProbeType::kIcmpEcho, 0);
  return flow.fields.icmp_id == icmp.id &&
         codec_.DecodeWord(flow, wire::LoadBe32(icmp.payload), recv_time_us).has_value();
}

MatchOutcome Matcher::Authenticate(const wire::IpAddress& target, ProbeType type, uint16_t port,
                                   const probe::FlowBlock& flow, uint32_t word,
                                   int64_t recv_time_us, std::optional<uint16_t> send_us_low16,
                                   ReplyRecord* out, RejectReason* reason, bool any_age) const {
  std::optional<probe::DecodedWord> decoded = codec_.DecodeWord(flow, word, recv_time_us);
  if (!decoded) return Reject(RejectReason::kBadMac, reason);
  if ((config_.targets != nullptr && !config_.targets->Contains(target)) ||
      (config_.shard != nullptr && !config_.shard->Holds(target))) {
    return Reject(RejectReason::kNotOurTarget, reason);
  }
  // Plan checks come after the key's: every out_of_plan reply did authenticate, so a
  // capture of another key's replies is all bad_flow_field / bad_mac (the wrong-key hint).
  if (!InPlan(type, port) || decoded->ttl < config_.ttl_min || decoded->ttl > config_.ttl_max ||
      decoded->attempt >= config_.attempts) {
    return Reject(RejectReason::kOutOfPlan, reason);
  }
  // Ticks bound the RTT, measured against this packet's own capture time (live or from a
  // file): a genuine reply older than the run waits for is a replay or a stray.
  int64_t age_ticks = probe::SendTick(recv_time_us) - decoded->send_tick;
  if (age_ticks < 0) return Reject(RejectReason::kFuture, reason);
  // A half-open connection's ACK acknowledges a SYN of any age (`any_age`).
  if (age_ticks > max_age_ticks_ && !any_age) return Reject(RejectReason::kStale, reason);
  // Cleared only now, as most packets of a busy capture are not ours; by a copy from a
  // blank constant, which compiles to vector stores (`*out = {}` became a slow `rep stos`).
  static constexpr ReplyRecord kBlank{};
  static_assert(std::is_trivially_copyable_v<ReplyRecord>);
  std::memcpy(out, &kBlank, sizeof(kBlank));
  out->target = target;
  out->probe_type = type;
  out->port = port;
  out->probe_ttl = decoded->ttl;
  out->attempt = decoded->attempt;
  probe::RecoveredSendTime sent =
      probe::RecoverSendTime(recv_time_us, decoded->send_tick, send_us_low16);
  out->rtt_us = recv_time_us - sent.send_us;
  out->rtt_exact = sent.exact;
  return MatchOutcome::kMatched;
}

MatchOutcome Matcher::MatchTcp(const wire::ParsedPacket& packet, int64_t recv_time_us,
                               ReplyRecord* out, RejectReason* reason) const {
  const wire::TcpFields& tcp = packet.tcp;
  bool is_rst = (tcp.flags & wire::kTcpRst) != 0;
  bool is_syn_ack =
      !is_rst && (tcp.flags & (wire::kTcpSyn | wire::kTcpAck)) == (wire::kTcpSyn | wire::kTcpAck);
  // An ACK without SYN, FIN or RST: the challenge ACK of a half-open connection (we never
  // complete a handshake, so no other ACK can acknowledge our SYN).
  bool is_half_open_ack =
      (tcp.flags & (wire::kTcpSyn | wire::kTcpAck | wire::kTcpRst | wire::kTcpFin)) ==
      wire::kTcpAck;
  if (!is_rst && !is_syn_ack && !is_half_open_ack) return MatchOutcome::kUnrelated;
  if (tcp.dport < probe::kFlowPortMin) return MatchOutcome::kUnrelated;
  const wire::IpAddress target = packet.ip.src;
  probe::FlowBlock flow = codec_.FlowBlockOf(target, ProbeType::kTcpSyn, tcp.sport);
  if (flow.fields.tcp_sport != tcp.dport) return Reject(RejectReason::kBadFlowField, reason);
  // A reply a client stack would accept acknowledges seq + 1; that includes RSTs injected
  // in the target's name, which therefore name the probe TTL that triggered them.
  // IPv6 probes carry the send time in TSval; a server that keeps timestamps echoes it.
  std::optional<uint16_t> send_us_low16;
  if (IsV6(packet) && is_syn_ack) send_us_low16 = SendUsFromTimestamp(tcp, tcp.tsecr);
  // The challenge ACK acknowledges the earlier SYN that opened the connection, maybe from
  // an earlier run: its age is no staleness, and its RTT is that SYN's age.
  MatchOutcome outcome = Authenticate(target, ProbeType::kTcpSyn, tcp.sport, flow, tcp.ack - 1,
                                      recv_time_us, send_us_low16, out, reason,
                                      /*any_age=*/is_half_open_ack);
  if (outcome != MatchOutcome::kMatched) return outcome;
  FillReplyHeader(packet, recv_time_us, out);
  out->kind = is_rst               ? ReplyKind::kRst
              : is_half_open_ack ? ReplyKind::kHalfOpenAck
                                 : ReplyKind::kSynAck;
  out->is_tcp = true;
  out->tcp_flags = tcp.flags;
  out->tcp_window = tcp.window;
  return MatchOutcome::kMatched;
}

MatchOutcome Matcher::MatchEchoReply(const wire::ParsedPacket& packet, int64_t recv_time_us,
                                     ReplyRecord* out, RejectReason* reason) const {
  const wire::IcmpFields& icmp = packet.icmp;
  const wire::IpAddress target = packet.ip.src;
  probe::FlowBlock flow = codec_.FlowBlockOf(target, ProbeType::kIcmpEcho, 0);
  if (flow.fields.icmp_id != icmp.id) return Reject(RejectReason::kBadFlowField, reason);
  if (icmp.payload_len < 6) return Reject(RejectReason::kShortQuote, reason);
  uint32_t word = wire::LoadBe32(icmp.payload);
  if (static_cast<uint16_t>(word >> 16) != icmp.seq) return Reject(RejectReason::kBadMac, reason);
  MatchOutcome outcome = Authenticate(target, ProbeType::kIcmpEcho, 0, flow, word, recv_time_us,
                                      wire::LoadBe16(icmp.payload + 4), out, reason);
  if (outcome != MatchOutcome::kMatched) return outcome;
  FillReplyHeader(packet, recv_time_us, out);
  out->kind = ReplyKind::kEchoReply;
  FillIcmpHeader(icmp, out);
  return MatchOutcome::kMatched;
}

MatchOutcome Matcher::MatchIcmpError(const wire::ParsedPacket& packet, int64_t recv_time_us,
                                     ReplyRecord* out, RejectReason* reason) const {
  if (!packet.has_quote) return MatchOutcome::kMalformed;
  const wire::IcmpQuote& quote = packet.quote;
  if (NotOurAddress(quote.ip.src)) return MatchOutcome::kUnrelated;
  // A quoted non-first fragment holds no transport header: nothing of ours to read.
  if (quote.ip.has_fragment_header && quote.ip.fragment_offset != 0) {
    return MatchOutcome::kUnrelated;
  }
  const bool v6 = quote.ip.family == wire::IpFamily::kV6;
  MatchOutcome outcome;
  if (quote.ip.protocol == wire::kProtoTcp) {
    outcome = AuthenticateQuotedSyn(quote, v6, recv_time_us, out, reason);
  } else if (quote.ip.protocol == (v6 ? wire::kProtoIcmpv6 : wire::kProtoIcmp)) {
    outcome = AuthenticateQuotedEcho(quote, v6, recv_time_us, out, reason);
  } else {
    return MatchOutcome::kUnrelated;
  }
  if (outcome != MatchOutcome::kMatched) return outcome;
  FillReplyHeader(packet, recv_time_us, out);
  out->kind = IsV6(packet) ? Icmpv6ErrorKind(packet.icmp.type) : IcmpErrorKind(packet.icmp.type);
  FillIcmpHeader(packet.icmp, out);
  out->has_quote = true;
  out->quoted_ttl = quote.ip.ttl;
  out->quoted_ipid = quote.ip.id;
  out->quoted_len = static_cast<uint16_t>(quote.transport_len);
  out->mpls = quote.mpls;
  return MatchOutcome::kMatched;
}

MatchOutcome Matcher::AuthenticateQuotedSyn(const wire::IcmpQuote& quote, bool v6,
                                             int64_t recv_time_us, ReplyRecord* out,
                                             RejectReason* reason) const {
  if (quote.transport_len < wire::kQuotedTransportMin) {
    return Reject(RejectReason::kShortQuote, reason);
  }
  const wire::IpAddress& target = quote.ip.dst;
  wire::TcpFields tcp;
  // IPv6 errors quote the whole probe, TSval (the send time) included.
  if (v6) {
    wire::ReadTcpHeader(quote.transport, quote.transport_len, &tcp);
  } else {
    wire::ReadTcpPrefix(quote.transport, quote.transport_len, &tcp);
  }
  if (tcp.sport < probe::kFlowPortMin) return MatchOutcome::kUnrelated;
  probe::FlowBlock flow = codec_.FlowBlockOf(target, ProbeType::kTcpSyn, tcp.dport);
  if (flow.fields.tcp_sport != tcp.sport) return Reject(RejectReason::kBadFlowField, reason);
  std::optional<uint16_t> send_us_low16 =
      v6 ? SendUsFromTimestamp(tcp, tcp.tsval) : std::optional<uint16_t>(quote.ip.id);
  return Authenticate(target, ProbeType::kTcpSyn, tcp.dport, flow, tcp.seq, recv_time_us,
                      send_us_low16, out, reason);
}

MatchOutcome Matcher::AuthenticateQuotedEcho(const wire::IcmpQuote& quote, bool v6,
                                              int64_t recv_time_us, ReplyRecord* out,
                                              RejectReason* reason) const {
  const uint8_t* l4 = quote.transport;
  // IPv6 has no IP ID: the whole word rides in the payload, which an ICMPv6 error quotes.
  const size_t needed = v6 ? probe::kEchoWordAt + 4 : wire::kQuotedTransportMin;
  if (quote.transport_len < needed) return Reject(RejectReason::kShortQuote, reason);
  if (l4[0] != EchoRequestType(v6)) return MatchOutcome::kUnrelated;
  const wire::IpAddress& target = quote.ip.dst;
  probe::FlowBlock flow = codec_.FlowBlockOf(target, ProbeType::kIcmpEcho, 0);
  if (wire::LoadBe16(l4 + probe::kEchoIdAt) != flow.fields.icmp_id ||
      wire::LoadBe16(l4 + probe::kEchoChecksumAt) != flow.fields.icmp_checksum) {
    return Reject(RejectReason::kBadFlowField, reason);
  }
  const uint16_t seq = wire::LoadBe16(l4 + probe::kEchoSeqAt);
  uint32_t word = (uint32_t{seq} << 16) | quote.ip.id;
  if (v6) {
    word = wire::LoadBe32(l4 + probe::kEchoWordAt);
    if (static_cast<uint16_t>(word >> 16) != seq) return Reject(RejectReason::kBadMac, reason);
  }
  // Routers that quote more than 8 bytes return the payload's send-time bits too.
  std::optional<uint16_t> send_us_low16;
  if (quote.transport_len >= probe::kEchoSendUsLow16At + 2) {
    send_us_low16 = wire::LoadBe16(l4 + probe::kEchoSendUsLow16At);
  }
  return Authenticate(target, ProbeType::kIcmpEcho, 0, flow, word, recv_time_us, send_us_low16,
                      out, reason);
}

}  // namespace cutpoint::match
