// SIGINT/SIGTERM handling: the first signal asks the scan to stop sending (it keeps
// capturing for the cooldown and writes a final stats record). A second one exits at
// once, 130, after writing the complete lines the output had formatted but not yet
// written (ExitFlush); a third exits without waiting for a write in progress.
#ifndef CUTPOINT_TOOLS_CUTPOINT_SIGNALS_H_
#define CUTPOINT_TOOLS_CUTPOINT_SIGNALS_H_

#include <atomic>
#include <cstddef>

namespace cutpoint::cli {

void InstallStopHandlers();
const std::atomic<bool>& StopRequested();

// The output's pending whole lines, where the second signal's handler can write them
// (write(2) and _exit only: async-signal-safe). One output per process. The owner
// publishes what is complete and brackets every write(2) of its buffer, and every move
// of it, with Lock()/Unlock(): the handler never writes while the owner does; a signal
// that comes while it is locked is acted on by Unlock().
namespace exit_flush {
void Attach(int fd);
void Detach();
// [data, data + len) are complete lines not yet written. Owner thread only.
void Publish(const char* data, size_t len);
void Lock();
void Unlock();
}  // namespace exit_flush

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_SIGNALS_H_
