// SPDX-License-Identifier: Apache-2.0
// A small GNU-style option parser for Cutpoint's programs (the `cutpoint` subcommands and
// the lab's tools): "--name value", "--name=value", "-x value", "-xvalue", repeated
// options, positional arguments and "--". Unknown options are errors; so are a flag given
// a value and an option missing its value. FormatOptionsHelp prints the table for --help;
// the same table feeds the man pages and shell completions (tools/cutpoint/docgen).
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
  // The literal value that means the same as not giving the option ("1000", "1-32",
  // "tcp-syn"): the help appends "(default VALUE)", and tests check the parser agrees.
  // Empty: no literal default (a default that depends on the run stays in `help`).
  absl::string_view default_value = {};
  // The fixed values the option takes, separated by spaces (shell completion offers
  // them); empty: free-form. A list option (e.g. "tcp-syn,icmp-echo") lists its items.
  absl::string_view choices = {};
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

// One command's version of a row it shares with other commands: its literal default and,
// when not empty, its own help text.
struct OptionOverride {
  absl::string_view long_name;
  absl::string_view default_value;
  absl::string_view help = {};
};

// `specs` with `overrides` applied to the rows they name.
std::vector<OptionSpec> WithOverrides(std::span<const OptionSpec> specs,
                                      std::span<const OptionOverride> overrides);

// The "options:" table of --help: one row per option, "(default VALUE)" after the help
// of those with a literal default.
std::string FormatOptionsHelp(std::span<const OptionSpec> specs);

}  // namespace cutpoint::cmdline

#endif  // CUTPOINT_TOOLS_ARGS_ARG_PARSER_H_
