// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/permutation.h"

#include <algorithm>

#include <random>
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

TEST(KeyedPermutationTest, IndexOfInvertsAt) {
  for (uint64_t size : {1ull, 2ull, 3ull, 17ull, 1000ull, 65537ull}) {
    KeyedPermutation permutation(size, size * 31 + 5);
    for (uint64_t i = 0; i < std::min<uint64_t>(size, 5000); ++i) {
      ASSERT_EQ(permutation.IndexOf(permutation.At(i)), i) << "size " << size;
    }
  }
  KeyedPermutation huge(uint64_t{1} << 40, 3);
  for (uint64_t i : {0ull, 1ull, 123456789ull, (1ull << 40) - 1}) {
    EXPECT_EQ(huge.IndexOf(huge.At(i)), i);
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

// Runs the enclosing test body once per batch kernel this CPU has, restoring kAuto.
class BatchKernelTest : public ::testing::TestWithParam<KeyedPermutation::BatchKernel> {
 protected:
  void SetUp() override {
    if (GetParam() == KeyedPermutation::BatchKernel::kAvx512 &&
        !KeyedPermutation::Avx512Supported()) {
      GTEST_SKIP() << "no AVX-512 on this CPU";
    }
    if (GetParam() == KeyedPermutation::BatchKernel::kAvx512Ifma &&
        !KeyedPermutation::Avx512IfmaSupported()) {
      GTEST_SKIP() << "no AVX-512 IFMA on this CPU";
    }
    previous_ = KeyedPermutation::ForceBatchKernel(GetParam());
    ASSERT_EQ(KeyedPermutation::ActiveKernel(), GetParam());
  }
  void TearDown() override { KeyedPermutation::ForceBatchKernel(previous_); }

 private:
  KeyedPermutation::BatchKernel previous_ = KeyedPermutation::BatchKernel::kAuto;
};

// Positions to check in a permutation of `size`: all of them for small sizes, else runs
// at the start, the end and a few places between (batches cross chunk boundaries there).
std::vector<std::pair<uint64_t, size_t>> Runs(uint64_t size) {
  if (size <= 5000) return {{0, static_cast<size_t>(size)}};
  std::vector<std::pair<uint64_t, size_t>> runs = {{0, 1000}, {size - 1000, 1000}};
  for (uint64_t start : {size / 2, size / 3 + 1, size - 4097}) runs.push_back({start, 777});
  return runs;
}

const uint64_t kBatchSizes[] = {1,
                                2,
                                3,
                                4,
                                5,
                                7,
                                17,
                                255,
                                256,
                                257,
                                1000,
                                65535,
                                65536,
                                65537,
                                131071,
                                131072,
                                131073,
                                13107200,
                                (uint64_t{1} << 24) - 1,
                                uint64_t{1} << 24,
                                (uint64_t{1} << 24) + 1,
                                (uint64_t{1} << 32) - 1,
                                uint64_t{1} << 32,
                                (uint64_t{1} << 32) + 1,
                                (uint64_t{1} << 38) - 1,  // the largest IFMA domain
                                (uint64_t{1} << 38) + 1,
                                (uint64_t{1} << 40) + 7,
                                (uint64_t{1} << 62) + 3,
                                (uint64_t{1} << 63) - 1,
                                uint64_t{1} << 63,
                                (uint64_t{1} << 63) + 1,
                                ~uint64_t{0} - 1,
                                ~uint64_t{0}};
const uint64_t kBatchSeeds[] = {0, 1, 7, 0xdeadbeefcafef00dull};

TEST_P(BatchKernelTest, AtBatchEqualsAt) {
  for (uint64_t size : kBatchSizes) {
    for (uint64_t seed : kBatchSeeds) {
      const KeyedPermutation perm(size, seed);
      for (const auto& [first, count] : Runs(size)) {
        // One call for the run, and the run cut into uneven calls (1, 2, ..., 64 lanes).
        std::vector<uint64_t> whole(count), pieces(count);
        perm.AtBatch(first, count, whole.data());
        for (size_t done = 0, step = 1; done < count; done += step, step = step % 64 + 1) {
          perm.AtBatch(first + done, std::min(step, count - done), pieces.data() + done);
        }
        for (size_t i = 0; i < count; ++i) {
          const uint64_t expected = perm.At(first + i);
          ASSERT_EQ(whole[i], expected)
              << "size " << size << " seed " << seed << " at " << first + i;
          ASSERT_EQ(pieces[i], expected)
              << "size " << size << " seed " << seed << " at " << first + i;
        }
      }
    }
  }
}

TEST_P(BatchKernelTest, ApplyEqualsAtForScatteredInputs) {
  std::mt19937_64 rng(3);
  for (uint64_t size : kBatchSizes) {
    for (uint64_t seed : kBatchSeeds) {
      const KeyedPermutation perm(size, seed);
      for (size_t count : {size_t{1}, size_t{3}, size_t{8}, size_t{9}, size_t{64}, size_t{600}}) {
        std::vector<uint64_t> in(count), out(count);
        for (uint64_t& index : in) index = rng() % size;
        in[0] = size - 1;
        perm.Apply(in.data(), count, out.data());
        for (size_t i = 0; i < count; ++i) {
          ASSERT_EQ(out[i], perm.At(in[i])) << "size " << size << " seed " << seed;
        }
        // In place.
        std::vector<uint64_t> in_place = in;
        perm.Apply(in_place.data(), count, in_place.data());
        EXPECT_EQ(in_place, out);
      }
    }
  }
}

TEST_P(BatchKernelTest, AtBatchIsAPermutation) {
  for (uint64_t size : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{17}, uint64_t{1000},
                        uint64_t{131072}, uint64_t{131073}}) {
    const KeyedPermutation perm(size, 11);
    std::vector<uint64_t> values(size);
    perm.AtBatch(0, size, values.data());
    std::vector<bool> seen(size, false);
    for (uint64_t value : values) {
      ASSERT_LT(value, size);
      ASSERT_FALSE(seen[value]) << "size " << size << " repeats " << value;
      seen[value] = true;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, BatchKernelTest,
                         ::testing::Values(KeyedPermutation::BatchKernel::kScalar,
                                           KeyedPermutation::BatchKernel::kAvx512,
                                           KeyedPermutation::BatchKernel::kAvx512Ifma),
                         [](const ::testing::TestParamInfo<KeyedPermutation::BatchKernel>& info) {
                           switch (info.param) {
                             case KeyedPermutation::BatchKernel::kScalar:
                               return "Scalar";
                             case KeyedPermutation::BatchKernel::kAvx512:
                               return "Avx512";
                             default:
                               return "Avx512Ifma";
                           }
                         });

}  // namespace
}  // namespace cutpoint::targets
