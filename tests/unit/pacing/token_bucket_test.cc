// SPDX-License-Identifier: Apache-2.0
#include "engine/pacing/token_bucket.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace cutpoint::pacing {
namespace {

constexpr int64_t kSecond = 1000000000;
constexpr int64_t kStart = 123 * kSecond;  // an arbitrary monotonic clock origin

// A sender that asks for a batch, sleeps exactly NanosUntilAvailable when it gets
// nothing, for `duration` of fake time. Returns the number of tokens granted.
uint64_t Simulate(TokenBucket& bucket, int64_t duration, uint64_t batch, int64_t* now) {
  uint64_t granted = 0;
  while (*now <= kStart + duration) {
    uint64_t got = bucket.Take(*now, batch);
    EXPECT_LE(got, batch);
    granted += got;
    if (got < batch) {
      int64_t wait = bucket.NanosUntilAvailable(*now);
      EXPECT_GT(wait, 0);
      *now += wait;
    }
  }
  return granted;
}

TEST(TokenBucketTest, RateOverTenSeconds) {
  for (uint64_t batch : {1ull, 8ull, 64ull}) {
    TokenBucket bucket(1000, 64, kStart);
    int64_t now = kStart;
    uint64_t granted = Simulate(bucket, 10 * kSecond, batch, &now);
    EXPECT_NEAR(static_cast<double>(granted), 10000.0, 1.0) << "batch " << batch;
  }
}

TEST(TokenBucketTest, RateWithCoarseClockSteps) {
  // A sender that wakes every 7 ms takes whatever accrued: still 1000/s.
  TokenBucket bucket(1000, 1000, kStart);
  uint64_t granted = 0;
  for (int64_t now = kStart; now <= kStart + 10 * kSecond; now += 7000000) {
    granted += bucket.Take(now, 1000000);
  }
  EXPECT_NEAR(static_cast<double>(granted), 10000.0, 7.0);
}

TEST(TokenBucketTest, StartsEmptyAndBatchesPartially) {
  TokenBucket bucket(1000, 100, kStart);
  EXPECT_EQ(bucket.Take(kStart, 10), 0u);
  // 50 ms accrue 50 tokens.
  int64_t t = kStart + 50 * 1000000;
  EXPECT_EQ(bucket.Take(t, 32), 32u);
  EXPECT_EQ(bucket.Take(t, 32), 18u);
  EXPECT_EQ(bucket.Take(t, 32), 0u);
}

TEST(TokenBucketTest, BurstCapsIdleAccrual) {
  TokenBucket bucket(1000, 100, kStart);
  EXPECT_EQ(bucket.Take(kStart + 3600 * kSecond, 1000000), 100u);
  EXPECT_EQ(bucket.Take(kStart + 3600 * kSecond, 1000000), 0u);
  // Burst below one is raised to one, so a token can ever accrue.
  TokenBucket tiny(10, 0, kStart);
  EXPECT_EQ(tiny.Take(kStart + kSecond, 5), 1u);
}

TEST(TokenBucketTest, NanosUntilAvailable) {
  TokenBucket bucket(1000, 10, kStart);
  int64_t wait = bucket.NanosUntilAvailable(kStart);
  EXPECT_GE(wait, 999000);
  EXPECT_LE(wait, 1000002);
  EXPECT_EQ(bucket.Take(kStart + wait - 2000, 1), 0u);
  EXPECT_EQ(bucket.Take(kStart + wait, 1), 1u);
  // Half a token accrued: about half the interval left.
  int64_t t = kStart + wait + 500000;
  int64_t half = bucket.NanosUntilAvailable(t);
  EXPECT_GE(half, 499000);
  EXPECT_LE(half, 500002);
  EXPECT_EQ(bucket.NanosUntilAvailable(kStart + 10 * kSecond), 0);
}

TEST(TokenBucketTest, ClockGoingBackwardsAddsNothing) {
  TokenBucket bucket(1000, 10, kStart);
  EXPECT_EQ(bucket.Take(kStart + 5000000, 10), 5u);
  EXPECT_EQ(bucket.Take(kStart, 10), 0u);
  EXPECT_EQ(bucket.Take(kStart + 5000000, 10), 0u);
  EXPECT_EQ(bucket.Take(kStart + 6000000, 10), 1u);
}

TEST(TokenBucketTest, Unlimited) {
  for (double rate : {0.0, -1.0}) {
    TokenBucket bucket(rate, 1, kStart);
    EXPECT_TRUE(bucket.unlimited());
    EXPECT_EQ(bucket.Take(kStart, 12345), 12345u);
    EXPECT_EQ(bucket.Take(kStart, 12345), 12345u);
    EXPECT_EQ(bucket.NanosUntilAvailable(kStart), 0);
  }
  EXPECT_FALSE(TokenBucket(1, 1, kStart).unlimited());
}

TEST(TokenBucketTest, HighRate) {
  TokenBucket bucket(10e6, 4096, kStart);
  int64_t now = kStart;
  uint64_t granted = Simulate(bucket, kSecond / 10, 1024, &now);
  EXPECT_NEAR(static_cast<double>(granted), 1e6, 1024.0);
}

}  // namespace
}  // namespace cutpoint::pacing
