#include "tools/cutpoint/input_notes.h"

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace cutpoint::cli {

void PrintWarning(const std::string& text) {
  std::fprintf(stderr, "cutpoint: warning: %s\n", text.c_str());
}

void PrintHint(const std::optional<std::string>& hint) {
  if (hint) std::fprintf(stderr, "cutpoint: hint: %s\n", hint->c_str());
}

void NoteLeftOutTargets(const targets::TargetingReport& report, uint64_t target_count) {
  if (report.blocklisted == 0 && report.reserved_skipped == 0) return;
  std::fprintf(stderr,
               "cutpoint: left out %llu blocklisted and %llu reserved addresses; %llu targets\n",
               static_cast<unsigned long long>(report.blocklisted),
               static_cast<unsigned long long>(report.reserved_skipped),
               static_cast<unsigned long long>(target_count));
}

}  // namespace cutpoint::cli
