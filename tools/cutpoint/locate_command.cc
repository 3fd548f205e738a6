// `cutpoint locate`: per target, the test probe (TCP SYN to --port) is swept over TTLs
// together with its controls — the same host on control ports and ICMP echo, the other
// targets of its network, explicit control hosts — interleaved in one randomized sweep;
// every target gets a verdict saying whether, where and how the test probe is filtered.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "engine/base/status_macros.h"
#include "engine/locate/judge.h"
#include "engine/locate/observation_table.h"
#include "engine/locate/summary.h"
#include "engine/report/records.h"
#include "engine/report/reply_line.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/shard_order.h"
#include "engine/targets/target_loading.h"
#include "engine/wire/ipv4_address.h"
#include "session/key_file.h"
#include "session/locate_resume.h"
#include "session/output_sink.h"
#include "session/pcap_exit_flush.h"
#include "session/privileges.h"
#include "session/probe_session.h"
#include "session/signals.h"
#include "tools/cutpoint/arg_parser.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/common_config.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/input_notes.h"
#include "tools/cutpoint/probe_options.h"
#include "tools/cutpoint/run_records.h"

namespace cutpoint::cli {
namespace {

constexpr CommonDefaults kLocateDefaults = {
    .max_targets = 65536, .ttl_min = 1, .ttl_max = 32, .attempts = 2};

constexpr OptionSpec kLocateOptions[] = {
    {"port", 'p', "PORT", "the test port: TCP SYN probes to it are judged (required)"},
    {"control-port", 0, "PORTS", "control ports of the same host (default 443)"},
    {"no-echo-control", 0, "", "do not send ICMP echo controls"},
    {"control-host", 0, "ADDR", "another host to use as control (repeatable)"},
    {"group-prefix", 0, "LEN", "targets sharing a /LEN control each other (default 24)"},
    {"shards", 0, "N", "split the groups (/LEN) into N disjoint shards (with --seed; default 1)"},
    {"shard", 0, "I", "judge only shard I (0-based); a group and its controls stay in one shard"},
    {"window", 0, "N",
     "TTLs per sweep round; deeper rounds only for targets not reached (default 8)"},
    {"retries", 0, "N",
     "extra rounds re-probing the silent test cells of undecided targets, test "
     "and controls (default: up to 4 attempts in all)"},
    {"false-accusation-rate", 0, "ALPHA",
     "chance per run that loss alone yields a silent_drop, shared by the targets (default 0.001)"},
    {"round-wait", 0, "SECONDS", "wait for replies between rounds (default 1)"},
    {"format", 0, "FMT", "ndjson (default: meta, reply, verdict, stats records) or text (a table)"},
    {"pcap-out", 0, "FILE", "keep every probe sent and reply captured as a pcap"},
    {"from-pcap", 0, "FILE", "judge a saved capture (e.g. a --pcap-out file) instead of probing"},
    {"resume", 0, "FILE",
     "an interrupted run saves its progress to FILE (with --key-file); a "
     "run that finds FILE continues from it, and removes it when done"},
};

struct LocateConfig : CommonProbingConfig {
  uint16_t test_port = 0;
  std::vector<uint16_t> control_ports = {443};
  bool echo_control = true;
  std::vector<uint32_t> control_hosts;
  int group_prefix_len = 24;
  int window = 8;
  int retries = probe::kMaxAttempts - 2;
  double false_accusation_rate = 0.001;
  double round_wait_s = 1;
  bool text = false;
  std::string pcap_out;
  std::string from_pcap;
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
      ProbingOptionsHelp(kLocateOptions, kLocateDefaults).c_str());
}

// -p, --control-port, --no-echo-control, --control-host.
absl::Status ParseTestAndControls(const ParsedArgs& args, LocateConfig* config) {
  std::optional<std::string> port = args.Get("port");
  if (!port) return absl::InvalidArgumentError("locate needs the test port: -p PORT");
  ASSIGN_OR_RETURN(std::vector<uint16_t> test_ports, ParsePortList(*port));
  if (test_ports.size() != 1) {
    return absl::InvalidArgumentError("locate judges one test port per run (-p PORT)");
  }
  config->test_port = test_ports.front();
  if (std::optional<std::string> text = args.Get("control-port")) {
    ASSIGN_OR_RETURN(config->control_ports, ParsePortList(*text));
  }
  for (uint16_t control : config->control_ports) {
    if (control == config->test_port) {
      return absl::InvalidArgumentError(
          absl::StrCat("control port ", control, " is the test port; pick another"));
    }
  }
  config->echo_control = !args.Has("no-echo-control");
  for (const std::string& text : args.GetAll("control-host")) {
    std::optional<uint32_t> host = wire::ParseIpv4(text);
    if (!host) return absl::InvalidArgumentError(absl::StrCat("bad --control-host '", text, "'"));
    config->control_hosts.push_back(*host);
  }
  return absl::OkStatus();
}

// --group-prefix, --window, --retries, --false-accusation-rate, --round-wait, --format.
absl::Status ParseSweepOptions(const ParsedArgs& args, LocateConfig* config) {
  ASSIGN_OR_RETURN(config->group_prefix_len, IntegerOption(args, "group-prefix", 0, 32, 24));
  ASSIGN_OR_RETURN(config->window, IntegerOption(args, "window", 1, 255, 8));
  ASSIGN_OR_RETURN(config->retries,
                   IntegerOption(args, "retries", 0, probe::kMaxAttempts - 1, config->retries));
  if (std::optional<std::string> text = args.Get("false-accusation-rate")) {
    double alpha = 0;
    if (!absl::SimpleAtod(*text, &alpha) || !(alpha > 0 && alpha < 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --false-accusation-rate '", *text, "' (a probability, 0 < ALPHA < 1)"));
    }
    config->false_accusation_rate = alpha;
  }
  ASSIGN_OR_RETURN(config->round_wait_s, SecondsOption(args, "round-wait", config->round_wait_s));
  if (std::optional<std::string> text = args.Get("format")) {
    if (*text != "ndjson" && *text != "text") {
      return absl::InvalidArgumentError(absl::StrCat("bad --format '", *text, "' (ndjson, text)"));
    }
    config->text = *text == "text";
  }
  return absl::OkStatus();
}

absl::StatusOr<LocateConfig> ParseLocateConfig(const ParsedArgs& args) {
  LocateConfig config;
  RETURN_IF_ERROR(ParseTestAndControls(args, &config));
  RETURN_IF_ERROR(ParseSweepOptions(args, &config));
  RETURN_IF_ERROR(ParseCommonProbingConfig(args, kLocateDefaults, &config));
  // At most kMaxAttempts probes per cell in all; retries fill up to it by default.
  if (!args.Has("retries") || config.attempts + config.retries > probe::kMaxAttempts) {
    config.retries = probe::kMaxAttempts - config.attempts;
  }
  config.pcap_out = args.Get("pcap-out").value_or("");
  config.from_pcap = args.Get("from-pcap").value_or("");
  if (!config.resume_path.empty() && (config.key_file.empty() || !config.from_pcap.empty())) {
    return absl::InvalidArgumentError(
        "--resume needs --key-file (the resumed run must probe with the same key), and no "
        "--from-pcap");
  }
  if (!config.from_pcap.empty() && config.key_file.empty()) {
    return absl::InvalidArgumentError("--from-pcap needs the scan's --key-file");
  }
  if (!config.from_pcap.empty() && !config.pcap_out.empty()) {
    return absl::InvalidArgumentError("--from-pcap and --pcap-out exclude each other");
  }
  return config;
}

// Whole control groups go to one shard; explicit control hosts go to every shard.
absl::StatusOr<targets::TargetSet> ShardOfGroups(const LocateConfig& config,
                                                 const targets::TargetSet& target_set) {
  std::vector<targets::Ipv4Range> hosts;
  for (uint32_t host : config.control_hosts) hosts.push_back({host, host});
  targets::TargetSet controls = targets::TargetSet::FromRanges(hosts);
  ASSIGN_OR_RETURN(targets::TargetSet shard,
                   targets::ShardByGroup(target_set.Subtract(controls), config.group_prefix_len,
                                         *config.seed, config.shard_count, config.shard_index));
  std::vector<targets::Ipv4Range> ranges = shard.ranges();
  ranges.insert(ranges.end(), hosts.begin(), hosts.end());
  targets::TargetSet result = targets::TargetSet::FromRanges(std::move(ranges));
  if (result.empty()) return absl::InvalidArgumentError("this shard holds no targets");
  return result;
}

// The targets with the control hosts among them, then this run's shard.
absl::StatusOr<targets::TargetSet> LoadLocateTargets(const ParsedArgs& args,
                                                     const LocateConfig& config,
                                                     targets::TargetingReport* targeting) {
  ASSIGN_OR_RETURN(targets::TargetOptions target_options,
                   ParseTargetOptions(args, kLocateDefaults));
  for (uint32_t host : config.control_hosts) {
    target_options.specs.push_back(wire::Ipv4ToString(host));
  }
  ASSIGN_OR_RETURN(targets::TargetSet target_set, targets::LoadTargets(target_options, targeting));
  for (uint32_t host : config.control_hosts) {
    // A control the blocklist or --skip-reserved removed would silently weaken verdicts.
    if (!target_set.Contains(host)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--control-host ", wire::Ipv4ToString(host),
          " is left out by a blocklist or --skip-reserved; pick another control host"));
    }
  }
  if (config.shard_count == 1) return target_set;
  return ShardOfGroups(config, target_set);
}

// The test probe and its controls, with their names for the meta record.
locate::LocateLayout LayoutFor(const LocateConfig& config, std::vector<std::string>* probe_names) {
  locate::LocateLayout layout;
  layout.ttl_min = config.ttl_min;
  layout.ttl_max = config.ttl_max;
  layout.kinds.push_back({probe::ProbeType::kTcpSyn, config.test_port});
  probe_names->push_back(absl::StrCat("tcp-syn:", config.test_port, " (test)"));
  for (uint16_t port : config.control_ports) {
    layout.kinds.push_back({probe::ProbeType::kTcpSyn, port});
    probe_names->push_back(absl::StrCat("tcp-syn:", port));
  }
  if (config.echo_control) {
    layout.kinds.push_back({probe::ProbeType::kIcmpEcho, 0});
    probe_names->push_back("icmp-echo");
  }
  return layout;
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
                           const report::ScanStats& stats, session::OutputSink& out) {
  if (config.text) {
    RETURN_IF_ERROR(out.Append(locate::FormatVerdictTable(verdicts)));
    return out.Flush();
  }
  report::JsonLine line;
  for (const locate::Verdict& verdict : verdicts) {
    report::FormatVerdict(verdict, &line);
    RETURN_IF_ERROR(out.Append(line.Finish()));
  }
  return FinishWithStats(stats, out);
}

void PrintSummary(const std::vector<locate::Verdict>& verdicts, const report::ScanStats& stats) {
  for (const std::string& summary : locate::SummarizeVerdicts(verdicts)) {
    std::fprintf(stderr, "%s\n", summary.c_str());
  }
  std::fprintf(stderr,
               "cutpoint locate: %llu probes, %llu replies matched, %llu rejected, %llu "
               "unmatched, %llu capture drops, %.1f s%s\n",
               static_cast<unsigned long long>(stats.probes_sent),
               static_cast<unsigned long long>(stats.matched),
               static_cast<unsigned long long>(stats.rejected),
               static_cast<unsigned long long>(stats.unmatched),
               static_cast<unsigned long long>(stats.pcap_dropped + stats.pcap_ifdropped),
               stats.duration_s, stats.interrupted ? " (interrupted)" : "");
}

// One sweep round: the given targets × every kind × a TTL window × attempts.
class RoundSource final : public session::ProbeSource {
 public:
  RoundSource(const targets::TargetSet& targets, std::vector<uint64_t> target_indices,
              const std::vector<targets::ProbeKind>& kinds, int ttl_lo, int ttl_hi,
              int attempt_lo, int attempt_count)
      : targets_(targets),
        target_indices_(std::move(target_indices)),
        kinds_(kinds),
        ttl_lo_(ttl_lo),
        ttl_count_(ttl_hi - ttl_lo + 1),
        attempt_lo_(attempt_lo),
        attempt_count_(attempt_count) {}
  uint64_t size() const override {
    return target_indices_.size() * kinds_.size() * static_cast<uint64_t>(ttl_count_) *
           static_cast<uint64_t>(attempt_count_);
  }
  probe::ProbeSpec At(uint64_t index) const override {
    probe::ProbeSpec spec;
    spec.attempt = static_cast<uint8_t>(attempt_lo_ + static_cast<int>(index % attempt_count_));
    index /= static_cast<uint64_t>(attempt_count_);
    spec.ttl = static_cast<uint8_t>(ttl_lo_ + static_cast<int>(index % ttl_count_));
    index /= static_cast<uint64_t>(ttl_count_);
    const targets::ProbeKind& kind = kinds_[index % kinds_.size()];
    spec.type = kind.type;
    spec.port = kind.port;
    spec.target = targets_.At(target_indices_[index / kinds_.size()]);
    return spec;
  }

 private:
  const targets::TargetSet& targets_;
  std::vector<uint64_t> target_indices_;
  const std::vector<targets::ProbeKind>& kinds_;
  int ttl_lo_;
  int ttl_count_;
  int attempt_lo_;
  int attempt_count_;
};

class ListSource final : public session::ProbeSource {
 public:
  explicit ListSource(std::vector<probe::ProbeSpec> specs) : specs_(std::move(specs)) {}
  uint64_t size() const override { return specs_.size(); }
  probe::ProbeSpec At(uint64_t index) const override { return specs_[index]; }

 private:
  std::vector<probe::ProbeSpec> specs_;
};

// Shared between the capture thread (Add) and the round planner (reads).
struct LockedTable {
  std::mutex mutex;
  locate::ObservationTable* table = nullptr;
};

absl::StatusOr<report::ScanStats> SweepLive(const LocateConfig& config, const capture::TxSetup& tx,
                                            const targets::TargetSet& target_set,
                                            const locate::LocateLayout& layout,
                                            const locate::JudgeOptions& judge_options,
                                            const probe::ProbeCodec& codec, uint64_t seed,
                                            LockedTable& observations,
                                            capture::PcapWriter* evidence,
                                            const session::ReplyHandler& on_reply,
                                            std::function<absl::Status()> on_started,
                                            std::function<absl::Status(int64_t)> on_tick,
                                            session::LocateRound* next) {
  session::SessionConfig session_config;
  session_config.make_sender = tx.make_sender;
  session_config.make_capture = tx.make_capture;
  session_config.add_backend_stats = tx.add_stats;
  session_config.run_as_user = config.run_as_user;
  session_config.keep_root = config.keep_root;
  session_config.source_address = config.source_address;
  session_config.interface = config.interface;
  session_config.rate_pps = config.rate_pps;
  session_config.matcher.source_address = config.source_address;
  session_config.matcher.targets = &target_set;
  session_config.matcher.ttl_min = config.ttl_min;
  session_config.matcher.ttl_max = config.ttl_max;
  session_config.matcher.attempts = static_cast<uint8_t>(config.attempts + config.retries);
  match::RestrictToKinds(layout.kinds, &session_config.matcher);
  session_config.matcher.max_reply_age_us =
      match::ReplyAgeForWait(std::max(config.round_wait_s, config.cooldown_s));
  session_config.evidence = evidence;
  session_config.on_started = std::move(on_started);
  session_config.on_tick = std::move(on_tick);
  absl::StatusOr<std::unique_ptr<session::ProbeSession>> session =
      session::ProbeSession::Start(session_config, codec, on_reply);
  if (!session.ok()) return session.status();
  if (!config.resume_path.empty() && session_config.drop_privileges) {
    // Saved (or removed) at the end, by the user the run switched to.
    absl::Status writable = session::CheckWritableAfterDrop("--resume", config.resume_path);
    if (!writable.ok()) return writable;
  }

  // Sweep rounds: every target over the first TTL window, then deeper windows only for
  // targets whose destination has not answered yet while their path still does. `next`
  // always names the round being sent (or to send), for --resume.
  std::vector<uint64_t> round_targets;
  {
    std::lock_guard<std::mutex> lock(observations.mutex);
    if (next->retry) {
      // Resumed in the retry phase: the windows are done.
    } else if (next->ttl_lo == config.ttl_min) {
      round_targets.resize(target_set.size());
      for (uint64_t i = 0; i < target_set.size(); ++i) round_targets[i] = i;
    } else {
      round_targets =
          locate::TargetsToSweepDeeper(*observations.table, judge_options, next->swept_max);
    }
  }
  while (!next->retry && !round_targets.empty() && next->ttl_lo <= config.ttl_max) {
    int ttl_hi = std::min<int>(config.ttl_max, next->ttl_lo + config.window - 1);
    RoundSource source(target_set, round_targets, layout.kinds, next->ttl_lo, ttl_hi, 0,
                       config.attempts);
    absl::Status sent = (*session)->SendAll(source, seed + next->index, session::StopRequested());
    if (!sent.ok()) return sent;
    if (session::StopRequested()) break;
    (*session)->Wait(config.round_wait_s);
    if (session::StopRequested()) break;
    ++next->index;
    next->swept_max = ttl_hi;
    next->ttl_lo = ttl_hi + 1;
    if (next->ttl_lo > config.ttl_max) break;
    std::lock_guard<std::mutex> lock(observations.mutex);
    round_targets = locate::TargetsToSweepDeeper(*observations.table, judge_options, ttl_hi);
  }
  if (session::StopRequested()) return (*session)->Finish(config.cooldown_s);
  if (!next->retry) {
    next->retry = true;
    next->retry_index = 0;
  }
  // Retry rounds: re-probe test cells that stayed silent where controls answered, so a
  // lost ICMP error is not read as a drop — until the silence proves a drop or the
  // attempts run out. Whole rows (the test and every control at that TTL and attempt):
  // the silence test compares them row by row.
  for (; next->retry_index < config.retries && !session::StopRequested(); ++next->retry_index) {
    std::vector<probe::ProbeSpec> specs;
    {
      std::lock_guard<std::mutex> lock(observations.mutex);
      for (const locate::CellRef& cell :
           locate::SilentTestCells(*observations.table, judge_options, next->swept_max)) {
        for (const targets::ProbeKind& kind : layout.kinds) {
          probe::ProbeSpec spec;
          spec.target = target_set.At(cell.target_index);
          spec.type = kind.type;
          spec.port = kind.port;
          spec.ttl = static_cast<uint8_t>(cell.ttl);
          spec.attempt = static_cast<uint8_t>(config.attempts + next->retry_index);
          specs.push_back(spec);
        }
      }
    }
    if (specs.empty()) break;
    ListSource source(std::move(specs));
    absl::Status sent = (*session)->SendAll(source, seed + next->index, session::StopRequested());
    if (!sent.ok()) return sent;
    if (session::StopRequested()) break;
    if (next->retry_index + 1 < config.retries) (*session)->Wait(config.round_wait_s);
    if (session::StopRequested()) break;
    ++next->index;
  }
  return (*session)->Finish(config.cooldown_s);
}

// Everything a resumed run must share with the run it continues.
std::string LocatePlanId(const LocateConfig& config, const targets::TargetSet& targets,
                         const std::vector<std::string>& probe_names, const std::string& key_id,
                         uint64_t seed) {
  uint64_t ranges_hash = 1469598103934665603ull;  // FNV-1a over the target ranges
  for (const targets::Ipv4Range& range : targets.ranges()) {
    for (uint32_t word : {range.first, range.last}) {
      ranges_hash = (ranges_hash ^ word) * 1099511628211ull;
    }
  }
  std::string probes;
  for (const std::string& name : probe_names) absl::StrAppend(&probes, probes.empty() ? "" : ",", name);
  for (char& c : probes) c = c == ' ' ? '_' : c;
  return absl::StrCat("targets=", targets.size(), "/", absl::Hex(ranges_hash), " probes=", probes,
                      " ttl=", config.ttl_min, "-", config.ttl_max, " window=", config.window,
                      " attempts=", config.attempts, "+", config.retries,
                      " group=", config.group_prefix_len, " key=", key_id, " seed=", seed);
}

// Why some answers may be missing from the observations, or "" when the sweep was whole.
std::string IncompleteReason(report::ScanStats& stats) {
  // A stop between rounds or during the cooldown ends the sweep without the sender seeing it.
  if (session::StopRequested()) stats.interrupted = true;
  if (stats.interrupted) return "interrupted";
  if (stats.pcap_dropped + stats.pcap_ifdropped > 0 || (stats.dpdk && stats.dpdk->imissed > 0)) {
    return "capture_loss";
  }
  if (stats.send_errors > 0) return "send_errors";
  // Replies after the cut of a capture file are missing, not absent.
  if (stats.capture_truncated) return "capture_truncated";
  return "";
}

absl::StatusOr<int> RunLocateOrError(const std::vector<std::string>& argv, const ParsedArgs& args) {
  ASSIGN_OR_RETURN(LocateConfig config, ParseLocateConfig(args));
  targets::TargetingReport targeting;
  ASSIGN_OR_RETURN(targets::TargetSet target_set, LoadLocateTargets(args, config, &targeting));
  bool offline = !config.from_pcap.empty();
  if (!offline) RETURN_IF_ERROR(ResolveRoute(target_set.At(0), true, &config));
  std::vector<std::string> probe_names;
  locate::LocateLayout layout = LayoutFor(config, &probe_names);
  ASSIGN_OR_RETURN(locate::ObservationTable table,
                   locate::ObservationTable::Create(&target_set, layout));
  // A capture is judged with the key it was probed with; never a new one.
  ASSIGN_OR_RETURN(probe::ProbeKey key,
                   offline ? session::ReadProbeKey(config.key_file) : KeyForRun(config));
  probe::ProbeCodec codec(key);
  uint64_t seed = config.seed.value_or(probe::SeedFromKey(key));

  // Read before any output is opened: a resume file of another run is refused untouched.
  session::LocateRound next_round;
  next_round.ttl_lo = config.ttl_min;
  next_round.swept_max = config.ttl_min - 1;
  std::string plan_id;
  std::vector<match::ReplyRecord> resumed_replies;
  bool resuming = false;
  if (!config.resume_path.empty()) {
    plan_id = LocatePlanId(config, target_set, probe_names, probe::ProbeKeyFingerprint(key), seed);
    absl::StatusOr<std::optional<session::LocateResumeState>> resumed =
        session::ReadLocateResume(config.resume_path, plan_id);
    if (!resumed.ok()) return ReportError(resumed.status());
    if (resumed->has_value()) {
      resuming = true;
      next_round = (*resumed)->next;
      for (const match::ReplyRecord& reply : (*resumed)->replies) {
        // The cut round is sent again whole: its replies so far would be counted twice.
        if (session::BeforeRound(reply, next_round, config.attempts)) resumed_replies.push_back(reply);
      }
      if (!config.quiet) {
        std::fprintf(stderr, "cutpoint locate: resuming from %s: round %llu, %zu replies kept\n",
                     config.resume_path.c_str(), static_cast<unsigned long long>(next_round.index),
                     resumed_replies.size());
      }
    }
  }

  // Outputs are opened now (an unwritable path fails before anything is sent) but
  // written only once the run can start: a run refused later leaves them untouched.
  session::PcapExitFlush evidence_exit_flush;  // outlives `evidence`
  std::unique_ptr<capture::PcapWriter> evidence;
  if (!config.pcap_out.empty()) {
    absl::StatusOr<std::unique_ptr<capture::PcapWriter>> writer =
        capture::PcapWriter::CreateDeferred(config.pcap_out, wire::LinkType::kRaw);
    if (!writer.ok()) return ReportError(writer.status());
    evidence = std::move(*writer);
    evidence->SetWriteGuard(&evidence_exit_flush);
    if (config.key_file.empty()) {
      std::fprintf(stderr,
                   "cutpoint: warning: --pcap-out without --key-file: this capture can never be "
                   "re-judged (the probe key is not saved)\n");
    }
  }
  // A resumed run continues the interrupted run's output, after its last whole line.
  absl::StatusOr<std::unique_ptr<session::OutputSink>> sink = session::OutputSink::Open(
      config.output, resuming ? session::OutputFile::Mode::kAppend : session::OutputFile::Mode::kReplace);
  if (!sink.ok()) return ReportError(sink.status());
  session::OutputSink& out = **sink;
  auto begin_outputs = [&]() -> absl::Status {
    absl::Status status = out.Begin();
    if (status.ok() && evidence != nullptr) status = evidence->Start();
    return status;
  };

  if (!config.text) {
    // Written by Begin().
    RETURN_IF_ERROR(
        AppendMeta(LocateMeta(argv, key, config, probe_names, target_set.size(), targeting), out));
  }

  locate::JudgeOptions judge_options;
  judge_options.source_address = config.source_address;
  judge_options.group_prefix_len = config.group_prefix_len;
  judge_options.control_hosts = config.control_hosts;
  judge_options.false_accusation_rate = config.false_accusation_rate;

  LockedTable observations;
  observations.table = &table;
  // With --resume, every reply is kept for the resume file (the table's whole input).
  std::vector<match::ReplyRecord> seen_replies = std::move(resumed_replies);
  for (const match::ReplyRecord& reply : seen_replies) table.Add(reply);
  bool keep_replies = !config.resume_path.empty();
  session::ReplyHandler on_reply = [&](const match::ReplyRecord& reply) -> absl::Status {
    {
      std::lock_guard<std::mutex> lock(observations.mutex);
      observations.table->Add(reply);
      if (keep_replies) seen_replies.push_back(reply);
    }
    if (config.text) return absl::OkStatus();
    char* at = out.PrepareAppend(report::kMaxReplyLineBytes);
    return out.CommitAppend(report::WriteReplyLine(reply, false, at));
  };

  if (!config.quiet) NoteLeftOutTargets(targeting, target_set.size());
  session::InstallStopHandlers();
  absl::StatusOr<report::ScanStats> stats;
  if (offline) {
    match::MatcherConfig matcher_config;
    matcher_config.source_address = config.source_address;
    matcher_config.targets = &target_set;
    matcher_config.ttl_min = config.ttl_min;
    matcher_config.ttl_max = config.ttl_max;
    matcher_config.attempts = static_cast<uint8_t>(config.attempts + config.retries);
    match::RestrictToKinds(layout.kinds, &matcher_config);
    matcher_config.max_reply_age_us =
        match::ReplyAgeForWait(std::max(config.round_wait_s, config.cooldown_s));
    match::Matcher matcher(codec, matcher_config);
    absl::StatusOr<std::unique_ptr<capture::PcapSource>> source =
        capture::PcapSource::OpenOffline(config.from_pcap);
    if (!source.ok()) return ReportError(source.status());
    absl::Status begun = begin_outputs();
    if (!begun.ok()) return ReportError(begun);
    stats = session::ReadCapture(**source, config.from_pcap, matcher, on_reply);
    if (stats.ok()) {
      if (std::optional<std::string> cut = TruncationWarning(config.from_pcap, *stats)) {
        PrintWarning(*cut);
      }
    }
  } else {
    absl::StatusOr<capture::TxSetup> tx = MakeTxSetup(args, config.interface, target_set.At(0), 1);
    if (!tx.ok()) return ReportError(tx.status());
    stats = SweepLive(config, *tx, target_set, layout, judge_options, codec, seed, observations,
                      evidence.get(), on_reply, begin_outputs,
                      [&out](int64_t now_ns) { return out.FlushIfDue(now_ns, session::kOutputFlushIntervalNs); },
                      &next_round);
  }
  if (evidence != nullptr) {
    absl::Status closed = evidence->Close();
    if (!closed.ok() && stats.ok()) stats = closed;
  }
  if (!stats.ok()) {
    (void)out.Flush();
    return ReportError(stats.status());
  }

  judge_options.incomplete_reason = IncompleteReason(*stats);
  if (!config.resume_path.empty()) {
    absl::Status saved;
    if (judge_options.incomplete_reason == "interrupted") {
      saved = session::WriteLocateResume(config.resume_path, {plan_id, next_round, seen_replies});
      stats->resume_file = config.resume_path;
      if (saved.ok() && !config.quiet) {
        std::fprintf(stderr, "cutpoint locate: progress saved; rerun the same command to continue "
                             "(--resume %s)\n", config.resume_path.c_str());
      }
    } else if (std::remove(config.resume_path.c_str()) != 0 && errno != ENOENT) {
      saved = absl::UnavailableError(absl::StrCat("cannot remove resume file '",
                                                  config.resume_path, "': ", std::strerror(errno)));
    }
    if (!saved.ok()) ReportError(saved);
  }
  std::vector<locate::Verdict> verdicts = locate::JudgeAll(table, judge_options);
  RETURN_IF_ERROR(WriteVerdicts(config, verdicts, *stats, out));
  if (!config.quiet) PrintSummary(verdicts, *stats);
  PrintHint(UnauthenticatedHint(*stats));
  return stats->interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace

int RunLocate(const std::vector<std::string>& argv, const std::vector<std::string>& words) {
  return RunCommand("locate", WithCommonProbingOptions(kLocateOptions), words, PrintLocateHelp,
                    [&](const ParsedArgs& args) { return RunLocateOrError(argv, args); });
}

}  // namespace cutpoint::cli
