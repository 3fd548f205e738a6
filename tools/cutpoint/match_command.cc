// `cutpoint match`: the live matcher run over a saved capture, given the scan's key.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capture/pcap/pcap_source.h"
#include "engine/match/matcher.h"
#include "engine/report/records.h"
#include "engine/wire/ipv4_address.h"
#include "tools/cutpoint/arg_parser.h"
#include "session/capture_pipeline.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/input_notes.h"
#include "session/key_file.h"
#include "session/output_sink.h"
#include "tools/cutpoint/probe_options.h"
#include "session/probe_session.h"

namespace cutpoint::cli {
namespace {

constexpr OptionSpec kMatchOptions[] = {
    {"pcap", 0, "FILE", "capture to read (pcap or pcapng)"},
    {"key-file", 0, "FILE", "the scan's probe key (as written by --key-file)"},
    {"source-ip", 'S', "ADDR", "only accept replies addressed to ADDR (the prober)"},
    {"port", 'p', "PORTS", "the scan's TCP ports: replies for others are rejected (default: any)"},
    {"probe", 0, "TYPES", "the scan's probe types: tcp-syn,icmp-echo (default: any)"},
    {"output", 'o', "FILE", "write NDJSON here (default: standard output)"},
    {"quiet", 'q', "", "no summary on standard error"},
    {"help", 'h', "", "show this help"},
};

void PrintMatchHelp() {
  std::printf(
      "usage: cutpoint match --pcap FILE --key-file FILE [options]\n\n"
      "Matches every packet of a saved capture against the probes of the scan whose key\n"
      "is given, and writes the same reply records a live scan writes.\n\n"
      "options:\n%s",
      FormatOptionsHelp(kMatchOptions).c_str());
}

}  // namespace

int RunMatch(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(kMatchOptions, words);
  if (!args.ok()) {
    ReportError(args.status());
    std::fprintf(stderr, "see 'cutpoint match --help'\n");
    return kExitBadInput;
  }
  if (args->Has("help")) {
    PrintMatchHelp();
    return kExitOk;
  }
  if (!args->positional().empty()) {
    return ReportError(absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", args->positional().front(), "'")));
  }
  std::optional<std::string> pcap_path = args->Get("pcap");
  std::optional<std::string> key_path = args->Get("key-file");
  if (!pcap_path || !key_path) {
    return ReportError(absl::InvalidArgumentError("match needs --pcap FILE and --key-file FILE"));
  }
  match::MatcherConfig matcher_config;
  if (auto text = args->Get("source-ip")) {
    std::optional<uint32_t> source = wire::ParseIpv4(*text);
    if (!source) return ReportError(absl::InvalidArgumentError(absl::StrCat("bad --source-ip '", *text, "'")));
    matcher_config.source_address = *source;
  }
  // The plan, when given, is checked like a live run checks its own; without it a
  // forged reply for any port or probe type is judged on the key alone (said in meta).
  std::vector<std::string> notes;
  std::vector<std::string> plan_names;
  if (auto text = args->Get("probe")) {
    absl::StatusOr<std::vector<probe::ProbeType>> types = ParseProbeTypes(*text);
    if (!types.ok()) return ReportError(types.status());
    matcher_config.probe_types = 0;
    for (probe::ProbeType type : *types) matcher_config.probe_types |= match::ProbeTypeBit(type);
  } else {
    notes.push_back("no --probe: replies of any probe type accepted");
  }
  if (auto text = args->Get("port")) {
    absl::StatusOr<std::vector<uint16_t>> ports = ParsePortList(*text);
    if (!ports.ok()) return ReportError(ports.status());
    bool tcp = (matcher_config.probe_types & match::ProbeTypeBit(probe::ProbeType::kTcpSyn)) != 0;
    for (uint16_t port : *ports) {
      matcher_config.tcp_ports.Add(port);
      if (tcp) plan_names.push_back(absl::StrCat("tcp-syn:", port));
    }
  } else {
    notes.push_back("no --port: TCP replies for any port accepted");
  }
  absl::StatusOr<probe::ProbeKey> key = session::ReadProbeKey(*key_path);
  if (!key.ok()) return ReportError(key.status());
  absl::StatusOr<std::unique_ptr<capture::PcapSource>> source =
      capture::PcapSource::OpenOffline(*pcap_path);
  if (!source.ok()) return ReportError(source.status());
  absl::StatusOr<std::unique_ptr<session::OutputSink>> sink = session::OutputSink::Open(args->Get("output").value_or("-"));
  if (!sink.ok()) return ReportError(sink.status());

  probe::ProbeCodec codec(*key);
  match::Matcher matcher(codec, matcher_config);
  report::MetaInfo meta;
  meta.tool_version = CUTPOINT_VERSION;
  meta.command = "match";
  meta.argv = argv;
  meta.key_fingerprint = probe::ProbeKeyFingerprint(*key);
  meta.start_time = CurrentTimeRfc3339();
  meta.source_address = matcher_config.source_address;
  meta.pcap_file = *pcap_path;
  if (args->Has("probe") &&
      (matcher_config.probe_types & match::ProbeTypeBit(probe::ProbeType::kIcmpEcho)) != 0) {
    plan_names.push_back("icmp-echo");
  }
  meta.probes = plan_names;
  meta.notes = notes;
  report::JsonLine line;
  report::FormatMeta(meta, &line);
  absl::Status status = (*sink)->Append(line.Finish());
  if (status.ok()) status = (*sink)->Begin();  // the capture opened: the run can start
  if (!status.ok()) return ReportError(status);

  absl::StatusOr<report::ScanStats> stats =
      session::MatchCaptureToSink(**source, *pcap_path, matcher, **sink);
  if (!stats.ok()) {
    (void)(*sink)->Flush();
    return ReportError(stats.status());
  }
  if (std::optional<std::string> cut = TruncationWarning(*pcap_path, *stats)) PrintWarning(*cut);
  report::FormatStats(*stats, &line);
  status = (*sink)->Append(line.Finish());
  if (status.ok()) status = (*sink)->Flush();
  if (!status.ok()) return ReportError(status);
  if (!args->Has("quiet")) {
    std::fprintf(stderr,
                 "cutpoint match: %llu packets in %.1f s; %llu replies matched, %llu rejected, "
                 "%llu unmatched, %llu malformed%s\n",
                 static_cast<unsigned long long>(stats->replies_seen + stats->probes_sent),
                 stats->duration_s, static_cast<unsigned long long>(stats->matched),
                 static_cast<unsigned long long>(stats->rejected),
                 static_cast<unsigned long long>(stats->unmatched),
                 static_cast<unsigned long long>(stats->malformed),
                 stats->capture_truncated ? " (capture truncated)" : "");
  }
  PrintHint(UnauthenticatedHint(*stats));
  return kExitOk;
}

}  // namespace cutpoint::cli
