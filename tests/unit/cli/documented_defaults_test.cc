// SPDX-License-Identifier: Apache-2.0
// Every literal default in a command's option table (OptionSpec::default_value, which
// --help, the man pages and completions show) is what the command's parser uses: parsing
// without the option and with "--OPTION DEFAULT" must give the same configuration.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/report/report_data.h"
#include "gtest/gtest.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/command_registry.h"
#include "tools/cutpoint/common_config.h"
#include "tools/cutpoint/locate_config.h"
#include "tools/cutpoint/probe_options.h"
#include "tools/cutpoint/trace_config.h"

namespace cutpoint::cli {
namespace {

// Everything the command's parsers make of its words, or the error, as comparable text
// where the parsed structs lack operator==.
struct Parsed {
  bool ok = false;
  std::string error;
  std::optional<TraceConfig> trace;
  std::optional<LocateConfig> locate;
  std::optional<targets::TargetOptions> targets;
  std::string backend;  // the BackendOptions fields the command line sets
};

std::string BackendText(const capture::BackendOptions& options) {
  return absl::StrCat("tx=", static_cast<int>(options.tx), " dpdk_args=", options.dpdk_eal_args,
                      " dpdk_port=", options.dpdk_device, " xdp_queue=", options.xdp.first_queue,
                      " zero_copy=", options.xdp.zero_copy,
                      " gateway_ip=", options.gateway_ip.has_value());
}

bool SameTargets(const targets::TargetOptions& a, const targets::TargetOptions& b) {
  return a.specs == b.specs && a.files == b.files && a.blocklist_files == b.blocklist_files &&
         a.allowlist_files == b.allowlist_files && a.allow_reserved == b.allow_reserved &&
         a.skip_reserved == b.skip_reserved && a.sends_nothing == b.sends_nothing &&
         a.default_blocklist == b.default_blocklist && a.max_targets == b.max_targets;
}

bool Same(const Parsed& a, const Parsed& b) {
  return a.ok && b.ok && a.trace == b.trace && a.locate == b.locate &&
         a.targets.has_value() == b.targets.has_value() &&
         (!a.targets || SameTargets(*a.targets, *b.targets)) && a.backend == b.backend;
}

template <typename T>
bool Take(absl::StatusOr<T> result, std::optional<T>* slot, Parsed* parsed) {
  if (!result.ok()) {
    parsed->error = std::string(result.status().message());
    return false;
  }
  *slot = *std::move(result);
  return true;
}

// The probing commands' parsers, in process. match and report read their few defaulted
// options inline; cli.option_docs runs them with and without the default instead.
Parsed ParseFor(absl::string_view command, const std::vector<cmdline::OptionSpec>& options,
                const std::vector<std::string>& words) {
  Parsed parsed;
  absl::StatusOr<cmdline::ParsedArgs> args = cmdline::ParseArgs(options, words);
  if (!args.ok()) {
    parsed.error = std::string(args.status().message());
    return parsed;
  }
  if (command == "trace" || command == "scan") {
    TraceMode mode = command == "trace" ? TraceMode::kTrace : TraceMode::kScan;
    if (!Take(ParseTraceConfig(mode, *args), &parsed.trace, &parsed)) return parsed;
    if (!Take(ParseTargetOptions(*args, DefaultsFor(mode)), &parsed.targets, &parsed)) {
      return parsed;
    }
  } else if (command == "locate") {
    if (!Take(ParseLocateConfig(*args), &parsed.locate, &parsed)) return parsed;
    if (!Take(ParseTargetOptions(*args, kLocateDefaults), &parsed.targets, &parsed)) {
      return parsed;
    }
  }
  absl::StatusOr<capture::BackendOptions> backend = ParseBackendOptions(*args);
  if (!backend.ok()) {
    parsed.error = std::string(backend.status().message());
    return parsed;
  }
  parsed.backend = BackendText(*backend);
  parsed.ok = true;
  return parsed;
}

const std::set<std::string> kInProcess = {"trace", "scan", "locate"};
// Literal defaults checked by running the command (tests/cli/option_docs_test.py).
const std::set<std::pair<std::string, std::string>> kCheckedByCli = {
    {"match", "output"}, {"report", "report-max-targets"}};

// What a command needs besides the option for the option to be accepted at all.
std::vector<std::string> BaseWords(absl::string_view command, absl::string_view option) {
  std::vector<std::string> words = {"198.18.0.1"};
  if (command == "locate") words.insert(words.end(), {"-p", "80"});
  if (option == "xdp-queue") words.insert(words.end(), {"--tx", "afxdp"});
  return words;
}

TEST(DocumentedDefaultsTest, EveryLiteralDefaultIsTheParsedDefault) {
  int checked = 0;
  for (const CommandSpec& spec : AllCommands()) {
    for (const cmdline::OptionSpec& option : spec.options) {
      if (option.default_value.empty()) continue;
      if (!kInProcess.contains(std::string(spec.name))) {
        EXPECT_TRUE(kCheckedByCli.contains({std::string(spec.name), std::string(option.long_name)}))
            << "cutpoint " << spec.name << " --" << option.long_name
            << ": a documented default no test checks";
        continue;
      }
      std::vector<std::string> without = BaseWords(spec.name, option.long_name);
      std::vector<std::string> with = without;
      with.insert(with.end(),
                  {absl::StrCat("--", option.long_name), std::string(option.default_value)});
      Parsed a = ParseFor(spec.name, spec.options, without);
      Parsed b = ParseFor(spec.name, spec.options, with);
      EXPECT_TRUE(a.ok) << spec.name << ": " << a.error;
      EXPECT_TRUE(b.ok) << spec.name << " --" << option.long_name << " " << option.default_value
                        << ": " << b.error;
      EXPECT_TRUE(Same(a, b)) << "cutpoint " << spec.name << " --" << option.long_name
                              << ": documented default '" << option.default_value
                              << "' is not what the parser uses without the option";
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);  // the tables lost their defaults?
}

// report reads --report-max-targets inline, falling back to kDefaultMaxLadderTargets; a run
// over a small fixture cannot tell 20000 from 20001, so the constant is compared here.
TEST(DocumentedDefaultsTest, ReportMaxTargetsIsTheRenderersDefault) {
  const CommandSpec* report = FindCommand("report");
  ASSERT_NE(report, nullptr);
  bool found = false;
  for (const cmdline::OptionSpec& option : report->options) {
    if (option.long_name != "report-max-targets") continue;
    found = true;
    EXPECT_EQ(option.default_value, absl::StrCat(report::kDefaultMaxLadderTargets));
  }
  EXPECT_TRUE(found);
}

// The check itself can fail: a value that is not the default is told apart.
TEST(DocumentedDefaultsTest, ANonDefaultValueDiffers) {
  const CommandSpec* scan = FindCommand("scan");
  ASSERT_NE(scan, nullptr);
  for (const auto& [option, value] :
       std::vector<std::pair<std::string, std::string>>{{"--ttl", "63"},
                                                        {"--rate", "999"},
                                                        {"--probe", "icmp-echo"},
                                                        {"--tx", "afpacket"},
                                                        {"--max-targets", "5"}}) {
    EXPECT_FALSE(Same(ParseFor("scan", scan->options, {"198.18.0.1"}),
                      ParseFor("scan", scan->options, {"198.18.0.1", option, value})))
        << option << " " << value;
  }
  const CommandSpec* locate = FindCommand("locate");
  ASSERT_NE(locate, nullptr);
  EXPECT_FALSE(Same(ParseFor("locate", locate->options, {"-p", "80"}),
                    ParseFor("locate", locate->options, {"-p", "80", "--window", "7"})));
}

}  // namespace
}  // namespace cutpoint::cli
