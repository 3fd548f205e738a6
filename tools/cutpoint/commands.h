// SPDX-License-Identifier: Apache-2.0
// The subcommands: each one's spec (command_spec.h: its table, help and entry point),
// listed by command_registry.cc.
#ifndef CUTPOINT_TOOLS_CUTPOINT_COMMANDS_H_
#define CUTPOINT_TOOLS_CUTPOINT_COMMANDS_H_

#include "tools/cutpoint/command_spec.h"

namespace cutpoint::cli {

CommandSpec TraceCommandSpec();
CommandSpec ScanCommandSpec();
CommandSpec LocateCommandSpec();
CommandSpec MatchCommandSpec();
CommandSpec ReportCommandSpec();
CommandSpec MergeCommandSpec();

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_COMMANDS_H_
