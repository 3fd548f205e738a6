// SPDX-License-Identifier: Apache-2.0
// `match` over a capture file on two threads. Reading the file is serial (libpcap), but
// matching and formatting a reply cost more than reading it, and they are independent per
// frame. So frames are copied out in batches, both threads match and format whichever
// batch is next, and finished batches are written and counted strictly in capture order:
// the output is the one-thread loop's, byte for byte, at up to twice its speed.
#ifndef CUTPOINT_SESSION_CAPTURE_PIPELINE_H_
#define CUTPOINT_SESSION_CAPTURE_PIPELINE_H_

#include <string>

#include "absl/status/statusor.h"
#include "capture/pcap/pcap_source.h"
#include "engine/match/matcher.h"
#include "engine/report/records.h"
#include "session/output_sink.h"

namespace cutpoint::session {

// Matches every frame of `source` and appends one reply line per match to `sink`, in
// capture order. A read error comes back as DataLoss "PATH: ..." after the replies before
// it are in the sink (as ReadCapture does); a write error stops the run and comes back as
// is. `matcher` must be safe to call from two threads at once (it is const and stateless).
absl::StatusOr<report::ScanStats> MatchCaptureToSink(capture::FrameSource& source,
                                                    const std::string& path,
                                                    const match::Matcher& matcher,
                                                    OutputSink& sink);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_CAPTURE_PIPELINE_H_
