// Matching a capture taken earlier (or elsewhere) on one thread, reply by reply: the
// offline half of `locate --from-pcap`. (`match` uses MatchCaptureToSink,
// capture_pipeline.h, which does the same on two threads straight into an output.)
#ifndef CUTPOINT_SESSION_OFFLINE_CAPTURE_H_
#define CUTPOINT_SESSION_OFFLINE_CAPTURE_H_

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

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_OFFLINE_CAPTURE_H_
