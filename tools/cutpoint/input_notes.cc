// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/input_notes.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cutpoint::cli {

void PrintWarning(const std::optional<std::string>& warning) {
  if (warning) std::fprintf(stderr, "cutpoint: warning: %s\n", warning->c_str());
}

void PrintHint(const std::optional<std::string>& hint) {
  if (hint) std::fprintf(stderr, "cutpoint: hint: %s\n", hint->c_str());
}

void NoteLeftOutTargets(const targets::TargetingReport& report, uint64_t target_count) {
  if (report.blocklisted == 0 && report.reserved_skipped == 0) return;
  absl::FPrintF(stderr, "cutpoint: left out %d blocklisted and %d reserved addresses; %d targets\n",
                report.blocklisted, report.reserved_skipped, target_count);
}

}  // namespace cutpoint::cli
