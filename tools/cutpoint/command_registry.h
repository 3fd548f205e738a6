// SPDX-License-Identifier: Apache-2.0
// Every `cutpoint` subcommand, in the order the usage lists them. Adding a command is a
// `XCommandSpec()` next to its Run function (commands.h) and one line in
// command_registry.cc.
#ifndef CUTPOINT_TOOLS_CUTPOINT_COMMAND_REGISTRY_H_
#define CUTPOINT_TOOLS_CUTPOINT_COMMAND_REGISTRY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tools/cutpoint/command_spec.h"

namespace cutpoint::cli {

const std::vector<CommandSpec>& AllCommands();
// nullptr: no such command.
const CommandSpec* FindCommand(absl::string_view name);
// `cutpoint` alone or `cutpoint help`: the synopsis and the command list.
std::string FormatUsage();

inline constexpr absl::string_view kProgramSummary =
    "locates where and how a network path filters traffic";

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_COMMAND_REGISTRY_H_
