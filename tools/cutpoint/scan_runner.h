// Live probing: a ProbeSession owns the capture (a thread feeding the matcher) and the
// send backend, and sends any number of passes of probes through them in keyed random
// order at the configured rate. `trace` sends one pass; `locate` sends adaptive rounds.
#ifndef CUTPOINT_TOOLS_CUTPOINT_SCAN_RUNNER_H_
#define CUTPOINT_TOOLS_CUTPOINT_SCAN_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "capture/send/packet_sender.h"
#include "engine/match/matcher.h"
#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/records.h"
#include "engine/targets/probe_plan.h"

namespace cutpoint::cli {

// Any indexable set of probes.
class ProbeSource {
 public:
  virtual ~ProbeSource() = default;
  virtual uint64_t size() const = 0;
  virtual probe::ProbeSpec At(uint64_t index) const = 0;
};

class PlanSource final : public ProbeSource {
 public:
  explicit PlanSource(const targets::ProbePlan& plan) : plan_(plan) {}
  uint64_t size() const override { return plan_.size(); }
  probe::ProbeSpec At(uint64_t index) const override { return plan_.SpecAt(index); }

 private:
  const targets::ProbePlan& plan_;
};

// Called on the capture thread for every matched reply, in capture order. An error
// stops the session.
using ReplyHandler = std::function<absl::Status(const match::ReplyRecord&)>;

struct SessionConfig {
  uint32_t source_address = 0;
  std::string interface;
  double rate_pps = 0;  // <= 0: as fast as the backend goes
  match::MatcherConfig matcher;
  capture::PcapWriter* evidence = nullptr;  // every probe sent and reply captured, if set
};

class ProbeSession {
 public:
  static absl::StatusOr<std::unique_ptr<ProbeSession>> Start(const SessionConfig& config,
                                                              const probe::ProbeCodec& codec,
                                                              ReplyHandler on_reply);
  ~ProbeSession();

  // Sends every probe of `source` once, in the order of a keyed permutation; returns
  // early when a stop is requested or the capture failed.
  absl::Status Send(const ProbeSource& source, uint64_t permutation_seed,
                    const std::atomic<bool>& stop_requested);
  // Lets replies arrive for `seconds` (less if the capture fails).
  void Wait(double seconds);
  // Captures for the cooldown, stops the capture thread and returns the counters.
  absl::StatusOr<report::ScanStats> Finish(double cooldown_s);

 private:
  ProbeSession(const SessionConfig& config, const probe::ProbeCodec& codec, ReplyHandler on_reply);
  void CaptureLoop();
  void RecordEvidence(int64_t time_us, const uint8_t* packet, size_t len);

  SessionConfig config_;
  const probe::ProbeCodec& codec_;
  ReplyHandler on_reply_;
  match::Matcher matcher_;
  std::unique_ptr<capture::PcapSource> capture_;
  std::unique_ptr<capture::PacketSender> sender_;
  std::thread capture_thread_;
  std::atomic<int64_t> capture_deadline_ns_{INT64_MAX};
  std::atomic<bool> capture_failed_{false};
  absl::Status capture_status_;
  std::mutex evidence_mutex_;
  report::ScanStats stats_;  // reply counters: capture thread; send counters: sender
  int64_t started_ns_ = 0;
  double pacing_rate_ = 0;
};

// One pass over `plan`, then the cooldown: the whole of `trace`.
absl::StatusOr<report::ScanStats> RunLiveScan(const SessionConfig& config,
                                              const probe::ProbeCodec& codec,
                                              const targets::ProbePlan& plan, uint64_t seed,
                                              double cooldown_s, const ReplyHandler& on_reply,
                                              const std::atomic<bool>& stop_requested);

// The BPF expression that passes only packets that can be replies to our probes.
std::string ReplyCaptureFilter(uint32_t source_address);

void CountOutcome(match::MatchOutcome outcome, match::RejectReason reason,
                  report::ScanStats* stats);

int64_t WallClockMicros();
int64_t MonotonicNanos();

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_SCAN_RUNNER_H_
