// SPDX-License-Identifier: Apache-2.0
#include "session/locate_sweep.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/base/fast_divisor.h"
#include "engine/base/status_macros.h"
#include "engine/locate/screen.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/scan_spec_fill.h"
#include "engine/targets/target_set.h"
#include "session/offline_capture.h"
#include "session/probe_source.h"

namespace cutpoint::session {
namespace {

// One window round: the given targets × every kind × a TTL window × attempts.
class RoundSource final : public ProbeSource {
 public:
  RoundSource(const targets::TargetSet& targets, std::vector<uint64_t> target_indices,
              const std::vector<targets::ProbeKind>& kinds, int ttl_lo, int ttl_hi, int attempt_lo,
              int attempt_count)
      : targets_(targets),
        target_indices_(std::move(target_indices)),
        kinds_(kinds),
        ttl_lo_(ttl_lo),
        ttl_count_(ttl_hi - ttl_lo + 1),
        attempt_lo_(attempt_lo),
        attempt_count_(attempt_count),
        by_attempts_(static_cast<uint64_t>(attempt_count)),
        by_ttls_(static_cast<uint64_t>(ttl_count_)),
        by_kinds_(kinds.size()) {
    const targets::IpRange* single = targets.SingleRange();
    if (single == nullptr) return;
    single_first_ = single->first.value();
    // An IPv4 range's rounds go through the spec kernel, its targets by their offsets.
    const uint64_t per_target =
        kinds.size() * static_cast<uint64_t>(ttl_count_) * static_cast<uint64_t>(attempt_count);
    if (!single->first.is_v4() || !targets::ScanSpecFillSupported() ||
        per_target > targets::kMaxWithinWords ||
        target_indices_.size() > (uint64_t{1} << 52) / per_target) {
      return;
    }
    within_words_ = targets::MakeWithinWords(kinds, static_cast<uint8_t>(ttl_lo), ttl_count_,
                                             static_cast<uint8_t>(attempt_lo), attempt_count);
    kernel_shape_ = targets::ScanSpecShape{single->first.low(),
                                           per_target,
                                           static_cast<uint64_t>(attempt_count),
                                           static_cast<uint64_t>(ttl_count_),
                                           kinds.data(),
                                           kinds.size(),
                                           within_words_.data(),
                                           static_cast<uint8_t>(ttl_lo),
                                           target_indices_.data()};
    // A round of every target (or of any run of them) needs no table: the kernel counts
    // from the run's first.
    const bool run = std::adjacent_find(target_indices_.begin(), target_indices_.end(),
                                        [](uint64_t a, uint64_t b) { return b != a + 1; }) ==
                     target_indices_.end();
    if (run && !target_indices_.empty()) {
      kernel_shape_->target_offsets = nullptr;
      kernel_first_target_ = target_indices_.front();
    }
  }
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
  // At() for a batch (a round is walked permuted): the divisions by multiply and shift,
  // and a single-range target set's addresses by addition, not a search.
  void FillAt(const uint64_t* indices, size_t n, probe::ProbeSpec* out) const override {
    const size_t done =
        kernel_shape_.has_value()
            ? targets::FillScanSpecs(*kernel_shape_, kernel_first_target_, indices, n, out)
            : 0;
    for (size_t i = done; i < n; ++i) {
      probe::ProbeSpec& spec = out[i];
      uint64_t rest = 0;
      uint64_t index = by_attempts_.DivMod(indices[i], &rest);
      spec.attempt = static_cast<uint8_t>(attempt_lo_ + static_cast<int>(rest));
      index = by_ttls_.DivMod(index, &rest);
      spec.ttl = static_cast<uint8_t>(ttl_lo_ + static_cast<int>(rest));
      index = by_kinds_.DivMod(index, &rest);
      const targets::ProbeKind& kind = kinds_[rest];
      spec.type = kind.type;
      spec.port = kind.port;
      const uint64_t target = target_indices_[index];
      spec.target = single_first_.has_value() ? wire::IpAddress::FromValue(*single_first_ + target)
                                              : targets_.At(target);
    }
  }

 private:
  const targets::TargetSet& targets_;
  std::vector<uint64_t> target_indices_;
  const std::vector<targets::ProbeKind>& kinds_;
  int ttl_lo_;
  int ttl_count_;
  int attempt_lo_;
  int attempt_count_;
  base::FastDivisor by_attempts_;
  base::FastDivisor by_ttls_;
  base::FastDivisor by_kinds_;
  std::optional<wire::Uint128> single_first_;  // the single range's first address
  std::vector<uint64_t> within_words_;
  std::optional<targets::ScanSpecShape> kernel_shape_;  // for FillScanSpecs
  uint64_t kernel_first_target_ = 0;                    // its first_target
};

// The real thing behind the sweep's narrow interface.
class SessionRunner final : public ProbeRunner {
 public:
  explicit SessionRunner(ProbeSession& session) : session_(session) {}
  absl::Status SendAll(const ProbeSource& source, uint64_t seed,
                       const std::atomic<bool>& stop) override {
    return session_.SendAll(source, seed, stop);
  }
  void Wait(double seconds) override { session_.Wait(seconds); }

 private:
  ProbeSession& session_;
};

}  // namespace

LocateSweep::LocateSweep(const LocateSweepConfig& config, locate::ObservationTable* table,
                         std::string plan_id)
    : config_(config), plan_id_(std::move(plan_id)), table_(table) {
  next_.ttl_lo = table->layout().ttl_min;
  next_.swept_max = table->layout().ttl_min - 1;
  next_.screening = Screening();
}

// A single TTL leaves nothing to screen for: the screen would be the whole sweep.
bool LocateSweep::Screening() const {
  return config_.screen && table_->layout().ttl_min < table_->layout().ttl_max;
}

absl::StatusOr<std::unique_ptr<LocateSweep>> LocateSweep::Open(const LocateSweepConfig& config,
                                                               locate::ObservationTable* table,
                                                               std::string plan_id) {
  std::unique_ptr<LocateSweep> sweep(new LocateSweep(config, table, std::move(plan_id)));
  if (config.resume_path.empty()) return sweep;
  ASSIGN_OR_RETURN(std::optional<LocateResumeState> resumed,
                   ReadLocateResume(config.resume_path, sweep->plan_id_));
  if (!resumed.has_value()) return sweep;
  sweep->resuming_ = true;
  sweep->next_ = resumed->next;
  for (const match::ReplyRecord& reply : resumed->replies) {
    // The cut round is sent again whole: its replies so far would be counted twice.
    if (!BeforeRound(reply, sweep->next_, config.attempts,
                     sweep->Screening() ? table->layout().ttl_max : 0)) {
      continue;
    }
    sweep->Add(reply);
    ++sweep->resumed_replies_;
  }
  return sweep;
}

void LocateSweep::Add(const match::ReplyRecord& reply) {
  std::lock_guard<std::mutex> lock(mutex_);
  table_->Add(reply);
  if (!config_.resume_path.empty()) seen_replies_.push_back(reply);
}

absl::Status LocateSweep::Run(ProbeRunner& runner, const locate::JudgeOptions& judge,
                              const std::atomic<bool>& stop) {
  locate::JudgeOptions guided = judge;
  if (Screening()) {
    RETURN_IF_ERROR(RunScreen(runner, stop));
    if (stop) return absl::OkStatus();
    guided.swept = Swept(judge);
  }
  RETURN_IF_ERROR(RunWindows(runner, guided, stop));
  if (stop) return absl::OkStatus();
  if (!next_.retry) {
    next_.retry = true;
    next_.retry_index = 0;
  }
  return RunRetries(runner, guided, stop);
}

// Screen attempt 0 to every target, then attempt i to those not clean yet, at TTL max.
absl::Status LocateSweep::RunScreen(ProbeRunner& runner, const std::atomic<bool>& stop) {
  const int ttl_max = table_->layout().ttl_max;
  while (next_.screening && !stop) {
    std::vector<uint64_t> round_targets;
    if (next_.screen_attempt == 0) {
      round_targets.resize(table_->targets().size());
      for (uint64_t i = 0; i < round_targets.size(); ++i) round_targets[i] = i;
    } else {
      std::lock_guard<std::mutex> lock(mutex_);
      round_targets = locate::TargetsToRescreen(*table_, next_.screen_attempt);
    }
    if (!round_targets.empty()) {
      RoundSource source(table_->targets(), std::move(round_targets), table_->layout().kinds,
                         ttl_max, ttl_max, next_.screen_attempt, 1);
      RETURN_IF_ERROR(runner.SendAll(source, config_.seed + next_.index, stop));
      screen_probes_ += source.size();
      if (stop) break;
      runner.Wait(config_.round_wait_s);
      if (stop) break;
      SweepRoundDone done;
      done.phase = SweepRoundDone::Phase::kScreen;
      done.ttl_lo = done.ttl_hi = ttl_max;
      done.attempt = next_.screen_attempt;
      done.probes = source.size();
      done.targets = source.size() / table_->layout().kinds.size();
      TellRoundDone(done, nullptr);
      ++next_.index;
    }
    if (++next_.screen_attempt >= config_.attempts) next_.screening = false;
  }
  return absl::OkStatus();
}

const std::vector<bool>* LocateSweep::Swept(const locate::JudgeOptions& judge) {
  if (!Screening()) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!swept_known_) {
    locate::ScreenOptions options;
    options.attempts = config_.attempts;
    options.sample_rate = config_.screen_sample;
    options.group_companions = config_.screen_companions;
    options.seed = config_.seed;
    options.group_prefixes = judge.group_prefixes;
    options.control_hosts = judge.control_hosts;
    swept_ = locate::TargetsToSweep(*table_, options);
    swept_known_ = true;
  }
  // Targets with answers below TTL max were swept too: the rule above picks them all in
  // a screened run (only they are probed there), and in a capture of `--sweep all`
  // re-judged with the default, every target is.
  locate::MarkSweptByAnswers(*table_, &swept_);
  swept_targets_ = static_cast<uint64_t>(std::count(swept_.begin(), swept_.end(), true));
  return &swept_;
}

// The targets of the window round next_ names.
std::vector<uint64_t> LocateSweep::WindowTargets(const locate::JudgeOptions& judge) {
  std::vector<uint64_t> round_targets;
  std::lock_guard<std::mutex> lock(mutex_);
  if (next_.retry) return round_targets;  // resumed in the retry phase: the windows are done
  if (next_.ttl_lo == table_->layout().ttl_min) {
    for (uint64_t i = 0; i < table_->targets().size(); ++i) {
      if (judge.swept == nullptr || (*judge.swept)[static_cast<size_t>(i)]) {
        round_targets.push_back(i);
      }
    }
    return round_targets;
  }
  return locate::TargetsToSweepDeeper(*table_, judge, next_.swept_max);
}

// Every target over the first TTL window, then deeper windows only for targets whose
// destination has not answered yet while their path still does.
absl::Status LocateSweep::RunWindows(ProbeRunner& runner, const locate::JudgeOptions& judge,
                                     const std::atomic<bool>& stop) {
  // A screened sweep has TTL max from its screen.
  const int ttl_max = table_->layout().ttl_max - (Screening() ? 1 : 0);
  std::vector<uint64_t> round_targets = WindowTargets(judge);
  while (!next_.retry && !round_targets.empty() && next_.ttl_lo <= ttl_max) {
    int ttl_hi = std::min<int>(ttl_max, next_.ttl_lo + config_.window - 1);
    const uint64_t round_targets_count = round_targets.size();
    RoundSource source(table_->targets(), std::move(round_targets), table_->layout().kinds,
                       next_.ttl_lo, ttl_hi, 0, config_.attempts);
    const uint64_t targets = round_targets_count;
    RETURN_IF_ERROR(runner.SendAll(source, config_.seed + next_.index, stop));
    if (stop) break;
    runner.Wait(config_.round_wait_s);
    if (stop) break;
    SweepRoundDone done;
    done.ttl_lo = next_.ttl_lo;
    done.ttl_hi = ttl_hi;
    done.probes = source.size();
    done.targets = targets;
    TellRoundDone(done, &judge);
    ++next_.index;
    next_.swept_max = ttl_hi;
    next_.ttl_lo = ttl_hi + 1;
    if (next_.ttl_lo > ttl_max) break;
    std::lock_guard<std::mutex> lock(mutex_);
    round_targets = locate::TargetsToSweepDeeper(*table_, judge, ttl_hi);
  }
  return absl::OkStatus();
}

// The rows of the retry round next_ names: the test and every control at each TTL where
// the test stayed silent and a control answered (the silence test compares them row by
// row), at this retry's attempt number.
std::vector<probe::ProbeSpec> LocateSweep::RetryRows(const locate::JudgeOptions& judge) {
  std::vector<probe::ProbeSpec> specs;
  std::lock_guard<std::mutex> lock(mutex_);
  // A screened sweep's TTL max row is the screen's: its silent test cells are retried too,
  // as the full sweep's would be (fewer rows would weaken the silence test).
  const int ttl_limit = Screening() ? table_->layout().ttl_max : next_.swept_max;
  for (const locate::CellRef& cell : locate::SilentTestCells(*table_, judge, ttl_limit)) {
    for (const targets::ProbeKind& kind : table_->layout().kinds) {
      probe::ProbeSpec spec;
      spec.target = table_->targets().At(cell.target_index);
      spec.type = kind.type;
      spec.port = kind.port;
      spec.ttl = static_cast<uint8_t>(cell.ttl);
      spec.attempt = static_cast<uint8_t>(config_.attempts + next_.retry_index);
      specs.push_back(spec);
    }
  }
  return specs;
}

// Until the silence proves a drop or the attempts run out.
absl::Status LocateSweep::RunRetries(ProbeRunner& runner, const locate::JudgeOptions& judge,
                                     const std::atomic<bool>& stop) {
  for (; next_.retry_index < config_.retries && !stop; ++next_.retry_index) {
    std::vector<probe::ProbeSpec> specs = RetryRows(judge);
    if (specs.empty()) break;
    SweepRoundDone done;
    done.phase = SweepRoundDone::Phase::kRetry;
    done.attempt = config_.attempts + next_.retry_index;
    done.probes = specs.size();
    done.ttl_lo = 255;
    absl::flat_hash_set<wire::IpAddress> targets;
    for (const probe::ProbeSpec& spec : specs) {
      targets.insert(spec.target);
      done.ttl_lo = std::min<int>(done.ttl_lo, spec.ttl);
      done.ttl_hi = std::max<int>(done.ttl_hi, spec.ttl);
    }
    done.targets = targets.size();
    ListSource source(std::move(specs));
    RETURN_IF_ERROR(runner.SendAll(source, config_.seed + next_.index, stop));
    if (stop) break;
    // The last retry's replies arrive during the cooldown; its line comes before it.
    if (next_.retry_index + 1 < config_.retries) runner.Wait(config_.round_wait_s);
    if (stop) break;
    TellRoundDone(std::move(done), &judge);
    ++next_.index;
  }
  return absl::OkStatus();
}

void LocateSweep::TellRoundDone(SweepRoundDone done, const locate::JudgeOptions* judge) {
  if (!config_.on_round) return;
  done.index = next_.index;
  if (judge != nullptr) {
    std::vector<locate::Verdict> verdicts;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      verdicts = locate::JudgeAll(*table_, *judge);
    }
    std::vector<uint64_t> counts;
    for (const locate::Verdict& verdict : verdicts) {
      const auto kind = static_cast<size_t>(verdict.verdict);
      if (counts.size() <= kind) counts.resize(kind + 1);
      ++counts[kind];
    }
    for (size_t kind = 0; kind < counts.size(); ++kind) {
      if (counts[kind] != 0) {
        done.verdicts.emplace_back(static_cast<locate::VerdictKind>(kind), counts[kind]);
      }
    }
  }
  config_.on_round(done);
}

absl::StatusOr<report::ScanStats> LocateSweep::RunLive(SessionConfig session_config,
                                                       const probe::ProbeCodec& codec,
                                                       ReplyHandler on_reply,
                                                       const locate::JudgeOptions& judge,
                                                       const std::atomic<bool>& stop) {
  session_config.matcher = LocateMatcherConfig(config_, *table_, session_config.sources);
  if (!config_.resume_path.empty()) {
    // Saved (or removed) at the end, by the user the run switched to.
    session_config.written_after_drop.emplace_back("--resume", config_.resume_path);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ProbeSession> session,
                   ProbeSession::Start(session_config, codec, std::move(on_reply)));
  SessionRunner runner(*session);
  RETURN_IF_ERROR(Run(runner, judge, stop));
  return session->Finish(config_.cooldown_s);
}

absl::StatusOr<report::ScanStats> LocateSweep::ReadSavedCapture(
    const std::string& path, const probe::ProbeCodec& codec, const wire::SourceAddresses& sources,
    const ReplyHandler& on_reply, const std::function<absl::Status()>& before_reading) {
  match::Matcher matcher(codec, LocateMatcherConfig(config_, *table_, sources));
  return ReadCaptureFile(path, matcher, on_reply, before_reading);
}

absl::Status LocateSweep::Conclude(bool interrupted) {
  if (config_.resume_path.empty()) return absl::OkStatus();
  if (interrupted) {
    std::lock_guard<std::mutex> lock(mutex_);
    return WriteLocateResume(config_.resume_path, {plan_id_, next_, seen_replies_});
  }
  if (std::remove(config_.resume_path.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(absl::StrCat("cannot remove resume file '", config_.resume_path,
                                               "': ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

match::MatcherConfig LocateMatcherConfig(const LocateSweepConfig& config,
                                         const locate::ObservationTable& table,
                                         const wire::SourceAddresses& sources) {
  match::MatcherConfig matcher;
  matcher.source_v4 = sources.v4;
  matcher.source_v6 = sources.v6;
  matcher.targets = &table.targets();
  matcher.ttl_min = table.layout().ttl_min;
  matcher.ttl_max = table.layout().ttl_max;
  matcher.attempts = static_cast<uint8_t>(config.attempts + config.retries);
  match::RestrictToKinds(table.layout().kinds, &matcher);
  matcher.max_reply_age_us =
      match::ReplyAgeForWait(std::max(config.round_wait_s, config.cooldown_s));
  return matcher;
}

std::string LocatePlanId(const LocateSweepConfig& config, const locate::ObservationTable& table,
                         const std::vector<std::string>& probe_names,
                         const targets::GroupPrefixes& group_prefixes,
                         const std::string& key_id) {
  uint64_t ranges_hash = 1469598103934665603ull;  // FNV-1a over the target ranges
  for (const targets::IpRange range : table.targets().ranges()) {
    // IPv4 ranges hash their two 32-bit addresses, as plan ids did before IPv6, so a
    // resume file of an IPv4 run stays valid; IPv6 ranges hash all four 32-bit words.
    for (const wire::IpAddress& address : {range.first, range.last}) {
      for (int word = address.is_v4() ? 0 : 3; word >= 0; --word) {
        ranges_hash = (ranges_hash ^ static_cast<uint32_t>(address.value() >> (32 * word))) *
                      1099511628211ull;
      }
    }
  }
  std::string probes;
  for (const std::string& name : probe_names) {
    absl::StrAppend(&probes, probes.empty() ? "" : ",", name);
  }
  for (char& c : probes) c = c == ' ' ? '_' : c;
  const locate::LocateLayout& layout = table.layout();
  return absl::StrCat("targets=", table.targets().size(), "/", absl::Hex(ranges_hash),
                      " probes=", probes, " ttl=", layout.ttl_min, "-", layout.ttl_max,
                      " window=", config.window, " attempts=", config.attempts, "+", config.retries,
                      " group=", group_prefixes.v4,
                      // IPv4-only plans keep the id they had before IPv6 (resume files).
                      table.targets().CountV6() == 0 ? "" : absl::StrCat("/", group_prefixes.v6),
                      " key=", key_id, " seed=", config.seed,
                      // Plans without a screen keep the id they had before it.
                      config.screen ? absl::StrCat(" screen=", config.screen_sample, "/",
                                                   config.screen_companions)
                                    : "");
}

std::string IncompleteReason(const std::atomic<bool>& stop, report::ScanStats* stats) {
  if (stop) stats->interrupted = true;
  if (stats->interrupted) return "interrupted";
  if (stats->pcap_dropped + stats->pcap_ifdropped > 0 ||
      (stats->dpdk && stats->dpdk->imissed > 0)) {
    return "capture_loss";
  }
  if (stats->send_errors > 0) return "send_errors";
  // Replies after the cut of a capture file are missing, not absent.
  if (stats->capture_truncated) return "capture_truncated";
  return "";
}

}  // namespace cutpoint::session
