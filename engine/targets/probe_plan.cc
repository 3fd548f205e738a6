#include "engine/targets/probe_plan.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cutpoint::targets {

absl::StatusOr<ProbePlan> ProbePlan::Create(TargetSet targets, std::vector<ProbeKind> kinds,
                                            uint8_t ttl_min, uint8_t ttl_max,
                                            uint8_t attempts) {
  if (targets.empty()) return absl::InvalidArgumentError("no targets given");
  if (kinds.empty()) return absl::InvalidArgumentError("no probe types given");
  if (ttl_min == 0 || ttl_min > ttl_max) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad TTL range ", ttl_min, "-", ttl_max, " (expected 1 <= MIN <= MAX <= 255)"));
  }
  if (attempts < 1 || attempts > probe::kMaxAttempts) {
    return absl::InvalidArgumentError(
        absl::StrCat("attempts must be 1..", probe::kMaxAttempts, ", got ", attempts));
  }
  uint64_t per_target = kinds.size() * uint64_t{static_cast<uint64_t>(ttl_max - ttl_min) + 1} * attempts;
  if (targets.size() > UINT64_MAX / per_target) {
    return absl::InvalidArgumentError("probe space larger than 2^64 probes");
  }
  ProbePlan plan;
  plan.targets_ = std::move(targets);
  plan.kinds_ = std::move(kinds);
  plan.ttl_min_ = ttl_min;
  plan.ttl_max_ = ttl_max;
  plan.attempts_ = attempts;
  plan.size_ = plan.targets_.size() * per_target;
  return plan;
}

probe::ProbeSpec ProbePlan::SpecAt(uint64_t index) const {
  uint64_t ttl_count = uint64_t{static_cast<uint64_t>(ttl_max_ - ttl_min_)} + 1;
  probe::ProbeSpec spec;
  spec.attempt = static_cast<uint8_t>(index % attempts_);
  index /= attempts_;
  spec.ttl = static_cast<uint8_t>(ttl_min_ + index % ttl_count);
  index /= ttl_count;
  const ProbeKind& kind = kinds_[index % kinds_.size()];
  index /= kinds_.size();
  spec.type = kind.type;
  spec.port = kind.port;
  spec.target = targets_.At(index);
  return spec;
}

}  // namespace cutpoint::targets
