// SPDX-License-Identifier: Apache-2.0
#include "tools/args/arg_parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cutpoint::cmdline {
namespace {

constexpr OptionSpec kSpecs[] = {
    {"port", 'p', "PORTS", "ports"},
    {"quiet", 'q', "", "no summary"},
    {"targets-file", 'f', "FILE", "targets"},
};

absl::StatusOr<ParsedArgs> Parse(std::vector<std::string> words) { return ParseArgs(kSpecs, words); }

TEST(ArgParserTest, LongShortInlineAndRepeatedValues) {
  absl::StatusOr<ParsedArgs> args =
      Parse({"-p", "25", "10.0.0.0/8", "--targets-file=a", "-fb", "--port", "443", "-q"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->Get("port"), "443");  // the last one wins
  EXPECT_EQ(args->GetAll("port"), (std::vector<std::string>{"25", "443"}));
  EXPECT_EQ(args->GetAll("targets-file"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(args->Has("quiet"));
  EXPECT_FALSE(args->Get("quiet").has_value() && !args->Get("quiet")->empty());
  EXPECT_EQ(args->positional(), (std::vector<std::string>{"10.0.0.0/8"}));
}

TEST(ArgParserTest, EverythingAfterDoubleDashIsPositional) {
  absl::StatusOr<ParsedArgs> args = Parse({"-q", "--", "-p", "--port"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_FALSE(args->Has("port"));
  EXPECT_EQ(args->positional(), (std::vector<std::string>{"-p", "--port"}));
}

TEST(ArgParserTest, BadInputIsNamed) {
  EXPECT_EQ(Parse({"--bogus"}).status().message(), "unknown option '--bogus'");
  EXPECT_EQ(Parse({"-x"}).status().message(), "unknown option '-x'");
  EXPECT_EQ(Parse({"--quiet=yes"}).status().message(), "option --quiet takes no value");
  EXPECT_EQ(Parse({"--port"}).status().message(), "option --port needs a value (PORTS)");
}

TEST(ArgParserTest, HelpListsEveryOptionWithItsDefault) {
  const OptionOverride defaults[] = {{"port", "80"}};
  std::string help = FormatOptionsHelp(WithOverrides(kSpecs, defaults));
  EXPECT_EQ(help,
            "  -p, --port PORTS            ports (default 80)\n"
            "  -q, --quiet                 no summary\n"
            "  -f, --targets-file FILE     targets\n");
}

TEST(ArgParserTest, OverridesSetOneCommandsDefaultAndHelp) {
  const OptionOverride overrides[] = {{"quiet", "", "say nothing"}, {"targets-file", "t.txt"}};
  std::vector<OptionSpec> specs = WithOverrides(kSpecs, overrides);
  EXPECT_EQ(FormatOptionsHelp(specs),
            "  -p, --port PORTS            ports\n"
            "  -q, --quiet                 say nothing\n"
            "  -f, --targets-file FILE     targets (default t.txt)\n");
  EXPECT_EQ(kSpecs[1].help, "no summary");  // the shared table is left as it was
}

}  // namespace
}  // namespace cutpoint::cmdline
