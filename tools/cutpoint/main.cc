// SPDX-License-Identifier: Apache-2.0
// The `cutpoint` command: dispatches to the subcommands of the registry.
#include <cstdio>
#include <string>
#include <vector>

#include "tools/cutpoint/command_registry.h"
#include "tools/cutpoint/exit_codes.h"

namespace {

using cutpoint::cli::CommandSpec;
using cutpoint::cli::FindCommand;

// `cutpoint help [COMMAND]`: the usage, or the command's --help.
int RunHelp(const std::vector<std::string>& rest) {
  if (rest.empty()) {
    std::fputs(cutpoint::cli::FormatUsage().c_str(), stdout);
    return cutpoint::cli::kExitOk;
  }
  if (rest.size() > 1) {
    std::fprintf(stderr, "cutpoint: 'cutpoint help' takes one command at most\n");
    return cutpoint::cli::kExitBadInput;
  }
  const CommandSpec* spec = FindCommand(rest[0]);
  if (spec == nullptr) {
    std::fprintf(stderr, "cutpoint: unknown command '%s' for 'cutpoint help'\n", rest[0].c_str());
    std::fputs(cutpoint::cli::FormatUsage().c_str(), stderr);
    return cutpoint::cli::kExitBadInput;
  }
  std::fputs(cutpoint::cli::FormatCommandHelp(*spec).c_str(), stdout);
  return cutpoint::cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> all(argv, argv + argc);
  if (argc < 2) {
    std::fputs(cutpoint::cli::FormatUsage().c_str(), stderr);
    return cutpoint::cli::kExitBadInput;
  }
  const std::string& command = all[1];
  std::vector<std::string> rest(all.begin() + 2, all.end());
  if (command == "--version") return FindCommand("version")->run(all, {});
  if (command == "help" || command == "--help" || command == "-h") {
    if (command != "help" || (rest.size() == 1 && (rest[0] == "help" || rest[0] == "--help"))) {
      rest.clear();
    }
    return RunHelp(rest);
  }
  if (const CommandSpec* spec = FindCommand(command)) return spec->run(all, rest);
  std::fprintf(stderr, "cutpoint: unknown command '%s'\n", command.c_str());
  std::fputs(cutpoint::cli::FormatUsage().c_str(), stderr);
  return cutpoint::cli::kExitBadInput;
}
