// SPDX-License-Identifier: Apache-2.0
// `cutpoint locate`: per target, the test probe (TCP SYN to --port) is swept over TTLs
// together with its controls — the same host on control ports and ICMP echo, the other
// targets of its network, explicit control hosts — interleaved in one randomized sweep;
// every target gets a verdict saying whether, where and how the test probe is filtered.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/base/status_macros.h"
#include "engine/locate/cuts.h"
#include "engine/locate/dual_stack_summary.h"
#include "engine/locate/judge.h"
#include "engine/locate/observation_table.h"
#include "engine/locate/summary.h"
#include "engine/report/asn_fields.h"
#include "engine/report/records.h"
#include "engine/report/verdict_csv.h"
#include "engine/report/verdict_text.h"
#include "engine/targets/plan_text.h"
#include "engine/targets/target_loading.h"
#include "engine/wire/ipv4_address.h"
#include "session/capability_check.h"
#include "session/key_file.h"
#include "session/locate_sweep.h"
#include "session/run_outputs.h"
#include "session/signals.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/asn_annotation.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/common_config.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/input_notes.h"
#include "tools/cutpoint/locate_config.h"
#include "tools/cutpoint/probe_options.h"
#include "tools/cutpoint/progress_line.h"
#include "tools/cutpoint/run_records.h"

namespace cutpoint::cli {
namespace {

constexpr cmdline::OptionSpec kLocateOptions[] = {
    {"port", 'p', "PORT", "the test port: TCP SYN probes to it are judged (required)"},
    {"control-port", 0, "PORTS", "control ports of the same host", "443"},
    {"no-echo-control", 0, "", "do not send ICMP echo controls"},
    {"control-host", 0, "ADDR", "another host to use as control (repeatable)"},
    {"group-prefix", 0, "LEN", "IPv4 targets sharing a /LEN control each other", "24"},
    {"group-prefix6", 0, "LEN", "IPv6 targets sharing a /LEN control each other", "48"},
    {"shards", 0, "N", "split the groups (/LEN) into N disjoint shards (with --seed)", "1"},
    {"shard", 0, "I", "judge only shard I (0-based); a group and its controls stay in one shard",
     "0"},
    {"window", 0, "N", "TTLs per sweep round; deeper rounds only for targets not reached", "8"},
    {"retries", 0, "N",
     "extra rounds re-probing the silent test cells of undecided targets, test "
     "and controls (default: up to 4 attempts in all)"},
    {"false-accusation-rate", 0, "ALPHA",
     "chance per run that loss alone yields a silent_drop, shared by the targets", "0.001"},
    {"sweep", 0, "MODE",
     "screen: probe every target at the highest TTL first and sweep the TTLs only "
     "for targets whose test differs from the controls, a keyed sample and a few siblings; "
     "all: sweep every target",
     "screen", "screen all"},
    {"screen-sample", 0, "RATE", "share of clean screened targets swept anyway, as a guard",
     "0.01"},
    {"round-wait", 0, "SECONDS", "wait for replies between rounds", "1"},
    {"format", 0, "FMT",
     "ndjson (meta, reply, verdict, stats records), text (the accused targets with "
     "location, AS and evidence, the rest counted), markdown (the same as a table for tickets) "
     "or csv (every verdict a row)",
     "ndjson", "ndjson text markdown csv"},
    {"all", 0, "", "text and markdown: a row for every target, reachable ones too"},
    {"pcap-out", 0, "FILE", "keep every probe sent and reply captured as a pcap"},
    {"from-pcap", 0, "FILE", "judge a saved capture (e.g. a --pcap-out file) instead of probing"},
    {"resume", 0, "FILE",
     "an interrupted run saves its progress to FILE (with --key-file); a "
     "run that finds FILE continues from it, and removes it when done"},
    {"progress", 0, "",
     "status on stderr: once a second while sending and through the cooldown, and a line "
     "per round with the verdicts so far (default: when stderr is a tty)"},
};

// locate's defaults of the shared rows; kLocateDefaults (locate_config.h) is what the
// parser uses, and a test holds the two together.
constexpr cmdline::OptionOverride kLocateOverrides[] = {
    {"ttl", "1-32"},
    {"attempts", "2"},
    {"max-targets", "65536"},
};

// The targets with the control hosts among them, then this run's shard.
absl::StatusOr<targets::TargetSet> LoadLocateTargets(const cmdline::ParsedArgs& args,
                                                     const LocateConfig& config,
                                                     targets::TargetingReport* targeting) {
  ASSIGN_OR_RETURN(targets::TargetOptions target_options,
                   ParseTargetOptions(args, kLocateDefaults));
  target_options.sends_nothing = !config.from_pcap.empty();
  for (const wire::IpAddress& host : config.control_hosts) {
    target_options.specs.push_back(wire::IpAddressToString(host));
  }
  ASSIGN_OR_RETURN(targets::TargetSet target_set, targets::LoadTargets(target_options, targeting));
  for (const wire::IpAddress& host : config.control_hosts) {
    // A control the blocklist or --skip-reserved removed would silently weaken verdicts.
    if (!target_set.Contains(host)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--control-host ", wire::IpAddressToString(host),
          " is left out by a blocklist or --skip-reserved; pick another control host"));
    }
  }
  if (config.shard_count == 1) return target_set;
  // Whole control groups go to one shard; explicit control hosts go to every shard.
  return targets::ShardByGroupKeepingHosts(target_set, config.control_hosts,
                                           config.group_prefixes, *config.seed,
                                           config.shard_count, config.shard_index);
}

report::MetaInfo LocateMeta(const std::vector<std::string>& argv, const probe::ProbeKey& key,
                            const LocateConfig& config, const std::vector<std::string>& probe_names,
                            uint64_t target_count, const targets::TargetingReport& targeting) {
  ProbingMeta probing{&config, probe_names, target_count, &targeting};
  report::MetaInfo meta = MakeMeta("locate", argv, key, &probing);
  meta.pcap_file = config.from_pcap;
  if (!config.from_pcap.empty()) {  // judged from a capture: nothing sent here
    meta.interface.clear();
    meta.rate_pps = 0;
  }
  return meta;
}

// The verdicts after the replies (as NDJSON, then the stats record), and the flush.
absl::Status WriteVerdicts(const LocateConfig& config, const std::vector<locate::Verdict>& verdicts,
                           const std::vector<locate::Cut>& cuts, const report::ScanStats& stats,
                           const asn::AsnTable* asn_table, session::OutputSink& out) {
  if (config.csv) {
    RETURN_IF_ERROR(out.Append(report::FormatVerdictCsv(verdicts, asn_table)));
    return out.Flush();
  }
  if (config.text) {
    RETURN_IF_ERROR(out.Append(report::FormatVerdictText(
        verdicts, asn_table, {.all = config.all_rows, .markdown = config.markdown})));
    if (!config.markdown) RETURN_IF_ERROR(out.Append(locate::FormatCutLines(cuts)));
    return out.Flush();
  }
  report::JsonLine line;
  for (const locate::Verdict& verdict : verdicts) {
    report::FormatVerdict(verdict, &line, config.vantage);
    if (asn_table != nullptr) report::AddVerdictAsnFields(*asn_table, verdict, &line);
    RETURN_IF_ERROR(out.Append(line.Finish()));
  }
  for (const locate::Cut& cut : cuts) {
    report::FormatCut(cut, &line, config.vantage);
    if (asn_table != nullptr) report::AddCutAsnFields(*asn_table, cut, &line);
    RETURN_IF_ERROR(out.Append(line.Finish()));
  }
  return FinishWithStats(stats, out);
}

void PrintSummary(const std::vector<locate::Verdict>& verdicts, const report::ScanStats& stats) {
  for (const std::string& summary : locate::SummarizeVerdicts(verdicts)) {
    std::fprintf(stderr, "%s\n", summary.c_str());
  }
  std::string screen;
  if (stats.screen) {
    screen = absl::StrFormat(" (%d screening, %d sweeping %d targets)", stats.screen->probes,
                             stats.probes_sent - stats.screen->probes, stats.screen->swept_targets);
  }
  absl::FPrintF(stderr,
                "cutpoint locate: %d probes%s, %d replies matched, %d rejected, %d "
                "unmatched, %d capture drops, %.1f s%s\n",
                stats.probes_sent, screen, stats.matched, stats.rejected, stats.unmatched,
                stats.pcap_dropped + stats.pcap_ifdropped, stats.duration_s,
                stats.interrupted ? " (interrupted)" : "");
}

// The sweep's part of the options.
session::LocateSweepConfig SweepConfigOf(const LocateConfig& config, uint64_t seed) {
  session::LocateSweepConfig sweep;
  sweep.window = config.window;
  sweep.attempts = config.attempts;
  sweep.retries = config.retries;
  sweep.round_wait_s = config.round_wait_s;
  sweep.screen = config.screen;
  sweep.screen_sample = config.screen_sample;
  sweep.cooldown_s = config.cooldown_s;
  sweep.seed = seed;
  sweep.resume_path = config.resume_path;
  if (config.progress && config.from_pcap.empty()) {
    sweep.on_round = [](const session::SweepRoundDone& round) {
      absl::FPrintF(stderr, "%s\n", FormatRoundLine(round));
    };
  }
  return sweep;
}

// With --resume, reads the resume file (a file of another run is refused untouched).
absl::StatusOr<std::unique_ptr<session::LocateSweep>> OpenSweep(
    const LocateConfig& config, const session::LocateSweepConfig& sweep_config,
    locate::ObservationTable& table, const std::vector<std::string>& probe_names,
    const probe::ProbeKey& key) {
  std::string plan_id;
  if (!config.resume_path.empty()) {
    plan_id = session::LocatePlanId(sweep_config, table, probe_names, config.group_prefixes,
                                    probe::ProbeKeyFingerprint(key));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<session::LocateSweep> sweep,
                   session::LocateSweep::Open(sweep_config, &table, plan_id));
  if (sweep->resuming() && !config.quiet) {
    absl::FPrintF(stderr, "cutpoint locate: resuming from %s: round %d, %d replies kept\n",
                  config.resume_path, sweep->next().index, sweep->resumed_replies());
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

// A resumed run continues the interrupted run's output, after its last whole line.
absl::StatusOr<std::unique_ptr<session::RunOutputs>> OpenOutputs(const LocateConfig& config,
                                                                 bool resuming) {
  ASSIGN_OR_RETURN(std::unique_ptr<session::RunOutputs> outputs,
                   session::RunOutputs::Open(config.output,
                                             resuming ? session::OutputFile::Mode::kAppend
                                                      : session::OutputFile::Mode::kReplace,
                                             config.pcap_out));
  if (outputs->evidence() != nullptr && config.key_file.empty()) {
    std::fprintf(stderr,
                 "cutpoint: warning: --pcap-out without --key-file: this capture can never be "
                 "re-judged (the probe key is not saved)\n");
  }
  return outputs;
}

locate::JudgeOptions JudgeOptionsFor(const LocateConfig& config) {
  locate::JudgeOptions judge_options;
  judge_options.group_prefixes = config.group_prefixes;
  judge_options.control_hosts = config.control_hosts;
  judge_options.false_accusation_rate = config.false_accusation_rate;
  judge_options.window = config.window;
  judge_options.attempts = config.attempts;
  return judge_options;
}

// Everything a locate run has once its options, targets and key are settled.
struct LocateRun {
  LocateConfig config;
  targets::TargetingReport targeting;
  targets::TargetSet target_set;
  std::vector<std::string> probe_names;
  locate::LocateLayout layout;
  std::optional<locate::ObservationTable> table;
  std::optional<probe::ProbeKey> key;
  std::unique_ptr<session::AsnDatabases> asn_dbs;  // --asn-db; nullptr: none
};

absl::StatusOr<std::unique_ptr<LocateRun>> PrepareLocate(const cmdline::ParsedArgs& args) {
  auto run = std::make_unique<LocateRun>();
  ASSIGN_OR_RETURN(run->config, ParseLocateConfig(args));
  LocateConfig& config = run->config;
  ASSIGN_OR_RETURN(run->asn_dbs, LoadAsnDatabasesOption(config.asn_db_paths));
  ASSIGN_OR_RETURN(run->target_set, LoadLocateTargets(args, config, &run->targeting));
  bool offline = !config.from_pcap.empty();
  if (!offline) {  // a capture judged offline needs no privilege
    RETURN_IF_ERROR(session::CheckLiveRunCapabilities("locate", config.tx_dpdk));
    RETURN_IF_ERROR(ResolveRoute(run->target_set, true, &config));
  }
  run->layout =
      locate::MakeLocateLayout(config.ttl_min, config.ttl_max, config.test_port,
                               config.control_ports, config.echo_control, &run->probe_names);
  ASSIGN_OR_RETURN(run->table, locate::ObservationTable::Create(&run->target_set, run->layout,
                                                                /*every_target_swept=*/!config.screen));
  // A capture is judged with the key it was probed with; never a new one.
  ASSIGN_OR_RETURN(run->key, offline ? session::ReadProbeKey(config.key_file) : KeyForRun(config));
  return run;
}

// Sweeps live, or judges the capture; the evidence file is closed either way.
absl::StatusOr<report::ScanStats> ProbeOrRead(const cmdline::ParsedArgs& args, const LocateRun& run,
                                              const probe::ProbeCodec& codec,
                                              session::LocateSweep& sweep,
                                              const locate::JudgeOptions& judge_options,
                                              session::RunOutputs& outputs) {
  const LocateConfig& config = run.config;
  session::OutputSink& out = outputs.sink();
  session::ReplyHandler write_reply =
      session::WriteReplyRecords(out, /*with_status=*/false, AsnTableOf(run.asn_dbs));
  session::ReplyHandler on_reply = [&](const match::ReplyRecord& reply) -> absl::Status {
    sweep.Add(reply);
    return config.text ? absl::OkStatus() : write_reply(reply);
  };
  absl::StatusOr<report::ScanStats> stats;
  if (!config.from_pcap.empty()) {
    stats = sweep.ReadSavedCapture(config.from_pcap, codec, config.sources, on_reply,
                                   [&] { return outputs.Begin(); });
    if (stats.ok()) PrintWarning(report::TruncationWarning(config.from_pcap, *stats));
  } else {
    ASSIGN_OR_RETURN(capture::TxSetup tx,
                     MakeTxSetup(args, config.interface, run.target_set, config.sources, 1));
    session::SessionConfig live = SessionConfigFor(config, tx);  // the sweep sets the matcher
    outputs.AttachTo(&live);
    ProgressLine progress_line;
    if (config.progress) live.progress.push_back(&progress_line);
    stats = sweep.RunLive(live, codec, on_reply, judge_options, session::StopRequested());
  }
  absl::Status closed = outputs.CloseEvidence();
  if (!closed.ok() && stats.ok()) stats = closed;
  return FlushedOnError(std::move(stats), out);
}

absl::StatusOr<int> RunLocateOrError(const std::vector<std::string>& argv,
                                     const cmdline::ParsedArgs& args) {
  ASSIGN_OR_RETURN(std::unique_ptr<LocateRun> run, PrepareLocate(args));
  const LocateConfig& config = run->config;
  probe::ProbeCodec codec(*run->key);
  uint64_t seed = config.seed.value_or(probe::SeedFromKey(*run->key));
  // Read before any output is opened: a resume file of another run is refused untouched.
  session::LocateSweepConfig sweep_config = SweepConfigOf(config, seed);
  ASSIGN_OR_RETURN(std::unique_ptr<session::LocateSweep> sweep,
                   OpenSweep(config, sweep_config, *run->table, run->probe_names, *run->key));
  ASSIGN_OR_RETURN(std::unique_ptr<session::RunOutputs> outputs,
                   OpenOutputs(config, sweep->resuming()));
  if (!config.text) {
    report::MetaInfo meta = LocateMeta(argv, *run->key, config, run->probe_names,
                                       run->target_set.size(), run->targeting);
    AddAsnDbsToMeta(run->asn_dbs.get(), &meta);
    RETURN_IF_ERROR(AppendMeta(meta, outputs->sink()));  // written by Begin()
  }
  locate::JudgeOptions judge_options = JudgeOptionsFor(config);
  if (!config.quiet) NoteLeftOutTargets(run->targeting, run->target_set.size());
  session::InstallStopHandlers();
  ASSIGN_OR_RETURN(report::ScanStats stats,
                   ProbeOrRead(args, *run, codec, *sweep, judge_options, *outputs));
  judge_options.incomplete_reason = session::IncompleteReason(session::StopRequested(), &stats);
  judge_options.swept = sweep->Swept(judge_options);
  if (judge_options.swept != nullptr && config.from_pcap.empty()) {
    stats.screen = report::ScanStats::Screen{sweep->screen_probes(), sweep->swept_targets()};
  }
  ConcludeResume(config, *sweep, judge_options.incomplete_reason == "interrupted", &stats);
  stats.vantage = config.vantage;
  std::vector<locate::Verdict> verdicts = locate::JudgeAll(*run->table, judge_options);
  locate::MarkDualStackPeers(run->targeting.dual_stack_pairs, &verdicts);
  const std::vector<locate::Cut> cuts = locate::FindCuts(&verdicts);
  RETURN_IF_ERROR(
      WriteVerdicts(config, verdicts, cuts, stats, AsnTableOf(run->asn_dbs), outputs->sink()));
  if (!config.quiet) PrintSummary(verdicts, stats);
  PrintHint(report::UnauthenticatedHint(stats));
  return stats.interrupted ? kExitInterrupted : kExitOk;
}

int RunLocate(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  return RunCommandWithSpec(LocateCommandSpec(), words, [&](const cmdline::ParsedArgs& args) {
    return RunLocateOrError(argv, args);
  });
}

}  // namespace

CommandSpec LocateCommandSpec() {
  return {
      .name = "locate",
      .summary = "judge per target whether, where and how TCP SYNs to a port are filtered",
      .synopsis = "cutpoint locate -p PORT [options] TARGET...",
      .description =
          "Judges, per target, whether TCP SYNs to PORT are filtered, where on the path and how:\n"
          "reachable, closed, silent_drop, rst_injection (in_path / on_path), icmp_prohibited,\n"
          "unreachable or inconclusive, with the hop interval and the evidence. Controls (other\n"
          "ports of the host, ICMP echo, the other targets of its /24, --control-host) are swept\n"
          "in the same randomized pass. Output: NDJSON (docs/ndjson-schema.md), or for a reader\n"
          "(--format text|markdown) the accused targets first, each with its location, the AS of\n"
          "its hops (--asn-db) and one line of evidence, the rest counted (--all: every row), or\n"
          "CSV (--format csv, every verdict a row);\n"
          "a summary goes to standard error.",
      .options = WithCommonProbingOptions(kLocateOptions, kLocateOverrides),
      .run = RunLocate};
}

}  // namespace cutpoint::cli
