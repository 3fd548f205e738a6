// SPDX-License-Identifier: Apache-2.0
// SIGINT/SIGTERM handling: the first signal asks the scan to stop sending (it keeps
// capturing for the cooldown and writes a final stats record). A second one exits at
// once, 130, after writing the complete lines the output had formatted but not yet
// written (ExitFlush); a third exits without waiting for a write in progress.
#ifndef CUTPOINT_SESSION_SIGNALS_H_
#define CUTPOINT_SESSION_SIGNALS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace cutpoint::session {

// The exit status of a run stopped by a signal (128 + SIGINT), as shells report it.
inline constexpr int kInterruptedExitStatus = 130;

void InstallStopHandlers();
const std::atomic<bool>& StopRequested();

// The outputs' pending whole lines (and pcap records), where the second signal's handler
// can write them (write(2) and _exit only: async-signal-safe). Up to kSlots outputs per
// process. Each owner publishes what is complete in its buffer and brackets every
// write(2) of it, and every move of it, with Lock()/Unlock() (one lock for all: the
// handler never writes while an owner does, so no record is cut by the exit); a signal
// that comes while it is locked is acted on by Unlock().
namespace exit_flush {
inline constexpr int kSlots = 2;
// Returns the slot, or -1 if all are taken (the output then just misses the exit flush).
int Attach(int fd);
void Detach(int slot);
// [data, data + len) are complete records not yet written; `file_end` is where they go
// (the end of the last whole record on file; -1 if the file cannot be cut back to it,
// e.g. a pipe). Should the exit's write fail part-way, the file is cut back there.
void Publish(int slot, const char* data, size_t len, int64_t file_end);
void Lock();
void Unlock();
}  // namespace exit_flush

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_SIGNALS_H_
