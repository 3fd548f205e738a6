// SPDX-License-Identifier: Apache-2.0
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
  s.session_sent = 48000;
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

// Every phase prints: sending, the end of sending, the cooldown and the capture's stop
// (the line used to go quiet once sending ended).
TEST(ProgressLineTest, ReportsThroughCooldownAndShutdown) {
  using session::ProgressPhase;
  std::string text = Captured([](std::FILE* out) {
    ProgressLine line(out);
    for (ProgressPhase phase :
         {ProgressPhase::kSending, ProgressPhase::kInterrupted, ProgressPhase::kCooldown,
          ProgressPhase::kFinished}) {
      line.OnProgress(Snapshot(phase));
    }
  });
  EXPECT_EQ(text,
            "  12.0s  40.0% (ETA   18s) sent 48000 at 4000 pps; recv 310 pps; hits 7.7%; drops 2\n"
            "  12.0s  40.0% (ETA   18s) sent 48000 at 4000 pps; recv 310 pps; hits 7.7%; drops 2\n"
            "  12.0s cooldown: recv 310 pps; matched 3700; hits 7.7%; drops 2\n"
            "  12.0s done (interrupted): sent 48000; matched 3700; hits 7.7%; drops 2\n");
}

TEST(ProgressLineTest, RoundLines) {
  session::SweepRoundDone screen;
  screen.phase = session::SweepRoundDone::Phase::kScreen;
  screen.ttl_lo = screen.ttl_hi = 32;
  screen.probes = 768;
  screen.targets = 256;
  EXPECT_EQ(FormatRoundLine(screen), "round 1 screen (attempt 0, TTL 32): 768 probes to 256 targets");
  session::SweepRoundDone window;
  window.index = 2;
  window.ttl_lo = 9;
  window.ttl_hi = 16;
  window.probes = 4096;
  window.targets = 128;
  window.verdicts = {{locate::VerdictKind::kReachable, 250},
                     {locate::VerdictKind::kSilentDrop, 2},
                     {locate::VerdictKind::kInconclusive, 4}};
  EXPECT_EQ(FormatRoundLine(window),
            "round 3, TTL 9-16: 4096 probes to 128 targets; verdicts now: reachable 250, "
            "silent_drop 2, inconclusive 4");
  session::SweepRoundDone retry = window;
  retry.phase = session::SweepRoundDone::Phase::kRetry;
  retry.attempt = 2;
  retry.verdicts.clear();
  EXPECT_EQ(FormatRoundLine(retry), "round 3 retry (attempt 2, TTL 9-16): 4096 probes to 128 targets");
}

}  // namespace
}  // namespace cutpoint::cli
