// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/screen.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace cutpoint::locate {
namespace {

// A keyed, uniform 64-bit value per (seed, address): the sample and the companions are
// chosen by it, so neither depends on the order of the replies.
uint64_t KeyedRank(uint64_t seed, const wire::IpAddress& address) {
  uint64_t x = seed ^ (static_cast<uint64_t>(address.value() >> 64) * 0x9e3779b97f4a7c15ULL) ^
               static_cast<uint64_t>(address.value());
  // splitmix64 finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

struct GroupPick {
  bool suspicious = false;
  std::vector<std::pair<uint64_t, uint64_t>> clean;  // (rank, target), the lowest ranks kept
};

}  // namespace

bool ScreenedClean(const ObservationTable& table, uint64_t target, int attempts) {
  const Cell& test = table.At(target, kTestKind, table.layout().ttl_max);
  const auto mask = static_cast<uint8_t>((1u << attempts) - 1);
  if (((test.rst_attempts | test.unreach_attempts | test.other_attempts | test.te_attempts) &
       mask) != 0) {
    return false;
  }
  if ((test.synack_attempts & mask) == 0) return false;
  // Silent on an attempt its controls answered, through on another: a filter may pass
  // only a share of the SYNs (partial_drop), which the sweep measures.
  uint8_t controls = 0;
  for (int kind = 1; kind < static_cast<int>(table.layout().kinds.size()); ++kind) {
    controls |= table.At(target, kind, table.layout().ttl_max).answered_attempts();
  }
  const uint8_t test_answered = test.synack_attempts | test.half_open_attempts;
  return (controls & mask & static_cast<uint8_t>(~test_answered)) == 0;
}

std::vector<uint64_t> TargetsToRescreen(const ObservationTable& table, int attempt) {
  std::vector<uint64_t> again;
  for (uint64_t i = 0; i < table.targets().size(); ++i) {
    if (!ScreenedClean(table, i, attempt)) again.push_back(i);
  }
  return again;
}

std::vector<bool> TargetsToSweep(const ObservationTable& table, const ScreenOptions& options) {
  const targets::TargetSet& targets = table.targets();
  std::vector<bool> swept(static_cast<size_t>(targets.size()), false);
  // rank < sample_rate * 2^64 (a rate of 1 samples everything).
  const bool sample_all = options.sample_rate >= 1;
  const auto sample_below =
      static_cast<uint64_t>(std::clamp(options.sample_rate, 0.0, 0.999) * 18446744073709551616.0);
  absl::flat_hash_map<wire::IpAddress, GroupPick> groups;
  for (uint64_t i = 0; i < targets.size(); ++i) {
    const wire::IpAddress address = targets.At(i);
    const bool control_host = std::find(options.control_hosts.begin(), options.control_hosts.end(),
                                        address) != options.control_hosts.end();
    const uint64_t rank = KeyedRank(options.seed, address);
    const bool clean = ScreenedClean(table, i, options.attempts);
    if (!clean || control_host || sample_all || rank < sample_below) {
      swept[static_cast<size_t>(i)] = true;
    }
    if (control_host) continue;
    GroupPick& group = groups[targets::GroupOf(address, options.group_prefixes)];
    if (!clean) {
      group.suspicious = true;
    } else if (options.group_companions > 0) {
      // Keep the `group_companions` lowest ranks: a bounded insertion, groups are small.
      auto& kept = group.clean;
      kept.insert(std::upper_bound(kept.begin(), kept.end(), std::make_pair(rank, i)),
                  std::make_pair(rank, i));
      if (kept.size() > static_cast<size_t>(options.group_companions)) kept.pop_back();
    }
  }
  for (const auto& [key, group] : groups) {
    if (!group.suspicious) continue;
    for (const auto& [rank, index] : group.clean) swept[static_cast<size_t>(index)] = true;
  }
  return swept;
}

void MarkSweptByAnswers(const ObservationTable& table, std::vector<bool>* swept) {
  const LocateLayout& layout = table.layout();
  for (uint64_t i = 0; i < table.targets().size(); ++i) {
    if ((*swept)[static_cast<size_t>(i)]) continue;
    for (int kind = 0; kind < static_cast<int>(layout.kinds.size()); ++kind) {
      for (int ttl = layout.ttl_min; ttl < layout.ttl_max; ++ttl) {
        if (table.At(i, kind, ttl).answered()) {
          (*swept)[static_cast<size_t>(i)] = true;
          kind = static_cast<int>(layout.kinds.size());
          break;
        }
      }
    }
  }
}

}  // namespace cutpoint::locate
