// SPDX-License-Identifier: Apache-2.0
#include "engine/base/fast_divisor.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace cutpoint::base {
namespace {

// Divisors where a wrong magic, shift or form shows first: small ones, powers of two and
// their neighbours, every bit width's top and bottom, and the largest.
std::vector<uint64_t> EdgeDivisors() {
  std::vector<uint64_t> divisors;
  for (uint64_t d = 1; d <= 1000; ++d) divisors.push_back(d);
  for (int k = 1; k < 64; ++k) {
    const uint64_t p = uint64_t{1} << k;
    for (uint64_t d : {p - 3, p - 2, p - 1, p, p + 1, p + 2, p + 3, p | (p >> 1), p + p / 3}) {
      if (d != 0) divisors.push_back(d);
    }
  }
  for (uint64_t d : {UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 2, UINT64_MAX / 3, UINT64_MAX / 7,
                     UINT64_MAX / 10, uint64_t{0x8000000000000001}, uint64_t{0xcccccccccccccccd},
                     uint64_t{10000000000000000000u}, uint64_t{1000000007}, uint64_t{641},
                     uint64_t{274177}, uint64_t{6700417}, uint64_t{67280421310721}}) {
    divisors.push_back(d);
  }
  return divisors;
}

// Dividends around the multiples of d (where a quotient off by one shows), the ends of the
// range, and random ones.
std::vector<uint64_t> Dividends(uint64_t d, std::mt19937_64& rng) {
  std::vector<uint64_t> dividends = {0,
                                     1,
                                     2,
                                     3,
                                     d - 1,
                                     d,
                                     d + 1,
                                     2 * d - 1,
                                     2 * d,
                                     UINT64_MAX,
                                     UINT64_MAX - 1,
                                     UINT64_MAX - d,
                                     INT64_MAX,
                                     uint64_t{1} << 63,
                                     (uint64_t{1} << 32) - 1,
                                     uint64_t{1} << 32};
  const uint64_t top_multiple = UINT64_MAX / d * d;
  for (uint64_t delta = 0; delta < 3; ++delta) {
    dividends.push_back(top_multiple - delta);
    dividends.push_back(top_multiple + delta);  // may wrap: still a valid dividend
  }
  for (int i = 0; i < 64; ++i) {
    const uint64_t random = rng();
    dividends.push_back(random);
    dividends.push_back(random >> (rng() % 64));
    const uint64_t multiple = (random % (UINT64_MAX / d)) * d;
    dividends.push_back(multiple);
    dividends.push_back(multiple - 1);
    dividends.push_back(multiple + d - 1);
  }
  return dividends;
}

void ExpectExact(uint64_t d, uint64_t n) {
  const FastDivisor divisor(d);
  uint64_t remainder = 0;
  ASSERT_EQ(divisor.Divide(n), n / d) << n << " / " << d;
  ASSERT_EQ(divisor.Remainder(n), n % d) << n << " % " << d;
  ASSERT_EQ(divisor.DivMod(n, &remainder), n / d) << n << " / " << d;
  ASSERT_EQ(remainder, n % d) << n << " % " << d;
}

TEST(FastDivisorTest, EdgeDivisorsMatchHardwareDivision) {
  std::mt19937_64 rng(1);
  for (uint64_t d : EdgeDivisors()) {
    for (uint64_t n : Dividends(d, rng)) ExpectExact(d, n);
  }
}

TEST(FastDivisorTest, RandomDivisorsMatchHardwareDivision) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 20000; ++i) {
    // Random widths: a uniform 64-bit divisor is almost always above 2^60.
    uint64_t d = rng() >> (rng() % 64);
    if (d == 0) d = 1;
    for (int j = 0; j < 16; ++j) {
      const uint64_t n = rng() >> (rng() % 64);
      ExpectExact(d, n);
    }
    ExpectExact(d, UINT64_MAX);
    ExpectExact(d, UINT64_MAX / d * d - 1);
  }
}

TEST(FastDivisorTest, SmallDividendsExhaustively) {
  for (uint64_t d = 1; d <= 300; ++d) {
    const FastDivisor divisor(d);
    for (uint64_t n = 0; n < 100000; ++n) {
      ASSERT_EQ(divisor.Divide(n), n / d) << n << " / " << d;
    }
  }
}

TEST(FastDivisorTest, DefaultAndZeroDivideByOne) {
  const FastDivisor by_default;
  const FastDivisor zero(0);
  for (uint64_t n : {uint64_t{0}, uint64_t{1}, uint64_t{12345}, UINT64_MAX}) {
    EXPECT_EQ(by_default.Divide(n), n);
    EXPECT_EQ(zero.Divide(n), n);
    EXPECT_EQ(by_default.Remainder(n), 0u);
  }
  EXPECT_EQ(by_default.divisor(), 1u);
}

TEST(FastDivisorTest, IsConstexpr) {
  constexpr FastDivisor seven(7);
  static_assert(seven.Divide(UINT64_MAX) == UINT64_MAX / 7);
  static_assert(seven.Remainder(100) == 2);
  static_assert(FastDivisor(UINT64_MAX).Divide(UINT64_MAX) == 1);
  static_assert(FastDivisor(3).Divide(UINT64_MAX - 1) == (UINT64_MAX - 1) / 3);
}

}  // namespace
}  // namespace cutpoint::base
