// SPDX-License-Identifier: Apache-2.0
// Dual-stack hosts: one host's IPv4 and IPv6 address, declared together in a target list
// ("198.51.100.7 2001:db8::7" on one line, or "198.51.100.7,2001:db8::7" as a TARGET word),
// so a run can say when a host is filtered on one family and not the other.
#ifndef CUTPOINT_ENGINE_TARGETS_DUAL_STACK_H_
#define CUTPOINT_ENGINE_TARGETS_DUAL_STACK_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::targets {

struct DualStackPair {
  wire::IpAddress v4;
  wire::IpAddress v6;
  friend bool operator==(const DualStackPair&, const DualStackPair&) = default;
};

// Whether a target entry names two addresses (a comma or inner whitespace).
bool IsDualStackEntry(absl::string_view entry);

// "IPV4 IPV6" or "IPV6,IPV4" (either order, one separator of commas/blanks): two host
// addresses, one of each family. Prefixes are refused: a pair names one host.
absl::StatusOr<DualStackPair> ParseDualStackPair(absl::string_view entry);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_DUAL_STACK_H_
