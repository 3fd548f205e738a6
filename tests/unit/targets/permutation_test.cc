#include "engine/targets/permutation.h"

#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace cutpoint::targets {
namespace {

TEST(KeyedPermutationTest, VisitsEveryElementExactlyOnce) {
  for (uint64_t size : {1ull, 2ull, 3ull, 4ull, 5ull, 16ull, 17ull, 255ull, 256ull, 257ull,
                        1000ull, 65536ull, 65537ull}) {
    for (uint64_t seed : {0ull, 1ull, 0xdeadbeefcafef00dull}) {
      KeyedPermutation perm(size, seed);
      ASSERT_EQ(perm.size(), size);
      std::vector<bool> seen(size, false);
      for (uint64_t i = 0; i < size; ++i) {
        uint64_t v = perm.At(i);
        ASSERT_LT(v, size) << "size " << size << " index " << i;
        ASSERT_FALSE(seen[v]) << "size " << size << " repeats " << v;
        seen[v] = true;
      }
    }
  }
}

TEST(KeyedPermutationTest, IsDeterministicPerSeed) {
  KeyedPermutation a(1000, 42), b(1000, 42);
  for (uint64_t i = 0; i < 1000; ++i) ASSERT_EQ(a.At(i), b.At(i));
}

TEST(KeyedPermutationTest, DifferentSeedsGiveDifferentOrders) {
  const uint64_t size = 1000;
  KeyedPermutation a(size, 1), b(size, 2);
  int same_position = 0;
  for (uint64_t i = 0; i < size; ++i) same_position += a.At(i) == b.At(i);
  EXPECT_LT(same_position, 20);  // ~1 expected for independent permutations
  // The order is not the identity either.
  int fixed_points = 0;
  for (uint64_t i = 0; i < size; ++i) fixed_points += a.At(i) == i;
  EXPECT_LT(fixed_points, 20);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    KeyedPermutation small(17, seed), other(17, seed + 100);
    bool differs = false;
    for (uint64_t i = 0; i < 17; ++i) differs |= small.At(i) != other.At(i);
    EXPECT_TRUE(differs) << seed;
  }
}

TEST(KeyedPermutationTest, HugeSizesStayInRange) {
  for (uint64_t size : {(uint64_t{1} << 40) + 7, (uint64_t{1} << 63) + 1, ~uint64_t{0},
                        uint64_t{1} << 32, (uint64_t{1} << 32) + 1}) {
    KeyedPermutation perm(size, 7);
    std::set<uint64_t> values;
    const uint64_t samples[] = {0, 1, 2, 12345, size / 3, size / 2, size - 2, size - 1};
    for (uint64_t index : samples) {
      uint64_t v = perm.At(index);
      ASSERT_LT(v, size) << "size " << size << " index " << index;
      values.insert(v);
    }
    EXPECT_EQ(values.size(), std::size(samples)) << "distinct indices map to distinct values";
    for (uint64_t index = 1000000; index < 1000000 + 2000; ++index) {
      ASSERT_LT(perm.At(index), size);
    }
  }
}

}  // namespace
}  // namespace cutpoint::targets
