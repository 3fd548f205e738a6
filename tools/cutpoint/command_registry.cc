// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/command_registry.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"

namespace cutpoint::cli {
namespace {

constexpr cmdline::OptionSpec kVersionOptions[] = {
    {"quiet", 'q', "", "accepted as by every command (version writes nothing else)"},
    {"help", 'h', "", "show this help"},
};

int RunVersion(const std::vector<std::string>& argv, const std::vector<std::string>& words);

CommandSpec VersionCommandSpec() {
  return {.name = "version",
          .summary = "print the version",
          .synopsis = "cutpoint version",
          .description = "Prints \"cutpoint VERSION\" on standard output.",
          .options = {std::begin(kVersionOptions), std::end(kVersionOptions)},
          .run = RunVersion};
}

int RunVersion(const std::vector<std::string>&, const std::vector<std::string>& words) {
  return RunCommandWithSpec(
      VersionCommandSpec(), words, [](const cmdline::ParsedArgs& args) -> absl::StatusOr<int> {
        if (!args.positional().empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("unexpected argument '", args.positional().front(), "'"));
        }
        std::printf("cutpoint %s\n", CUTPOINT_VERSION);
        return kExitOk;
      });
}

}  // namespace

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec>* const commands = new std::vector<CommandSpec>{
      TraceCommandSpec(), ScanCommandSpec(),   LocateCommandSpec(),
      MatchCommandSpec(), ReportCommandSpec(), MergeCommandSpec(), VersionCommandSpec(),
  };
  return *commands;
}

const CommandSpec* FindCommand(absl::string_view name) {
  for (const CommandSpec& spec : AllCommands()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string FormatUsage() {
  std::string out = absl::StrCat("usage: cutpoint COMMAND [options]\n\nCutpoint ", kProgramSummary,
                                 ".\n\ncommands:\n");
  for (const CommandSpec& spec : AllCommands()) {
    std::string name(spec.name);
    name.resize(9, ' ');
    absl::StrAppend(&out, "  ", name, spec.summary, "\n");
  }
  absl::StrAppend(&out,
                  "\n'cutpoint COMMAND --help' or 'cutpoint help COMMAND' describes each "
                  "command.\n");
  return out;
}

}  // namespace cutpoint::cli
