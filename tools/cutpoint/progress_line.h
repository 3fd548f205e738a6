// SPDX-License-Identifier: Apache-2.0
// --progress: the session's progress as a status line on stderr — once a second while
// probes are sent, once when sending ends (or is interrupted), once a second through the
// cooldown, and once when the capture stops — and, for `locate`, a line per round.
#ifndef CUTPOINT_TOOLS_CUTPOINT_PROGRESS_LINE_H_
#define CUTPOINT_TOOLS_CUTPOINT_PROGRESS_LINE_H_

#include <cstdio>
#include <string>

#include "session/locate_sweep.h"
#include "session/progress.h"

namespace cutpoint::cli {

// "  12.0s  40.0% (ETA   18s) sent 48000 at 4000 pps; recv 310 pps; hits 7.7%; drops 0"
void PrintProgressLine(const session::ProgressSnapshot& snapshot, std::FILE* out);

// "  14.1s cooldown: recv 20 pps; matched 3710; hits 7.7%; drops 0" (kCooldown),
// "  16.0s done: sent 120000; matched 3712; hits 7.7%; drops 0" (kFinished), with
// " (interrupted)" after an interrupted send.
void PrintAfterSendingLine(const session::ProgressSnapshot& snapshot, bool interrupted,
                           std::FILE* out);

// "round 3, TTL 9-16: 4096 probes to 128 targets; verdicts now: reachable 250,
// silent_drop 2, inconclusive 4"; screen and retry rounds name their attempt.
std::string FormatRoundLine(const session::SweepRoundDone& round);

class ProgressLine final : public session::ProgressObserver {
 public:
  explicit ProgressLine(std::FILE* out = stderr) : out_(out) {}
  void OnProgress(const session::ProgressSnapshot& snapshot) override;

 private:
  std::FILE* out_;
  bool interrupted_ = false;
};

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_PROGRESS_LINE_H_
