// SPDX-License-Identifier: Apache-2.0
// --progress for the commands that read files rather than probe (match, report): a line on
// stderr at most once a second saying how far the reading got, e.g.
// "   3.0s match: 1250304 packets read". A run shorter than a second prints nothing.
#ifndef CUTPOINT_TOOLS_CUTPOINT_READ_PROGRESS_H_
#define CUTPOINT_TOOLS_CUTPOINT_READ_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "capture/frame_source.h"

namespace cutpoint::cli {

class ReadProgress {
 public:
  // `now_s`: a monotonic clock in seconds (tests pass a fake one).
  ReadProgress(absl::string_view command, std::FILE* out,
               std::function<double()> now_s = MonotonicSeconds);
  // `count` `what` so far ("packets read", "files read"): printed when a second has passed
  // since the start or the last line.
  void Update(uint64_t count, absl::string_view what);

  static double MonotonicSeconds();

 private:
  std::string command_;
  std::FILE* out_;
  std::function<double()> now_s_;
  double start_s_;
  double last_s_;
};

// A FrameSource that counts the frames handed out and reports them to `progress` (the
// clock is read once every 4096 frames, so it costs nothing per packet).
class ProgressFrameSource final : public capture::FrameSource {
 public:
  ProgressFrameSource(capture::FrameSource& inner, ReadProgress& progress)
      : inner_(inner), progress_(progress) {}
  wire::LinkType link_type() const override { return inner_.link_type(); }
  absl::StatusOr<capture::NextResult> Next(capture::CapturedFrame* frame, bool wait) override;
  capture::CaptureCounters Counters() const override { return inner_.Counters(); }
  std::optional<capture::CaptureTruncation> truncation() const override {
    return inner_.truncation();
  }

 private:
  capture::FrameSource& inner_;
  ReadProgress& progress_;
  uint64_t frames_ = 0;
};

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_READ_PROGRESS_H_
