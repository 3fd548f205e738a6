// SPDX-License-Identifier: Apache-2.0
// --progress of match and report: at most a line a second, on a fake clock.
#include "tools/cutpoint/read_progress.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace cutpoint::cli {
namespace {

// What was written to a memory stream.
class Captured {
 public:
  Captured() : file_(open_memstream(&buffer_, &size_)) {}
  ~Captured() {
    std::fclose(file_);
    std::free(buffer_);
  }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buffer_, size_);
  }

 private:
  char* buffer_ = nullptr;
  size_t size_ = 0;
  std::FILE* file_;
};

TEST(ReadProgressTest, PrintsAtMostOnceASecond) {
  Captured out;
  double now = 100;
  ReadProgress progress("report", out.file(), [&] { return now; });
  progress.Update(1, "of 3 files read");  // at the start: nothing yet
  now = 100.5;
  progress.Update(2, "of 3 files read");
  EXPECT_EQ(out.text(), "");
  now = 101.3;
  progress.Update(2, "of 3 files read");
  now = 101.5;
  progress.Update(3, "of 3 files read");  // a line 0.2 s ago
  EXPECT_EQ(out.text(), "   1.3s report: 2 of 3 files read\n");
}

// Hands out `frames` frames, then the end.
class FakeSource final : public capture::FrameSource {
 public:
  explicit FakeSource(uint64_t frames) : left_(frames) {}
  wire::LinkType link_type() const override { return wire::LinkType::kEthernet; }
  absl::StatusOr<capture::NextResult> Next(capture::CapturedFrame*, bool) override {
    if (left_ == 0) return capture::NextResult::kEnd;
    --left_;
    return capture::NextResult::kFrame;
  }
  capture::CaptureCounters Counters() const override { return {}; }

 private:
  uint64_t left_;
};

TEST(ProgressFrameSourceTest, CountsFramesAndPassesThemOn) {
  Captured out;
  double now = 0;
  ReadProgress progress("match", out.file(), [&] {
    now += 0.6;
    return now;
  });
  FakeSource inner(3 * 4096 + 5);
  ProgressFrameSource source(inner, progress);
  capture::CapturedFrame frame;
  uint64_t frames = 0;
  while (*source.Next(&frame, true) == capture::NextResult::kFrame) ++frames;
  EXPECT_EQ(frames, 3u * 4096 + 5);
  // The clock is read at 4096, 8192 and 12288 frames: 0.6 s, 1.2 s (a line), 1.8 s.
  EXPECT_EQ(out.text(), "   1.2s match: 8192 packets read\n");
}

}  // namespace
}  // namespace cutpoint::cli
