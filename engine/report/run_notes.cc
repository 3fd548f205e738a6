// SPDX-License-Identifier: Apache-2.0
#include "engine/report/run_notes.h"

#include "absl/strings/str_cat.h"

namespace cutpoint::report {

std::optional<std::string> TruncationWarning(const std::string& path, const ScanStats& stats) {
  if (!stats.capture_truncated) return std::nullopt;
  std::string where = stats.truncated_at_byte
                          ? absl::StrCat("at byte ", *stats.truncated_at_byte)
                          : std::string("at an unknown byte offset (not a seekable file)");
  // Every packet read is a probe of ours or counted in replies_seen.
  return absl::StrCat(path == "-" ? std::string("standard input") : path, " is truncated ", where,
                      ": a record cut short after ", stats.replies_seen + stats.probes_sent,
                      " whole packets; using those");
}

std::optional<std::string> UnauthenticatedHint(const ScanStats& stats) {
  const RejectCounts& by = stats.rejected_by_reason;
  uint64_t failed_keyed_checks = by.bad_flow_field + by.bad_mac;
  // Any other rejection (e.g. a target outside this scan) means a reply did authenticate.
  if (stats.matched != 0 || failed_keyed_checks == 0 ||
      failed_keyed_checks + by.short_quote != stats.rejected) {
    return std::nullopt;
  }
  return absl::StrCat("0 of ", failed_keyed_checks,
                      " reply-shaped packets authenticated: wrong --key-file?");
}

}  // namespace cutpoint::report
