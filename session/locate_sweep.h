// SPDX-License-Identifier: Apache-2.0
// The locate sweep driver: which probes `cutpoint locate` sends, round by round, from
// what it has observed so far (the verdicts themselves are engine/locate's).
//
// A screened sweep starts with screen rounds: every target's test and controls at TTL max,
// attempt 0, then attempt i for the targets not clean yet; only the targets screen.h
// picks are swept below TTL max then (the windows stop one TTL short of it).
//
// Rounds: every target over the first TTL window; deeper windows only for targets not
// reached yet (locate::TargetsToSweepDeeper), so sweeping stops past the destination;
// then retry rounds that re-probe the test cells that stayed silent where a control
// answered (locate::SilentTestCells), whole rows (test and every control at that TTL),
// one attempt number per retry, so a lost ICMP error is not read as a drop; and, for
// targets whose test got through on some attempts but fewer than chance allows (a
// partial filter, see partial_test.h), whole rows at every TTL where their controls
// answered, then the hops a proven partial drop's interval still spans. The budget: the
// probe encoding numbers attempts 0..probe::kMaxAttempts-1 (4), so retries add at most
// kMaxAttempts - attempts probes per (target, kind, TTL), only for those targets. A wait
// between rounds lets their replies arrive before the next round is planned.
//
// With --resume, the round being sent is the cursor (LocateRound): an interrupted sweep
// saves it with the replies of the rounds before it, and a rerun continues from there.
#ifndef CUTPOINT_SESSION_LOCATE_SWEEP_H_
#define CUTPOINT_SESSION_LOCATE_SWEEP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/locate/judge.h"
#include "engine/locate/observation_table.h"
#include "engine/match/matcher.h"
#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/records.h"
#include "engine/wire/source_addresses.h"
#include "session/locate_resume.h"
#include "session/probe_session.h"

namespace cutpoint::session {

// One round sent and its replies waited for (`locate --progress`).
struct SweepRoundDone {
  enum class Phase { kScreen, kWindow, kRetry };
  Phase phase = Phase::kWindow;
  uint64_t index = 0;  // rounds before it
  int ttl_lo = 0;      // the TTLs it probed
  int ttl_hi = 0;
  int attempt = 0;     // screen and retry rounds: their attempt number
  uint64_t probes = 0;
  uint64_t targets = 0;  // distinct targets it probed
  // Window and retry rounds: the targets' verdicts if judged now, by kind, in
  // locate::VerdictKind order (empty for screen rounds: the sweep decides those later).
  std::vector<std::pair<locate::VerdictKind, uint64_t>> verdicts;
};

// The sweep's own settings; its TTL range and probe kinds are the table's layout.
struct LocateSweepConfig {
  int window = 8;           // TTLs per window round
  int attempts = 2;         // probes per (target, kind, TTL) in the window rounds
  int retries = 2;          // retry rounds at most; retry i sends attempt `attempts + i`
  double round_wait_s = 1;  // for replies, between rounds
  double cooldown_s = 2;    // for replies, after the last round
  uint64_t seed = 0;        // round i is sent in the keyed random order of seed + i
  std::string resume_path;  // empty: no --resume
  // Screen first (engine/locate/screen.h): every target at TTL max, then the sweep for the
  // suspicious ones, a keyed sample of the rest and a few of their siblings. false: every
  // target gets the whole sweep (`--sweep all`).
  bool screen = false;
  double screen_sample = 0.01;
  int screen_companions = 2;
  // Told after each round (on the thread that calls Run); null: nothing is judged early.
  std::function<void(const SweepRoundDone&)> on_round;
};

// What the sweep sends through: a ProbeSession, or a fake in tests. Replies reach the
// sweep through the session's ReplyHandler, which should call LocateSweep::Add.
class ProbeRunner {
 public:
  virtual ~ProbeRunner() = default;
  // Every probe of `source`, in the keyed random order of `seed`; returns early on `stop`.
  virtual absl::Status SendAll(const ProbeSource& source, uint64_t seed,
                               const std::atomic<bool>& stop) = 0;
  // Lets replies arrive for `seconds`.
  virtual void Wait(double seconds) = 0;
};

class LocateSweep {
 public:
  // A sweep that fills `table` (which must outlive it). With config.resume_path, reads
  // the resume file first: a file of another `plan_id` is refused, one of this plan
  // moves the cursor and folds in the replies of the rounds before it.
  static absl::StatusOr<std::unique_ptr<LocateSweep>> Open(const LocateSweepConfig& config,
                                                           locate::ObservationTable* table,
                                                           std::string plan_id);

  bool resuming() const { return resuming_; }
  size_t resumed_replies() const { return resumed_replies_; }
  // The round being sent, or to send.
  const LocateRound& next() const { return next_; }

  // Folds one matched reply in; any thread (the capture thread, during a live run).
  void Add(const match::ReplyRecord& reply);

  // Sends the rounds from next() on, guided by `judge`; returns when they are done or on
  // `stop` (next() then names the round cut short). The caller captures for the cooldown.
  absl::Status Run(ProbeRunner& runner, const locate::JudgeOptions& judge,
                   const std::atomic<bool>& stop);

  // The live run: starts a ProbeSession on `session_config` (its matcher is set here;
  // `on_reply` should call Add), runs the rounds and captures for the cooldown.
  absl::StatusOr<report::ScanStats> RunLive(SessionConfig session_config,
                                            const probe::ProbeCodec& codec, ReplyHandler on_reply,
                                            const locate::JudgeOptions& judge,
                                            const std::atomic<bool>& stop);

  // `locate --from-pcap`: the replies of a capture taken earlier instead of probing, matched
  // as the live run's capture would have (after `before_reading`: the file is open).
  absl::StatusOr<report::ScanStats> ReadSavedCapture(
      const std::string& path, const probe::ProbeCodec& codec,
      const wire::SourceAddresses& sources,
      const ReplyHandler& on_reply, const std::function<absl::Status()>& before_reading);

  // With --resume, once the run is over: an interrupted sweep saves where it stopped, a
  // finished one removes the file.
  absl::Status Conclude(bool interrupted);

  // For the verdicts (JudgeOptions::swept): which targets a screened sweep swept, from
  // the screen's answers; null without screening.
  const std::vector<bool>* Swept(const locate::JudgeOptions& judge);
  // Probes sent so far, by phase (the screen's share of a screened run).
  uint64_t screen_probes() const { return screen_probes_; }
  uint64_t swept_targets() const { return swept_targets_; }

 private:
  LocateSweep(const LocateSweepConfig& config, locate::ObservationTable* table,
              std::string plan_id);
  bool Screening() const;
  absl::Status RunScreen(ProbeRunner& runner, const std::atomic<bool>& stop);
  absl::Status RunWindows(ProbeRunner& runner, const locate::JudgeOptions& judge,
                          const std::atomic<bool>& stop);
  absl::Status RunRetries(ProbeRunner& runner, const locate::JudgeOptions& judge,
                          const std::atomic<bool>& stop);
  std::vector<uint64_t> WindowTargets(const locate::JudgeOptions& judge);
  std::vector<probe::ProbeSpec> RetryRows(const locate::JudgeOptions& judge);
  void TellRoundDone(SweepRoundDone done, const locate::JudgeOptions* judge);

  const LocateSweepConfig config_;
  const std::string plan_id_;
  LocateRound next_;
  bool resuming_ = false;
  size_t resumed_replies_ = 0;
  // Shared between the capture thread (Add) and the round planner (reads).
  std::mutex mutex_;
  locate::ObservationTable* const table_;
  // With --resume, every reply is kept for the resume file (the table's whole input).
  std::vector<match::ReplyRecord> seen_replies_;
  std::vector<bool> swept_;  // a screened sweep's choice, once the screen is over
  bool swept_known_ = false;
  uint64_t screen_probes_ = 0;
  uint64_t swept_targets_ = 0;
};

// The matcher of a locate run, live or re-judging a capture: the table's TTLs and kinds,
// every attempt the sweep may send, and replies as late as the longest wait.
match::MatcherConfig LocateMatcherConfig(const LocateSweepConfig& config,
                                         const locate::ObservationTable& table,
                                         const wire::SourceAddresses& sources);

// Everything a resumed run must share with the run it continues.
std::string LocatePlanId(const LocateSweepConfig& config, const locate::ObservationTable& table,
                         const std::vector<std::string>& probe_names,
                         const targets::GroupPrefixes& group_prefixes,
                         const std::string& key_id);

// Why some answers may be missing from the observations, or "" when the sweep was whole.
// A stop between rounds or during the cooldown ends the sweep without the sender seeing
// it: `stop` marks `stats` interrupted then.
std::string IncompleteReason(const std::atomic<bool>& stop, report::ScanStats* stats);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_LOCATE_SWEEP_H_
