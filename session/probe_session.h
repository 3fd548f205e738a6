// SPDX-License-Identifier: Apache-2.0
// Live probing: a ProbeSession owns the capture (a thread feeding the matcher) and the
// send backend, and sends any number of passes of probes through them in keyed random
// order at the configured rate. `trace` sends one pass (RunLiveScan, live_scan.h);
// `locate` sends adaptive rounds.
//
// Threads: the capture thread ("cp-capture") matches, counts and calls the ReplyHandler
// and on_tick; each Send() runs one sender thread ("cp-sender") per backend sender; the
// thread calling Send() and Finish() paces checkpoints and progress observers.
#ifndef CUTPOINT_SESSION_PROBE_SESSION_H_
#define CUTPOINT_SESSION_PROBE_SESSION_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capture/backend.h"
#include "capture/frame_source.h"
#include "capture/pcap/pcap_writer.h"
#include "capture/send/packet_sender.h"
#include "capture/send/probe_burst_sender.h"
#include "engine/match/matcher.h"
#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/records.h"
#include "engine/wire/source_addresses.h"
#include "session/probe_kernels.h"
#include "session/probe_source.h"
#include "session/progress.h"
#include "session/reply_handler.h"
#include "session/work_ranges.h"

namespace cutpoint::session {

struct SessionConfig {
  wire::SourceAddresses sources;
  std::string interface;
  double rate_pps = 0;  // <= 0: as fast as the backend goes; shared by all sender threads
  int sender_threads = 1;
  ProbeKernels probe_kernels = ProbeKernels::kAuto;  // --probe-kernels, per sender's backend
  // The --tx backend. An empty make_sender: a raw socket bound to `interface`; an empty
  // make_capture: libpcap live capture on it; add_stats is called by Finish(), if set.
  capture::TxSetup backend;
  match::MatcherConfig matcher;
  capture::PcapWriter* evidence = nullptr;  // every probe sent and reply captured, if set
  bool drop_privileges = true;  // once sockets are open: no capability is needed any more
  std::string run_as_user;      // and, started as root, switch to this user (default nobody)
  bool keep_root = false;       // or stay root (see privileges.h)
  // Files the run writes later as the user it switched to ({flag, path}, e.g. --resume):
  // with drop_privileges, refused right after the drop, before on_started begins outputs.
  std::vector<std::pair<std::string, std::string>> written_after_drop;
  // Told the progress (progress.h) instead of anything printed: not owned, they must
  // outlive the session.
  std::vector<ProgressObserver*> progress;
  // Called once every socket is open and privileges are dropped, before the capture
  // thread starts and any probe is sent: the run can start, so outputs may be written.
  std::function<absl::Status()> on_started;
  // Called on the capture thread (the one that calls the ReplyHandler) every ~200 ms,
  // e.g. to flush output on a timer. An error stops the session.
  std::function<absl::Status(int64_t now_ns)> on_tick;
};

// Called about once a second during Send() with the positions not yet sent.
using CheckpointHandler = std::function<void(const std::vector<PositionRange>& remaining)>;

class ProbeSession {
 public:
  static absl::StatusOr<std::unique_ptr<ProbeSession>> Start(const SessionConfig& config,
                                                             const probe::ProbeCodec& codec,
                                                             ReplyHandler on_reply);
  ~ProbeSession();

  // Sends the probes at `work` positions of `ordered` (already in send order), split
  // among the sender threads; returns early when a stop is requested or the capture
  // failed. `remaining` (optional) receives the positions not sent. Progress: kSending
  // about once a second, then kSent or kInterrupted.
  absl::Status Send(const ProbeSource& ordered, const std::vector<PositionRange>& work,
                    const std::atomic<bool>& stop_requested,
                    std::vector<PositionRange>* remaining = nullptr,
                    const CheckpointHandler& checkpoint = nullptr);
  // Convenience: every probe of `source`, in a keyed random order.
  absl::Status SendAll(const ProbeSource& source, uint64_t permutation_seed,
                       const std::atomic<bool>& stop_requested);
  // Lets replies arrive for `seconds` (less if the capture fails).
  void Wait(double seconds);
  // Captures for the cooldown (progress kCooldown about once a second), stops the
  // capture thread, reports kFinished and returns the counters.
  absl::StatusOr<report::ScanStats> Finish(double cooldown_s);

 private:
  struct SenderSlot;
  struct SendBatch;
  using Slots = std::vector<std::unique_ptr<SenderSlot>>;
  struct CaptureTimers {
    int64_t next_tick_ns = 0;
    int64_t next_counters_ns = 0;
  };

  ProbeSession(const SessionConfig& config, const probe::ProbeCodec& codec, ReplyHandler on_reply);
  absl::Status OpenCapture();
  absl::Status OpenSenders();
  absl::Status BeforeFirstProbe();

  // The capture thread: captures until the deadline has passed and the ring is read.
  void CaptureLoop();
  absl::Status Capture();
  absl::Status Tick(int64_t now_ns, CaptureTimers* timers);
  absl::Status HandleFrame(const capture::CapturedFrame& frame, match::ReplyRecord* reply);
  void RecordEvidence(int64_t time_us, const uint8_t* packet, size_t len);
  absl::Status EvidenceStatus();

  // The sender threads.
  Slots MakeSlots(const std::vector<PositionRange>& work) const;
  static std::vector<PositionRange> Remaining(const Slots& slots);
  void SendSlice(SenderSlot& slot, const ProbeSource& ordered, double rate_pps,
                 const std::atomic<bool>& stop_requested);
  // Hand one batch to the sender, retrying until it took all of it: built straight into
  // the backend's buffers, or built here (and recorded as evidence) and then sent.
  void SendInPlace(capture::ProbeBurstSender& sender, const probe::ProbeBuilder& builder,
                   std::span<const probe::ProbeSpec> specs, int64_t send_us);
  void SendBuilt(capture::PacketSender& sender, const probe::ProbeBuilder& builder,
                 SendBatch& batch, size_t count, int64_t send_us);
  bool Stopping(const std::atomic<bool>& stop_requested) const;

  // The calling thread, while senders run and during the cooldown.
  void WatchSenders(const Slots& slots, const std::atomic<int>& running,
                    const CheckpointHandler& checkpoint, int64_t started_ns);
  void WatchCooldown(int64_t deadline_ns);
  void ReportProgress(ProgressPhase phase);
  uint64_t SentCounter() const;

  SessionConfig config_;
  const probe::ProbeCodec& codec_;
  ReplyHandler on_reply_;
  match::Matcher matcher_;
  std::unique_ptr<capture::FrameSource> capture_;
  std::vector<std::unique_ptr<capture::PacketSender>> senders_;
  std::thread capture_thread_;
  std::atomic<int64_t> capture_deadline_ns_{INT64_MAX};
  std::atomic<bool> capture_failed_{false};
  absl::Status capture_status_;  // set by the capture thread before capture_failed_
  std::mutex evidence_mutex_;
  std::atomic<bool> evidence_failed_{false};  // a --pcap-out write failed: stop, exit 4
  report::ScanStats stats_;                   // reply counters: written by the capture thread only
  std::atomic<uint64_t> probes_sent_{0};
  std::atomic<uint64_t> send_errors_{0};
  std::atomic<uint64_t> matched_live_{0};
  std::atomic<uint64_t> successes_live_{0};  // of those: SYN-ACKs, half-open ACKs, echo replies
  std::atomic<uint64_t> capture_drops_live_{0};
  bool interrupted_ = false;
  int64_t started_ns_ = 0;
  int64_t send_ns_ = 0;  // summed over Send() calls: sender threads started to joined
  ProgressMeter progress_meter_;  // the calling thread's
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_PROBE_SESSION_H_
