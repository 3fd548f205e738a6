// Maps a captured packet back to the probe that caused it, statelessly: identity comes
// from the probe word carried in the reply (ack - 1, echo payload, or the ICMP quote),
// authenticated under the scan key. Anything that looks like a reply to our flows but
// fails authentication is "rejected"; traffic that is not shaped like a reply to us at
// all is "unrelated". Allocation-free.
#ifndef CUTPOINT_ENGINE_MATCH_MATCHER_H_
#define CUTPOINT_ENGINE_MATCH_MATCHER_H_

#include <cstdint>

#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/targets/target_set.h"
#include "engine/wire/frame.h"

namespace cutpoint::match {

enum class MatchOutcome : uint8_t {
  kMatched,
  kRejected,   // reply-shaped, addressed to us, failed validation (forged, stale, mangled)
  kUnrelated,  // not a reply to any probe of ours
  kMalformed,  // truncated or corrupt headers
  kNotIpv4,
  kOwnProbe,   // one of our own probes (captures that hold both directions)
};

// Why a packet was rejected; counted separately so forgery is visible.
enum class RejectReason : uint8_t {
  kNone,
  kBadFlowField,    // wrong keyed source port / ICMP identifier / checksum
  kBadMac,          // the probe word does not authenticate
  kNotOurTarget,    // authenticates, but the target is outside this scan
  kOutOfPlan,       // TTL or attempt outside this scan's plan
  kShortQuote,      // ICMP error quoting fewer than 8 transport bytes
};

struct MatcherConfig {
  uint32_t source_address = 0;  // 0: accept replies to any address (offline analysis)
  const targets::TargetSet* targets = nullptr;  // optional membership check
  uint8_t ttl_min = 1;
  uint8_t ttl_max = 255;
  uint8_t attempts = probe::kMaxAttempts;
};

class Matcher {
 public:
  Matcher(const probe::ProbeCodec& codec, const MatcherConfig& config)
      : codec_(codec), config_(config) {}

  // `recv_time_us` is the capture timestamp (wall clock, microseconds). `out` is written
  // only when the outcome is kMatched.
  MatchOutcome MatchFrame(wire::LinkType link, const uint8_t* frame, size_t len,
                          int64_t recv_time_us, ReplyRecord* out,
                          RejectReason* reason = nullptr) const;
  MatchOutcome MatchIpv4(const uint8_t* packet, size_t len, int64_t recv_time_us,
                         ReplyRecord* out, RejectReason* reason = nullptr) const;

 private:
  bool IsOwnProbe(const wire::ParsedPacket& packet) const;
  MatchOutcome MatchTcp(const wire::ParsedPacket& packet, int64_t recv_time_us,
                        ReplyRecord* out, RejectReason* reason) const;
  MatchOutcome MatchEchoReply(const wire::ParsedPacket& packet, int64_t recv_time_us,
                              ReplyRecord* out, RejectReason* reason) const;
  MatchOutcome MatchIcmpError(const wire::ParsedPacket& packet, int64_t recv_time_us,
                              ReplyRecord* out, RejectReason* reason) const;
  // Authenticates the word and fills the probe half of `out`.
  MatchOutcome Authenticate(uint32_t target, probe::ProbeType type, uint16_t port,
                            uint32_t word, int64_t recv_time_us,
                            std::optional<uint16_t> send_us_low16, ReplyRecord* out,
                            RejectReason* reason) const;

  const probe::ProbeCodec& codec_;
  MatcherConfig config_;
};

}  // namespace cutpoint::match

#endif  // CUTPOINT_ENGINE_MATCH_MATCHER_H_
