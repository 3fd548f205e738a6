// SPDX-License-Identifier: Apache-2.0
// Turns an ObservationTable into one verdict per target: the test probe (kind 0) is
// compared hop by hop with its controls — the same host's control ports and ICMP echo,
// and the other targets of its group (e.g. its /24) and any --control-host, which share
// the path up to the destination network.
#ifndef CUTPOINT_ENGINE_LOCATE_JUDGE_H_
#define CUTPOINT_ENGINE_LOCATE_JUDGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/locate/observation_table.h"
#include "engine/locate/verdict.h"
#include "engine/targets/group_prefix.h"

namespace cutpoint::locate {

struct JudgeOptions {
  targets::GroupPrefixes group_prefixes;  // targets sharing a group prefix control each other
  std::vector<wire::IpAddress> control_hosts;  // extra host controls, shared by every group
  // The chance, per run, that loss alone makes any silent_drop (shared by the targets).
  double false_accusation_rate = 0.001;
  // Why the evidence is incomplete ("interrupted", "capture_loss", "send_errors",
  // "capture_truncated"), or
  // empty: with a reason, no target gets a verdict that rests on missing answers — only
  // `reachable` stands (without a distance), everything else is inconclusive with it.
  std::string incomplete_reason;
  // A screened run (screen.h): per target, whether it was swept. Null: every target was.
  // A target judged on the screen alone has answers at TTL max only, so its first answer
  // says nothing about its distance.
  const std::vector<bool>* swept = nullptr;
  // The sweep's TTL window and attempts per window (locate --window, --attempts): the rows
  // a swept target surely got. 0: unknown, and no verdict rests on rows that drew nothing.
  int window = 0;
  int attempts = 0;
};

std::vector<Verdict> JudgeAll(const ObservationTable& table, const JudgeOptions& options);

// Sweep guidance, from what has been observed so far.
struct CellRef {
  uint64_t target_index = 0;
  int ttl = 0;
};
// Test-probe cells that drew nothing at a TTL <= ttl_limit where a control of the same
// host or of its group got an answer: a lost ICMP error or a filter. Re-probing them
// (the whole row: test and controls) tells the two apart. Targets whose silence already
// proves a drop (see silence_test.h) are decided and left out. A target whose test drew
// a single RST or unreachable gets that cell re-probed: a verdict needs two.
std::vector<CellRef> SilentTestCells(const ObservationTable& table, const JudgeOptions& options,
                                     int ttl_limit);
// Targets whose destination has not been reached yet (by any probe of the target or of
// its group) while their path still answered near `swept_ttl_max`: the sweep should go
// deeper for them. Targets already reached stop: sweeping ends past the destination —
// except a target whose controls reach it while its test probe stays silent and that
// silence proves nothing yet: rows past the destination are its evidence.
std::vector<uint64_t> TargetsToSweepDeeper(const ObservationTable& table,
                                           const JudgeOptions& options, int swept_ttl_max);

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_JUDGE_H_
