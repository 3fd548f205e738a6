// SPDX-License-Identifier: Apache-2.0
#include "tools/args/arg_parser.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cutpoint::cmdline {

std::optional<std::string> ParsedArgs::Get(absl::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(absl::string_view name) const {
  auto it = values_.find(std::string(name));
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(std::span<const OptionSpec> specs,
                                     std::span<const std::string> args) {
  ParsedArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      for (++i; i < args.size(); ++i) parsed.positional_.push_back(args[i]);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      parsed.positional_.push_back(arg);
      continue;
    }
    const OptionSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (arg[1] == '-') {
      absl::string_view name = absl::string_view(arg).substr(2);
      if (size_t eq = name.find('='); eq != absl::string_view::npos) {
        inline_value = std::string(name.substr(eq + 1));
        name = name.substr(0, eq);
      }
      for (const OptionSpec& candidate : specs) {
        if (candidate.long_name == name) spec = &candidate;
      }
    } else {
      if (arg.size() > 2) inline_value = arg.substr(2);
      for (const OptionSpec& candidate : specs) {
        if (candidate.short_name != 0 && candidate.short_name == arg[1]) spec = &candidate;
      }
    }
    if (spec == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("unknown option '", arg, "'"));
    std::vector<std::string>& values = parsed.values_[std::string(spec->long_name)];
    if (spec->value_name.empty()) {
      if (inline_value.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("option --", spec->long_name, " takes no value"));
      }
      values.push_back("");
      continue;
    }
    if (inline_value.has_value()) {
      values.push_back(*inline_value);
    } else if (i + 1 < args.size()) {
      values.push_back(args[++i]);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("option --", spec->long_name, " needs a value (", spec->value_name, ")"));
    }
  }
  return parsed;
}

std::vector<OptionSpec> WithOverrides(std::span<const OptionSpec> specs,
                                      std::span<const OptionOverride> overrides) {
  std::vector<OptionSpec> out(specs.begin(), specs.end());
  for (OptionSpec& spec : out) {
    for (const OptionOverride& change : overrides) {
      if (change.long_name != spec.long_name) continue;
      spec.default_value = change.default_value;
      if (!change.help.empty()) spec.help = change.help;
    }
  }
  return out;
}

std::string FormatOptionsHelp(std::span<const OptionSpec> specs) {
  std::string out;
  for (const OptionSpec& spec : specs) {
    std::string left = "  ";
    if (spec.short_name != 0)
      absl::StrAppend(&left, "-", std::string(1, spec.short_name), ", ");
    else
      absl::StrAppend(&left, "    ");
    absl::StrAppend(&left, "--", spec.long_name);
    if (!spec.value_name.empty()) absl::StrAppend(&left, " ", spec.value_name);
    if (left.size() < 30)
      left.resize(30, ' ');
    else
      absl::StrAppend(&left, "\n", std::string(30, ' '));
    absl::StrAppend(&out, left, spec.help);
    if (!spec.default_value.empty()) absl::StrAppend(&out, " (default ", spec.default_value, ")");
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace cutpoint::cmdline
