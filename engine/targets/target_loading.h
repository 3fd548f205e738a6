// SPDX-License-Identifier: Apache-2.0
// The target set of a run: target specs and files, zmap-style allow- and blocklists, the
// operator's opt-out list, the reserved ranges and a size guard, applied in that order.
#ifndef CUTPOINT_ENGINE_TARGETS_TARGET_LOADING_H_
#define CUTPOINT_ENGINE_TARGETS_TARGET_LOADING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/targets/target_set.h"

namespace cutpoint::targets {

struct TargetOptions {
  std::vector<std::string> specs;            // positional TARGET words
  std::vector<std::string> files;            // --targets-file
  std::vector<std::string> blocklist_files;  // zmap-compatible: these are never probed
  std::vector<std::string> allowlist_files;  // zmap-compatible: only these are probed
  std::vector<std::string> allow_reserved;   // --allow-reserved values
  bool skip_reserved = false;
  // The run sends nothing (e.g. locate --from-pcap judges a saved capture): reserved
  // ranges that a flag could unlock need no consent; those no flag unlocks stay refused.
  bool sends_nothing = false;
  std::string default_blocklist;  // an opt-out list, read when it exists (empty: none)
  uint64_t max_targets = 0;       // 0: no limit
};

// What LoadTargets left out and why, for the meta record and a note on stderr.
struct TargetingReport {
  std::vector<std::string> blocklist_files;   // applied, the default list included
  std::vector<std::string> allowed_reserved;  // normalized --allow-reserved prefixes
  bool skip_reserved = false;
  uint64_t blocklisted = 0;       // addresses removed by the blocklists
  uint64_t reserved_skipped = 0;  // reserved addresses removed by --skip-reserved
  // Dual-stack hosts declared in the targets with both addresses left in the set.
  std::vector<DualStackPair> dual_stack_pairs;
};

// Builds the target set: allowlist, blocklists (the default one included), then the
// reserved ranges (refused unless allowed, or subtracted with --skip-reserved); refuses
// sets larger than max_targets.
absl::StatusOr<TargetSet> LoadTargets(const TargetOptions& options,
                                      TargetingReport* report = nullptr);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_TARGET_LOADING_H_
