// SPDX-License-Identifier: Apache-2.0
// `locate --resume FILE`: where an interrupted locate sweep stopped, and what it had seen.
//
// A locate sweep is a sequence of rounds (TTL windows, then retry attempts). An interrupted
// run saves the next round to send and the replies of the rounds it completed; the rerun
// loads those replies into its observation table and sends from that round on. Replies of
// the cut round are dropped and the whole round is sent again, so every (TTL, attempt) row
// the verdicts compare was sent once, together (see engine/locate/silence_test.h).
//
// Text, one record a line, mode 0600, replaced atomically:
//   cutpoint-locate-resume 1
//   plan <identity of targets, probes, TTLs, attempts, key fingerprint, seed>
//   next <round> <phase: screen|window|retry> <screen attempt, ttl_lo or retry index> <swept_max>
//   r <target> <probe type> <port> <ttl> <attempt> <kind> <from> <icmp code> <reply ttl> <ip id> <rtt us>
#ifndef CUTPOINT_SESSION_LOCATE_RESUME_H_
#define CUTPOINT_SESSION_LOCATE_RESUME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/match/reply_record.h"

namespace cutpoint::session {

// The round a sweep sends next.
struct LocateRound {
  uint64_t index = 0;   // rounds sent before it (the round's permutation seed is seed + index)
  bool retry = false;   // false: a TTL window starting at `ttl_lo`; true: retry number `retry_index`
  int ttl_lo = 0;
  int retry_index = 0;
  int swept_max = 0;    // highest TTL swept by the windows before it
  // A screened sweep (engine/locate/screen.h) starts with screen rounds at TTL max, one
  // per attempt: while `screening`, the round is screen attempt `screen_attempt`.
  bool screening = false;
  int screen_attempt = 0;
};

struct LocateResumeState {
  std::string plan;
  LocateRound next;
  std::vector<match::ReplyRecord> replies;
};

// Missing file: nullopt. A file of another plan or a corrupt one: an error naming it.
absl::StatusOr<std::optional<LocateResumeState>> ReadLocateResume(const std::string& path,
                                                                  const std::string& plan);
absl::Status WriteLocateResume(const std::string& path, const LocateResumeState& state);

// Whether `reply` answers a probe of a round before `next` (window rounds send attempts
// below `attempts`; retry round i sends attempt attempts + i). `screen_ttl`: the TTL of
// a screened sweep's screen rounds (attempt a in screen round a; its windows and retries
// stay below that TTL), 0 for a sweep without them.
bool BeforeRound(const match::ReplyRecord& reply, const LocateRound& next, int attempts,
                 int screen_ttl = 0);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_LOCATE_RESUME_H_
