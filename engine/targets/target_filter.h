// SPDX-License-Identifier: Apache-2.0
// Narrowing a target set before a run: an allowlist, blocklists (opt-outs, zmap's
// blocklist.conf format) and the reserved ranges — refused by default, or subtracted with
// --skip-reserved so that internet-wide runs (0.0.0.0/0) need no hand-made exclusions.
// Everything is range arithmetic: O(ranges) whatever the number of addresses.
#ifndef CUTPOINT_ENGINE_TARGETS_TARGET_FILTER_H_
#define CUTPOINT_ENGINE_TARGETS_TARGET_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "engine/targets/target_set.h"

namespace cutpoint::targets {

// Reads a prefix list in zmap's blocklist.conf format: one "a.b.c.d/len" or "a.b.c.d"
// per line, '#' starts a comment (whole-line or trailing), blank lines are ignored, and
// ranges may overlap or repeat. Unlike zmap, a line that is not exactly one address or
// prefix is an error naming the file and line (zmap resolves hostnames and ignores
// trailing words; an opt-out list must not depend on DNS or be half read). A file of
// only comments is an empty list. `what` names the list in errors ("blocklist").
absl::StatusOr<TargetSet> ReadPrefixList(const std::string& path, absl::string_view what);

struct TargetFilter {
  std::optional<TargetSet> allowlist;  // only these are probed
  TargetSet blocklist;                 // never probed, whatever else is given
  TargetSet allowed_reserved;          // from ParseAllowedReserved
  bool skip_reserved = false;          // subtract reserved ranges instead of refusing
};

struct FilteredTargets {
  TargetSet targets;
  uint64_t blocklisted = 0;       // addresses the blocklist removed
  uint64_t reserved_skipped = 0;  // reserved addresses --skip-reserved removed
};

// Applies, in order: allowlist, blocklist, then the reserved ranges outside
// `allowed_reserved` — subtracted with skip_reserved, otherwise refused with
// PermissionDenied naming every one (CheckReservedTargets). Ranges no flag unlocks are
// always subtracted or refused. An empty result is InvalidArgument.
absl::StatusOr<FilteredTargets> FilterTargets(TargetSet targets, const TargetFilter& filter);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_TARGET_FILTER_H_
