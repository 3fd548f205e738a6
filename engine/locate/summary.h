// SPDX-License-Identifier: Apache-2.0
// Human-readable digests of a verdict list: the end-of-run summary and the cut lines
// (the text table is engine/report/verdict_text.h).
#ifndef CUTPOINT_ENGINE_LOCATE_SUMMARY_H_
#define CUTPOINT_ENGINE_LOCATE_SUMMARY_H_

#include <string>
#include <vector>

#include "engine/locate/cuts.h"
#include "engine/locate/verdict.h"

namespace cutpoint::locate {

// One line per group of targets that got the same verdict at the same place, e.g.
// "2 of 256 targets: silent drop after hop 4 (198.18.3.2), before hop 5 (198.18.4.2) on
// TCP 25; other hosts of the prefix reachable -> filter keys on destination host".
// With dual-stack pairs (Verdict::dual_stack_peer), the host-by-host comparison of
// engine/locate/dual_stack_summary.h follows.
std::vector<std::string> SummarizeVerdicts(const std::vector<Verdict>& verdicts);

// One verdict in words, e.g. "silent drop after hop 4 (198.18.3.2), before hop 5
// (198.18.4.2) on TCP 25; other hosts of the network reachable on this port -> …".
std::string DescribeVerdict(const Verdict& verdict);

// "cut 198.19.0.8/29: 8 targets, silent drop after hop 5 (…) on TCP 25; …", one line
// per filtered prefix (engine/locate/cuts.h), for the text output after the table.
std::string FormatCutLines(const std::vector<Cut>& cuts);

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_SUMMARY_H_
