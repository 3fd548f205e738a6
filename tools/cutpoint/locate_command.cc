// `cutpoint locate`: per target, the test probe (TCP SYN to --port) is swept over TTLs
// together with its controls — the same host on control ports and ICMP echo, the other
// targets of its network, explicit control hosts — interleaved in one randomized sweep;
// every target gets a verdict saying whether, where and how the test probe is filtered.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "capture/send/route_lookup.h"
#include "engine/base/status_macros.h"
#include "engine/locate/judge.h"
#include "engine/locate/observation_table.h"
#include "engine/locate/summary.h"
#include "engine/report/records.h"
#include "engine/report/reply_line.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/shard_order.h"
#include "engine/wire/ipv4_address.h"
#include "tools/cutpoint/arg_parser.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/input_notes.h"
#include "session/key_file.h"
#include "session/locate_resume.h"
#include "session/locate_sweep.h"
#include "session/output_sink.h"
#include "session/pcap_exit_flush.h"
#include "session/privileges.h"
#include "tools/cutpoint/probe_options.h"
#include "session/probe_session.h"
#include "session/offline_capture.h"
#include "session/signals.h"

namespace cutpoint::cli {
namespace {

constexpr OptionSpec kLocateOptions[] = {
    {"port", 'p', "PORT", "the test port: TCP SYN probes to it are judged (required)"},
    {"control-port", 0, "PORTS", "control ports of the same host (default 443)"},
    {"no-echo-control", 0, "", "do not send ICMP echo controls"},
    {"control-host", 0, "ADDR", "another host to use as control (repeatable)"},
    {"group-prefix", 0, "LEN", "targets sharing a /LEN control each other (default 24)"},
    {"shards", 0, "N", "split the groups (/LEN) into N disjoint shards (with --seed; default 1)"},
    {"shard", 0, "I", "judge only shard I (0-based); a group and its controls stay in one shard"},
    {"ttl", 0, "MIN-MAX", "TTL range to sweep (default 1-32)"},
    {"window", 0, "N", "TTLs per sweep round; deeper rounds only for targets not reached (default 8)"},
    {"attempts", 0, "N", "probes per (target, kind, TTL) in the sweep, 1-4 (default 2)"},
    {"retries", 0, "N", "extra rounds re-probing the silent test cells of undecided targets, test "
                        "and controls (default: up to 4 attempts in all)"},
    {"false-accusation-rate", 0, "ALPHA",
     "chance per run that loss alone yields a silent_drop, shared by the targets (default 0.001)"},
    {"round-wait", 0, "SECONDS", "wait for replies between rounds (default 1)"},
    {"max-targets", 0, "N", "refuse target sets larger than N addresses (default 65536)"},
    {"output", 'o', "FILE", "write output here (default: standard output)"},
    {"format", 0, "FMT", "ndjson (default: meta, reply, verdict, stats records) or text (a table)"},
    {"key-file", 0, "FILE", "probe key: read it, or create it if missing"},
    {"pcap-out", 0, "FILE", "keep every probe sent and reply captured as a pcap"},
    {"from-pcap", 0, "FILE", "judge a saved capture (e.g. a --pcap-out file) instead of probing"},
    {"resume", 0, "FILE", "an interrupted run saves its progress to FILE (with --key-file); a "
                          "run that finds FILE continues from it, and removes it when done"},
};

struct LocateConfig {
  uint16_t test_port = 0;
  std::vector<uint16_t> control_ports = {443};
  bool echo_control = true;
  std::vector<uint32_t> control_hosts;
  int group_prefix_len = 24;
  std::string interface;
  uint32_t source_address = 0;
  uint8_t ttl_min = 1;
  uint8_t ttl_max = 32;
  int window = 8;
  int attempts = 2;
  int retries = probe::kMaxAttempts - 2;
  double false_accusation_rate = 0.001;
  double rate_pps = 1000;
  double round_wait_s = 1;
  double cooldown_s = 2;
  std::string output = "-";
  bool text = false;
  std::string key_file;
  std::optional<uint64_t> seed;
  std::string pcap_out;
  std::string from_pcap;
  std::string resume_path;
  std::string run_as_user;
  bool keep_root = false;
  uint32_t shard_count = 1;
  uint32_t shard_index = 0;
  bool quiet = false;
};

void PrintLocateHelp() {
  std::printf(
      "usage: cutpoint locate -p PORT [options] TARGET...\n\n"
      "Judges, per target, whether TCP SYNs to PORT are filtered, where on the path and how:\n"
      "reachable, closed, silent_drop, rst_injection (in_path / on_path), icmp_prohibited,\n"
      "unreachable or inconclusive, with the hop interval and the evidence. Controls (other\n"
      "ports of the host, ICMP echo, the other targets of its /24, --control-host) are swept\n"
      "in the same randomized pass. Output: NDJSON (docs/ndjson-schema.md) or a text table;\n"
      "a summary goes to standard error.\n\n"
      "options:\n%s",
      FormatOptionsHelp(WithCommonProbingOptions(kLocateOptions)).c_str());
}

absl::StatusOr<LocateConfig> ParseLocateConfig(const ParsedArgs& args) {
  LocateConfig config;
  std::optional<std::string> port = args.Get("port");
  if (!port) return absl::InvalidArgumentError("locate needs the test port: -p PORT");
  absl::StatusOr<std::vector<uint16_t>> test_ports = ParsePortList(*port);
  if (!test_ports.ok()) return test_ports.status();
  if (test_ports->size() != 1) {
    return absl::InvalidArgumentError("locate judges one test port per run (-p PORT)");
  }
  config.test_port = test_ports->front();
  if (auto text = args.Get("control-port")) {
    absl::StatusOr<std::vector<uint16_t>> ports = ParsePortList(*text);
    if (!ports.ok()) return ports.status();
    config.control_ports = *ports;
  }
  for (uint16_t control : config.control_ports) {
    if (control == config.test_port) {
      return absl::InvalidArgumentError(
          absl::StrCat("control port ", control, " is the test port; pick another"));
    }
  }
  config.echo_control = !args.Has("no-echo-control");
  for (const std::string& text : args.GetAll("control-host")) {
    std::optional<uint32_t> host = wire::ParseIpv4(text);
    if (!host) return absl::InvalidArgumentError(absl::StrCat("bad --control-host '", text, "'"));
    config.control_hosts.push_back(*host);
  }
  if (auto text = args.Get("group-prefix")) {
    absl::StatusOr<int64_t> len = ParseInteger("--group-prefix", *text, 0, 32);
    if (!len.ok()) return len.status();
    config.group_prefix_len = static_cast<int>(*len);
  }
  if (auto text = args.Get("ttl")) {
    absl::StatusOr<std::pair<uint8_t, uint8_t>> range = ParseTtlRange(*text);
    if (!range.ok()) return range.status();
    config.ttl_min = range->first;
    config.ttl_max = range->second;
  }
  if (auto text = args.Get("window")) {
    absl::StatusOr<int64_t> window = ParseInteger("--window", *text, 1, 255);
    if (!window.ok()) return window.status();
    config.window = static_cast<int>(*window);
  }
  if (auto text = args.Get("attempts")) {
    absl::StatusOr<int64_t> attempts = ParseInteger("--attempts", *text, 1, probe::kMaxAttempts);
    if (!attempts.ok()) return attempts.status();
    config.attempts = static_cast<int>(*attempts);
  }
  if (auto text = args.Get("retries")) {
    absl::StatusOr<int64_t> retries = ParseInteger("--retries", *text, 0, probe::kMaxAttempts - 1);
    if (!retries.ok()) return retries.status();
    config.retries = static_cast<int>(*retries);
  }
  if (!args.Has("retries")) config.retries = probe::kMaxAttempts - config.attempts;
  if (auto text = args.Get("false-accusation-rate")) {
    double alpha = 0;
    if (!absl::SimpleAtod(*text, &alpha) || !(alpha > 0 && alpha < 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --false-accusation-rate '", *text, "' (a probability, 0 < ALPHA < 1)"));
    }
    config.false_accusation_rate = alpha;
  }
  if (config.attempts + config.retries > probe::kMaxAttempts) {
    config.retries = probe::kMaxAttempts - config.attempts;
  }
  if (auto text = args.Get("rate")) {
    absl::StatusOr<double> rate = ParseRate(*text);
    if (!rate.ok()) return rate.status();
    config.rate_pps = *rate;
  }
  if (auto text = args.Get("round-wait")) {
    absl::StatusOr<double> wait = ParseSeconds("--round-wait", *text);
    if (!wait.ok()) return wait.status();
    config.round_wait_s = *wait;
  }
  if (auto text = args.Get("cooldown")) {
    absl::StatusOr<double> cooldown = ParseSeconds("--cooldown", *text);
    if (!cooldown.ok()) return cooldown.status();
    config.cooldown_s = *cooldown;
  }
  if (auto text = args.Get("format")) {
    if (*text != "ndjson" && *text != "text") {
      return absl::InvalidArgumentError(absl::StrCat("bad --format '", *text, "' (ndjson, text)"));
    }
    config.text = *text == "text";
  }
  if (auto text = args.Get("seed")) {
    absl::StatusOr<int64_t> seed = ParseInteger("--seed", *text, 0, INT64_MAX);
    if (!seed.ok()) return seed.status();
    config.seed = static_cast<uint64_t>(*seed);
  }
  if (auto text = args.Get("source-ip")) {
    std::optional<uint32_t> source = wire::ParseIpv4(*text);
    if (!source || *source == 0) return absl::InvalidArgumentError(absl::StrCat("bad --source-ip '", *text, "'"));
    config.source_address = *source;
  }
  config.interface = args.Get("interface").value_or("");
  config.output = args.Get("output").value_or("-");
  config.key_file = args.Get("key-file").value_or("");
  config.pcap_out = args.Get("pcap-out").value_or("");
  config.from_pcap = args.Get("from-pcap").value_or("");
  config.resume_path = args.Get("resume").value_or("");
  if (!config.resume_path.empty() && (config.key_file.empty() || !config.from_pcap.empty())) {
    return absl::InvalidArgumentError(
        "--resume needs --key-file (the resumed run must probe with the same key), and no "
        "--from-pcap");
  }
  config.quiet = args.Has("quiet");
  config.run_as_user = args.Get("user").value_or("");
  config.keep_root = args.Has("keep-root");
  absl::StatusOr<ShardChoice> shards = ParseShardOptions(args);
  if (!shards.ok()) return shards.status();
  config.shard_count = shards->count;
  config.shard_index = shards->index;
  if (!config.from_pcap.empty()) {
    if (config.key_file.empty()) {
      return absl::InvalidArgumentError("--from-pcap needs the scan's --key-file");
    }
    if (!config.pcap_out.empty()) {
      return absl::InvalidArgumentError("--from-pcap and --pcap-out exclude each other");
    }
  }
  return config;
}

// The sweep's part of the options.
session::LocateSweepConfig SweepConfigOf(const LocateConfig& config, uint64_t seed) {
  session::LocateSweepConfig sweep;
  sweep.window = config.window;
  sweep.attempts = config.attempts;
  sweep.retries = config.retries;
  sweep.round_wait_s = config.round_wait_s;
  sweep.cooldown_s = config.cooldown_s;
  sweep.seed = seed;
  sweep.resume_path = config.resume_path;
  return sweep;
}

// The live session of a locate run (the sweep sets its matcher).
session::SessionConfig LiveSessionConfig(const LocateConfig& config, const capture::TxSetup& tx,
                                         capture::PcapWriter* evidence,
                                         std::function<absl::Status()> on_started,
                                         session::OutputSink& out) {
  session::SessionConfig session_config;
  session_config.make_sender = tx.make_sender;
  session_config.make_capture = tx.make_capture;
  session_config.add_backend_stats = tx.add_stats;
  session_config.run_as_user = config.run_as_user;
  session_config.keep_root = config.keep_root;
  session_config.source_address = config.source_address;
  session_config.interface = config.interface;
  session_config.rate_pps = config.rate_pps;
  session_config.evidence = evidence;
  session_config.on_started = std::move(on_started);
  session_config.on_tick = [&out](int64_t now_ns) {
    return out.FlushIfDue(now_ns, session::kOutputFlushIntervalNs);
  };
  return session_config;
}

// With --resume, reads the resume file (a file of another run is refused untouched).
absl::StatusOr<std::unique_ptr<session::LocateSweep>> OpenSweep(
    const LocateConfig& config, const session::LocateSweepConfig& sweep_config,
    locate::ObservationTable& table, const std::vector<std::string>& probe_names,
    const probe::ProbeKey& key) {
  std::string plan_id;
  if (!config.resume_path.empty()) {
    plan_id = session::LocatePlanId(sweep_config, table, probe_names, config.group_prefix_len,
                                    probe::ProbeKeyFingerprint(key));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<session::LocateSweep> sweep,
                   session::LocateSweep::Open(sweep_config, &table, plan_id));
  if (sweep->resuming() && !config.quiet) {
    std::fprintf(stderr, "cutpoint locate: resuming from %s: round %llu, %zu replies kept\n",
                 config.resume_path.c_str(), static_cast<unsigned long long>(sweep->next().index),
                 sweep->resumed_replies());
  }
  return sweep;
}

// With --resume, once the run is over: an interrupted run saves where it stopped, a
// finished one removes the file. A failure is reported; the verdicts are still written.
void ConcludeResume(const LocateConfig& config, session::LocateSweep& sweep, bool interrupted,
                    report::ScanStats* stats) {
  if (config.resume_path.empty()) return;
  absl::Status saved = sweep.Conclude(interrupted);
  if (interrupted) {
    stats->resume_file = config.resume_path;
    if (saved.ok() && !config.quiet) {
      std::fprintf(stderr,
                   "cutpoint locate: progress saved; rerun the same command to continue "
                   "(--resume %s)\n",
                   config.resume_path.c_str());
    }
  }
  if (!saved.ok()) ReportError(saved);
}

}  // namespace

int RunLocate(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(WithCommonProbingOptions(kLocateOptions), words);
  if (!args.ok()) {
    ReportError(args.status());
    std::fprintf(stderr, "see 'cutpoint locate --help'\n");
    return kExitBadInput;
  }
  if (args->Has("help")) {
    PrintLocateHelp();
    return kExitOk;
  }
  absl::StatusOr<LocateConfig> config = ParseLocateConfig(*args);
  if (!config.ok()) return ReportError(config.status());

  TargetOptions target_options = TargetOptionsFromArgs(*args);
  target_options.max_targets = 65536;
  if (auto text = args->Get("max-targets")) {
    absl::StatusOr<int64_t> max = ParseInteger("--max-targets", *text, 1, int64_t{1} << 32);
    if (!max.ok()) return ReportError(max.status());
    target_options.max_targets = static_cast<uint64_t>(*max);
  }
  for (uint32_t host : config->control_hosts) target_options.specs.push_back(wire::Ipv4ToString(host));
  TargetingReport targeting;
  absl::StatusOr<targets::TargetSet> target_set = LoadTargets(target_options, &targeting);
  if (!target_set.ok()) return ReportError(target_set.status());
  for (uint32_t host : config->control_hosts) {
    // A control the blocklist or --skip-reserved removed would silently weaken verdicts.
    if (!target_set->Contains(host)) {
      return ReportError(absl::InvalidArgumentError(absl::StrCat(
          "--control-host ", wire::Ipv4ToString(host),
          " is left out by a blocklist or --skip-reserved; pick another control host")));
    }
  }
  if (config->shard_count > 1) {
    // Whole control groups go to one shard; explicit control hosts go to every shard.
    std::vector<targets::Ipv4Range> hosts;
    for (uint32_t host : config->control_hosts) hosts.push_back({host, host});
    targets::TargetSet controls = targets::TargetSet::FromRanges(hosts);
    absl::StatusOr<targets::TargetSet> shard =
        targets::ShardByGroup(target_set->Subtract(controls), config->group_prefix_len,
                              *config->seed, config->shard_count, config->shard_index);
    if (!shard.ok()) return ReportError(shard.status());
    std::vector<targets::Ipv4Range> ranges = shard->ranges();
    ranges.insert(ranges.end(), hosts.begin(), hosts.end());
    *target_set = targets::TargetSet::FromRanges(std::move(ranges));
    if (target_set->empty()) {
      return ReportError(absl::InvalidArgumentError("this shard holds no targets"));
    }
  }

  bool offline = !config->from_pcap.empty();
  if (!offline && (config->source_address == 0 || config->interface.empty())) {
    absl::Status resolved = ResolveSourceAndInterface(target_set->At(0), &config->source_address,
                                                      &config->interface);
    if (!resolved.ok()) return ReportError(resolved);
  }

  locate::LocateLayout layout;
  layout.ttl_min = config->ttl_min;
  layout.ttl_max = config->ttl_max;
  layout.kinds.push_back({probe::ProbeType::kTcpSyn, config->test_port});
  std::vector<std::string> probe_names = {absl::StrCat("tcp-syn:", config->test_port, " (test)")};
  for (uint16_t port : config->control_ports) {
    layout.kinds.push_back({probe::ProbeType::kTcpSyn, port});
    probe_names.push_back(absl::StrCat("tcp-syn:", port));
  }
  if (config->echo_control) {
    layout.kinds.push_back({probe::ProbeType::kIcmpEcho, 0});
    probe_names.push_back("icmp-echo");
  }
  absl::StatusOr<locate::ObservationTable> table = locate::ObservationTable::Create(&*target_set, layout);
  if (!table.ok()) return ReportError(table.status());

  absl::StatusOr<probe::ProbeKey> key = offline ? session::ReadProbeKey(config->key_file)
                                      : config->key_file.empty() ? session::GenerateProbeKey()
                                                                 : session::ReadOrCreateProbeKey(config->key_file);
  if (!key.ok()) return ReportError(key.status());
  probe::ProbeCodec codec(*key);
  uint64_t seed = config->seed.value_or(SeedFromKey(*key));

  // Read before any output is opened: a resume file of another run is refused untouched.
  session::LocateSweepConfig sweep_config = SweepConfigOf(*config, seed);
  absl::StatusOr<std::unique_ptr<session::LocateSweep>> sweep =
      OpenSweep(*config, sweep_config, *table, probe_names, *key);
  if (!sweep.ok()) return ReportError(sweep.status());
  bool resuming = (*sweep)->resuming();

  // Outputs are opened now (an unwritable path fails before anything is sent) but
  // written only once the run can start: a run refused later leaves them untouched.
  session::PcapExitFlush evidence_exit_flush;  // outlives `evidence`
  std::unique_ptr<capture::PcapWriter> evidence;
  if (!config->pcap_out.empty()) {
    absl::StatusOr<std::unique_ptr<capture::PcapWriter>> writer =
        capture::PcapWriter::CreateDeferred(config->pcap_out, wire::LinkType::kRaw);
    if (!writer.ok()) return ReportError(writer.status());
    evidence = std::move(*writer);
    evidence->SetWriteGuard(&evidence_exit_flush);
    if (config->key_file.empty()) {
      std::fprintf(stderr,
                   "cutpoint: warning: --pcap-out without --key-file: this capture can never be "
                   "re-judged (the probe key is not saved)\n");
    }
  }
  // A resumed run continues the interrupted run's output, after its last whole line.
  absl::StatusOr<std::unique_ptr<session::OutputSink>> sink = session::OutputSink::Open(
      config->output, resuming ? session::OutputFile::Mode::kAppend : session::OutputFile::Mode::kReplace);
  if (!sink.ok()) return ReportError(sink.status());
  session::OutputSink& out = **sink;
  auto begin_outputs = [&]() -> absl::Status {
    absl::Status status = out.Begin();
    if (status.ok() && evidence != nullptr) status = evidence->Start();
    return status;
  };

  report::JsonLine line;
  if (!config->text) {
    report::MetaInfo meta;
    meta.tool_version = CUTPOINT_VERSION;
    meta.command = "locate";
    meta.argv = argv;
    meta.key_fingerprint = probe::ProbeKeyFingerprint(*key);
    meta.start_time = CurrentTimeRfc3339();
    meta.source_address = config->source_address;
    meta.interface = offline ? "" : config->interface;
    meta.pcap_file = config->from_pcap;
    meta.probes = probe_names;
    meta.ttl_min = config->ttl_min;
    meta.ttl_max = config->ttl_max;
    meta.attempts = config->attempts;
    meta.rate_pps = offline ? 0 : config->rate_pps;
    meta.target_count = target_set->size();
    AddTargetingToMeta(targeting, &meta);
    report::FormatMeta(meta, &line);
    absl::Status status = out.Append(line.Finish());  // written by Begin()
    if (!status.ok()) return ReportError(status);
  }

  locate::JudgeOptions judge_options;
  judge_options.source_address = config->source_address;
  judge_options.group_prefix_len = config->group_prefix_len;
  judge_options.control_hosts = config->control_hosts;
  judge_options.false_accusation_rate = config->false_accusation_rate;

  session::ReplyHandler on_reply = [&](const match::ReplyRecord& reply) -> absl::Status {
    (*sweep)->Add(reply);
    if (config->text) return absl::OkStatus();
    char* at = out.PrepareAppend(report::kMaxReplyLineBytes);
    return out.CommitAppend(report::WriteReplyLine(reply, false, at));
  };

  if (!config->quiet) NoteLeftOutTargets(targeting, target_set->size());
  session::InstallStopHandlers();
  absl::StatusOr<report::ScanStats> stats;
  if (offline) {
    match::Matcher matcher(
        codec, session::LocateMatcherConfig(sweep_config, *table, config->source_address));
    absl::StatusOr<std::unique_ptr<capture::PcapSource>> source =
        capture::PcapSource::OpenOffline(config->from_pcap);
    if (!source.ok()) return ReportError(source.status());
    absl::Status begun = begin_outputs();
    if (!begun.ok()) return ReportError(begun);
    stats = session::ReadCapture(**source, config->from_pcap, matcher, on_reply);
    if (stats.ok()) {
      if (std::optional<std::string> cut = TruncationWarning(config->from_pcap, *stats)) {
        PrintWarning(*cut);
      }
    }
  } else {
    absl::StatusOr<capture::TxSetup> tx = MakeTxSetup(*args, config->interface, target_set->At(0), 1);
    if (!tx.ok()) return ReportError(tx.status());
    stats = (*sweep)->RunLive(LiveSessionConfig(*config, *tx, evidence.get(), begin_outputs, out),
                              codec, on_reply, judge_options, session::StopRequested());
  }
  if (evidence != nullptr) {
    absl::Status closed = evidence->Close();
    if (!closed.ok() && stats.ok()) stats = closed;
  }
  if (!stats.ok()) {
    (void)out.Flush();
    return ReportError(stats.status());
  }

  judge_options.incomplete_reason = session::IncompleteReason(session::StopRequested(), &*stats);
  ConcludeResume(*config, **sweep, judge_options.incomplete_reason == "interrupted", &*stats);
  std::vector<locate::Verdict> verdicts = locate::JudgeAll(*table, judge_options);
  absl::Status status;
  if (config->text) {
    status = out.Append(locate::FormatVerdictTable(verdicts));
  } else {
    for (const locate::Verdict& verdict : verdicts) {
      report::FormatVerdict(verdict, &line);
      status = out.Append(line.Finish());
      if (!status.ok()) break;
    }
    if (status.ok()) {
      report::FormatStats(*stats, &line);
      status = out.Append(line.Finish());
    }
  }
  if (status.ok()) status = out.Flush();
  if (!status.ok()) return ReportError(status);

  if (!config->quiet) {
    for (const std::string& summary : locate::SummarizeVerdicts(verdicts)) {
      std::fprintf(stderr, "%s\n", summary.c_str());
    }
    std::fprintf(stderr,
                 "cutpoint locate: %llu probes, %llu replies matched, %llu rejected, %llu "
                 "unmatched, %llu capture drops, %.1f s%s\n",
                 static_cast<unsigned long long>(stats->probes_sent),
                 static_cast<unsigned long long>(stats->matched),
                 static_cast<unsigned long long>(stats->rejected),
                 static_cast<unsigned long long>(stats->unmatched),
                 static_cast<unsigned long long>(stats->pcap_dropped + stats->pcap_ifdropped),
                 stats->duration_s, stats->interrupted ? " (interrupted)" : "");
  }
  PrintHint(UnauthenticatedHint(*stats));
  return stats->interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace cutpoint::cli
