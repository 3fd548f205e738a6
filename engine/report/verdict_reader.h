// SPDX-License-Identifier: Apache-2.0
// Reads the verdicts back out of `cutpoint locate` NDJSON output (docs/ndjson-schema.md),
// for `cutpoint report`. Text in, verdicts out: the caller reads the file.
#ifndef CUTPOINT_ENGINE_REPORT_VERDICT_READER_H_
#define CUTPOINT_ENGINE_REPORT_VERDICT_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/locate/vantage_compare.h"

namespace cutpoint::report {

// What one NDJSON line means to a report.
struct ReportLine {
  enum class Type { kMeta, kVerdict, kStats, kOther };
  Type type = Type::kOther;
  std::string vantage;             // the record's "vantage"; empty when it has none
  bool interrupted = false;        // kStats: the run was stopped before its end
  locate::VantageVerdict verdict;  // kVerdict only; `vantage` and `source` left empty
};

// One line without its newline. Every line must be a JSON object with a string "type";
// a verdict record needs "target" (an IP address), "port" (0-65535) and "verdict" (a
// known kind), and the optional fields it has must have their documented types.
// Errors: InvalidArgument naming the problem (not the location).
absl::StatusOr<ReportLine> ParseReportLine(absl::string_view line);

// Every verdict of one file's `text`. Errors name `name:LINE`; a last line without its
// newline (a run stopped mid-write, a truncated copy) is an error, and so is a file
// without any verdict. A verdict's vantage is its own "vantage", else that of its run's
// meta record, else `fallback_vantage`. A file may hold several runs, each from a meta
// record on: where a run cut short (interrupted, or without a stats record) is followed
// by another (--resume), the later run's verdict replaces its own for the same target
// and port.
absl::StatusOr<std::vector<locate::VantageVerdict>> ReadVerdicts(absl::string_view name,
                                                                 absl::string_view fallback_vantage,
                                                                 absl::string_view text);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_VERDICT_READER_H_
