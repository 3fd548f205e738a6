// SPDX-License-Identifier: Apache-2.0
// What a run's stats say about input it could use only in part, worded for the user, so
// that an empty or short result is never silent: a capture file cut short (read up to the
// cut, as tcpdump does), and replies addressed to us none of which authenticated (the
// wrong --key-file, most likely).
#ifndef CUTPOINT_ENGINE_REPORT_RUN_NOTES_H_
#define CUTPOINT_ENGINE_REPORT_RUN_NOTES_H_

#include <optional>
#include <string>

#include "engine/report/records.h"

namespace cutpoint::report {

// For a capture read into `stats` that was cut short: the warning naming the offset.
std::optional<std::string> TruncationWarning(const std::string& path,
                                             const report::ScanStats& stats);

// "0 of N reply-shaped packets authenticated: wrong --key-file?" when replies addressed
// to us arrived and every one failed the keyed checks (flow field or MAC), none passed
// them; nullopt otherwise.
std::optional<std::string> UnauthenticatedHint(const report::ScanStats& stats);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_RUN_NOTES_H_
