// SPDX-License-Identifier: Apache-2.0
// One matched reply: the probe that caused it and what came back. Plain data, fixed
// size, so matching allocates nothing.
#ifndef CUTPOINT_ENGINE_MATCH_REPLY_RECORD_H_
#define CUTPOINT_ENGINE_MATCH_REPLY_RECORD_H_

#include <cstdint>
#include <optional>
#include "absl/strings/string_view.h"

#include "engine/probe/probe_codec.h"
#include "engine/wire/ip_address.h"
#include "engine/wire/packet_parser.h"

namespace cutpoint::match {

enum class ReplyKind : uint8_t {
  kSynAck,
  kRst,
  kEchoReply,
  kTimeExceeded,
  kDestUnreachable,
  kParamProblem,
  kOther,
  kPacketTooBig,  // ICMPv6 type 2 (after kOther: resume files store kinds by number)
  // A bare ACK from the target to one of our SYNs' flows: its TCP holds a half-open
  // connection from an earlier SYN of that flow (whose SYN-ACK our RST did not close) and
  // answers a new SYN with a challenge ACK (RFC 5961 4.2, RFC 793 SYN-RECEIVED) that
  // acknowledges that earlier SYN. The SYN reached the listening port.
  kHalfOpenAck,
};

absl::string_view ReplyKindName(ReplyKind kind);
std::optional<ReplyKind> ParseReplyKind(absl::string_view name);

struct ReplyRecord {
  // The probe.
  wire::IpAddress target;
  probe::ProbeType probe_type = probe::ProbeType::kTcpSyn;
  uint16_t port = 0;  // TCP only
  uint8_t probe_ttl = 0;
  uint8_t attempt = 0;  // 0-based

  // The reply.
  ReplyKind kind = ReplyKind::kOther;
  wire::IpAddress from;  // responder (outer IP source)
  uint8_t reply_ttl = 0;
  uint16_t reply_ipid = 0;
  int64_t recv_time_us = 0;
  int64_t rtt_us = 0;
  bool rtt_exact = false;  // false: from the 4.096 ms send tick, an upper bound

  bool is_icmp = false;
  uint8_t icmp_type = 0;
  uint8_t icmp_code = 0;

  bool is_tcp = false;
  uint8_t tcp_flags = 0;
  uint16_t tcp_window = 0;

  bool has_quote = false;  // ICMP errors
  uint8_t quoted_ttl = 0;
  uint16_t quoted_ipid = 0;
  uint16_t quoted_len = 0;  // quoted transport bytes
  wire::MplsStack mpls;
};

}  // namespace cutpoint::match

#endif  // CUTPOINT_ENGINE_MATCH_REPLY_RECORD_H_
