// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/dual_stack_summary.h"

#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/locate/summary.h"

namespace cutpoint::locate {
namespace {

using wire::IpAddress;
using wire::IpAddressToString;

enum class Side { kFiltered, kPasses, kUndecided };

Side SideOf(const Verdict& verdict) {
  if (IsBlocking(verdict.verdict)) return Side::kFiltered;
  if (verdict.verdict == VerdictKind::kReachable || verdict.verdict == VerdictKind::kClosed) {
    return Side::kPasses;
  }
  return Side::kUndecided;
}

struct PortCounts {
  int v4_only = 0;
  int v6_only = 0;
  int both = 0;
  int neither = 0;
  int undecided = 0;
};

std::string HostLine(const Verdict& v4, const Verdict& v6) {
  const bool v4_filtered = SideOf(v4) == Side::kFiltered;
  return absl::StrCat("dual-stack host ", IpAddressToString(v4.target), " / ",
                      IpAddressToString(v6.target), ": filtered on ", v4_filtered ? "IPv4" : "IPv6",
                      " only -- IPv4: ", DescribeVerdict(v4), "; IPv6: ", DescribeVerdict(v6));
}

}  // namespace

void MarkDualStackPeers(const std::vector<targets::DualStackPair>& pairs,
                        std::vector<Verdict>* verdicts) {
  if (pairs.empty()) return;
  absl::flat_hash_map<IpAddress, IpAddress> peer_of;
  peer_of.reserve(pairs.size() * 2);
  for (const targets::DualStackPair& pair : pairs) {
    peer_of[pair.v4] = pair.v6;
    peer_of[pair.v6] = pair.v4;
  }
  for (Verdict& verdict : *verdicts) {
    if (auto it = peer_of.find(verdict.target); it != peer_of.end()) {
      verdict.dual_stack_peer = it->second;
    }
  }
}

std::vector<std::string> CompareDualStackHosts(const std::vector<Verdict>& verdicts) {
  absl::flat_hash_map<std::pair<IpAddress, uint16_t>, const Verdict*> v6_verdicts;
  for (const Verdict& verdict : verdicts) {
    if (!verdict.target.is_v4() && verdict.dual_stack_peer != IpAddress()) {
      v6_verdicts[{verdict.target, verdict.port}] = &verdict;
    }
  }
  std::map<uint16_t, PortCounts> counts;
  std::vector<std::string> host_lines;
  int hosts_not_listed = 0;
  for (const Verdict& v4 : verdicts) {
    if (!v4.target.is_v4() || v4.dual_stack_peer == IpAddress()) continue;
    auto found = v6_verdicts.find({v4.dual_stack_peer, v4.port});
    if (found == v6_verdicts.end()) continue;  // the other family was not judged here
    const Verdict& v6 = *found->second;
    PortCounts& port = counts[v4.port];
    const Side side4 = SideOf(v4), side6 = SideOf(v6);
    if (side4 == Side::kUndecided || side6 == Side::kUndecided) {
      ++port.undecided;
    } else if (side4 == Side::kFiltered && side6 == Side::kFiltered) {
      ++port.both;
    } else if (side4 == Side::kPasses && side6 == Side::kPasses) {
      ++port.neither;
    } else {
      ++(side4 == Side::kFiltered ? port.v4_only : port.v6_only);
      if (static_cast<int>(host_lines.size()) < kMaxDualStackHostLines) {
        host_lines.push_back(HostLine(v4, v6));
      } else {
        ++hosts_not_listed;
      }
    }
  }
  std::vector<std::string> lines;
  for (const auto& [port, n] : counts) {
    lines.push_back(absl::StrCat("dual-stack hosts on TCP ", port, ": ", n.v4_only,
                                 " filtered on IPv4 only, ", n.v6_only, " on IPv6 only, ", n.both,
                                 " on both, ", n.neither, " on neither, ", n.undecided,
                                 " undecided"));
  }
  lines.insert(lines.end(), host_lines.begin(), host_lines.end());
  if (hosts_not_listed > 0) {
    lines.push_back(absl::StrCat("... and ", hosts_not_listed,
                                 " more dual-stack hosts filtered on one family only (the "
                                 "verdict records name each one's dual_stack_peer)"));
  }
  return lines;
}

}  // namespace cutpoint::locate
