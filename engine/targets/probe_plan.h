// SPDX-License-Identifier: Apache-2.0
// The probe index space of a scan: targets × probe kinds × TTLs × attempts, with an
// index <-> probe mapping so the sender can walk it in a keyed random order.
#ifndef CUTPOINT_ENGINE_TARGETS_PROBE_PLAN_H_
#define CUTPOINT_ENGINE_TARGETS_PROBE_PLAN_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/base/fast_divisor.h"
#include "engine/probe/probe_codec.h"
#include "engine/targets/target_set.h"

namespace cutpoint::targets {

// One probe kind: a TCP SYN to a port, or an ICMP echo (port 0).
struct ProbeKind {
  probe::ProbeType type = probe::ProbeType::kTcpSyn;
  uint16_t port = 0;
  friend bool operator==(const ProbeKind&, const ProbeKind&) = default;
};

class ProbePlan {
 public:
  // Fails on an empty target set or kind list, ttl_min 0 or > ttl_max, attempts outside
  // 1..kMaxAttempts, or a space that overflows 64 bits.
  static absl::StatusOr<ProbePlan> Create(TargetSet targets, std::vector<ProbeKind> kinds,
                                          uint8_t ttl_min, uint8_t ttl_max, uint8_t attempts);

  uint64_t size() const { return size_; }
  probe::ProbeSpec SpecAt(uint64_t index) const;
  // Probes per target: kinds x TTLs x attempts. Index = target index x this + within.
  uint64_t probes_per_target() const { return per_target_; }
  // out[i] = SpecAt(target_indices[i] * probes_per_target() + within[i]) for i < n, with
  // every within[i] < probes_per_target() (no 64-bit division on the way).
  void FillSpecs(const uint64_t* target_indices, const uint64_t* within, size_t n,
                 probe::ProbeSpec* out) const;
  // out[i] = SpecAt(first_target * probes_per_target() + local[i]) for i < n: plans over one
  // IPv4 range through the AVX-512 kernel where the CPU has it (scan_spec_fill.h), else
  // FillSpecs after a division each.
  void FillLocal(uint64_t first_target, const uint64_t* local, size_t n,
                 probe::ProbeSpec* out) const;

  const TargetSet& targets() const { return targets_; }
  const std::vector<ProbeKind>& kinds() const { return kinds_; }
  uint8_t ttl_min() const { return ttl_min_; }
  uint8_t ttl_max() const { return ttl_max_; }
  uint8_t attempts() const { return attempts_; }

 private:
  TargetSet targets_;
  std::vector<ProbeKind> kinds_;
  uint8_t ttl_min_ = 1;
  uint8_t ttl_max_ = 1;
  uint8_t attempts_ = 1;
  uint64_t size_ = 0;
  uint64_t per_target_ = 1;
  // Divisions of SpecAt by constants of the plan.
  base::FastDivisor by_attempts_;
  base::FastDivisor by_ttls_;
  base::FastDivisor by_kinds_;
  base::FastDivisor by_per_target_;
  bool scan_shaped_ = false;  // FillLocal may run the kernel
  // For the kernel, when probes per target are few (up to kMaxWithinWords): entry w holds
  // probe w of a target as the kernel's spec word (ScanSpecShape::within_words).
  std::vector<uint64_t> within_table_;
};

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_PROBE_PLAN_H_
