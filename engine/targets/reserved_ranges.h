// The IANA IPv4 special-purpose address registry (RFC 6890 and successors), plus
// multicast and the reserved class E block. Probing any of these needs explicit consent.
#ifndef CUTPOINT_ENGINE_TARGETS_RESERVED_RANGES_H_
#define CUTPOINT_ENGINE_TARGETS_RESERVED_RANGES_H_

#include <span>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "engine/targets/target_set.h"

namespace cutpoint::targets {

struct ReservedRange {
  Ipv4Range range;
  absl::string_view name;
};

std::span<const ReservedRange> ReservedRanges();

// Error naming the first target range that overlaps a reserved range, OK otherwise.
absl::Status CheckNoReservedTargets(const TargetSet& targets);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_RESERVED_RANGES_H_
