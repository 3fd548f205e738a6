// SPDX-License-Identifier: Apache-2.0
// The command registry and the help made from it: each command's table carries its own
// defaults of the shared rows, every option has help, and the help shows the table.
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/cutpoint/command_registry.h"

namespace cutpoint::cli {
namespace {

std::string Help(absl::string_view command) {
  const CommandSpec* spec = FindCommand(command);
  return spec == nullptr ? "" : FormatCommandHelp(*spec);
}

bool Has(const std::string& text, absl::string_view part) { return absl::StrContains(text, part); }

TEST(CommandHelpTest, StatesEachCommandsDefaults) {
  EXPECT_TRUE(Has(Help("trace"), "probe TTL range (default 1-32)\n")) << Help("trace");
  EXPECT_TRUE(Has(Help("trace"), "1-4 (default 1)\n"));
  EXPECT_TRUE(Has(Help("trace"), "addresses (default 16777216)\n"));
  EXPECT_TRUE(Has(Help("trace"), "comma-separated (default tcp-syn,icmp-echo)\n"));
  EXPECT_TRUE(Has(Help("scan"), "never a range (trace sweeps a range) (default 64)\n"));
  EXPECT_TRUE(Has(Help("scan"), "comma-separated (default tcp-syn)\n"));
  EXPECT_TRUE(Has(Help("locate"), "1-4 (default 2)\n"));
  EXPECT_TRUE(Has(Help("locate"), "addresses (default 65536)\n"));
}

TEST(CommandHelpTest, HelpIsSynopsisDescriptionAndOptions) {
  const std::string help = Help("report");
  EXPECT_EQ(help.rfind("usage: cutpoint report [--json] FILE.ndjson...\n"
                       "       cutpoint report FILE.ndjson... -o report.html\n"
                       "       cutpoint report --format text|markdown|csv|dot|atlas [--target ADDR] "
                       "FILE.ndjson...\n\n",
                       0),
            0u)
      << help;
  EXPECT_TRUE(Has(help, "\noptions:\n      --json "));
}

TEST(CommandHelpTest, EveryCommandIsDescribedAndTakesHelpAndQuiet) {
  std::set<std::string> names;
  for (const CommandSpec& spec : AllCommands()) {
    EXPECT_TRUE(names.insert(std::string(spec.name)).second) << "twice: " << spec.name;
    EXPECT_FALSE(spec.summary.empty()) << spec.name;
    EXPECT_EQ(spec.synopsis.rfind(absl::StrCat("cutpoint ", spec.name), 0), 0u) << spec.name;
    EXPECT_FALSE(spec.description.empty()) << spec.name;
    EXPECT_NE(spec.run, nullptr) << spec.name;
    std::set<std::string> options;
    std::set<char> short_names;
    for (const cmdline::OptionSpec& option : spec.options) {
      EXPECT_TRUE(options.insert(std::string(option.long_name)).second)
          << spec.name << " --" << option.long_name << " twice";
      if (option.short_name != 0) {
        EXPECT_TRUE(short_names.insert(option.short_name).second)
            << spec.name << " -" << option.short_name << " twice";
      }
      EXPECT_FALSE(option.help.empty()) << spec.name << " --" << option.long_name;
      EXPECT_FALSE(Has(std::string(option.help), "(default "))
          << spec.name << " --" << option.long_name
          << ": a literal default belongs in default_value";
    }
    EXPECT_TRUE(options.contains("help")) << spec.name;
    EXPECT_TRUE(options.contains("quiet")) << spec.name;
  }
  EXPECT_NE(FindCommand("locate"), nullptr);
  EXPECT_EQ(FindCommand("nosuch"), nullptr);
}

TEST(CommandHelpTest, UsageListsEveryCommand) {
  const std::string usage = FormatUsage();
  for (const CommandSpec& spec : AllCommands()) {
    EXPECT_TRUE(Has(usage, absl::StrCat("\n  ", spec.name, " "))) << spec.name;
  }
}

}  // namespace
}  // namespace cutpoint::cli
