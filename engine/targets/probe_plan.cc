// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/probe_plan.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/targets/scan_spec_fill.h"

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
  plan.per_target_ = per_target;
  plan.by_attempts_ = base::FastDivisor(attempts);
  plan.by_ttls_ = base::FastDivisor(static_cast<uint64_t>(ttl_max - ttl_min) + 1);
  plan.by_kinds_ = base::FastDivisor(plan.kinds_.size());
  plan.by_per_target_ = base::FastDivisor(per_target);
  const IpRange* single = plan.targets_.SingleRange();
  plan.scan_shaped_ = ScanSpecFillSupported() && single != nullptr && single->first.is_v4() &&
                      plan.size_ < (uint64_t{1} << 52);
  // A trace's few probes per target (TTLs x kinds x attempts) are looked up, not divided.
  if (plan.scan_shaped_ && per_target > plan.kinds_.size() && per_target <= kMaxWithinWords) {
    plan.within_table_ = MakeWithinWords(plan.kinds_, ttl_min,
                                         static_cast<uint64_t>(ttl_max - ttl_min) + 1, 0, attempts);
  }
  return plan;
}

probe::ProbeSpec ProbePlan::SpecAt(uint64_t index) const {
  probe::ProbeSpec spec;
  uint64_t rest = 0;
  index = by_attempts_.DivMod(index, &rest);
  spec.attempt = static_cast<uint8_t>(rest);
  index = by_ttls_.DivMod(index, &rest);
  spec.ttl = static_cast<uint8_t>(ttl_min_ + rest);
  index = by_kinds_.DivMod(index, &rest);
  const ProbeKind& kind = kinds_[rest];
  spec.type = kind.type;
  spec.port = kind.port;
  spec.target = targets_.At(index);
  return spec;
}

void ProbePlan::FillSpecs(const uint64_t* target_indices, const uint64_t* within, size_t n,
                          probe::ProbeSpec* out) const {
  const IpRange* single = targets_.SingleRange();
  const bool kinds_only = by_attempts_.divisor() == 1 && by_ttls_.divisor() == 1;
  // within < per_target_, a multiple of every divisor below: its digits are the index's.
  for (size_t i = 0; i < n; ++i) {
    probe::ProbeSpec& spec = out[i];
    uint64_t kind_index = within[i];
    if (kinds_only) {
      spec.attempt = 0;
      spec.ttl = ttl_min_;
    } else {
      uint64_t rest = 0;
      kind_index = by_attempts_.DivMod(kind_index, &rest);
      spec.attempt = static_cast<uint8_t>(rest);
      kind_index = by_ttls_.DivMod(kind_index, &rest);
      spec.ttl = static_cast<uint8_t>(ttl_min_ + rest);
    }
    const ProbeKind& kind = kinds_[kind_index];  // < kinds_.size(): the last digit
    spec.type = kind.type;
    spec.port = kind.port;
    spec.target = single != nullptr
                      ? IpAddress::FromValue(single->first.value() + target_indices[i])
                      : targets_.At(target_indices[i]);
  }
}

void ProbePlan::FillLocal(uint64_t first_target, const uint64_t* local, size_t n,
                          probe::ProbeSpec* out) const {
  size_t done = 0;
  if (scan_shaped_) {
    const ScanSpecShape shape{targets_.SingleRange()->first.low(),
                              per_target_,
                              by_attempts_.divisor(),
                              by_ttls_.divisor(),
                              kinds_.data(),
                              kinds_.size(),
                              within_table_.empty() ? nullptr : within_table_.data(),
                              ttl_min_};
    done = FillScanSpecs(shape, first_target, local, n, out);
  }
  constexpr size_t kBlock = 256;
  uint64_t target_index[kBlock];
  uint64_t within[kBlock];
  while (done < n) {
    const size_t count = std::min(kBlock, n - done);
    for (size_t i = 0; i < count; ++i) {
      target_index[i] = first_target + by_per_target_.DivMod(local[done + i], &within[i]);
    }
    FillSpecs(target_index, within, count, out + done);
    done += count;
  }
}

}  // namespace cutpoint::targets
