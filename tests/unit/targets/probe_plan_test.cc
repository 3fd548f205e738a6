// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/probe_plan.h"

#include <set>
#include <tuple>

#include "gtest/gtest.h"
#include "v4_ranges.h"
#include "test_util.h"

namespace cutpoint::targets {
namespace {

using probe::ProbeType;
using testutil::Ip;

TargetSet ThreeTargets() {
  return testutil::V4Set({{Ip(185, 70, 40, 100), Ip(185, 70, 40, 101)},
                                {Ip(1, 1, 1, 1), Ip(1, 1, 1, 1)}});
}

const std::vector<ProbeKind> kKinds = {{ProbeType::kTcpSyn, 443}, {ProbeType::kIcmpEcho, 0}};

TEST(ProbePlanTest, CreateErrors) {
  struct Case { TargetSet targets; std::vector<ProbeKind> kinds; int ttl_min, ttl_max, attempts;
                const char* message; };
  const Case cases[] = {
      {TargetSet(), kKinds, 1, 30, 1, "no targets"},
      {ThreeTargets(), {}, 1, 30, 1, "no probe types"},
      {ThreeTargets(), kKinds, 0, 30, 1, "TTL"},
      {ThreeTargets(), kKinds, 10, 9, 1, "TTL"},
      {ThreeTargets(), kKinds, 1, 30, 0, "attempts"},
      {ThreeTargets(), kKinds, 1, 30, 5, "attempts"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ProbePlan> plan =
        ProbePlan::Create(c.targets, c.kinds, static_cast<uint8_t>(c.ttl_min),
                          static_cast<uint8_t>(c.ttl_max), static_cast<uint8_t>(c.attempts));
    ASSERT_FALSE(plan.ok()) << c.message;
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(plan.status().message().find(c.message), absl::string_view::npos)
        << plan.status().message();
  }
  // Messages show numbers, not raw characters.
  absl::StatusOr<ProbePlan> bad_ttl = ProbePlan::Create(ThreeTargets(), kKinds, 10, 9, 1);
  EXPECT_NE(bad_ttl.status().message().find("10-9"), absl::string_view::npos)
      << bad_ttl.status().message();
  absl::StatusOr<ProbePlan> bad_attempts = ProbePlan::Create(ThreeTargets(), kKinds, 1, 9, 5);
  EXPECT_NE(bad_attempts.status().message().find("got 5"), absl::string_view::npos)
      << bad_attempts.status().message();
}

TEST(ProbePlanTest, EdgesAccepted) {
  EXPECT_TRUE(ProbePlan::Create(ThreeTargets(), kKinds, 1, 1, 1).ok());
  EXPECT_TRUE(ProbePlan::Create(ThreeTargets(), kKinds, 255, 255, 4).ok());
  absl::StatusOr<ProbePlan> full = ProbePlan::Create(ThreeTargets(), kKinds, 1, 255, 4);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->size(), 3u * 2 * 255 * 4);
  // The whole IPv4 space, full TTL range, 4 attempts, two kinds still fits in 64 bits.
  absl::StatusOr<ProbePlan> huge =
      ProbePlan::Create(testutil::V4Set({{0, 0xffffffffu}}), kKinds, 1, 255, 4);
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->size(), (uint64_t{1} << 32) * 2 * 255 * 4);
  probe::ProbeSpec last = huge->SpecAt(huge->size() - 1);
  EXPECT_EQ(last.target, testutil::V4(0xffffffffu));
  EXPECT_EQ(last.ttl, 255);
  EXPECT_EQ(last.attempt, 3);
}

TEST(ProbePlanTest, SpecAtCoversEveryProbeExactlyOnce) {
  absl::StatusOr<ProbePlan> plan = ProbePlan::Create(
      ThreeTargets(), {{ProbeType::kTcpSyn, 443}, {ProbeType::kTcpSyn, 80}, {ProbeType::kIcmpEcho, 0}},
      3, 7, 2);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->size(), 3u * 3 * 5 * 2);
  EXPECT_EQ(plan->ttl_min(), 3);
  EXPECT_EQ(plan->ttl_max(), 7);
  EXPECT_EQ(plan->attempts(), 2);
  EXPECT_EQ(plan->kinds().size(), 3u);
  EXPECT_EQ(plan->targets().size(), 3u);
  std::set<std::tuple<wire::IpAddress, int, uint16_t, int, int>> seen;
  for (uint64_t i = 0; i < plan->size(); ++i) {
    probe::ProbeSpec s = plan->SpecAt(i);
    ASSERT_TRUE(plan->targets().Contains(s.target));
    ASSERT_GE(s.ttl, 3);
    ASSERT_LE(s.ttl, 7);
    ASSERT_LT(s.attempt, 2);
    if (s.type == ProbeType::kIcmpEcho) {
      ASSERT_EQ(s.port, 0);
    } else {
      ASSERT_TRUE(s.port == 443 || s.port == 80);
    }
    ASSERT_TRUE(seen.insert({s.target, static_cast<int>(s.type), s.port, s.ttl, s.attempt}).second)
        << "index " << i << " repeats a probe";
  }
  EXPECT_EQ(seen.size(), plan->size());
}

}  // namespace
}  // namespace cutpoint::targets
