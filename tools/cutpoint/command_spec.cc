// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/command_spec.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/cutpoint/exit_codes.h"

namespace cutpoint::cli {

std::string FormatCommandHelp(const CommandSpec& spec) {
  std::string out;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(spec.synopsis, '\n')) {
    absl::StrAppend(&out, first ? "usage: " : "       ", line, "\n");
    first = false;
  }
  absl::StrAppend(&out, "\n", spec.description, "\n");
  if (!spec.options.empty()) {
    absl::StrAppend(&out, "\noptions:\n", cmdline::FormatOptionsHelp(spec.options));
  }
  return out;
}

int RunCommandWithSpec(const CommandSpec& spec, const std::vector<std::string>& words,
                       absl::FunctionRef<absl::StatusOr<int>(const cmdline::ParsedArgs&)> run) {
  return RunCommand(
      spec.name, spec.options, words,
      [&spec] { std::fputs(FormatCommandHelp(spec).c_str(), stdout); }, run);
}

}  // namespace cutpoint::cli
