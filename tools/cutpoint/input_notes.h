// SPDX-License-Identifier: Apache-2.0
// How the commands tell the user about input they could use only in part (the notes
// themselves are engine/report/run_notes.h): warnings and hints on standard error, and
// targets the blocklists or --skip-reserved left out.
#ifndef CUTPOINT_TOOLS_CUTPOINT_INPUT_NOTES_H_
#define CUTPOINT_TOOLS_CUTPOINT_INPUT_NOTES_H_

#include <optional>
#include <string>

#include "capture/pcap/pcap_source.h"
#include "engine/report/records.h"
#include "engine/report/run_notes.h"
#include "engine/targets/target_loading.h"

namespace cutpoint::cli {

// Prints "cutpoint: warning: ..." / "cutpoint: hint: ..." on standard error, if there is one.
void PrintWarning(const std::optional<std::string>& warning);
void PrintHint(const std::optional<std::string>& hint);

// "cutpoint: left out ..." when blocklists or --skip-reserved left targets out.
void NoteLeftOutTargets(const targets::TargetingReport& report, uint64_t target_count);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_INPUT_NOTES_H_
