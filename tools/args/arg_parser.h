// SPDX-License-Identifier: Apache-2.0
// A small GNU-style option parser for Cutpoint's programs (the `cutpoint` subcommands and
// the lab's tools): "--name value", "--name=value", "-x value", "-xvalue", repeated
// options, positional arguments and "--". Unknown options are errors; so are a flag given
// a value and an option missing its value. FormatOptionsHelp prints the table for --help.
#ifndef CUTPOINT_TOOLS_ARGS_ARG_PARSER_H_
#define CUTPOINT_TOOLS_ARGS_ARG_PARSER_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cutpoint::cmdline {

struct OptionSpec {
  absl::string_view long_name;   // without "--"
  char short_name = 0;           // 0: none
  absl::string_view value_name;  // empty: a flag without a value
  absl::string_view help;
};

class ParsedArgs {
 public:
  bool Has(absl::string_view name) const { return values_.count(std::string(name)) > 0; }
  // The last value given for `name`.
  std::optional<std::string> Get(absl::string_view name) const;
  std::vector<std::string> GetAll(absl::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(std::span<const OptionSpec>,
                                              std::span<const std::string>);
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

absl::StatusOr<ParsedArgs> ParseArgs(std::span<const OptionSpec> specs,
                                     std::span<const std::string> args);

// A default that differs between the commands sharing an option row: the help says
// "(default TEXT)" after the row's own text.
struct OptionDefault {
  absl::string_view long_name;
  std::string text;
};

std::string FormatOptionsHelp(std::span<const OptionSpec> specs,
                              std::span<const OptionDefault> defaults = {});

}  // namespace cutpoint::cmdline

#endif  // CUTPOINT_TOOLS_ARGS_ARG_PARSER_H_
