// SPDX-License-Identifier: Apache-2.0
#include "capture/send/xsk_kick.h"

#include <gtest/gtest.h>

namespace cutpoint::capture {
namespace {

XskTxState State(bool needs_wakeup, uint32_t tx_pending, uint32_t in_flight, uint32_t completed) {
  return XskTxState{needs_wakeup, tx_pending, in_flight, completed};
}

TEST(XskKickPolicyTest, KicksWhenTheKernelAsksAndFramesWait) {
  XskKickPolicy policy;
  EXPECT_EQ(policy.Decide(State(true, 64, 64, 0)), XskKick::kWakeup);
  // Copy mode: the flag never clears, so every burst is kicked.
  EXPECT_EQ(policy.Decide(State(true, 64, 128, 10)), XskKick::kWakeup);
}

TEST(XskKickPolicyTest, NoKickWhileTheDriverPollsTheRing) {
  XskKickPolicy policy;
  // Zero-copy driver busy with the ring: the flag is clear and completions keep coming.
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(policy.Decide(State(false, 64, 256, 64)), XskKick::kNone) << i;
  }
}

TEST(XskKickPolicyTest, NoKickWhenTheKernelTookEveryDescriptor) {
  XskKickPolicy policy;
  // The flag is set (copy mode) but the last sendto() consumed the ring: the frames in
  // flight are in the stack, a second sendto() would find nothing to send.
  EXPECT_EQ(policy.Decide(State(true, 0, 64, 5)), XskKick::kNone);
}

TEST(XskKickPolicyTest, NoKickWithNothingInFlight) {
  XskKickPolicy policy(1);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(policy.Decide(State(true, 0, 0, 0)), XskKick::kNone) << i;
  }
}

TEST(XskKickPolicyTest, KicksAfterTheStallLimitWithoutCompletions) {
  XskKickPolicy policy(4);
  XskTxState stalled = State(false, 64, 4096, 0);
  EXPECT_EQ(policy.Decide(stalled), XskKick::kNone);
  EXPECT_EQ(policy.Decide(stalled), XskKick::kNone);
  EXPECT_EQ(policy.Decide(stalled), XskKick::kNone);
  EXPECT_EQ(policy.Decide(stalled), XskKick::kStall);
  // The count starts again after the kick.
  EXPECT_EQ(policy.Decide(stalled), XskKick::kNone);
  EXPECT_EQ(policy.Decide(stalled), XskKick::kNone);
  EXPECT_EQ(policy.Decide(stalled), XskKick::kNone);
  EXPECT_EQ(policy.Decide(stalled), XskKick::kStall);
}

TEST(XskKickPolicyTest, StallAlsoWhenTheRingIsEmptyButChunksNeverComeBack) {
  XskKickPolicy policy(2);
  EXPECT_EQ(policy.Decide(State(false, 0, 4096, 0)), XskKick::kNone);
  EXPECT_EQ(policy.Decide(State(false, 0, 4096, 0)), XskKick::kStall);
}

TEST(XskKickPolicyTest, ACompletionResetsTheStallCount) {
  XskKickPolicy policy(3);
  XskTxState quiet = State(false, 64, 512, 0);
  EXPECT_EQ(policy.Decide(quiet), XskKick::kNone);
  EXPECT_EQ(policy.Decide(quiet), XskKick::kNone);
  EXPECT_EQ(policy.Decide(State(false, 64, 512, 1)), XskKick::kNone);
  EXPECT_EQ(policy.Decide(quiet), XskKick::kNone);
  EXPECT_EQ(policy.Decide(quiet), XskKick::kNone);
  EXPECT_EQ(policy.Decide(quiet), XskKick::kStall);
}

TEST(XskKickPolicyTest, AWakeupKickResetsTheStallCount) {
  XskKickPolicy policy(2);
  EXPECT_EQ(policy.Decide(State(false, 64, 512, 0)), XskKick::kNone);
  EXPECT_EQ(policy.Decide(State(true, 64, 512, 0)), XskKick::kWakeup);
  EXPECT_EQ(policy.Decide(State(false, 64, 512, 0)), XskKick::kNone);
  EXPECT_EQ(policy.Decide(State(false, 64, 512, 0)), XskKick::kStall);
}

TEST(XskKickPolicyTest, ZeroStallLimitMeansEveryQuietDecision) {
  XskKickPolicy policy(0);
  EXPECT_EQ(policy.Decide(State(false, 1, 1, 0)), XskKick::kStall);
  EXPECT_EQ(policy.Decide(State(false, 1, 1, 0)), XskKick::kStall);
}

}  // namespace
}  // namespace cutpoint::capture
