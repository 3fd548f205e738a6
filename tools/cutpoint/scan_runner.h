// Runs one live probing pass: a capture thread feeding the matcher, and the sending
// loop walking the probe plan in keyed random order at the configured rate. Shared by
// every probing command.
#ifndef CUTPOINT_TOOLS_CUTPOINT_SCAN_RUNNER_H_
#define CUTPOINT_TOOLS_CUTPOINT_SCAN_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/records.h"
#include "engine/targets/probe_plan.h"

namespace cutpoint::cli {

struct LiveScanConfig {
  const targets::ProbePlan* plan = nullptr;
  const probe::ProbeCodec* codec = nullptr;
  uint32_t source_address = 0;
  std::string interface;
  double rate_pps = 0;  // <= 0: as fast as the backend goes
  double cooldown_s = 2;
  uint64_t permutation_seed = 0;
};

// Called on the capture thread for every matched reply, in capture order. An error
// stops the scan.
using ReplyHandler = std::function<absl::Status(const match::ReplyRecord&)>;

absl::StatusOr<report::ScanStats> RunLiveScan(const LiveScanConfig& config,
                                              const ReplyHandler& on_reply,
                                              const std::atomic<bool>& stop_requested);

// The BPF expression that passes only packets that can be replies to our probes.
std::string ReplyCaptureFilter(uint32_t source_address);

int64_t WallClockMicros();
int64_t MonotonicNanos();

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_SCAN_RUNNER_H_
