// SPDX-License-Identifier: Apache-2.0
// Entry points of the subcommands. Each returns a process exit code (exit_codes.h).
#ifndef CUTPOINT_TOOLS_CUTPOINT_COMMANDS_H_
#define CUTPOINT_TOOLS_CUTPOINT_COMMANDS_H_

#include <string>
#include <vector>

namespace cutpoint::cli {

// `argv` is the whole command line (for the meta record); `args` the words after the
// subcommand name.
int RunTrace(const std::vector<std::string>& argv, const std::vector<std::string>& args);
int RunLocate(const std::vector<std::string>& argv, const std::vector<std::string>& args);
int RunScan(const std::vector<std::string>& argv, const std::vector<std::string>& args);
int RunMatch(const std::vector<std::string>& argv, const std::vector<std::string>& args);
// Reads files only; nothing is sent, so it needs no argv for a meta record.
int RunReport(const std::vector<std::string>& args);
// Reads and writes files only, as report.
int RunMerge(const std::vector<std::string>& args);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_COMMANDS_H_
