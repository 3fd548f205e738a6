// Process exit codes, chosen so a job scheduler can tell what kind of failure it saw.
#ifndef CUTPOINT_TOOLS_CUTPOINT_EXIT_CODES_H_
#define CUTPOINT_TOOLS_CUTPOINT_EXIT_CODES_H_

#include "absl/status/status.h"
#include "session/signals.h"

namespace cutpoint::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;     // a bug: please report
inline constexpr int kExitBadInput = 2;     // usage, targets, flags, pcaps: fix the input
inline constexpr int kExitPrivilege = 3;    // missing CAP_NET_RAW / root, or refused range
inline constexpr int kExitRuntime = 4;      // network or I/O fault: worth a retry
inline constexpr int kExitInterrupted = session::kInterruptedExitStatus;

// Maps a status to an exit code and prints "cutpoint: <message>" to stderr.
int ReportError(const absl::Status& status);
int ExitCodeFor(const absl::Status& status);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_EXIT_CODES_H_
