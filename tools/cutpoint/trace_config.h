// SPDX-License-Identifier: Apache-2.0
// The options of `cutpoint trace` and `cutpoint scan` parsed into their configuration.
// Apart from the command so that a test can hold the documented defaults (the command
// table in trace_command.cc) against what parsing yields.
#ifndef CUTPOINT_TOOLS_CUTPOINT_TRACE_CONFIG_H_
#define CUTPOINT_TOOLS_CUTPOINT_TRACE_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/targets/probe_plan.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/common_config.h"

namespace cutpoint::cli {

enum class TraceMode { kTrace, kScan };

inline constexpr CommonDefaults kTraceDefaults = {
    .max_targets = uint64_t{1} << 24, .ttl_min = 1, .ttl_max = 32, .attempts = 1};
inline constexpr CommonDefaults kScanDefaults = {
    .max_targets = uint64_t{1} << 24, .ttl_min = 64, .ttl_max = 64, .attempts = 1, .one_ttl = true};

inline const CommonDefaults& DefaultsFor(TraceMode mode) {
  return mode == TraceMode::kTrace ? kTraceDefaults : kScanDefaults;
}

struct TraceConfig : CommonProbingConfig {
  std::vector<targets::ProbeKind> kinds;
  std::vector<std::string> probe_names;
  int sender_threads = 1;
  bool progress = false;
  std::string status_file;
  bool dry_run = false;
  bool atlas = false;  // -O atlas (trace only)
  friend bool operator==(const TraceConfig&, const TraceConfig&) = default;
};

// --port, --probe, the common options (ParseCommonProbingConfig), --sender-threads,
// --status-file, --progress, --dry-run, -O; --resume needs --key-file or --seed.
absl::StatusOr<TraceConfig> ParseTraceConfig(TraceMode mode, const cmdline::ParsedArgs& args);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_TRACE_CONFIG_H_
