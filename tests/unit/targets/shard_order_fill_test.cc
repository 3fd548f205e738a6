// SPDX-License-Identifier: Apache-2.0
// ShardOrder::Fill and ProbePlan::FillSpecs against At/SpecAt, and all of them against a
// reference copy of the order (hardware division, plain Feistel code): resume files store
// positions, so no probe may move without KeyedPermutation::kOrderVersion changing. The
// reference is order 2: the mixed-radix network, and no target permutation in a shard that
// holds every target.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <tuple>
#include <vector>

#include "engine/targets/permutation.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/scan_spec_fill.h"
#include "engine/targets/shard_order.h"
#include "gtest/gtest.h"

namespace cutpoint::targets {
namespace {

using probe::ProbeType;

// ---- The reference: the order's original code, verbatim but for names. ----

uint64_t RefSplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t RefMix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

class RefPermutation {
 public:
  RefPermutation(uint64_t size, uint64_t seed) : size_(size) {
    int bits = 2;
    while (bits < 64 && (uint64_t{1} << bits) < size) ++bits;
    low_bits_ = bits / 2;
    high_size_ = (size - 1) / (uint64_t{1} << low_bits_) + 1;
    g_bits_ = std::min(low_bits_ + 1, 32);
    uint64_t state = seed;
    for (uint64_t& key : round_keys_) key = RefSplitMix64(state);
  }
  uint64_t At(uint64_t index) const {
    uint64_t value = Network(index);
    while (value >= size_) value = Network(value);
    return value;
  }

 private:
  // Rounds alternate: the high half (mod H) becomes the right one at even rounds, the low
  // half (mod 2^b) at odd ones.
  uint64_t Network(uint64_t value) const {
    const uint64_t low_size = uint64_t{1} << low_bits_;
    uint64_t left = value / low_size;
    uint64_t right = value % low_size;
    for (int r = 0; r < 4; ++r) {
      const uint64_t f = RefMix(right ^ round_keys_[r]);
      uint64_t next;
      if (r % 2 == 0) {
        const uint64_t g = (f % (uint64_t{1} << g_bits_)) * high_size_ >> g_bits_;
        next = (left + g) % high_size_;
      } else {
        next = left ^ (f % low_size);
      }
      left = right;
      right = next;
    }
    return left * low_size + right;
  }
  uint64_t size_;
  int low_bits_;
  uint64_t high_size_;
  int g_bits_;
  uint64_t round_keys_[4];
};

probe::ProbeSpec RefSpecAt(const ProbePlan& plan, uint64_t index) {
  uint64_t ttl_count = uint64_t{static_cast<uint64_t>(plan.ttl_max() - plan.ttl_min())} + 1;
  probe::ProbeSpec spec;
  spec.attempt = static_cast<uint8_t>(index % plan.attempts());
  index /= plan.attempts();
  spec.ttl = static_cast<uint8_t>(plan.ttl_min() + index % ttl_count);
  index /= ttl_count;
  const ProbeKind& kind = plan.kinds()[index % plan.kinds().size()];
  index /= plan.kinds().size();
  spec.type = kind.type;
  spec.port = kind.port;
  spec.target = plan.targets().At(index);
  return spec;
}

class RefShardOrder {
 public:
  RefShardOrder(const ProbePlan& plan, uint64_t seed, uint32_t shard_count, uint32_t shard_index)
      : plan_(plan),
        targets_(plan.targets().size()),
        per_target_(plan.size() / targets_),
        first_(Split(targets_, shard_index, shard_count)),
        last_(Split(targets_, shard_index + 1, shard_count)),
        target_order_(targets_, DeriveSeed(seed, 0)),
        probe_order_((last_ - first_) * per_target_, DeriveSeed(seed, 1 + shard_index)) {}
  uint64_t size() const { return (last_ - first_) * per_target_; }
  probe::ProbeSpec At(uint64_t position) const {
    uint64_t local = probe_order_.At(position);
    uint64_t target_index = last_ - first_ == targets_
                                ? local / per_target_
                                : target_order_.At(first_ + local / per_target_);
    return RefSpecAt(plan_, target_index * per_target_ + local % per_target_);
  }

 private:
  static uint64_t Split(uint64_t total, uint64_t part, uint64_t parts) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(total) * part) / parts);
  }
  const ProbePlan& plan_;
  uint64_t targets_, per_target_, first_, last_;
  RefPermutation target_order_, probe_order_;
};

// ---- Tests ----

using ProbeKey = std::tuple<wire::IpAddress, int, uint16_t, int, int>;
ProbeKey KeyOf(const probe::ProbeSpec& s) {
  return {s.target, static_cast<int>(s.type), s.port, s.ttl, s.attempt};
}

ProbePlan MakePlan(std::vector<const char*> specs, int kinds, uint8_t ttl_min, uint8_t ttl_max,
                   uint8_t attempts) {
  TargetSetBuilder builder;
  for (const char* spec : specs) EXPECT_TRUE(builder.AddSpec(spec).ok()) << spec;
  std::vector<ProbeKind> kind_list;
  for (int k = 0; k < kinds; ++k) {
    kind_list.push_back(k % 5 == 4 ? ProbeKind{ProbeType::kIcmpEcho, 0}
                                   : ProbeKind{ProbeType::kTcpSyn, static_cast<uint16_t>(k + 1)});
  }
  absl::StatusOr<ProbePlan> plan =
      ProbePlan::Create(std::move(builder).Build(), kind_list, ttl_min, ttl_max, attempts);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *std::move(plan);
}

class OrderKernelTest : public ::testing::TestWithParam<KeyedPermutation::BatchKernel> {
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

// Fill over [first, first + count) as one call and as uneven calls of 1..70 probes, each
// probe checked against At and the reference.
void ExpectFillMatches(const ShardOrder& order, const RefShardOrder& reference, uint64_t first,
                       size_t count, const char* what) {
  std::vector<probe::ProbeSpec> whole(count), pieces(count);
  order.Fill(first, count, whole.data());
  for (size_t done = 0, step = 1; done < count; done += step, step = step % 70 + 1) {
    order.Fill(first + done, std::min(step, count - done), pieces.data() + done);
  }
  for (size_t i = 0; i < count; ++i) {
    const ProbeKey expected = KeyOf(reference.At(first + i));
    ASSERT_EQ(KeyOf(order.At(first + i)), expected) << what << " At(" << first + i << ")";
    ASSERT_EQ(KeyOf(whole[i]), expected) << what << " Fill at " << first + i;
    ASSERT_EQ(KeyOf(pieces[i]), expected) << what << " Fill in pieces at " << first + i;
  }
}

TEST_P(OrderKernelTest, FillEqualsAtAndTheOriginalOrder) {
  struct Case {
    std::vector<const char*> targets;
    int kinds;
    uint8_t ttl_min, ttl_max, attempts;
  };
  const Case cases[] = {
      {{"198.19.0.1"}, 1, 64, 64, 1},                                   // one probe
      {{"198.19.0.0/31"}, 1, 64, 64, 1},                                // two
      {{"198.19.0.0/30"}, 3, 1, 1, 1},                                  // 12
      {{"198.19.0.0/28", "198.19.3.7", "2001:db8::/126"}, 7, 1, 3, 2},  // hosts and ranges
      {{"198.19.0.0/22"}, 2, 1, 4, 2},
      {{"198.19.0.0/24", "198.18.7.9", "198.18.9.1"}, 5, 3, 9, 3},
      {{"10.0.0.0/20"}, 17, 64, 64, 1},
      {{"10.0.0.0/15"}, 100, 64, 64, 1},  // the 131072 x 100 scan
  };
  for (const Case& c : cases) {
    const ProbePlan plan = MakePlan(c.targets, c.kinds, c.ttl_min, c.ttl_max, c.attempts);
    for (uint32_t shards : {1u, 2u, 3u, 7u}) {
      for (uint64_t seed : {uint64_t{0}, uint64_t{7}, uint64_t{0xdeadbeefcafef00d}}) {
        for (uint32_t shard = 0; shard < shards; ++shard) {
          absl::StatusOr<ShardOrder> order = ShardOrder::Create(plan, seed, shards, shard);
          ASSERT_TRUE(order.ok());
          const RefShardOrder reference(plan, seed, shards, shard);
          ASSERT_EQ(order->size(), reference.size());
          const uint64_t size = order->size();
          if (size == 0) continue;
          if (size <= 3000) {
            ExpectFillMatches(*order, reference, 0, size, "whole shard");
          } else {
            for (uint64_t first : {uint64_t{0}, size / 2 - 1, size - 700}) {
              ExpectFillMatches(*order, reference, first, 700, "run");
            }
          }
        }
      }
    }
  }
}

TEST_P(OrderKernelTest, FillCoversEveryProbeOnce) {
  const ProbePlan plan = MakePlan({"198.19.0.0/25", "2001:db8::1"}, 3, 2, 4, 2);
  for (uint32_t shards : {1u, 3u}) {
    std::vector<ProbeKey> seen;
    for (uint32_t shard = 0; shard < shards; ++shard) {
      absl::StatusOr<ShardOrder> order = ShardOrder::Create(plan, 5, shards, shard);
      ASSERT_TRUE(order.ok());
      std::vector<probe::ProbeSpec> specs(order->size());
      order->Fill(0, specs.size(), specs.data());
      for (const probe::ProbeSpec& spec : specs) seen.push_back(KeyOf(spec));
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
    EXPECT_EQ(seen.size(), plan.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, OrderKernelTest,
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

TEST(ProbePlanFillTest, FillLocalEqualsSpecAtAtEveryScale) {
  // A plan over one IPv4 range runs the AVX-512 kernel where the CPU has it: its divisions
  // are done in double precision and corrected, so indices up to the whole IPv4 space times
  // 3 x 255 x 4 probes (2^43.5) are checked, near both ends, at random and at multiples of the
  // kinds (where the estimate falls one short: 12345 * 49 * (1 / 49.0) < 12345 in doubles);
  // with few probes a target their words are looked up, with more divided.
  std::mt19937_64 rng(20261201);
  std::printf("scan spec kernel: %s\n",
              ScanSpecFillSupported() ? "AVX-512 (checked here)" : "not on this CPU (scalar)");
  struct Shape {
    const char* range;
    int kinds;
    uint8_t ttl_min, ttl_max, attempts;
  };
  for (const auto& [range, kinds, ttl_min, ttl_max, attempts] :
       std::vector<Shape>{{"198.19.0.0/30", 3, 64, 64, 1},
                          {"10.0.0.0/15", 100, 64, 64, 1},
                          {"10.0.0.0/15", 49, 64, 64, 1},
                          {"0.0.0.0/0", 1000, 64, 64, 1},
                          {"0.0.0.0/0", 7, 64, 64, 1},
                          {"10.0.0.0/15", 2, 1, 32, 3},  // trace's shape: TTLs and attempts
                          {"10.0.0.0/15", 2, 1, 32, 1},  // trace's default: one attempt
                          // The kinds in a register up to 8, by a gather past it.
                          {"10.0.0.0/15", 8, 1, 4, 1},
                          {"10.0.0.0/15", 9, 1, 4, 2},
                          // Past 4096 probes a target (ProbePlan's table): the divisions.
                          {"10.0.0.0/15", 9, 1, 255, 2},
                          {"10.0.0.0/15", 5, 1, 255, 4},
                          {"10.0.0.0/15", 20, 1, 255, 1},
                          {"198.19.0.0/24", 1, 5, 9, 2},
                          {"0.0.0.0/0", 3, 1, 255, 4}}) {
    const ProbePlan plan = MakePlan({range}, kinds, ttl_min, ttl_max, attempts);
    for (uint64_t first_target : {uint64_t{0}, plan.targets().size() / 3}) {
      const uint64_t span = (plan.targets().size() - first_target) * plan.probes_per_target();
      std::vector<uint64_t> local;
      for (uint64_t i = 0; i < 40 && i < span; ++i) {
        local.push_back(i);
        local.push_back(span - 1 - i);
      }
      const uint64_t per_target = plan.probes_per_target();
      for (uint64_t k : {uint64_t{12345}, uint64_t{1}, span / per_target - 1}) {
        if (k * per_target < span) local.push_back(k * per_target);
      }
      while (local.size() < 400) local.push_back(rng() % span);
      while (local.size() < 800) local.push_back(rng() % (span / per_target) * per_target);
      std::vector<probe::ProbeSpec> out(local.size());
      plan.FillLocal(first_target, local.data(), local.size(), out.data());
      for (size_t i = 0; i < local.size(); ++i) {
        const uint64_t index = first_target * plan.probes_per_target() + local[i];
        ASSERT_EQ(KeyOf(out[i]), KeyOf(plan.SpecAt(index)))
            << range << " x " << kinds << " TTL " << int{ttl_min} << "-" << int{ttl_max} << " x "
            << int{attempts} << " index " << index;
      }
    }
  }
}

TEST(ProbePlanFillTest, SpecAtAndFillSpecsEqualTheOriginal) {
  std::mt19937_64 rng(9);
  const ProbePlan plans[] = {
      MakePlan({"198.19.0.0/24"}, 1, 64, 64, 1),
      MakePlan({"198.19.0.0/22", "2001:db8::5"}, 3, 1, 30, 3),
      MakePlan({"10.0.0.0/15"}, 100, 64, 64, 1),
      MakePlan({"10.0.0.0/8"}, 255, 1, 255, 4),  // 260100 probes per target
  };
  for (const ProbePlan& plan : plans) {
    const uint64_t per_target = plan.probes_per_target();
    ASSERT_EQ(plan.size() % per_target, 0u);
    const uint64_t targets = plan.size() / per_target;
    std::vector<uint64_t> target_index, within;
    for (int i = 0; i < 2000; ++i) {
      target_index.push_back(i < 2 ? (i == 0 ? 0 : targets - 1) : rng() % targets);
      within.push_back(i < 4 ? (i % 2 == 0 ? 0 : per_target - 1) : rng() % per_target);
    }
    std::vector<probe::ProbeSpec> out(target_index.size());
    plan.FillSpecs(target_index.data(), within.data(), out.size(), out.data());
    for (size_t i = 0; i < out.size(); ++i) {
      const uint64_t index = target_index[i] * per_target + within[i];
      const ProbeKey expected = KeyOf(RefSpecAt(plan, index));
      ASSERT_EQ(KeyOf(plan.SpecAt(index)), expected) << index;
      ASSERT_EQ(KeyOf(out[i]), expected) << index;
    }
  }
}

}  // namespace
}  // namespace cutpoint::targets
