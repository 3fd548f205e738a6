// What the commands tell the user about input they could use only in part, so that an
// empty or short result is never silent: a capture file cut short (read up to the cut,
// as tcpdump does), replies addressed to us none of which authenticated (the wrong
// --key-file, most likely), and targets the blocklists or --skip-reserved left out.
#ifndef CUTPOINT_TOOLS_CUTPOINT_INPUT_NOTES_H_
#define CUTPOINT_TOOLS_CUTPOINT_INPUT_NOTES_H_

#include <optional>
#include <string>

#include "capture/pcap/pcap_source.h"
#include "engine/report/records.h"
#include "engine/targets/target_loading.h"

namespace cutpoint::cli {

// For a capture read into `stats` that was cut short: the warning naming the offset.
std::optional<std::string> TruncationWarning(const std::string& path,
                                             const report::ScanStats& stats);

// "0 of N reply-shaped packets authenticated: wrong --key-file?" when replies addressed
// to us arrived and every one failed the keyed checks (flow field or MAC), none passed
// them; nullopt otherwise.
std::optional<std::string> UnauthenticatedHint(const report::ScanStats& stats);

// Prints "cutpoint: warning: ..." / "cutpoint: hint: ..." lines on standard error.
void PrintWarning(const std::string& text);
void PrintHint(const std::optional<std::string>& hint);

// "cutpoint: left out ..." when blocklists or --skip-reserved left targets out.
void NoteLeftOutTargets(const targets::TargetingReport& report, uint64_t target_count);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_INPUT_NOTES_H_
