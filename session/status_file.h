// SPDX-License-Identifier: Apache-2.0
// --status-file: the latest progress as one JSON `status` record, for a monitor to poll.
// Rewritten atomically (0600, via WritePrivateFileAtomically), so a reader sees a whole
// record, never a part.
#ifndef CUTPOINT_SESSION_STATUS_FILE_H_
#define CUTPOINT_SESSION_STATUS_FILE_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/report/json_line.h"
#include "session/progress.h"

namespace cutpoint::session {

// The status record of `snapshot`, newline included (valid until `line` is reused).
absl::string_view FormatStatusRecord(const ProgressSnapshot& snapshot, report::JsonLine* line);

// Writes the status record while probes are sent (phases kSending, kSent, kInterrupted),
// as the status file always has.
class StatusFileObserver final : public ProgressObserver {
 public:
  explicit StatusFileObserver(std::string path) : path_(std::move(path)) {}
  // Started as root, the run writes the file as the user it switched to.
  absl::Status OnStart() override;
  void OnProgress(const ProgressSnapshot& snapshot) override;

 private:
  std::string path_;
  report::JsonLine line_;
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_STATUS_FILE_H_
