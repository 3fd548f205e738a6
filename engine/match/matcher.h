// SPDX-License-Identifier: Apache-2.0
// Maps a captured packet back to the probe that caused it, statelessly: identity comes
// from the probe word carried in the reply (ack - 1, echo payload, or the ICMP quote),
// authenticated under the scan key. Anything that looks like a reply to our flows but
// fails authentication is "rejected"; traffic that is not shaped like a reply to us at
// all is "unrelated". Allocation-free.
#ifndef CUTPOINT_ENGINE_MATCH_MATCHER_H_
#define CUTPOINT_ENGINE_MATCH_MATCHER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/shard_order.h"
#include "engine/targets/target_set.h"
#include "engine/wire/frame.h"

namespace cutpoint::match {

enum class MatchOutcome : uint8_t {
  kMatched,
  kRejected,   // reply-shaped, addressed to us, failed validation (forged, stale, mangled)
  kUnrelated,  // not a reply to any probe of ours
  kMalformed,  // truncated or corrupt headers
  kNotIp,      // not an IP packet at all (ARP, ...)
  kOwnProbe,   // one of our own probes (captures that hold both directions)
};

// Why a packet was rejected; counted separately so forgery is visible.
enum class RejectReason : uint8_t {
  kNone,
  kBadFlowField,    // wrong keyed source port / ICMP identifier / checksum
  kBadMac,          // the probe word does not authenticate
  kNotOurTarget,    // authenticates, but the target is outside this scan
  kOutOfPlan,       // probe type, port, TTL or attempt outside this scan's plan
  kShortQuote,      // ICMP error quoting fewer than 8 transport bytes
  kStale,           // authenticates, but sent longer ago than the run waits for replies
  kFuture,          // authenticates, but sent after it was received (a clock step)
};

// A set of TCP ports (a 65536-bit map); empty means every port.
class PortSet {
 public:
  PortSet() = default;
  void Add(uint16_t port);
  bool empty() const { return bits_ == nullptr; }
  bool Contains(uint16_t port) const {
    return bits_ == nullptr || ((*bits_)[port >> 6] >> (port & 63) & 1) != 0;
  }

 private:
  std::shared_ptr<std::vector<uint64_t>> bits_;  // shared: matcher configs are copied
};

inline constexpr uint8_t ProbeTypeBit(probe::ProbeType type) {
  return static_cast<uint8_t>(1u << static_cast<uint8_t>(type));
}
inline constexpr uint8_t kAllProbeTypes = (1u << probe::kProbeTypeCount) - 1;

struct MatcherConfig {
  // The run's source address per family: replies must be addressed to it. Unset: accept
  // replies to any address of that family (offline analysis).
  std::optional<wire::IpAddress> source_v4;
  std::optional<wire::IpAddress> source_v6;
  const targets::TargetSet* targets = nullptr;  // optional membership check
  // A sharded run: only replies to this shard's targets. Shards running side by side
  // from one address with one key each see the others' replies authenticate.
  const targets::ShardOrder* shard = nullptr;
  uint8_t ttl_min = 1;
  uint8_t ttl_max = 255;
  uint8_t attempts = probe::kMaxAttempts;
  // The plan's probe types (ProbeTypeBit) and TCP destination ports: authentic replies to
  // anything else are rejected as out of plan.
  uint8_t probe_types = kAllProbeTypes;
  PortSet tcp_ports;
  // The oldest reply accepted, by its send tick relative to its own receive time (the
  // capture timestamp, live or offline): derived from how long the run waits for replies.
  // 0: as old as the tick can express (probe::kMaxAgeTicks, ~4.1 s).
  int64_t max_reply_age_us = 0;
};

// Restricts `config` to the probe types and TCP ports of `kinds` (a run's plan).
void RestrictToKinds(const std::vector<targets::ProbeKind>& kinds, MatcherConfig* config);

// The reply age a run accepts when it waits `wait_s` for replies after a probe (its
// cooldown or round wait, whichever is longer), at least 1 s; 0 (no limit but the tick's)
// when that is beyond what the tick can express.
int64_t ReplyAgeForWait(double wait_s);

// Send ticks accepted as not stale: 0 .. this (see MatcherConfig::max_reply_age_us).
int64_t MaxAgeTicks(const MatcherConfig& config);

// Probability that one forged TCP reply (SYN-ACK or RST from a planned target and port,
// random destination port and ack) is accepted by a matcher with `config`, for a forger
// who knows the plan but not the key (formula in probe_codec.h).
double ForgedTcpAcceptance(const MatcherConfig& config);

class Matcher {
 public:
  Matcher(const probe::ProbeCodec& codec, const MatcherConfig& config)
      : codec_(codec), config_(config), max_age_ticks_(MaxAgeTicks(config)) {}

  const MatcherConfig& config() const { return config_; }

  // `recv_time_us` is the capture timestamp (wall clock, microseconds). `out` is written
  // only when the outcome is kMatched.
  MatchOutcome MatchFrame(wire::LinkType link, const uint8_t* frame, size_t len,
                          int64_t recv_time_us, ReplyRecord* out,
                          RejectReason* reason = nullptr) const;
  // An IPv4 or IPv6 packet (by its version nibble).
  MatchOutcome MatchIp(const uint8_t* packet, size_t len, int64_t recv_time_us,
                       ReplyRecord* out, RejectReason* reason = nullptr) const;

 private:
  bool IsOwnProbe(const wire::ParsedPacket& packet, int64_t recv_time_us) const;
  MatchOutcome MatchTcp(const wire::ParsedPacket& packet, int64_t recv_time_us,
                        ReplyRecord* out, RejectReason* reason) const;
  MatchOutcome MatchEchoReply(const wire::ParsedPacket& packet, int64_t recv_time_us,
                              ReplyRecord* out, RejectReason* reason) const;
  MatchOutcome MatchIcmpError(const wire::ParsedPacket& packet, int64_t recv_time_us,
                              ReplyRecord* out, RejectReason* reason) const;
  // True when `address` is not the run's own source of its family.
  bool NotOurAddress(const wire::IpAddress& address) const {
    const std::optional<wire::IpAddress>& source =
        address.is_v4() ? config_.source_v4 : config_.source_v6;
    return source.has_value() && address != *source;
  }
  MatchOutcome AuthenticateQuotedSyn(const wire::IcmpQuote& quote, bool v6, int64_t recv_time_us,
                                     ReplyRecord* out, RejectReason* reason) const;
  MatchOutcome AuthenticateQuotedEcho(const wire::IcmpQuote& quote, bool v6,
                                      int64_t recv_time_us, ReplyRecord* out,
                                      RejectReason* reason) const;
  bool InPlan(probe::ProbeType type, uint16_t port) const {
    return (config_.probe_types & ProbeTypeBit(type)) != 0 &&
           (type != probe::ProbeType::kTcpSyn || config_.tcp_ports.Contains(port));
  }
  // Authenticates the word for `flow` and fills the probe half of `out`.
  MatchOutcome Authenticate(const wire::IpAddress& target, probe::ProbeType type, uint16_t port,
                            const probe::FlowBlock& flow, uint32_t word, int64_t recv_time_us,
                            std::optional<uint16_t> send_us_low16, ReplyRecord* out,
                            RejectReason* reason, bool any_age = false) const;

  const probe::ProbeCodec& codec_;
  MatcherConfig config_;
  int64_t max_age_ticks_;
};

}  // namespace cutpoint::match

#endif  // CUTPOINT_ENGINE_MATCH_MATCHER_H_
