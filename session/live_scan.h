// SPDX-License-Identifier: Apache-2.0
// One pass over a plan, then the cooldown: the whole of `trace` and `scan`, resumable.
#ifndef CUTPOINT_SESSION_LIVE_SCAN_H_
#define CUTPOINT_SESSION_LIVE_SCAN_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/records.h"
#include "engine/targets/probe_plan.h"
#include "session/probe_session.h"
#include "session/reply_handler.h"

namespace cutpoint::session {

struct LiveScanOptions {
  uint64_t seed = 0;
  uint32_t shard_count = 1;
  uint32_t shard_index = 0;
  double cooldown_s = 2;
  std::string resume_path;
};

// Probes one shard of `plan` in its keyed order, then captures for the cooldown. With
// `resume_path`, the positions left unsent are saved there (once a second and at the end)
// and a run that finds the file continues from it.
absl::StatusOr<report::ScanStats> RunLiveScan(const SessionConfig& config,
                                              const probe::ProbeCodec& codec,
                                              const targets::ProbePlan& plan,
                                              const LiveScanOptions& options,
                                              const ReplyHandler& on_reply,
                                              const std::atomic<bool>& stop_requested);

// True when options.resume_path holds a finished run of this very send order (nothing
// left to send); false without the file or with positions left; errors as RunLiveScan's
// (a file of another scan, a damaged file).
absl::StatusOr<bool> ResumeIsFinished(const targets::ProbePlan& plan,
                                      const LiveScanOptions& options);

// Identifies a send order for --resume: a resumed run must use the same one.
std::string SendOrderId(const targets::ProbePlan& plan, const LiveScanOptions& options);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_LIVE_SCAN_H_
