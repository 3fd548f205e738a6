// SPDX-License-Identifier: Apache-2.0
// `cutpoint match`: the live matcher run over a saved capture, given the scan's key.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "capture/pcap/pcap_source.h"
#include "engine/base/status_macros.h"
#include "engine/match/matcher.h"
#include "engine/report/records.h"
#include "engine/targets/plan_text.h"
#include "engine/wire/ipv4_address.h"
#include "session/capture_pipeline.h"
#include "session/key_file.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/input_notes.h"
#include "tools/cutpoint/probe_options.h"
#include "tools/cutpoint/read_progress.h"
#include "tools/cutpoint/run_records.h"

namespace cutpoint::cli {
namespace {

constexpr cmdline::OptionSpec kMatchOptions[] = {
    {"pcap", 0, "FILE", "capture to read (pcap or pcapng)"},
    {"key-file", 0, "FILE", "the scan's probe key (as written by --key-file)"},
    {"source-ip", 'S', "ADDR[,ADDR]",
     "only accept replies addressed to ADDR (the prober; one per family)"},
    {"port", 'p', "PORTS", "the scan's TCP ports: replies for others are rejected (default: any)"},
    {"probe",
     0,
     "TYPES",
     "the scan's probe types, comma-separated (default: any)",
     {},
     "tcp-syn icmp-echo"},
    {"output", 'o', "FILE", "write NDJSON here ('-': standard output)", "-"},
    {"progress", 0, "",
     "the packets read so far on stderr, once a second (default: when stderr is a tty)"},
    {"quiet", 'q', "", "no summary on standard error"},
    {"help", 'h', "", "show this help"},
};

// The scan's plan as far as the flags give it: what the matcher accepts, and the probe
// names and caveats for the meta record.
struct MatchPlan {
  match::MatcherConfig matcher;
  std::vector<std::string> probe_names;
  std::vector<std::string> notes;
};

// The plan, when given, is checked like a live run checks its own; without it a forged
// reply for any port or probe type is judged on the key alone (said in meta).
absl::StatusOr<MatchPlan> ParseMatchPlan(const cmdline::ParsedArgs& args) {
  MatchPlan plan;
  if (std::optional<std::string> text = args.Get("source-ip")) {
    ASSIGN_OR_RETURN(wire::SourceAddresses sources, ParseSourceAddresses(*text));
    plan.matcher.source_v4 = sources.v4;
    plan.matcher.source_v6 = sources.v6;
  }
  if (std::optional<std::string> text = args.Get("probe")) {
    ASSIGN_OR_RETURN(std::vector<probe::ProbeType> types, targets::ParseProbeTypes(*text));
    plan.matcher.probe_types = 0;
    for (probe::ProbeType type : types) plan.matcher.probe_types |= match::ProbeTypeBit(type);
  } else {
    plan.notes.push_back("no --probe: replies of any probe type accepted");
  }
  if (std::optional<std::string> text = args.Get("port")) {
    ASSIGN_OR_RETURN(std::vector<uint16_t> ports, targets::ParsePortList(*text));
    bool tcp = (plan.matcher.probe_types & match::ProbeTypeBit(probe::ProbeType::kTcpSyn)) != 0;
    for (uint16_t port : ports) {
      plan.matcher.tcp_ports.Add(port);
      if (tcp) plan.probe_names.push_back(absl::StrCat("tcp-syn:", port));
    }
  } else {
    plan.notes.push_back("no --port: TCP replies for any port accepted");
  }
  if (args.Has("probe") &&
      (plan.matcher.probe_types & match::ProbeTypeBit(probe::ProbeType::kIcmpEcho)) != 0) {
    plan.probe_names.push_back("icmp-echo");
  }
  return plan;
}

void PrintSummary(const report::ScanStats& stats) {
  absl::FPrintF(stderr,
                "cutpoint match: %d packets in %.1f s; %d replies matched, %d rejected, "
                "%d unmatched, %d malformed%s\n",
                stats.replies_seen + stats.probes_sent, stats.duration_s, stats.matched,
                stats.rejected, stats.unmatched, stats.malformed,
                stats.capture_truncated ? " (capture truncated)" : "");
}

absl::StatusOr<int> RunMatchOrError(const std::vector<std::string>& argv, const cmdline::ParsedArgs& args) {
  if (!args.positional().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", args.positional().front(), "'"));
  }
  std::optional<std::string> pcap_path = args.Get("pcap");
  std::optional<std::string> key_path = args.Get("key-file");
  if (!pcap_path || !key_path) {
    return absl::InvalidArgumentError("match needs --pcap FILE and --key-file FILE");
  }
  ASSIGN_OR_RETURN(MatchPlan plan, ParseMatchPlan(args));
  ASSIGN_OR_RETURN(probe::ProbeKey key, session::ReadProbeKey(*key_path));
  ASSIGN_OR_RETURN(std::unique_ptr<capture::PcapSource> source,
                   capture::PcapSource::OpenOffline(*pcap_path));
  ASSIGN_OR_RETURN(std::unique_ptr<session::OutputSink> sink,
                   session::OutputSink::Open(args.Get("output").value_or("-")));

  probe::ProbeCodec codec(key);
  match::Matcher matcher(codec, plan.matcher);
  report::MetaInfo meta = MakeMeta("match", argv, key);
  meta.source_v4 = plan.matcher.source_v4;
  meta.source_v6 = plan.matcher.source_v6;
  meta.pcap_file = *pcap_path;
  meta.probes = plan.probe_names;
  meta.notes = plan.notes;
  RETURN_IF_ERROR(AppendMeta(meta, *sink));
  RETURN_IF_ERROR(sink->Begin());  // the capture opened: the run can start

  // Without --progress the frames go straight from the file to the matcher.
  ReadProgress progress("match", stderr);
  ProgressFrameSource counted(*source, progress);
  const bool show_progress = args.Has("progress") || (isatty(STDERR_FILENO) && !args.Has("quiet"));
  capture::FrameSource& progress_source =
      show_progress ? static_cast<capture::FrameSource&>(counted) : *source;
  ASSIGN_OR_RETURN(
      report::ScanStats stats,
      FlushedOnError(session::MatchCaptureToSink(progress_source, *pcap_path, matcher, *sink),
                     *sink));
  PrintWarning(report::TruncationWarning(*pcap_path, stats));
  RETURN_IF_ERROR(FinishWithStats(stats, *sink));
  if (!args.Has("quiet")) PrintSummary(stats);
  PrintHint(report::UnauthenticatedHint(stats));
  return kExitOk;
}

int RunMatch(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  return RunCommandWithSpec(MatchCommandSpec(), words, [&](const cmdline::ParsedArgs& args) {
    return RunMatchOrError(argv, args);
  });
}

}  // namespace

CommandSpec MatchCommandSpec() {
  return {.name = "match",
          .summary = "match the replies in a saved pcap to a scan's probes",
          .synopsis = "cutpoint match --pcap FILE --key-file FILE [options]",
          .description =
              "Matches every packet of a saved capture against the probes of the scan whose key\n"
              "is given, and writes the same reply records a live scan writes.",
          .options = {std::begin(kMatchOptions), std::end(kMatchOptions)},
          .run = RunMatch};
}

}  // namespace cutpoint::cli
