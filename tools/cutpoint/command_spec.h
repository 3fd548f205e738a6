// SPDX-License-Identifier: Apache-2.0
// What a subcommand is to its readers: its name, one-line summary, usage synopsis,
// description and full option table (common rows included, with this command's
// defaults). --help, `cutpoint help COMMAND`, the usage list, the man pages and the shell
// completions are all generated from these specs (command_registry.h), so none of them
// can document an option the parser does not take, or miss one it does.
#ifndef CUTPOINT_TOOLS_CUTPOINT_COMMAND_SPEC_H_
#define CUTPOINT_TOOLS_CUTPOINT_COMMAND_SPEC_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/args/arg_parser.h"

namespace cutpoint::cli {

// `argv` is the whole command line (for the meta record); `words` the words after the
// subcommand name. Returns a process exit code (exit_codes.h).
using CommandMain = int (*)(const std::vector<std::string>& argv,
                            const std::vector<std::string>& words);

struct CommandSpec {
  absl::string_view name;
  absl::string_view summary;  // one line, lower case, no full stop
  // One synopsis per line, each starting "cutpoint NAME".
  absl::string_view synopsis;
  // Paragraphs separated by an empty line; lines within one are joined by readers that
  // reflow (man).
  absl::string_view description;
  std::vector<cmdline::OptionSpec> options;  // every option the command's parser takes
  bool file_operands = false;  // the operands are files (shell completion offers them)
  CommandMain run = nullptr;
};

// The text of `cutpoint NAME --help`.
std::string FormatCommandHelp(const CommandSpec& spec);

// RunCommand (exit_codes.h) with the spec's name, options and help.
int RunCommandWithSpec(const CommandSpec& spec, const std::vector<std::string>& words,
                       absl::FunctionRef<absl::StatusOr<int>(const cmdline::ParsedArgs&)> run);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_COMMAND_SPEC_H_
