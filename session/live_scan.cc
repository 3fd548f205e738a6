// SPDX-License-Identifier: Apache-2.0
#include "session/live_scan.h"

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/targets/permutation.h"
#include "engine/targets/shard_order.h"
#include "session/probe_source.h"
#include "session/work_ranges.h"

namespace cutpoint::session {
namespace {

// The positions to send: all of them, or what the resume file says is left.
absl::StatusOr<std::vector<PositionRange>> WorkToDo(const std::string& resume_path,
                                                    const std::string& order_id,
                                                    uint64_t positions) {
  std::vector<PositionRange> all = {{0, positions}};
  if (resume_path.empty()) return all;
  ASSIGN_OR_RETURN(ResumeState resume, ReadResumeFile(resume_path));
  if (resume.order_id.empty()) return all;  // no file yet: a fresh run
  if (resume.order_id != order_id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "resume file '", resume_path, "' belongs to another scan (", resume.order_id,
        "; this one is ", order_id, "): use the same targets, probes, --seed and shards"));
  }
  return resume.remaining;
}

// Saves what is left at every checkpoint; the first failure is kept for the end.
class ResumeSaver {
 public:
  ResumeSaver(const std::string& path, const std::string& order_id)
      : path_(path), order_id_(order_id) {}
  CheckpointHandler Handler() {
    if (path_.empty()) return nullptr;
    return [this](const std::vector<PositionRange>& remaining) {
      absl::Status written = WriteResumeFile(path_, {order_id_, remaining});
      if (!written.ok()) status_ = written;
    };
  }
  const absl::Status& status() const { return status_; }

 private:
  const std::string& path_;
  const std::string& order_id_;
  absl::Status status_;
};

}  // namespace

std::string SendOrderId(const targets::ProbePlan& plan, const LiveScanOptions& options) {
  return absl::StrCat("order=", targets::KeyedPermutation::kOrderVersion, " seed=", options.seed, " shards=", options.shard_count,
                      " shard=", options.shard_index, " probes=", plan.size(),
                      " targets=", plan.targets().size());
}

absl::StatusOr<bool> ResumeIsFinished(const targets::ProbePlan& plan,
                                      const LiveScanOptions& options) {
  if (options.resume_path.empty()) return false;
  ASSIGN_OR_RETURN(ResumeState resume, ReadResumeFile(options.resume_path));
  if (resume.order_id.empty()) return false;
  ASSIGN_OR_RETURN(std::vector<PositionRange> work,
                   WorkToDo(options.resume_path, SendOrderId(plan, options), 1));
  return work.empty();
}

absl::StatusOr<report::ScanStats> RunLiveScan(const SessionConfig& config,
                                              const probe::ProbeCodec& codec,
                                              const targets::ProbePlan& plan,
                                              const LiveScanOptions& options,
                                              const ReplyHandler& on_reply,
                                              const std::atomic<bool>& stop_requested) {
  ASSIGN_OR_RETURN(
      targets::ShardOrder order,
      targets::ShardOrder::Create(plan, options.seed, options.shard_count, options.shard_index));
  std::string order_id = SendOrderId(plan, options);
  ASSIGN_OR_RETURN(std::vector<PositionRange> work,
                   WorkToDo(options.resume_path, order_id, order.size()));
  SessionConfig session_config = config;
  if (options.shard_count > 1) session_config.matcher.shard = &order;
  if (!options.resume_path.empty()) {
    // Refused before any probe is sent, not at the first checkpoint.
    session_config.written_after_drop.emplace_back("--resume", options.resume_path);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ProbeSession> session,
                   ProbeSession::Start(session_config, codec, on_reply));
  ShardSource source(order);
  ResumeSaver saver(options.resume_path, order_id);
  std::vector<PositionRange> remaining;
  RETURN_IF_ERROR(session->Send(source, work, stop_requested, &remaining, saver.Handler()));
  RETURN_IF_ERROR(saver.status());
  ASSIGN_OR_RETURN(report::ScanStats stats, session->Finish(options.cooldown_s));
  if (stats.interrupted) {
    stats.probes_unsent = TotalPositions(remaining);
    stats.resume_file = options.resume_path;
  }
  return stats;
}

}  // namespace cutpoint::session
