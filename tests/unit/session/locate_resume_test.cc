// SPDX-License-Identifier: Apache-2.0
// The `locate --resume` state file: round trip, refusal of another run's file, and which
// replies a resumed run keeps.
#include "session/locate_resume.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace cutpoint::session {
namespace {

std::string TempPath(const char* name) {
  return std::string(::testing::TempDir()) + "/" + name + std::to_string(::getpid());
}

match::ReplyRecord Reply(uint8_t ttl, uint8_t attempt) {
  match::ReplyRecord r;
  r.target = wire::IpAddress::V4(0xc6130165);
  r.probe_type = probe::ProbeType::kTcpSyn;
  r.port = 25;
  r.probe_ttl = ttl;
  r.attempt = attempt;
  r.kind = match::ReplyKind::kTimeExceeded;
  r.from = wire::IpAddress::V4(0xc6120202);
  r.icmp_code = 0;
  r.reply_ttl = 61;
  r.reply_ipid = 4242;
  r.rtt_us = 1234;
  return r;
}

TEST(LocateResumeTest, RoundTripsTheScreenPhase) {
  std::string path = TempPath("locate_resume_screen");
  LocateResumeState state;
  state.plan = "p";
  state.next = {1, false, 1, 0, 0, true, 1};
  ASSERT_TRUE(WriteLocateResume(path, state).ok());
  absl::StatusOr<std::optional<LocateResumeState>> read = ReadLocateResume(path, "p");
  std::remove(path.c_str());
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  EXPECT_TRUE((*read)->next.screening);
  EXPECT_EQ((*read)->next.screen_attempt, 1);
  EXPECT_FALSE((*read)->next.retry);
  EXPECT_EQ((*read)->next.index, 1u);
}

TEST(LocateResumeTest, RoundTripsThePositionAndTheReplies) {
  std::string path = TempPath("locate_resume_rt");
  LocateResumeState state;
  state.plan = "targets=512/abc probes=tcp-syn:25 ttl=1-7";
  state.next = {3, true, 0, 1, 7};
  state.replies = {Reply(3, 0), Reply(7, 2)};
  ASSERT_TRUE(WriteLocateResume(path, state).ok());
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  absl::StatusOr<std::optional<LocateResumeState>> read = ReadLocateResume(path, state.plan);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  const LocateResumeState& got = **read;
  EXPECT_EQ(got.next.index, 3u);
  EXPECT_TRUE(got.next.retry);
  EXPECT_EQ(got.next.retry_index, 1);
  EXPECT_EQ(got.next.swept_max, 7);
  ASSERT_EQ(got.replies.size(), 2u);
  EXPECT_EQ(got.replies[1].probe_ttl, 7);
  EXPECT_EQ(got.replies[1].attempt, 2);
  EXPECT_EQ(got.replies[1].from, wire::IpAddress::V4(0xc6120202u));
  EXPECT_EQ(got.replies[1].reply_ipid, 4242);
  EXPECT_EQ(got.replies[1].rtt_us, 1234);
  EXPECT_EQ(got.replies[1].kind, match::ReplyKind::kTimeExceeded);

  absl::StatusOr<std::optional<LocateResumeState>> other = ReadLocateResume(path, "another plan");
  EXPECT_FALSE(other.ok());
  std::remove(path.c_str());
}

TEST(LocateResumeTest, MissingFileStartsOverAndGarbageIsRefused) {
  std::string path = TempPath("locate_resume_missing");
  absl::StatusOr<std::optional<LocateResumeState>> none = ReadLocateResume(path, "p");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  std::ofstream(path) << "cutpoint-locate-resume 1\nplan p\nnext 0 window 1 0\nr 1 2 3\n";
  EXPECT_FALSE(ReadLocateResume(path, "p").ok());
  std::remove(path.c_str());
}

TEST(LocateResumeTest, TheCutRoundIsSentAgainSoItsRepliesAreDropped) {
  const int attempts = 2;
  LocateRound window{1, false, 3, 0, 2};  // cut while sending TTLs 3.. (attempts 0, 1)
  EXPECT_TRUE(BeforeRound(Reply(2, 1), window, attempts));
  EXPECT_FALSE(BeforeRound(Reply(3, 0), window, attempts));
  // A screened sweep: screen round i sends attempt i at TTL max (8); its replies are
  // before every later round, and the windows stay below TTL max.
  LocateRound screen{1, false, 0, 0, 0, true, 1};
  EXPECT_TRUE(BeforeRound(Reply(8, 0), screen, attempts, 8));
  EXPECT_FALSE(BeforeRound(Reply(8, 1), screen, attempts, 8));
  EXPECT_FALSE(BeforeRound(Reply(3, 0), screen, attempts, 8));
  LocateRound after_screen{2, false, 1, 0, 0};
  EXPECT_TRUE(BeforeRound(Reply(8, 1), after_screen, attempts, 8));
  EXPECT_FALSE(BeforeRound(Reply(3, 0), after_screen, attempts, 8));
  LocateRound retry{4, true, 0, 1, 7};  // cut while sending attempt 2 + 1
  EXPECT_TRUE(BeforeRound(Reply(7, 1), retry, attempts));
  EXPECT_TRUE(BeforeRound(Reply(5, 2), retry, attempts));
  EXPECT_FALSE(BeforeRound(Reply(5, 3), retry, attempts));
}

TEST(LocateResumeTest, EachBadLineIsNamed) {
  std::string path = TempPath("locate_resume_bad");
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "line 1: empty"},
      {"cutpoint-scan-resume 1\n", "line 1: not a locate resume file"},
      {"cutpoint-locate-resume 1\nplan p\nnext 0 sideways 1 0\n", "line 3: bad 'next' record"},
      {"cutpoint-locate-resume 1\nplan p\nnext 0 window 1 0\nr 1 2 3 4 5 6 7 8 9 65536 1\n",
       "line 4: bad reply record"},
      {"cutpoint-locate-resume 1\nplan p\nwhat\n", "line 3: unknown record"},
      {"cutpoint-locate-resume 1\nplan p\n", "line 2: no plan or next record"},
      {"cutpoint-locate-resume 1\nplan q\nnext 0 window 1 0\n",
       "belongs to another locate run (q; this one is p)"},
  };
  for (const Case& c : cases) {
    std::ofstream(path) << c.text;
    absl::StatusOr<std::optional<LocateResumeState>> read = ReadLocateResume(path, "p");
    ASSERT_FALSE(read.ok()) << c.text;
    EXPECT_NE(read.status().message().find(c.message), absl::string_view::npos) << read.status();
  }
  std::ofstream(path) << "cutpoint-locate-resume 1\nplan p\nnext 5 retry 1 9\n"
                      << "r 1 0 25 3 1 2 7 0 60 9 100\n";
  absl::StatusOr<std::optional<LocateResumeState>> read = ReadLocateResume(path, "p");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ((*read)->next.index, 5u);
  EXPECT_TRUE((*read)->next.retry);
  EXPECT_EQ((*read)->next.retry_index, 1);
  EXPECT_EQ((*read)->next.swept_max, 9);
  ASSERT_EQ((*read)->replies.size(), 1u);
  EXPECT_EQ((*read)->replies[0].port, 25);
  EXPECT_EQ((*read)->replies[0].reply_ipid, 9);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace cutpoint::session
