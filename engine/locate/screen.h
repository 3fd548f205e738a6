// SPDX-License-Identifier: Apache-2.0
// Screen first, sweep only the suspicious (issue 13). Round one probes every target's test
// and controls at the highest TTL only; a target whose test probe there drew a SYN-ACK and
// nothing else is reachable, and a TTL sweep could only confirm it. The others — silence,
// a RST, an ICMP error, a time exceeded, SYN-ACK and RST — get the full sweep, with a
// keyed random sample of the clean ones (a guard against filters that only show in a
// sweep) and a few clean siblings per group that holds a suspicious target (their paths
// are the sweep's sibling controls and the group's hop addresses).
//
// Which targets are swept is a pure function of the screening cells (TTL max, the screen
// attempts) and the seed, so a re-judged capture and a resumed run find the same set.
#ifndef CUTPOINT_ENGINE_LOCATE_SCREEN_H_
#define CUTPOINT_ENGINE_LOCATE_SCREEN_H_

#include <cstdint>
#include <vector>

#include "engine/locate/observation_table.h"
#include "engine/targets/group_prefix.h"

namespace cutpoint::locate {

struct ScreenOptions {
  int attempts = 2;            // screen attempts 0..attempts-1 at TTL max
  double sample_rate = 0.01;   // share of clean targets swept anyway, keyed by `seed`
  int group_companions = 2;    // clean siblings swept per group with a suspicious target
  uint64_t seed = 0;
  targets::GroupPrefixes group_prefixes;
  std::vector<wire::IpAddress> control_hosts;  // always swept: every group's control
};

// Whether the screen probes so far (TTL max, attempts below `attempts`) show the test
// reaching the target cleanly: a SYN-ACK, and never a RST, an ICMP error or a time
// exceeded, and no attempt on which the test stayed silent while a control answered (a
// filter passing only a share of the SYNs looks like that; loss of every probe of an
// attempt does not).
bool ScreenedClean(const ObservationTable& table, uint64_t target, int attempts);

// The targets that screen attempt `attempt` (> 0) probes again: those not clean yet.
std::vector<uint64_t> TargetsToRescreen(const ObservationTable& table, int attempt);

// Per target: swept (true) or judged on the screen alone (false).
std::vector<bool> TargetsToSweep(const ObservationTable& table, const ScreenOptions& options);

// Marks swept every target with an answer below TTL max (probes there mean a sweep).
void MarkSweptByAnswers(const ObservationTable& table, std::vector<bool>* swept);

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_SCREEN_H_
