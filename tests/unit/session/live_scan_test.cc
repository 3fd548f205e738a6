// SPDX-License-Identifier: Apache-2.0
// RunLiveScan on the fakes: an interrupted run saves the positions it did not send, and a
// run that finds the resume file sends exactly those (with another sender count, too).
#include "session/live_scan.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/targets/probe_plan.h"
#include "engine/targets/target_set.h"
#include "gtest/gtest.h"
#include "v4_ranges.h"
#include "session/work_ranges.h"
#include "session_fakes.h"

namespace cutpoint::session {
namespace {

using Probe = std::tuple<uint32_t, bool, uint8_t>;  // target, TCP, TTL: unique in the plan

targets::ProbePlan Plan() {
  targets::TargetSet targets = targets::TargetSet::FromRanges(
      {{testutil::Ip(198, 51, 100, 0), testutil::Ip(198, 51, 100, 255)}});
  absl::StatusOr<targets::ProbePlan> plan = targets::ProbePlan::Create(
      targets, {{probe::ProbeType::kTcpSyn, 443}, {probe::ProbeType::kIcmpEcho, 0}}, 1, 2, 1);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *plan;
}

class LiveScanTest : public ::testing::Test {
 protected:
  void TearDown() override { std::remove(resume_path_.c_str()); }

  // One run; the stop flag is raised after `stop_at` probes (0: never). Adds what it sent
  // to `sent_`.
  absl::StatusOr<report::ScanStats> Scan(int senders, size_t stop_at, uint64_t seed = 7) {
    std::atomic<bool> stop{false};
    fakes::FakeNetwork network(fakes::AnswerEveryProbe);
    network.set_on_carry([&](size_t carried) {
      if (carried == stop_at) stop = true;
    });
    LiveScanOptions options;
    options.seed = seed;
    options.cooldown_s = 0;
    options.resume_path = resume_path_;
    probe::ProbeCodec codec(fakes::TestKey());
    replies_ = 0;
    absl::StatusOr<report::ScanStats> stats = RunLiveScan(
        fakes::FakeConfig(&network, senders), codec, plan_, options,
        [&](const match::ReplyRecord&) {
          ++replies_;
          return absl::OkStatus();
        },
        stop);
    for (const testutil::Bytes& probe : network.sent()) {
      bool fresh =
          sent_.insert({fakes::TargetOf(probe), fakes::IsTcp(probe), fakes::TtlOf(probe)}).second;
      EXPECT_TRUE(fresh) << "probe sent twice";
    }
    return stats;
  }

  targets::ProbePlan plan_ = Plan();
  std::string resume_path_ = ::testing::TempDir() + "live_scan_resume_" + std::to_string(getpid());
  std::set<Probe> sent_;
  uint64_t replies_ = 0;
};

TEST_F(LiveScanTest, InterruptedRunSavesWhatIsLeftAndTheNextRunSendsExactlyThat) {
  absl::StatusOr<report::ScanStats> first = Scan(/*senders=*/2, /*stop_at=*/300);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->interrupted);
  EXPECT_EQ(first->resume_file, resume_path_);
  EXPECT_EQ(first->probes_sent, sent_.size());
  EXPECT_EQ(first->probes_sent + first->probes_unsent, plan_.size());
  EXPECT_EQ(first->matched, first->probes_sent);
  absl::StatusOr<ResumeState> saved = ReadResumeFile(resume_path_);
  ASSERT_TRUE(saved.ok()) << saved.status();
  LiveScanOptions options;
  options.seed = 7;
  EXPECT_EQ(saved->order_id, SendOrderId(plan_, options));
  EXPECT_EQ(TotalPositions(saved->remaining), first->probes_unsent);

  absl::StatusOr<report::ScanStats> second = Scan(/*senders=*/1, /*stop_at=*/0);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->interrupted);
  EXPECT_EQ(second->probes_sent, first->probes_unsent);
  EXPECT_EQ(replies_, second->probes_sent);
  EXPECT_EQ(sent_.size(), plan_.size());  // every probe of the plan, none twice
  for (uint64_t i = 0; i < plan_.size(); ++i) {
    probe::ProbeSpec spec = plan_.SpecAt(i);
    EXPECT_TRUE(sent_.count({spec.target.v4(), spec.type == probe::ProbeType::kTcpSyn, spec.ttl}))
        << "plan index " << i;
  }
  saved = ReadResumeFile(resume_path_);
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_TRUE(saved->remaining.empty());
}

TEST_F(LiveScanTest, ResumeFileOfAnotherOrderIsRefusedBeforeAnyProbe) {
  ASSERT_TRUE(Scan(1, 100).ok());
  sent_.clear();
  absl::StatusOr<report::ScanStats> other = Scan(1, 0, /*seed=*/8);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("belongs to another scan"), std::string::npos)
      << other.status();
  EXPECT_TRUE(sent_.empty());
}

TEST_F(LiveScanTest, ResumeFileOfAnEarlierOrderVersionIsRefused) {
  // A file saved by a binary walking order 1 (no "order=" in its id) lists positions of
  // that order: continuing it in order 2 would skip and repeat probes.
  ASSERT_TRUE(Scan(1, 100).ok());
  absl::StatusOr<ResumeState> saved = ReadResumeFile(resume_path_);
  ASSERT_TRUE(saved.ok()) << saved.status();
  const std::string prefix = "order=2 ";
  ASSERT_EQ(saved->order_id.rfind(prefix, 0), 0u) << saved->order_id;
  saved->order_id = saved->order_id.substr(prefix.size());
  ASSERT_TRUE(WriteResumeFile(resume_path_, *saved).ok());
  sent_.clear();
  absl::StatusOr<report::ScanStats> resumed = Scan(1, 0);
  EXPECT_EQ(resumed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(resumed.status().message().find("belongs to another scan"), std::string::npos)
      << resumed.status();
  EXPECT_TRUE(sent_.empty());
}

TEST_F(LiveScanTest, WithoutResumeFileEveryProbeIsSentOnce) {
  resume_path_.clear();
  absl::StatusOr<report::ScanStats> stats = Scan(3, 0);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->probes_sent, plan_.size());
  EXPECT_EQ(sent_.size(), plan_.size());
  EXPECT_EQ(stats->matched, plan_.size());
  EXPECT_TRUE(stats->resume_file.empty());
}

}  // namespace
}  // namespace cutpoint::session
