// SPDX-License-Identifier: Apache-2.0
// How a command ends: process exit codes, chosen so a job scheduler can tell what kind of
// failure it saw, and the frame that maps a command's error status to one, so that the
// command itself reads as its happy path (RETURN_IF_ERROR / ASSIGN_OR_RETURN).
#ifndef CUTPOINT_TOOLS_CUTPOINT_EXIT_CODES_H_
#define CUTPOINT_TOOLS_CUTPOINT_EXIT_CODES_H_

#include <span>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "session/signals.h"
#include "tools/args/arg_parser.h"

namespace cutpoint::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;   // a bug: please report
inline constexpr int kExitBadInput = 2;   // usage, targets, flags, pcaps: fix the input
inline constexpr int kExitPrivilege = 3;  // missing CAP_NET_RAW / root, or refused range
inline constexpr int kExitRuntime = 4;    // network or I/O fault: worth a retry
inline constexpr int kExitInterrupted = session::kInterruptedExitStatus;

// What each exit code means, for the man page (cutpoint.1, EXIT STATUS).
struct ExitCodeDoc {
  int code;
  absl::string_view meaning;
};
inline constexpr ExitCodeDoc kExitCodeDocs[] = {
    {kExitOk, "success"},
    {kExitInternal, "internal error: a bug, please report it"},
    {kExitBadInput, "bad input: usage, targets, option values or pcap files; fix the input"},
    {kExitPrivilege, "missing privilege (CAP_NET_RAW or root) or a refused address range"},
    {kExitRuntime, "network or I/O fault; worth a retry"},
    {kExitInterrupted, "interrupted by SIGINT or SIGTERM"},
};

// Maps a status to an exit code and prints "cutpoint: <message>" to stderr.
int ReportError(const absl::Status& status);
int ExitCodeFor(const absl::Status& status);

// Parses `words` with `options`. A usage error is printed with a pointer to
// 'cutpoint NAME --help' (exit 2); --help calls `print_help` (exit 0); otherwise `run`
// returns the exit code, or an error status for ReportError.
int RunCommand(absl::string_view name, std::span<const cmdline::OptionSpec> options,
               const std::vector<std::string>& words, absl::FunctionRef<void()> print_help,
               absl::FunctionRef<absl::StatusOr<int>(const cmdline::ParsedArgs&)> run);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_EXIT_CODES_H_
