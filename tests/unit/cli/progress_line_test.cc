// The --progress status line (tools/cutpoint): its exact format, and when it is printed.
#include "tools/cutpoint/progress_line.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace cutpoint::cli {
namespace {

// Everything `print` writes to a FILE*.
template <typename Print>
std::string Captured(Print print) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  print(out);
  std::fclose(out);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

session::ProgressSnapshot Snapshot(session::ProgressPhase phase) {
  session::ProgressSnapshot s;
  s.phase = phase;
  s.elapsed_s = 12.04;
  s.total = 120000;
  s.sent = 48000;
  s.percent_done = 40;
  s.eta_s = 18.06;
  s.send_pps = 4000.4;
  s.recv_pps = 310.2;
  s.matched = 3700;
  s.hit_rate_percent = 7.7083;
  s.capture_drops = 2;
  return s;
}

TEST(ProgressLineTest, Format) {
  EXPECT_EQ(Captured([](std::FILE* out) {
              PrintProgressLine(Snapshot(session::ProgressPhase::kSending), out);
            }),
            "  12.0s  40.0% (ETA   18s) sent 48000 at 4000 pps; recv 310 pps; hits 7.7%; "
            "drops 2\n");
}

TEST(ProgressLineTest, PrintsWhileSendingOnly) {
  using session::ProgressPhase;
  std::string text = Captured([](std::FILE* out) {
    ProgressLine line(out);
    for (ProgressPhase phase :
         {ProgressPhase::kSending, ProgressPhase::kSent, ProgressPhase::kInterrupted,
          ProgressPhase::kCooldown, ProgressPhase::kFinished}) {
      line.OnProgress(Snapshot(phase));
    }
  });
  size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 3u) << text;
}

}  // namespace
}  // namespace cutpoint::cli
