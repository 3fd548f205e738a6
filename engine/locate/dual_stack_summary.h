// SPDX-License-Identifier: Apache-2.0
// Host-by-host comparison of the two families of dual-stack hosts (a target list that
// pairs "IPV4 IPV6" per line): which hosts are filtered on one family and not the other.
#ifndef CUTPOINT_ENGINE_LOCATE_DUAL_STACK_SUMMARY_H_
#define CUTPOINT_ENGINE_LOCATE_DUAL_STACK_SUMMARY_H_

#include <string>
#include <vector>

#include "engine/locate/verdict.h"
#include "engine/targets/dual_stack.h"

namespace cutpoint::locate {

// Sets each paired target's `dual_stack_peer` to the other family's address.
void MarkDualStackPeers(const std::vector<targets::DualStackPair>& pairs,
                        std::vector<Verdict>* verdicts);

// Hosts listed one per line before the rest are only counted: a hitlist may pair millions.
inline constexpr int kMaxDualStackHostLines = 20;

// With paired verdicts: one count line per test port ("dual-stack hosts on TCP 25: 2
// filtered on IPv4 only, …"), then a line per host filtered on one family while the other
// family reaches it (reachable or closed). A host with an undecided side (inconclusive,
// unreachable) is never called family-specific. Empty without pairs.
std::vector<std::string> CompareDualStackHosts(const std::vector<Verdict>& verdicts);

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_DUAL_STACK_SUMMARY_H_
