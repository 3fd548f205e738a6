// SPDX-License-Identifier: Apache-2.0
// The records that frame every command's output: the meta record first (one builder for
// all commands), the stats record last, and whole lines only when a run fails midway.
#ifndef CUTPOINT_TOOLS_CUTPOINT_RUN_RECORDS_H_
#define CUTPOINT_TOOLS_CUTPOINT_RUN_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/probe/probe_key.h"
#include "engine/report/records.h"
#include "engine/targets/target_loading.h"
#include "session/output_sink.h"
#include "tools/cutpoint/common_config.h"

namespace cutpoint::cli {

// What a probing command's meta record adds to the common part.
struct ProbingMeta {
  const CommonProbingConfig* config = nullptr;
  std::vector<std::string> probes;  // e.g. "tcp-syn:25", "icmp-echo"
  uint64_t target_count = 0;
  const targets::TargetingReport* targeting = nullptr;
};

// The meta record of a run: tool, command, argv, key fingerprint and start time, and for
// a probing command (trace, scan, locate) its source, interface, probes, TTLs, attempts,
// rate, target count and targeting. Commands set what only they have (e.g. pcap_file).
report::MetaInfo MakeMeta(absl::string_view command, const std::vector<std::string>& argv,
                          const probe::ProbeKey& key, const ProbingMeta* probing = nullptr);

// Appends the meta record; the sink writes it at Begin().
absl::Status AppendMeta(const report::MetaInfo& meta, session::OutputSink& sink);
// Appends the stats record and flushes the output.
absl::Status FinishWithStats(const report::ScanStats& stats, session::OutputSink& sink);

// A failed run still writes out the whole lines it has.
absl::StatusOr<report::ScanStats> FlushedOnError(absl::StatusOr<report::ScanStats> result,
                                                 session::OutputSink& sink);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_RUN_RECORDS_H_
