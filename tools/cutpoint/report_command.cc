// `cutpoint report`: the verdicts of locate runs from several vantage points, compared
// per (target, test port): which targets are blocked from one vantage and open from
// another. Reading is engine/report/verdict_reader.h, comparing
// engine/locate/vantage_compare.h; this file only reads the files and prints.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/locate/vantage_compare.h"
#include "engine/report/json_line.h"
#include "engine/report/records.h"
#include "engine/report/verdict_reader.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"

namespace cutpoint::cli {
namespace {

constexpr cmdline::OptionSpec kReportOptions[] = {
    {"json", 0, "", "write NDJSON: a vantage_diff record per differing target, a summary per port"},
    {"help", 'h', "", "show this help"},
};

void PrintReportHelp() {
  std::printf(
      "usage: cutpoint report [--json] FILE.ndjson...\n\n"
      "Compares the verdicts of 'cutpoint locate' runs from several vantage points (each run\n"
      "tagged with --vantage NAME; a file without a tag is named by its file name) and lists\n"
      "the targets blocked from one vantage and open from another. Inconclusive or missing\n"
      "verdicts never count as a difference: such targets are undecided.\n\n"
      "options:\n%s",
      cmdline::FormatOptionsHelp(kReportOptions).c_str());
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("error reading '", path, "'"));
  return text.str();
}

// The vantage of a file's untagged verdicts: its name without the directory.
std::string FileVantage(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::StatusOr<int> RunReportOrError(const cmdline::ParsedArgs& args) {
  const std::vector<std::string>& files = args.positional();
  if (files.empty()) {
    return absl::InvalidArgumentError("report needs the NDJSON outputs of locate runs: FILE...");
  }
  std::vector<locate::VantageVerdict> verdicts;
  for (const std::string& path : files) {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
    ASSIGN_OR_RETURN(std::vector<locate::VantageVerdict> file_verdicts,
                     report::ReadVerdicts(path, FileVantage(path), text));
    verdicts.insert(verdicts.end(), file_verdicts.begin(), file_verdicts.end());
  }
  ASSIGN_OR_RETURN(locate::VantageComparison comparison, locate::CompareVantages(verdicts));
  std::string out;
  if (args.Has("json")) {
    report::JsonLine line;
    for (const locate::TargetComparison& target : comparison.targets) {
      if (target.agreement != locate::Agreement::kDiffers) continue;
      report::FormatVantageDiff(comparison, target, &line);
      absl::StrAppend(&out, line.Finish());
    }
    for (const locate::PortComparison& port : comparison.ports) {
      report::FormatVantageSummary(comparison, port, &line);
      absl::StrAppend(&out, line.Finish());
    }
  } else {
    for (const std::string& text : locate::FormatVantageReport(comparison)) {
      absl::StrAppend(&out, text, "\n");
    }
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    return absl::UnavailableError("cannot write the report to standard output");
  }
  return kExitOk;
}

}  // namespace

int RunReport(const std::vector<std::string>& words) {
  return RunCommand("report", kReportOptions, words, PrintReportHelp, RunReportOrError);
}

}  // namespace cutpoint::cli
