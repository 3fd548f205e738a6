// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/shard_order.h"

#include <algorithm>
#include <iterator>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"

namespace cutpoint::targets {
namespace {

// floor(total * part / parts) without overflow.
uint64_t Split(uint64_t total, uint64_t part, uint64_t parts) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(total) * part) / parts);
}

}  // namespace

uint64_t DeriveSeed(uint64_t seed, uint64_t label) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (label + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

absl::StatusOr<ShardOrder> ShardOrder::Create(const ProbePlan& plan, uint64_t seed,
                                              uint32_t shard_count, uint32_t shard_index) {
  if (shard_count == 0 || shard_index >= shard_count) {
    return absl::InvalidArgumentError(absl::StrCat("bad shard ", shard_index, " of ", shard_count,
                                                   " (shards are numbered 0..N-1)"));
  }
  uint64_t targets = plan.targets().size();
  uint64_t per_target = plan.size() / targets;
  uint64_t first = Split(targets, shard_index, shard_count);
  uint64_t last = Split(targets, shard_index + 1, shard_count);
  KeyedPermutation target_order(targets, DeriveSeed(seed, 0));
  KeyedPermutation probe_order((last - first) * per_target, DeriveSeed(seed, 1 + shard_index));
  return ShardOrder(plan, target_order, first, last, probe_order, per_target);
}

absl::StatusOr<TargetSet> ShardByGroup(const TargetSet& targets, const GroupPrefixes& prefixes,
                                       uint64_t seed, uint32_t shard_count, uint32_t shard_index) {
  if (shard_count == 0 || shard_index >= shard_count) {
    return absl::InvalidArgumentError(absl::StrCat("bad shard ", shard_index, " of ", shard_count,
                                                   " (shards are numbered 0..N-1)"));
  }
  if (prefixes.v4 < 0 || prefixes.v4 > 32 || prefixes.v6 < 1 || prefixes.v6 > 128) {
    return absl::InvalidArgumentError("bad group prefix length");
  }
  constexpr uint64_t kMaxGroups = uint64_t{1} << 24;
  std::vector<IpAddress> groups;  // each group's first address, ascending, distinct
  for (const IpRange range : targets.ranges()) {
    IpAddress group = GroupOf(range.first, prefixes);
    while (true) {
      if (groups.empty() || groups.back() != group) groups.push_back(group);
      if (groups.size() > kMaxGroups) {
        return absl::InvalidArgumentError("too many groups to shard; use a shorter group prefix");
      }
      IpAddress last = GroupLast(group, prefixes);
      if (last >= range.last) break;
      group = GroupOf(IpAddress::FromValue(last.value() + 1), prefixes);
    }
  }
  KeyedPermutation order(groups.size(), DeriveSeed(seed, 0x67726f7570));
  uint64_t begin = Split(groups.size(), shard_index, shard_count);
  uint64_t end = Split(groups.size(), shard_index + 1, shard_count);
  std::vector<IpRange> blocks;
  uint64_t indices[1024];
  for (uint64_t position = begin; position < end;) {
    const size_t count =
        static_cast<size_t>(std::min<uint64_t>(std::size(indices), end - position));
    order.AtBatch(position, count, indices);
    for (size_t i = 0; i < count; ++i) {
      IpAddress group = groups[indices[i]];
      blocks.push_back({group, GroupLast(group, prefixes)});
    }
    position += count;
  }
  return targets.Intersect(TargetSet::FromRanges(std::move(blocks)));
}

probe::ProbeSpec ShardOrder::At(uint64_t position) const {
  uint64_t local = probe_order_.At(position);
  uint64_t within = 0;
  uint64_t target_index = TargetIndex(probes_per_target_.DivMod(local, &within));
  return plan_->SpecAt(target_index * probes_per_target_.divisor() + within);
}

bool ShardOrder::Holds(const IpAddress& target) const {
  const int64_t index = plan_->targets().IndexOf(target);
  if (index < 0) return false;
  if (!dealt_) return true;
  const uint64_t position = target_order_.IndexOf(static_cast<uint64_t>(index));
  return position >= first_target_ && position < last_target_;
}

void ShardOrder::Fill(uint64_t position, size_t n, probe::ProbeSpec* out) const {
  // Lanes per batch: up to the permutation kernels' chunk (their cost per lane falls with it).
  constexpr size_t kBlock = 1024;
  uint64_t within[kBlock];
  uint64_t target_index[kBlock];
  for (size_t done = 0; done < n; done += kBlock) {
    const size_t count = std::min(kBlock, n - done);
    probe_order_.AtBatch(position + done, count, within);  // the shard's local probe index
    if (!dealt_) {
      plan_->FillLocal(first_target_, within, count, out + done);
      continue;
    }
    for (size_t i = 0; i < count; ++i) {
      target_index[i] = first_target_ + probes_per_target_.DivMod(within[i], &within[i]);
    }
    target_order_.Apply(target_index, count, target_index);
    plan_->FillSpecs(target_index, within, count, out + done);
  }
}

absl::StatusOr<TargetSet> ShardByGroupKeepingHosts(const TargetSet& targets,
                                                   const std::vector<IpAddress>& hosts,
                                                   const GroupPrefixes& prefixes, uint64_t seed,
                                                   uint32_t shard_count, uint32_t shard_index) {
  std::vector<IpRange> host_ranges;
  for (const IpAddress& host : hosts) host_ranges.push_back({host, host});
  TargetSet without_hosts = targets.Subtract(TargetSet::FromRanges(host_ranges));
  ASSIGN_OR_RETURN(TargetSet shard, ShardByGroup(without_hosts, prefixes, seed,
                                                 shard_count, shard_index));
  TargetSetBuilder builder;
  builder.AddSet(shard);
  builder.AddSet(TargetSet::FromRanges(std::move(host_ranges)));
  TargetSet result = std::move(builder).Build();
  if (result.empty()) return absl::InvalidArgumentError("this shard holds no targets");
  return result;
}

}  // namespace cutpoint::targets
