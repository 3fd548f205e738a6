// SPDX-License-Identifier: Apache-2.0
// Progress of a live session, reported to observers the caller supplies (the CLI's status
// line, the --status-file): the session itself prints nothing.
#ifndef CUTPOINT_SESSION_PROGRESS_H_
#define CUTPOINT_SESSION_PROGRESS_H_

#include <cstdint>

#include "absl/status/status.h"

namespace cutpoint::session {

enum class ProgressPhase : uint8_t {
  kSending,      // probes are going out (about once a second)
  kSent,         // Send() returned: every probe handed over (or the capture failed)
  kInterrupted,  // Send() returned on a stop request, probes left unsent
  kCooldown,     // Finish(): waiting for late replies (about once a second)
  kFinished,     // the capture stopped: the last snapshot
};

// The numbers behind one status line. Counts of probes are of the current (or last)
// Send(); `matched` and `capture_drops` are of the whole session.
struct ProgressSnapshot {
  ProgressPhase phase = ProgressPhase::kSending;
  double elapsed_s = 0;         // since the Send() began
  uint64_t total = 0;           // probes the Send() was given
  uint64_t sent = 0;            // of those, handed to the backend (sent or failed)
  uint64_t session_sent = 0;    // handed to the backend by every Send() of the session
  uint64_t matched = 0;         // replies matched
  uint64_t capture_drops = 0;   // dropped by the capture buffer or the interface
  double send_pps = 0;          // since the previous snapshot
  double recv_pps = 0;          // matched replies per second, since the previous snapshot
  double percent_done = 0;      // sent of total (100 for an empty Send)
  double eta_s = 0;             // at the rate so far
  uint64_t successes = 0;       // matched SYN-ACKs, half-open ACKs and echo replies
  double hit_rate_percent = 0;  // successes per probe of the session (zmap's hit rate)
};

// Receives the session's progress: about once a second while sending and during the
// cooldown, once when a Send() returns and once when the capture stops. Called on the
// thread that calls Send() and Finish(), never concurrently.
class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  // Once the sockets are open and privileges dropped, before any probe is sent: an error
  // refuses the run (e.g. a file the user the run switched to cannot write).
  virtual absl::Status OnStart() { return absl::OkStatus(); }
  virtual void OnProgress(const ProgressSnapshot& snapshot) = 0;
};

// Turns counter readings into snapshots: rates over the interval since the previous one,
// completion and ETA since Begin(). Pure arithmetic; the caller reads the clock.
class ProgressMeter {
 public:
  // A Send() of `total` probes starts; `sent_counter` and `matched` are the readings of
  // the session's running counters now.
  void Begin(uint64_t total, uint64_t sent_counter, uint64_t matched, int64_t now_ns);
  ProgressSnapshot Take(ProgressPhase phase, uint64_t sent_counter, uint64_t matched,
                        uint64_t successes, uint64_t capture_drops, int64_t now_ns);

 private:
  uint64_t total_ = 0;
  uint64_t sent_base_ = 0;  // the session's sent counter when the Send() began
  int64_t begin_ns_ = 0;
  int64_t last_ns_ = 0;
  uint64_t last_sent_ = 0;
  uint64_t last_matched_ = 0;
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_PROGRESS_H_
