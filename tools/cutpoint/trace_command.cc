// `cutpoint trace` and `cutpoint scan`: TCP SYN and ICMP echo probes to many targets ×
// TTLs (trace) or at one TTL (scan, the zmap/masscan job), every reply matched back to
// its probe, NDJSON out.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "capture/send/route_lookup.h"
#include "engine/probe/probe_builder.h"
#include "engine/report/records.h"
#include "engine/report/reply_line.h"
#include "engine/targets/permutation.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/shard_order.h"
#include "engine/wire/ipv4_address.h"
#include "tools/cutpoint/arg_parser.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/input_notes.h"
#include "session/key_file.h"
#include "session/output_sink.h"
#include "tools/cutpoint/probe_options.h"
#include "session/probe_session.h"
#include "session/clock.h"
#include "session/live_scan.h"
#include "session/status_file.h"
#include "tools/cutpoint/progress_line.h"
#include "session/signals.h"

namespace cutpoint::cli {
namespace {

enum class Mode { kTrace, kScan };

constexpr OptionSpec kTraceOptions[] = {
    {"port", 'p', "PORTS", "TCP destination ports, e.g. 25,443,8000-8010 (default 80)"},
    {"probe", 0, "TYPES", "probe types: tcp-syn,icmp-echo (default both)"},
    {"ttl", 0, "MIN-MAX", "probe TTL range (default 1-32)"},
    {"attempts", 0, "N", "probes per (target, type, TTL), 1-4 (default 1)"},
    {"max-targets", 0, "N", "refuse target sets larger than N addresses (default 16777216)"},
    {"output", 'o', "FILE", "write NDJSON here (default: standard output)"},
    {"key-file", 0, "FILE", "probe key: read it, or create it if missing (needed by match)"},
    {"shards", 0, "N", "split the targets into N disjoint shards (with --seed; default 1)"},
    {"shard", 0, "I", "send only shard I (0-based)"},
    {"resume", 0, "FILE", "save progress to FILE (0600); a run that finds FILE continues from it, appending to -o"},
    {"sender-threads", 0, "N", "sender threads, each with its own socket (default 1)"},
    {"progress", 0, "", "a status line on stderr once a second (default when stderr is a tty)"},
    {"status-file", 0, "FILE", "rewrite FILE once a second with the status as JSON"},
    {"dry-run", 0, "", "print the probes that would be sent; send nothing"},
};

struct TraceConfig {
  std::string interface;
  uint32_t source_address = 0;
  std::vector<targets::ProbeKind> kinds;
  std::vector<std::string> probe_names;
  uint8_t ttl_min = 1;
  uint8_t ttl_max = 32;
  double rate_pps = 1000;
  uint8_t attempts = 1;
  double cooldown_s = 2;
  std::string output = "-";
  std::string key_file;
  std::optional<uint64_t> seed;
  uint32_t shard_count = 1;
  uint32_t shard_index = 0;
  std::string resume_path;
  int sender_threads = 1;
  bool progress = false;
  std::string status_file;
  bool dry_run = false;
  bool quiet = false;
};

void PrintHelp(Mode mode) {
  if (mode == Mode::kTrace) {
    std::printf(
        "usage: cutpoint trace [options] TARGET...\n\n"
        "Sends TCP SYN and/or ICMP echo probes to every TARGET (address or CIDR prefix) at\n"
        "every TTL of the range, in keyed random order, and writes every reply matched to\n"
        "the probe that caused it as NDJSON (docs/ndjson-schema.md).\n\n");
  } else {
    std::printf(
        "usage: cutpoint scan [options] TARGET...\n\n"
        "One probe per (target, port) at a fixed TTL (default 64; --probe defaults to tcp-syn),\n"
        "in keyed random order: reply records say open / closed / unreachable (field\n"
        "\"status\") per target and port.\n\n");
  }
  std::printf("options:\n%s", FormatOptionsHelp(WithCommonProbingOptions(kTraceOptions)).c_str());
}

absl::StatusOr<TraceConfig> BuildConfig(Mode mode, const ParsedArgs& args,
                                        const targets::TargetSet& set) {
  TraceConfig config;
  if (mode == Mode::kScan) config.ttl_min = config.ttl_max = 64;
  std::vector<uint16_t> ports = {80};
  if (auto text = args.Get("port")) {
    absl::StatusOr<std::vector<uint16_t>> parsed = ParsePortList(*text);
    if (!parsed.ok()) return parsed.status();
    ports = *parsed;
  }
  std::vector<probe::ProbeType> types = {probe::ProbeType::kTcpSyn, probe::ProbeType::kIcmpEcho};
  if (mode == Mode::kScan) types = {probe::ProbeType::kTcpSyn};
  if (auto text = args.Get("probe")) {
    absl::StatusOr<std::vector<probe::ProbeType>> parsed = ParseProbeTypes(*text);
    if (!parsed.ok()) return parsed.status();
    types = *parsed;
  }
  for (probe::ProbeType type : types) {
    if (type == probe::ProbeType::kTcpSyn) {
      for (uint16_t port : ports) {
        config.kinds.push_back({type, port});
        config.probe_names.push_back(absl::StrCat("tcp-syn:", port));
      }
    } else {
      config.kinds.push_back({type, 0});
      config.probe_names.push_back("icmp-echo");
    }
  }
  if (auto text = args.Get("ttl")) {
    absl::StatusOr<std::pair<uint8_t, uint8_t>> range = ParseTtlRange(*text);
    if (!range.ok()) return range.status();
    config.ttl_min = range->first;
    config.ttl_max = range->second;
    if (mode == Mode::kScan && config.ttl_min != config.ttl_max) {
      return absl::InvalidArgumentError("scan probes at one TTL (--ttl N); use trace for a range");
    }
  }
  if (auto text = args.Get("rate")) {
    absl::StatusOr<double> rate = ParseRate(*text);
    if (!rate.ok()) return rate.status();
    config.rate_pps = *rate;
  }
  if (auto text = args.Get("attempts")) {
    absl::StatusOr<int64_t> attempts = ParseInteger("--attempts", *text, 1, probe::kMaxAttempts);
    if (!attempts.ok()) return attempts.status();
    config.attempts = static_cast<uint8_t>(*attempts);
  }
  if (auto text = args.Get("cooldown")) {
    absl::StatusOr<double> cooldown = ParseSeconds("--cooldown", *text);
    if (!cooldown.ok()) return cooldown.status();
    config.cooldown_s = *cooldown;
  }
  if (auto text = args.Get("seed")) {
    absl::StatusOr<int64_t> seed = ParseInteger("--seed", *text, 0, INT64_MAX);
    if (!seed.ok()) return seed.status();
    config.seed = static_cast<uint64_t>(*seed);
  }
  absl::StatusOr<ShardChoice> shards = ParseShardOptions(args);
  if (!shards.ok()) return shards.status();
  config.shard_count = shards->count;
  config.shard_index = shards->index;
  if (auto text = args.Get("sender-threads")) {
    absl::StatusOr<int64_t> threads = ParseInteger("--sender-threads", *text, 1, 64);
    if (!threads.ok()) return threads.status();
    config.sender_threads = static_cast<int>(*threads);
  }
  config.resume_path = args.Get("resume").value_or("");
  if (!config.resume_path.empty() && !args.Has("key-file") && !args.Has("seed")) {
    return absl::InvalidArgumentError(
        "--resume needs --key-file (or --seed) so the resumed run walks the same order");
  }
  config.status_file = args.Get("status-file").value_or("");
  config.progress = args.Has("progress") || (isatty(STDERR_FILENO) && !args.Has("quiet"));
  if (auto text = args.Get("output")) config.output = *text;
  if (auto text = args.Get("key-file")) config.key_file = *text;
  config.dry_run = args.Has("dry-run");
  config.quiet = args.Has("quiet");

  if (auto text = args.Get("source-ip")) {
    std::optional<uint32_t> source = wire::ParseIpv4(*text);
    if (!source || *source == 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad --source-ip '", *text, "'"));
    }
    config.source_address = *source;
  }
  if (auto text = args.Get("interface")) config.interface = *text;
  if (config.source_address == 0 || (config.interface.empty() && !config.dry_run)) {
    absl::Status resolved =
        ResolveSourceAndInterface(set.At(0), &config.source_address, &config.interface);
    if (!resolved.ok()) return resolved;
  }
  return config;
}

absl::Status WriteDryRun(const TraceConfig& config, const targets::ProbePlan& plan,
                         const probe::ProbeCodec& codec, uint64_t seed, session::OutputSink& sink,
                         report::ScanStats* stats) {
  probe::ProbeBuilder builder(codec, config.source_address);
  absl::StatusOr<targets::ShardOrder> order =
      targets::ShardOrder::Create(plan, seed, config.shard_count, config.shard_index);
  if (!order.ok()) return order.status();
  report::JsonLine line;
  uint8_t packet[probe::kMaxProbeLen];
  int64_t send_us = session::WallClockMicros();
  for (uint64_t i = 0; i < order->size(); ++i) {
    if (session::StopRequested().load(std::memory_order_relaxed)) {
      stats->interrupted = true;
      stats->probes_unsent = order->size() - i;
      break;
    }
    probe::ProbeSpec spec = order->At(i);
    size_t len = builder.Build(spec, send_us, packet);
    report::FormatProbe(i, spec, packet, len, &line);
    absl::Status status = sink.Append(line.Finish());
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

int RunProbeCommand(Mode mode, const std::vector<std::string>& argv,
                    const std::vector<std::string>& words) {
  const char* name = mode == Mode::kTrace ? "trace" : "scan";
  absl::StatusOr<ParsedArgs> args = ParseArgs(WithCommonProbingOptions(kTraceOptions), words);
  if (!args.ok()) {
    ReportError(args.status());
    std::fprintf(stderr, "see 'cutpoint %s --help'\n", name);
    return kExitBadInput;
  }
  if (args->Has("help")) {
    PrintHelp(mode);
    return kExitOk;
  }
  TargetOptions target_options = TargetOptionsFromArgs(*args);
  target_options.max_targets = uint64_t{1} << 24;
  if (auto text = args->Get("max-targets")) {
    absl::StatusOr<int64_t> max = ParseInteger("--max-targets", *text, 1, int64_t{1} << 32);
    if (!max.ok()) return ReportError(max.status());
    target_options.max_targets = static_cast<uint64_t>(*max);
  }
  TargetingReport targeting;
  absl::StatusOr<targets::TargetSet> target_set = LoadTargets(target_options, &targeting);
  if (!target_set.ok()) return ReportError(target_set.status());
  absl::StatusOr<TraceConfig> config = BuildConfig(mode, *args, *target_set);
  if (!config.ok()) return ReportError(config.status());
  uint64_t target_count = target_set->size();
  absl::StatusOr<targets::ProbePlan> plan = targets::ProbePlan::Create(
      std::move(*target_set), config->kinds, config->ttl_min, config->ttl_max, config->attempts);
  if (!plan.ok()) return ReportError(plan.status());

  absl::StatusOr<probe::ProbeKey> key =
      config->key_file.empty() ? session::GenerateProbeKey() : session::ReadOrCreateProbeKey(config->key_file);
  if (!key.ok()) return ReportError(key.status());
  probe::ProbeCodec codec(*key);
  uint64_t seed = config->seed.value_or(SeedFromKey(*key));

  // Opened now (an unwritable path fails before anything is sent) but written only once
  // the run can start (Begin): a run refused later leaves an existing file untouched. A
  // resumed run appends to the output of the run it continues.
  session::OutputFile::Mode output_mode = session::OutputFile::Mode::kReplace;
  if (!config->resume_path.empty()) {
    absl::StatusOr<session::ResumeState> resume = session::ReadResumeFile(config->resume_path);
    if (!resume.ok()) return ReportError(resume.status());
    if (!resume->order_id.empty()) output_mode = session::OutputFile::Mode::kAppend;
  }
  absl::StatusOr<std::unique_ptr<session::OutputSink>> sink = session::OutputSink::Open(config->output, output_mode);
  if (!sink.ok()) return ReportError(sink.status());

  report::MetaInfo meta;
  meta.tool_version = CUTPOINT_VERSION;
  meta.command = name;
  meta.argv = argv;
  meta.key_fingerprint = probe::ProbeKeyFingerprint(*key);
  meta.start_time = CurrentTimeRfc3339();
  meta.source_address = config->source_address;
  meta.interface = config->interface;
  meta.probes = config->probe_names;
  meta.ttl_min = config->ttl_min;
  meta.ttl_max = config->ttl_max;
  meta.attempts = config->attempts;
  meta.rate_pps = config->rate_pps;
  meta.target_count = target_count;
  meta.probe_count = plan->size();
  meta.dry_run = config->dry_run;
  AddTargetingToMeta(targeting, &meta);
  report::JsonLine line;
  report::FormatMeta(meta, &line);
  // Written by Begin(), before any probe leaves.
  absl::Status status = (*sink)->Append(line.Finish());
  if (!status.ok()) return ReportError(status);

  if (!config->quiet) NoteLeftOutTargets(targeting, target_count);
  session::InstallStopHandlers();
  report::ScanStats stats;
  if (config->dry_run) {
    status = (*sink)->Begin();
    if (status.ok()) status = WriteDryRun(*config, *plan, codec, seed, **sink, &stats);
    if (!status.ok()) return ReportError(status);
  } else {
    absl::StatusOr<capture::TxSetup> tx = MakeTxSetup(*args, config->interface, plan->targets().At(0),
                                             config->sender_threads);
    if (!tx.ok()) return ReportError(tx.status());
    session::SessionConfig session;
    session.make_sender = tx->make_sender;
    session.make_capture = tx->make_capture;
    session.add_backend_stats = tx->add_stats;
    session.run_as_user = args->Get("user").value_or("");
    session.keep_root = args->Has("keep-root");
    session.source_address = config->source_address;
    session.interface = config->interface;
    session.rate_pps = config->rate_pps;
    session.sender_threads = config->sender_threads;
    ProgressLine progress_line;
    std::optional<session::StatusFileObserver> status_file;
    if (config->progress) session.progress.push_back(&progress_line);
    if (!config->status_file.empty()) {
      session.progress.push_back(&status_file.emplace(config->status_file));
    }
    session.on_started = [&out = **sink] { return out.Begin(); };
    session.on_tick = [&out = **sink](int64_t now_ns) {
      return out.FlushIfDue(now_ns, session::kOutputFlushIntervalNs);
    };
    session.matcher.source_address = config->source_address;
    session.matcher.targets = &plan->targets();
    session.matcher.ttl_min = plan->ttl_min();
    session.matcher.ttl_max = plan->ttl_max();
    session.matcher.attempts = plan->attempts();
    match::RestrictToKinds(plan->kinds(), &session.matcher);
    session.matcher.max_reply_age_us = match::ReplyAgeForWait(config->cooldown_s);
    session::LiveScanOptions options;
    options.seed = seed;
    options.shard_count = config->shard_count;
    options.shard_index = config->shard_index;
    options.cooldown_s = config->cooldown_s;
    options.resume_path = config->resume_path;
    session::OutputSink& out = **sink;
    bool with_status = mode == Mode::kScan;
    absl::StatusOr<report::ScanStats> result = session::RunLiveScan(
        session, codec, *plan, options,
        [&](const match::ReplyRecord& reply) {
          char* at = out.PrepareAppend(report::kMaxReplyLineBytes);
          return out.CommitAppend(report::WriteReplyLine(reply, with_status, at));
        },
        session::StopRequested());
    if (!result.ok()) {
      (void)out.Flush();
      return ReportError(result.status());
    }
    stats = *result;
  }
  report::FormatStats(stats, &line);
  status = (*sink)->Append(line.Finish());
  if (status.ok()) status = (*sink)->Flush();
  if (!status.ok()) return ReportError(status);

  if (!config->quiet && !config->dry_run) {
    std::fprintf(stderr,
                 "cutpoint %s: %llu probes to %llu targets in %.1f s; %llu replies matched, "
                 "%llu rejected, %llu unmatched, %llu capture drops%s\n",
                 name,
                 static_cast<unsigned long long>(stats.probes_sent),
                 static_cast<unsigned long long>(target_count), stats.duration_s,
                 static_cast<unsigned long long>(stats.matched),
                 static_cast<unsigned long long>(stats.rejected),
                 static_cast<unsigned long long>(stats.unmatched),
                 static_cast<unsigned long long>(stats.pcap_dropped + stats.pcap_ifdropped),
                 stats.interrupted ? " (interrupted)" : "");
  }
  if (!config->dry_run) PrintHint(UnauthenticatedHint(stats));
  return stats.interrupted ? kExitInterrupted : kExitOk;
}

int RunTrace(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  return RunProbeCommand(Mode::kTrace, argv, words);
}

int RunScan(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  return RunProbeCommand(Mode::kScan, argv, words);
}

}  // namespace cutpoint::cli
