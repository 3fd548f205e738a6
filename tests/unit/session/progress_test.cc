// SPDX-License-Identifier: Apache-2.0
// ProgressMeter's arithmetic on given clock readings, and the status record's bytes.
#include "session/progress.h"

#include <string>

#include "engine/report/json_line.h"
#include "gtest/gtest.h"
#include "session/status_file.h"

namespace cutpoint::session {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

TEST(ProgressMeterTest, RatesAreOverTheLastIntervalCompletionOverTheSend) {
  ProgressMeter meter;
  // The session had sent 50 and matched 5 before this Send() of 1000 began at t = 10 s.
  meter.Begin(1000, /*sent_counter=*/50, /*matched=*/5, 10 * kSecond);
  // 25 replies matched, 10 of them successes (SYN-ACKs, echo replies).
  ProgressSnapshot first = meter.Take(ProgressPhase::kSending, 250, 25, 10, 3, 12 * kSecond);
  EXPECT_EQ(first.phase, ProgressPhase::kSending);
  EXPECT_EQ(first.total, 1000u);
  EXPECT_EQ(first.sent, 200u);
  EXPECT_EQ(first.matched, 25u);
  EXPECT_EQ(first.capture_drops, 3u);
  EXPECT_DOUBLE_EQ(first.elapsed_s, 2.0);
  EXPECT_DOUBLE_EQ(first.send_pps, 100.0);
  EXPECT_DOUBLE_EQ(first.recv_pps, 10.0);  // 20 matched since the Send() began
  EXPECT_DOUBLE_EQ(first.percent_done, 20.0);
  EXPECT_DOUBLE_EQ(first.eta_s, 8.0);
  EXPECT_EQ(first.successes, 10u);
  // Successes only, as zmap counts hits, over the session's 250 probes (its successes
  // are the session's too: locate sends many rounds).
  EXPECT_EQ(first.session_sent, 250u);
  EXPECT_DOUBLE_EQ(first.hit_rate_percent, 4.0);

  ProgressSnapshot second = meter.Take(ProgressPhase::kSent, 1050, 30, 30, 4, 14 * kSecond);
  EXPECT_EQ(second.sent, 1000u);
  EXPECT_DOUBLE_EQ(second.elapsed_s, 4.0);
  EXPECT_DOUBLE_EQ(second.send_pps, 400.0);
  EXPECT_DOUBLE_EQ(second.recv_pps, 2.5);
  EXPECT_DOUBLE_EQ(second.percent_done, 100.0);
  EXPECT_DOUBLE_EQ(second.eta_s, 0.0);
  EXPECT_DOUBLE_EQ(second.hit_rate_percent, 100.0 * 30 / 1050);
}

TEST(ProgressMeterTest, NothingSentYetAndEmptySends) {
  ProgressMeter meter;
  meter.Begin(100, 0, 0, 0);
  ProgressSnapshot none = meter.Take(ProgressPhase::kSending, 0, 0, 0, 0, 0);
  EXPECT_DOUBLE_EQ(none.send_pps, 0.0);  // no time has passed
  EXPECT_DOUBLE_EQ(none.percent_done, 0.0);
  EXPECT_DOUBLE_EQ(none.eta_s, 0.0);
  EXPECT_DOUBLE_EQ(none.hit_rate_percent, 0.0);
  meter.Begin(0, 0, 0, 0);
  EXPECT_DOUBLE_EQ(meter.Take(ProgressPhase::kSent, 0, 0, 0, 0, kSecond).percent_done, 100.0);
}

TEST(StatusFileTest, RecordKeepsItsFieldsAndNumberFormat) {
  ProgressSnapshot s;
  s.elapsed_s = 2;
  s.total = 1000;
  s.sent = 200;
  s.percent_done = 20;
  s.eta_s = 8;
  s.send_pps = 100;
  s.recv_pps = 10;
  s.matched = 25;
  s.successes = 10;
  s.hit_rate_percent = 1.0;
  s.capture_drops = 3;
  report::JsonLine line;
  EXPECT_EQ(std::string(FormatStatusRecord(s, &line)),
            "{\"type\":\"status\",\"elapsed_s\":2.000000,\"probes_total\":1000,"
            "\"probes_sent\":200,\"percent_done\":20.000000,\"eta_s\":8.000000,"
            "\"send_pps\":100.000000,\"recv_pps\":10.000000,\"matched\":25,\"successes\":10,"
            "\"hit_rate_percent\":1.000000,\"capture_drops\":3}\n");
}

}  // namespace
}  // namespace cutpoint::session
