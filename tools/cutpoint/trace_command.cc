// SPDX-License-Identifier: Apache-2.0
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
#include "engine/base/status_macros.h"
#include "engine/report/records.h"
#include "engine/targets/plan_text.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/target_loading.h"
#include "session/capability_check.h"
#include "session/dry_run.h"
#include "session/live_scan.h"
#include "session/run_outputs.h"
#include "session/signals.h"
#include "session/status_file.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/asn_annotation.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/common_config.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/atlas_output.h"
#include "tools/cutpoint/input_notes.h"
#include "tools/cutpoint/probe_options.h"
#include "tools/cutpoint/progress_line.h"
#include "tools/cutpoint/run_records.h"
#include "tools/cutpoint/trace_config.h"

namespace cutpoint::cli {
namespace {

constexpr cmdline::OptionSpec kTraceOptions[] = {
    {"port", 'p', "PORTS", "TCP destination ports, e.g. 25,443,8000-8010", "80"},
    {"probe", 0, "TYPES", "probe types, comma-separated", {}, "tcp-syn icmp-echo"},
    {"shards", 0, "N", "split the targets into N disjoint shards (with --seed)", "1"},
    {"shard", 0, "I", "send only shard I (0-based)", "0"},
    {"resume", 0, "FILE",
     "save progress to FILE (0600); a run that finds FILE continues from it, appending to -o"},
    {"sender-threads", 0, "N", "sender threads, each with its own socket", "1"},
    {"progress", 0, "", "a status line on stderr once a second (default: when stderr is a tty)"},
    {"status-file", 0, "FILE", "rewrite FILE once a second with the status as JSON"},
    {"dry-run", 0, "", "print the probes that would be sent; send nothing"},
    {"output-format", 'O', "FORMAT",
     "ndjson, or (trace) atlas: RIPE Atlas traceroute results, one JSON object per target and "
     "flow, written to -o when the trace ends",
     "ndjson", "ndjson atlas"},
};

// Each command's defaults of the shared rows; kTraceDefaults and kScanDefaults
// (trace_config.h) are what the parser uses, and a test holds the two together.
constexpr cmdline::OptionOverride kTraceOverrides[] = {
    {"probe", "tcp-syn,icmp-echo"},
    {"ttl", "1-32"},
    {"attempts", "1"},
    {"max-targets", "16777216"},
};
constexpr cmdline::OptionOverride kScanOverrides[] = {
    {"probe", "tcp-syn"},
    {"ttl", "64", "probe TTL: one TTL, never a range (trace sweeps a range)"},
    {"attempts", "1"},
    {"max-targets", "16777216"},
};

const char* ModeName(TraceMode mode) { return mode == TraceMode::kTrace ? "trace" : "scan"; }

// Opened now (an unwritable path fails before anything is sent) but written only once
// the run can start (Begin): a run refused later leaves an existing file untouched. A
// resumed run appends to the output of the run it continues.
absl::StatusOr<std::unique_ptr<session::OutputSink>> OpenOutput(const TraceConfig& config) {
  session::OutputFile::Mode output_mode = session::OutputFile::Mode::kReplace;
  if (!config.resume_path.empty()) {
    ASSIGN_OR_RETURN(session::ResumeState resume, session::ReadResumeFile(config.resume_path));
    if (!resume.order_id.empty()) output_mode = session::OutputFile::Mode::kAppend;
  }
  return session::OutputSink::Open(config.output, output_mode);
}

// The send order of this run's shard, and where a resumable run keeps its progress.
session::LiveScanOptions ScanOptionsOf(const TraceConfig& config, uint64_t seed) {
  session::LiveScanOptions options;
  options.seed = seed;
  options.shard_count = config.shard_count;
  options.shard_index = config.shard_index;
  options.cooldown_s = config.cooldown_s;
  options.resume_path = config.resume_path;
  return options;
}

absl::StatusOr<report::ScanStats> ProbeLive(TraceMode mode, const TraceConfig& config,
                                            const cmdline::ParsedArgs& args,
                                            const targets::ProbePlan& plan,
                                            const probe::ProbeCodec& codec,
                                            const session::LiveScanOptions& options,
                                            const asn::AsnTable* asn_table,
                                            session::OutputSink& out) {
  ASSIGN_OR_RETURN(capture::TxSetup tx, MakeTxSetup(args, config.interface, plan.targets(),
                                                    config.sources, config.sender_threads));
  session::SessionConfig session = SessionConfigFor(config, tx);
  session.sender_threads = config.sender_threads;
  ProgressLine progress_line;
  std::optional<session::StatusFileObserver> status_file;
  if (config.progress) session.progress.push_back(&progress_line);
  if (!config.status_file.empty())
    session.progress.push_back(&status_file.emplace(config.status_file));
  session::AttachOutput(out, &session);
  session.matcher.targets = &plan.targets();
  session.matcher.attempts = plan.attempts();
  match::RestrictToKinds(plan.kinds(), &session.matcher);
  session.matcher.max_reply_age_us = match::ReplyAgeForWait(config.cooldown_s);
  return FlushedOnError(
      session::RunLiveScan(session, codec, plan, options,
                           session::WriteReplyRecords(out, mode == TraceMode::kScan, asn_table),
                           session::StopRequested()),
      out);
}

void PrintSummary(TraceMode mode, const report::ScanStats& stats, uint64_t target_count) {
  absl::FPrintF(stderr,
                "cutpoint %s: %d probes to %d targets in %.1f s; %d replies matched, "
                "%d rejected, %d unmatched, %d capture drops%s\n",
                ModeName(mode), stats.probes_sent, target_count, stats.duration_s, stats.matched,
                stats.rejected, stats.unmatched, stats.pcap_dropped + stats.pcap_ifdropped,
                stats.interrupted ? " (interrupted)" : "");
}

absl::StatusOr<int> RunProbeCommandOrError(TraceMode mode, const std::vector<std::string>& argv,
                                           const cmdline::ParsedArgs& args) {
  ASSIGN_OR_RETURN(targets::TargetOptions target_options,
                   ParseTargetOptions(args, DefaultsFor(mode)));
  targets::TargetingReport targeting;
  ASSIGN_OR_RETURN(targets::TargetSet target_set, targets::LoadTargets(target_options, &targeting));
  ASSIGN_OR_RETURN(TraceConfig config, ParseTraceConfig(mode, args));
  ASSIGN_OR_RETURN(std::unique_ptr<session::AsnDatabases> asn_dbs,
                   LoadAsnDatabasesOption(config.asn_db_paths));
  // Before any route, socket or output: a run that cannot send says so and how to fix it.
  if (!config.dry_run) {
    RETURN_IF_ERROR(session::CheckLiveRunCapabilities(ModeName(mode), config.tx_dpdk));
  }
  RETURN_IF_ERROR(ResolveRoute(target_set, !config.dry_run, &config));
  uint64_t target_count = target_set.size();
  ASSIGN_OR_RETURN(
      targets::ProbePlan plan,
      targets::ProbePlan::Create(std::move(target_set), config.kinds, config.ttl_min,
                                 config.ttl_max, static_cast<uint8_t>(config.attempts)));
  ASSIGN_OR_RETURN(probe::ProbeKey key, KeyForRun(config));
  probe::ProbeCodec codec(key);
  session::LiveScanOptions options =
      ScanOptionsOf(config, config.seed.value_or(probe::SeedFromKey(key)));
  if (!config.dry_run) {
    ASSIGN_OR_RETURN(bool finished, session::ResumeIsFinished(plan, options));
    if (finished) {  // said before -o is opened: nothing is appended to a finished run
      absl::FPrintF(stderr,
                    "cutpoint %s: resume file '%s' records a finished run: every probe of this "
                    "%s was sent, nothing is left to send (remove the file to %s again)\n",
                    ModeName(mode), config.resume_path, ModeName(mode), ModeName(mode));
      return kExitOk;
    }
  }
  std::unique_ptr<AtlasOutput> atlas;
  std::unique_ptr<session::OutputSink> ndjson_output;
  session::OutputSink* sink = nullptr;
  if (config.atlas) {
    ASSIGN_OR_RETURN(atlas, AtlasOutput::Open(config.output));
    sink = &atlas->ndjson();
  } else {
    ASSIGN_OR_RETURN(ndjson_output, OpenOutput(config));
    sink = ndjson_output.get();
  }

  ProbingMeta probing{&config, config.probe_names, target_count, &targeting};
  report::MetaInfo meta = MakeMeta(ModeName(mode), argv, key, &probing);
  meta.probe_count = plan.size();
  meta.dry_run = config.dry_run;
  AddAsnDbsToMeta(asn_dbs.get(), &meta);
  RETURN_IF_ERROR(AppendMeta(meta, *sink));  // written by Begin(), before any probe leaves

  if (!config.quiet) NoteLeftOutTargets(targeting, target_count);
  session::InstallStopHandlers();
  ASSIGN_OR_RETURN(report::ScanStats stats,
                   config.dry_run ? session::WriteDryRun(plan, codec, config.sources,
                                                         options, *sink, session::StopRequested())
                                  : ProbeLive(mode, config, args, plan, codec, options,
                                              AsnTableOf(asn_dbs), *sink));
  stats.vantage = config.vantage;
  RETURN_IF_ERROR(FinishWithStats(stats, *sink));
  if (atlas != nullptr) RETURN_IF_ERROR(atlas->Finish());
  if (!config.dry_run) {
    if (!config.quiet) PrintSummary(mode, stats, target_count);
    PrintHint(report::UnauthenticatedHint(stats));
  }
  return stats.interrupted ? kExitInterrupted : kExitOk;
}

CommandSpec ProbeCommandSpec(TraceMode mode);

int RunProbeCommand(TraceMode mode, const std::vector<std::string>& argv,
                    const std::vector<std::string>& words) {
  return RunCommandWithSpec(ProbeCommandSpec(mode), words, [&](const cmdline::ParsedArgs& args) {
    return RunProbeCommandOrError(mode, argv, args);
  });
}

int RunTrace(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  return RunProbeCommand(TraceMode::kTrace, argv, words);
}

int RunScan(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  return RunProbeCommand(TraceMode::kScan, argv, words);
}

CommandSpec ProbeCommandSpec(TraceMode mode) {
  if (mode == TraceMode::kTrace) {
    return {
        .name = "trace",
        .summary = "probe targets x TTLs with TCP SYN / ICMP echo, NDJSON replies out",
        .synopsis = "cutpoint trace [options] TARGET...",
        .description =
            "Sends TCP SYN and/or ICMP echo probes to every TARGET (address or CIDR prefix) at\n"
            "every TTL of the range, in keyed random order, and writes every reply matched to\n"
            "the probe that caused it as NDJSON (docs/ndjson-schema.md).",
        .options = WithCommonProbingOptions(kTraceOptions, kTraceOverrides),
        .run = RunTrace};
  }
  return {.name = "scan",
          .summary = "one probe per (target, port) at a fixed TTL: open / closed / unreachable",
          .synopsis = "cutpoint scan [options] TARGET...",
          .description =
              "One probe per (target, port) at a fixed TTL, in keyed random order: reply\n"
              "records say open / closed / unreachable (field \"status\") per target and port.",
          .options = WithCommonProbingOptions(kTraceOptions, kScanOverrides),
          .run = RunScan};
}

}  // namespace

CommandSpec TraceCommandSpec() { return ProbeCommandSpec(TraceMode::kTrace); }
CommandSpec ScanCommandSpec() { return ProbeCommandSpec(TraceMode::kScan); }

}  // namespace cutpoint::cli
