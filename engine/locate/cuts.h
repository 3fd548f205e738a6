// SPDX-License-Identifier: Apache-2.0
// Filtered prefixes: adjacent targets with the same blocking verdict, mechanism, location
// and evidence, aggregated into the minimal set of CIDR prefixes that covers them exactly
// ("198.19.0.8/29 is cut after hop 5"), so a null-routed or filtered block reads as one
// finding instead of one line per host.
#ifndef CUTPOINT_ENGINE_LOCATE_CUTS_H_
#define CUTPOINT_ENGINE_LOCATE_CUTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/locate/verdict.h"
#include "engine/targets/target_set.h"

namespace cutpoint::locate {

struct Cut {
  targets::IpRange prefix;  // one CIDR block of its family
  int prefix_len = 0;
  uint64_t targets = 0;  // every address of the block is a judged target
  const Verdict* verdict = nullptr;  // the block's first target: the shared fields
};

// The blocks of every run of consecutive addresses whose verdicts agree (blocking ones
// only; control hosts left out), split into CIDR prefixes (a run of .9-.16 is .9/32,
// .10/31, .12/30, .16/32). Each blocking verdict gets its block in `cut_prefix`; those in
// blocks of two or more targets get scope `prefix`. Pointers into `verdicts`, which must outlive them.
std::vector<Cut> FindCuts(std::vector<Verdict>* verdicts);

// The CIDR blocks that tile [first, last] exactly, ascending (both in one family).
std::vector<targets::IpRange> CidrBlocks(const targets::IpRange& range);

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_CUTS_H_
