// SPDX-License-Identifier: Apache-2.0
// The probes of one shard of a plan, in keyed random order, with O(1) memory.
//
// Targets are dealt to shards through a keyed permutation of the target indices, and
// shard i takes the permuted positions [T*i/N, T*(i+1)/N): shards are disjoint, cover
// every target exactly once, and their boundaries depend only on the seed and the shard
// count — never on threads or cores. Every probe of a target (all its kinds, TTLs and
// attempts) falls in the target's shard. Inside a shard the probes are walked in a second
// keyed permutation, so no target or router sees a burst. An unsharded run has nothing to
// deal: its probe order alone is keyed and random, so the target permutation (a second
// network evaluation per probe) is skipped.
#ifndef CUTPOINT_ENGINE_TARGETS_SHARD_ORDER_H_
#define CUTPOINT_ENGINE_TARGETS_SHARD_ORDER_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "engine/base/fast_divisor.h"
#include "engine/probe/probe_codec.h"
#include "engine/targets/group_prefix.h"
#include "engine/targets/permutation.h"
#include "engine/targets/probe_plan.h"

namespace cutpoint::targets {

class ShardOrder {
 public:
  static absl::StatusOr<ShardOrder> Create(const ProbePlan& plan, uint64_t seed,
                                           uint32_t shard_count, uint32_t shard_index);

  uint64_t size() const { return probe_order_.size(); }  // probes in this shard
  uint64_t target_count() const { return last_target_ - first_target_; }
  // The probe sent at `position` (< size()).
  probe::ProbeSpec At(uint64_t position) const;
  // out[i] = At(position + i) for i < n, position + n <= size(): both permutations run as
  // batches (KeyedPermutation::AtBatch, Apply), several times faster per probe, and the
  // more so the larger n (cycle walking's tail is paid once per call; 1024 is best).
  void Fill(uint64_t position, size_t n, probe::ProbeSpec* out) const;
  // Whether `target` is one of this shard's targets: replies to another shard's targets
  // (a shard running beside this one from the same address, with the same key) are not
  // this shard's to record.
  bool Holds(const IpAddress& target) const;
  // Index in the plan's target set of the shard's `local`-th target.
  uint64_t TargetIndex(uint64_t local) const {
    return dealt_ ? target_order_.At(first_target_ + local) : local;
  }

 private:
  ShardOrder(const ProbePlan& plan, KeyedPermutation target_order, uint64_t first_target,
             uint64_t last_target, KeyedPermutation probe_order, uint64_t probes_per_target)
      : plan_(&plan),
        target_order_(target_order),
        first_target_(first_target),
        last_target_(last_target),
        probe_order_(probe_order),
        probes_per_target_(probes_per_target),
        dealt_(last_target - first_target < plan.targets().size()) {}

  const ProbePlan* plan_;
  KeyedPermutation target_order_;
  uint64_t first_target_;
  uint64_t last_target_;
  KeyedPermutation probe_order_;
  base::FastDivisor probes_per_target_;
  bool dealt_;  // whether the targets were dealt to shards (target_order_ is in use)
};

// Shard of a target set that keeps whole groups (locate's control groups, see group_prefix.h)
// together: the groups present in `targets` are dealt to shards through a keyed
// permutation, as targets are in ShardOrder. Memory is O(groups).
absl::StatusOr<TargetSet> ShardByGroup(const TargetSet& targets, const GroupPrefixes& prefixes,
                                       uint64_t seed, uint32_t shard_count, uint32_t shard_index);

// ShardByGroup over `targets` without `hosts`, then `hosts` added to every shard (e.g.
// locate's explicit control hosts, which every shard needs). An empty shard is refused.
absl::StatusOr<TargetSet> ShardByGroupKeepingHosts(const TargetSet& targets,
                                                   const std::vector<IpAddress>& hosts,
                                                   const GroupPrefixes& prefixes, uint64_t seed,
                                                   uint32_t shard_count, uint32_t shard_index);

// Derives independent sub-seeds (target order, per-shard probe order) from one seed.
uint64_t DeriveSeed(uint64_t seed, uint64_t label);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_SHARD_ORDER_H_
