// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/read_progress.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_format.h"

namespace cutpoint::cli {

double ReadProgress::MonotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ReadProgress::ReadProgress(absl::string_view command, std::FILE* out, std::function<double()> now_s)
    : command_(command), out_(out), now_s_(std::move(now_s)) {
  start_s_ = now_s_();
  last_s_ = start_s_;
}

void ReadProgress::Update(uint64_t count, absl::string_view what) {
  const double now = now_s_();
  if (now - last_s_ < 1.0) return;
  last_s_ = now;
  absl::FPrintF(out_, "%6.1fs %s: %d %s\n", now - start_s_, command_, count, what);
  std::fflush(out_);
}

absl::StatusOr<capture::NextResult> ProgressFrameSource::Next(capture::CapturedFrame* frame,
                                                              bool wait) {
  absl::StatusOr<capture::NextResult> result = inner_.Next(frame, wait);
  if (result.ok() && *result == capture::NextResult::kFrame && (++frames_ & 4095) == 0) {
    progress_.Update(frames_, "packets read");
  }
  return result;
}

}  // namespace cutpoint::cli
