// --progress: the session's progress as a status line on stderr, once a second while
// probes are sent and once when sending ends.
#ifndef CUTPOINT_TOOLS_CUTPOINT_PROGRESS_LINE_H_
#define CUTPOINT_TOOLS_CUTPOINT_PROGRESS_LINE_H_

#include <cstdio>

#include "session/progress.h"

namespace cutpoint::cli {

// "  12.0s  40.0% (ETA   18s) sent 48000 at 4000 pps; recv 310 pps; hits 7.7%; drops 0"
void PrintProgressLine(const session::ProgressSnapshot& snapshot, std::FILE* out);

class ProgressLine final : public session::ProgressObserver {
 public:
  explicit ProgressLine(std::FILE* out = stderr) : out_(out) {}
  void OnProgress(const session::ProgressSnapshot& snapshot) override;

 private:
  std::FILE* out_;
};

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_PROGRESS_LINE_H_
