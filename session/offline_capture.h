// SPDX-License-Identifier: Apache-2.0
// Matching a capture taken earlier (or elsewhere) on one thread, reply by reply: the
// offline half of `locate --from-pcap`. (`match` uses MatchCaptureToSink,
// capture_pipeline.h, which does the same on two threads straight into an output.)
#ifndef CUTPOINT_SESSION_OFFLINE_CAPTURE_H_
#define CUTPOINT_SESSION_OFFLINE_CAPTURE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/frame_source.h"
#include "engine/match/matcher.h"
#include "engine/report/records.h"
#include "session/reply_handler.h"

namespace cutpoint::session {

// Matches every frame of an opened capture (opened first, so a bad file is refused before
// any output), calling `on_reply` for each matched reply. A corrupt file is a DataLoss
// error naming `path`.
absl::StatusOr<report::ScanStats> ReadCapture(capture::FrameSource& source, const std::string& path,
                                              const match::Matcher& matcher,
                                              const ReplyHandler& on_reply);

// Opens the capture file `path` ("-": standard input), calls `before_reading` (e.g. to
// begin the outputs: the file opened, the run can start), then ReadCapture.
absl::StatusOr<report::ScanStats> ReadCaptureFile(const std::string& path,
                                                  const match::Matcher& matcher,
                                                  const ReplyHandler& on_reply,
                                                  const std::function<absl::Status()>& before_reading);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_OFFLINE_CAPTURE_H_
