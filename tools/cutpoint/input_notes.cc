#include "tools/cutpoint/input_notes.h"

#include <cstdio>

#include "absl/strings/str_cat.h"

namespace cutpoint::cli {

std::optional<std::string> TruncationWarning(const std::string& path,
                                             const report::ScanStats& stats) {
  if (!stats.capture_truncated) return std::nullopt;
  std::string where = stats.truncated_at_byte
                          ? absl::StrCat("at byte ", *stats.truncated_at_byte)
                          : std::string("at an unknown byte offset (not a seekable file)");
  // Every packet read is a probe of ours or counted in replies_seen.
  return absl::StrCat(path == "-" ? std::string("standard input") : path, " is truncated ", where,
                      ": a record cut short after ", stats.replies_seen + stats.probes_sent,
                      " whole packets; using those");
}

std::optional<std::string> UnauthenticatedHint(const report::ScanStats& stats) {
  const report::RejectCounts& by = stats.rejected_by_reason;
  uint64_t failed_keyed_checks = by.bad_flow_field + by.bad_mac;
  // Any other rejection (e.g. a target outside this scan) means a reply did authenticate.
  if (stats.matched != 0 || failed_keyed_checks == 0 ||
      failed_keyed_checks + by.short_quote != stats.rejected) {
    return std::nullopt;
  }
  return absl::StrCat("0 of ", failed_keyed_checks,
                      " reply-shaped packets authenticated: wrong --key-file?");
}

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
