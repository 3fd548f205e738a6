// SPDX-License-Identifier: Apache-2.0
#include "tools/docgen/man_pages.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/cutpoint/command_registry.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/docgen/roff.h"

namespace cutpoint::docgen {
namespace {

std::string Header(absl::string_view page, absl::string_view version) {
  return absl::StrCat(".TH ", absl::AsciiStrToUpper(page), " 1 \"\" \"cutpoint ", version,
                      "\" \"Cutpoint Manual\"\n");
}

// "\fB\-p\fR, \fB\-\-port\fR \fIPORTS\fR"
std::string OptionTerm(const cmdline::OptionSpec& option) {
  std::string term;
  if (option.short_name != 0) {
    absl::StrAppend(&term, "\\fB\\-", std::string(1, option.short_name), "\\fR, ");
  }
  absl::StrAppend(&term, "\\fB\\-\\-", RoffText(option.long_name), "\\fR");
  if (!option.value_name.empty())
    absl::StrAppend(&term, " \\fI", RoffText(option.value_name), "\\fR");
  return term;
}

std::string CommandPage(const cli::CommandSpec& spec, absl::string_view version) {
  const std::string page = absl::StrCat("cutpoint-", spec.name);
  std::string out = Header(page, version);
  absl::StrAppend(&out, ".SH NAME\n", RoffText(page), " \\- ", RoffText(spec.summary), "\n");
  absl::StrAppend(&out, ".SH SYNOPSIS\n");
  for (absl::string_view line : absl::StrSplit(spec.synopsis, '\n')) {
    absl::StrAppend(&out, ".B ", RoffText(line), "\n.br\n");
  }
  absl::StrAppend(&out, ".SH DESCRIPTION\n", RoffParagraphs(spec.description));
  absl::StrAppend(&out, ".SH OPTIONS\n");
  for (const cmdline::OptionSpec& option : spec.options) {
    absl::StrAppend(&out, ".TP\n", OptionTerm(option), "\n", RoffText(option.help), ".");
    if (!option.choices.empty()) {
      std::vector<absl::string_view> choices =
          absl::StrSplit(option.choices, ' ', absl::SkipEmpty());
      absl::StrAppend(&out, " Values: ", RoffText(absl::StrJoin(choices, ", ")), ".");
    }
    if (!option.default_value.empty()) {
      absl::StrAppend(&out, " Default: \\fB", RoffText(option.default_value), "\\fR.");
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, ".SH EXIT STATUS\nSee\n.BR cutpoint (1).\n");
  absl::StrAppend(&out, ".SH SEE ALSO\n.BR cutpoint (1)\n");
  return out;
}

std::string MainPage(const std::vector<cli::CommandSpec>& commands, absl::string_view version) {
  std::string out = Header("cutpoint", version);
  absl::StrAppend(&out, ".SH NAME\ncutpoint \\- ", RoffText(cli::kProgramSummary), "\n");
  absl::StrAppend(&out, ".SH SYNOPSIS\n.B cutpoint\n.I COMMAND\n[\\fIoptions\\fR]\n.br\n",
                  ".B cutpoint help\n.I COMMAND\n");
  absl::StrAppend(&out, ".SH DESCRIPTION\n",
                  RoffParagraphs("Cutpoint sends keyed TCP SYN and ICMP echo probes over many "
                                 "TTLs, matches every reply to the probe that caused it, and "
                                 "judges where on a path traffic is filtered and how.\n\n"
                                 "'cutpoint COMMAND --help' or 'cutpoint help COMMAND' describes "
                                 "each command; so does its own page, cutpoint-COMMAND(1)."));
  absl::StrAppend(&out, ".SH COMMANDS\n");
  for (const cli::CommandSpec& spec : commands) {
    absl::StrAppend(&out, ".TP\n.B ", RoffText(spec.name), "\n", RoffText(spec.summary),
                    "; see\n.BR cutpoint\\-", RoffText(spec.name), " (1).\n");
  }
  absl::StrAppend(&out, ".SH EXIT STATUS\n");
  for (const cli::ExitCodeDoc& exit : cli::kExitCodeDocs) {
    absl::StrAppend(&out, ".TP\n.B ", exit.code, "\n", RoffText(exit.meaning), "\n");
  }
  absl::StrAppend(&out, ".SH FILES\n.TP\n.I /etc/cutpoint/blocklist.conf\n",
                  RoffText("The operator's opt-out list (zmap blocklist format): trace, scan "
                           "and locate never probe its prefixes unless run with "
                           "--no-default-blocklist. $CUTPOINT_DEFAULT_BLOCKLIST names another "
                           "file (empty: none)."),
                  "\n");
  absl::StrAppend(&out, ".SH SEE ALSO\n");
  std::vector<std::string> pages;
  for (const cli::CommandSpec& spec : commands) {
    pages.push_back(absl::StrCat(".BR cutpoint\\-", RoffText(spec.name), " (1)"));
  }
  absl::StrAppend(&out, absl::StrJoin(pages, ",\n"), "\n");
  return out;
}

}  // namespace

std::vector<ManPage> MakeManPages(const std::vector<cli::CommandSpec>& commands,
                                  absl::string_view version) {
  std::vector<ManPage> pages = {{"cutpoint.1", MainPage(commands, version)}};
  for (const cli::CommandSpec& spec : commands) {
    pages.push_back({absl::StrCat("cutpoint-", spec.name, ".1"), CommandPage(spec, version)});
  }
  return pages;
}

}  // namespace cutpoint::docgen
