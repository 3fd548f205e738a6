// SIGINT/SIGTERM handling: the first signal asks the scan to stop sending (it keeps
// capturing for the cooldown and writes a final stats record); a second one exits at
// once. Output is written in whole lines only, so either way the file ends cleanly.
#ifndef CUTPOINT_TOOLS_CUTPOINT_SIGNALS_H_
#define CUTPOINT_TOOLS_CUTPOINT_SIGNALS_H_

#include <atomic>

namespace cutpoint::cli {

void InstallStopHandlers();
const std::atomic<bool>& StopRequested();

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_SIGNALS_H_
