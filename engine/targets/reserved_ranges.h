// SPDX-License-Identifier: Apache-2.0
// The IANA IPv4 and IPv6 special-purpose address registries (RFC 6890 and successors),
// plus multicast and the reserved class E block. Probing any of these needs explicit consent
// (--allow-reserved PREFIX), and some of them can never be probed at all.
#ifndef CUTPOINT_ENGINE_TARGETS_RESERVED_RANGES_H_
#define CUTPOINT_ENGINE_TARGETS_RESERVED_RANGES_H_

#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/targets/target_set.h"

namespace cutpoint::targets {

struct ReservedRange {
  IpRange range;
  absl::string_view name;
  // False for 0.0.0.0/8, 127.0.0.0/8, multicast, class E and the limited broadcast:
  // a probe there is never meaningful on the internet nor in a lab (it loops back,
  // floods a segment, or is dropped by every stack), so no flag unlocks them.
  bool unlockable = true;
};

// IPv4 first, then IPv6; in each family by first address, a block before the blocks
// inside it (255.255.255.255/32 lies inside 240.0.0.0/4, 2001:2::/48 inside 2001::/23).
std::span<const ReservedRange> ReservedRanges();

// The union of every reserved range.
TargetSet ReservedSet();
// The union of the reserved ranges a flag may unlock (ReservedRange::unlockable); those
// nested in a range that is not (255.255.255.255/32 in 240.0.0.0/4) are left out.
TargetSet UnlockableReservedSet();

// Parses --allow-reserved values, each "PREFIX[,PREFIX...]". Every prefix must lie inside
// one unlockable reserved range (so "0.0.0.0/0" or a public prefix unlocks nothing by
// accident); errors are InvalidArgument and name the offending prefix.
absl::StatusOr<TargetSet> ParseAllowedReserved(std::span<const std::string> values);

// OK when no address of `targets` lies in a reserved range outside `allowed`; otherwise
// PermissionDenied naming every such reserved range at once (not only the first), each
// with a target range that reaches into it.
absl::Status CheckReservedTargets(const TargetSet& targets, const TargetSet& allowed);
inline absl::Status CheckNoReservedTargets(const TargetSet& targets) {
  return CheckReservedTargets(targets, TargetSet());
}

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_RESERVED_RANGES_H_
