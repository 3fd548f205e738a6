// SPDX-License-Identifier: Apache-2.0
// `--dry-run`: the probes one shard of a plan would send, in its send order, written as
// `probe` records instead of sent.
#ifndef CUTPOINT_SESSION_DRY_RUN_H_
#define CUTPOINT_SESSION_DRY_RUN_H_

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/records.h"
#include "engine/targets/probe_plan.h"
#include "engine/wire/source_addresses.h"
#include "session/live_scan.h"
#include "session/output_sink.h"

namespace cutpoint::session {

// Begins `sink` and appends one probe record per probe of the shard `order` names, as
// built from `sources` now; a stop ends the list early (stats: interrupted, with
// the probes not listed).
absl::StatusOr<report::ScanStats> WriteDryRun(const targets::ProbePlan& plan,
                                              const probe::ProbeCodec& codec,
                                              const wire::SourceAddresses& sources,
                                              const LiveScanOptions& order,
                                              OutputSink& sink,
                                              const std::atomic<bool>& stop_requested);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_DRY_RUN_H_
