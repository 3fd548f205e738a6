// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/trace_config.h"

#include <unistd.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/targets/plan_text.h"
#include "tools/cutpoint/probe_options.h"

namespace cutpoint::cli {
namespace {

// --port and --probe: the probe kinds, and their names for the meta record.
absl::Status ParseProbeKinds(TraceMode mode, const cmdline::ParsedArgs& args, TraceConfig* config) {
  std::vector<uint16_t> ports = {80};
  if (std::optional<std::string> text = args.Get("port")) {
    ASSIGN_OR_RETURN(ports, targets::ParsePortList(*text));
  }
  std::vector<probe::ProbeType> types = {probe::ProbeType::kTcpSyn, probe::ProbeType::kIcmpEcho};
  if (mode == TraceMode::kScan) types = {probe::ProbeType::kTcpSyn};
  if (std::optional<std::string> text = args.Get("probe")) {
    ASSIGN_OR_RETURN(types, targets::ParseProbeTypes(*text));
  }
  for (probe::ProbeType type : types) {
    if (type == probe::ProbeType::kTcpSyn) {
      for (uint16_t port : ports) {
        config->kinds.push_back({type, port});
        config->probe_names.push_back(absl::StrCat("tcp-syn:", port));
      }
    } else {
      config->kinds.push_back({type, 0});
      config->probe_names.push_back("icmp-echo");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TraceConfig> ParseTraceConfig(TraceMode mode, const cmdline::ParsedArgs& args) {
  TraceConfig config;
  RETURN_IF_ERROR(ParseProbeKinds(mode, args, &config));
  RETURN_IF_ERROR(ParseCommonProbingConfig(args, DefaultsFor(mode), &config));
  ASSIGN_OR_RETURN(config.sender_threads, IntegerOption(args, "sender-threads", 1, 64, 1));
  if (!config.resume_path.empty() && !args.Has("key-file") && !args.Has("seed")) {
    return absl::InvalidArgumentError(
        "--resume needs --key-file (or --seed) so the resumed run walks the same order");
  }
  config.status_file = args.Get("status-file").value_or("");
  config.progress = args.Has("progress") || (isatty(STDERR_FILENO) && !args.Has("quiet"));
  config.dry_run = args.Has("dry-run");
  if (std::optional<std::string> format = args.Get("output-format")) {
    if (*format != "ndjson" && *format != "atlas") {
      return absl::InvalidArgumentError(
          absl::StrCat("-O must be ndjson or atlas (got '", *format, "')"));
    }
    config.atlas = *format == "atlas";
  }
  if (config.atlas && mode == TraceMode::kScan) {
    return absl::InvalidArgumentError("-O atlas is for trace: a scan's replies are no traceroutes");
  }
  if (config.atlas && !config.resume_path.empty()) {
    return absl::InvalidArgumentError(
        "-O atlas does not combine with --resume (a resumed run appends NDJSON); convert "
        "afterwards with 'cutpoint report --format atlas'");
  }
  if (config.atlas && config.dry_run) {
    return absl::InvalidArgumentError("-O atlas writes replies, and --dry-run has none");
  }
  return config;
}

}  // namespace cutpoint::cli
