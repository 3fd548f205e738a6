// SPDX-License-Identifier: Apache-2.0
// `cutpoint report`: the verdicts of locate runs from several vantage points, compared
// per (target, test port): which targets are blocked from one vantage and open from
// another. Reading is engine/report/verdict_reader.h, comparing
// engine/locate/vantage_compare.h; this file only reads the files and prints.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/locate/vantage_compare.h"
#include "engine/report/html_report.h"
#include "engine/report/json_line.h"
#include "engine/report/records.h"
#include "engine/report/report_model.h"
#include "engine/report/report_views.h"
#include "engine/report/verdict_reader.h"
#include "engine/wire/ip_address.h"
#include "tools/cutpoint/asn_annotation.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/read_progress.h"

namespace cutpoint::cli {
namespace {

constexpr cmdline::OptionSpec kReportOptions[] = {
    {"json", 0, "", "write NDJSON: a vantage_diff record per differing target, a summary per port"},
    {"output", 'o', "FILE", "write the report to FILE; FILE.html means --format html"},
    {"format",
     0,
     "FORMAT",
     "text, markdown, csv, dot (Graphviz), atlas (RIPE Atlas traceroute results), json (as "
     "--json) or html: one self-contained page (default: html for -o FILE.html, else text)",
     {},
     "text markdown csv dot atlas json html"},
    {"all", 0, "", "text, markdown: a row for every verdict, not only the accused ones"},
    {"target", 0, "ADDR", "text, markdown, csv, dot, atlas: only this target (and its hop table)"},
    {"asn-db", 0, "FILE",
     "annotate hops and targets the records leave unannotated with AS numbers from FILE "
     "(pfx2as, ip2asn or .mmdb; repeatable)"},
    {"report-max-targets", 0, "N",
     "html: embed the ladders (replies) of at most N targets, blocked ones first", "20000"},
    {"progress", 0, "",
     "the input files read so far on stderr, once a second (default: when stderr is a tty)"},
    {"quiet", 'q', "", "no progress on standard error (report writes no summary)"},
    {"help", 'h', "", "show this help"},
};

// "-" is standard input: `cutpoint trace … | cutpoint report --format atlas -`.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    if (std::cin.bad()) return absl::InvalidArgumentError("error reading standard input");
    return text.str();
  }
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

// "of 12 files read", after the count of files read so far.
std::string FilesRead(size_t total) { return absl::StrCat("of ", total, " files read"); }

// The vantage of a file's untagged verdicts: its name without the directory.
std::string FileVantage(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Writes `text` to `path`, or to standard output when `path` is empty.
absl::Status WriteReport(const std::string& path, const std::string& text) {
  if (path.empty()) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
        std::fflush(stdout) != 0) {
      return absl::UnavailableError("cannot write the report to standard output");
    }
    return absl::OkStatus();
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) {
    return absl::UnavailableError(
        absl::StrCat("cannot write '", path, "': ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Every file read into one model, annotated from --asn-db when given.
absl::StatusOr<report::ReportModel> ReadModel(const std::vector<std::string>& files,
                                              const asn::AsnTable* asn_table,
                                              ReadProgress* progress) {
  report::ReportModel model;
  for (size_t i = 0; i < files.size(); ++i) {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(files[i]));
    RETURN_IF_ERROR(report::AddNdjson(files[i], text, &model));
    if (progress != nullptr) progress->Update(i + 1, FilesRead(files.size()));
  }
  if (asn_table != nullptr) report::AnnotateReportModel(*asn_table, &model);
  return model;
}

absl::StatusOr<int> RunHtmlReport(const std::vector<std::string>& files, const std::string& output,
                                  size_t max_ladder_targets, const asn::AsnTable* asn_table,
                                  ReadProgress* progress) {
  ASSIGN_OR_RETURN(report::ReportModel model, ReadModel(files, asn_table, progress));
  std::string title;
  for (const std::string& path : files) {
    absl::StrAppend(&title, title.empty() ? "" : ", ", FileVantage(path));
  }
  RETURN_IF_ERROR(WriteReport(output, report::RenderHtmlReport(model, title, max_ladder_targets)));
  return kExitOk;
}

// The verdicts of `files` through the strict reader (engine/report/verdict_reader.h).
absl::StatusOr<std::vector<locate::VantageVerdict>> ReadAllVerdicts(
    const std::vector<std::string>& files) {
  std::vector<locate::VantageVerdict> verdicts;
  for (const std::string& path : files) {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
    ASSIGN_OR_RETURN(std::vector<locate::VantageVerdict> file_verdicts,
                     report::ReadVerdicts(path, FileVantage(path), text));
    verdicts.insert(verdicts.end(), file_verdicts.begin(), file_verdicts.end());
  }
  return verdicts;
}

absl::StatusOr<int> RenderView(const report::ReportModel& model, report::ReportView view,
                               const std::unique_ptr<session::AsnDatabases>& asn_dbs,
                               report::ReportViewOptions* options, const std::string& output) {
  options->view = view;
  options->asn_table = AsnTableOf(asn_dbs);
  ASSIGN_OR_RETURN(std::string out, report::RenderReportView(model, *options));
  RETURN_IF_ERROR(WriteReport(output, out));
  return kExitOk;
}

absl::StatusOr<int> RunReportOrError(const cmdline::ParsedArgs& args) {
  const std::vector<std::string>& files = args.positional();
  if (files.empty()) {
    return absl::InvalidArgumentError("report needs the NDJSON outputs of locate runs: FILE...");
  }
  const std::string output = args.Get("output").value_or("");
  std::string format = args.Get("format").value_or("");
  // Without --format: --json, else the output file's extension, else text.
  const bool html_file = output.size() > 5 && output.compare(output.size() - 5, 5, ".html") == 0;
  if (format.empty()) format = args.Has("json") ? "json" : html_file ? "html" : "text";
  const std::optional<report::ReportView> view = report::ParseReportView(format);
  if (!view && format != "json" && format != "html") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--format must be text, markdown, csv, dot, atlas, json or html (got '", format, "')"));
  }
  report::ReportViewOptions view_options;
  if (std::optional<std::string> text = args.Get("target")) {
    if (!view) return absl::InvalidArgumentError("--target is for text, markdown, csv, dot, atlas");
    absl::StatusOr<wire::IpAddress> target = wire::ParseIpAddress(*text);
    if (!target.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--target must be an address (got '", *text, "')"));
    }
    view_options.target = *target;
  }
  view_options.all = args.Has("all");
  if (view_options.all && view != report::ReportView::kText && view != report::ReportView::kMarkdown) {
    return absl::InvalidArgumentError("--all is for --format text or markdown");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<session::AsnDatabases> asn_dbs,
                   LoadAsnDatabasesOption(args.GetAll("asn-db")));
  if (args.Has("json") && format != "json") {
    return absl::InvalidArgumentError("--json and --format " + format + " contradict each other");
  }
  size_t max_ladder_targets = report::kDefaultMaxLadderTargets;
  if (std::optional<std::string> text = args.Get("report-max-targets")) {
    if (format != "html")
      return absl::InvalidArgumentError("--report-max-targets is for --format html");
    if (!absl::SimpleAtoi(*text, &max_ladder_targets)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--report-max-targets must be a count (got '", *text, "')"));
    }
  }
  ReadProgress read_progress("report", stderr);
  ReadProgress* progress = args.Has("progress") || (isatty(STDERR_FILENO) && !args.Has("quiet"))
                               ? &read_progress
                               : nullptr;
  if (format == "html") {
    return RunHtmlReport(files, output, max_ladder_targets, AsnTableOf(asn_dbs), progress);
  }
  if (view) {
    ASSIGN_OR_RETURN(report::ReportModel model, ReadModel(files, AsnTableOf(asn_dbs), progress));
    if (model.verdicts.empty()) return RenderView(model, *view, asn_dbs, &view_options, output);
    // Verdicts pass the strict reader too: it names FILE:LINE for a verdict it does not
    // know, and the comparison refuses one vantage judging a target two ways.
    std::vector<std::string> verdict_files;
    for (const report::ReportVerdict& verdict : model.verdicts) {
      const std::string& file = model.runs[verdict.run].file;
      if (std::find(verdict_files.begin(), verdict_files.end(), file) == verdict_files.end()) {
        verdict_files.push_back(file);
      }
    }
    ASSIGN_OR_RETURN(std::vector<locate::VantageVerdict> verdicts, ReadAllVerdicts(verdict_files));
    if (report::VantageCount(model) < 2) {
      return RenderView(model, *view, asn_dbs, &view_options, output);
    }
    ASSIGN_OR_RETURN(locate::VantageComparison comparison, locate::CompareVantages(verdicts));
    // Several vantages as plain text: what differs between them, unless rows are asked for.
    if (*view != report::ReportView::kText || view_options.all || view_options.target) {
      return RenderView(model, *view, asn_dbs, &view_options, output);
    }
    std::string out;
    for (const std::string& text : locate::FormatVantageReport(comparison)) {
      absl::StrAppend(&out, text, "\n");
    }
    RETURN_IF_ERROR(WriteReport(output, out));
    return kExitOk;
  }
  ASSIGN_OR_RETURN(std::vector<locate::VantageVerdict> verdicts, ReadAllVerdicts(files));
  ASSIGN_OR_RETURN(locate::VantageComparison comparison, locate::CompareVantages(verdicts));
  std::string out;
  if (format == "json") {
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
  }
  RETURN_IF_ERROR(WriteReport(output, out));
  return kExitOk;
}

int RunReport(const std::vector<std::string>&, const std::vector<std::string>& words) {
  return RunCommandWithSpec(ReportCommandSpec(), words, RunReportOrError);
}

}  // namespace

CommandSpec ReportCommandSpec() {
  return {
      .name = "report",
      .summary =
          "compare locate verdicts from several vantages: blocked from one, open from "
          "another",
      .synopsis =
          "cutpoint report [--json] FILE.ndjson...\ncutpoint report FILE.ndjson... -o "
          "report.html\ncutpoint report --format text|markdown|csv|dot|atlas [--target ADDR] "
          "FILE.ndjson...",
      .description =
          "Compares the verdicts of 'cutpoint locate' runs from several vantage points (each run\n"
          "tagged with --vantage NAME; a file without a tag is named by its file name) and lists\n"
          "the targets blocked from one vantage and open from another. Inconclusive or missing\n"
          "verdicts never count as a difference: such targets are undecided.\n\n"
          "With -o FILE.html (or --format html) it writes one self-contained HTML page instead,\n"
          "from 'locate' or 'trace' outputs: provenance, verdict counts, the cuts grouped by AS\n"
          "and hop, a per-target path ladder with the evidence, and filters. CSS, script and\n"
          "data are inline: the page requests nothing and opens offline.\n\n"
          "Text (one run, or --all / --target) lists the accused targets first, each with where\n"
          "it was cut and one line of evidence, and counts the rest; a trace's output gets an\n"
          "mtr-like hop table per target. --format markdown is the same for tickets; csv, dot\n"
          "and atlas export the verdicts, the paths and the traces for other tools. A FILE of\n"
          "'-' is standard input.",
      .options = {std::begin(kReportOptions), std::end(kReportOptions)},
      .file_operands = true,
      .run = RunReport};
}

}  // namespace cutpoint::cli
