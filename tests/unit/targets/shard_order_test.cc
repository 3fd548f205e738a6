// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/shard_order.h"

#include <gtest/gtest.h>

#include "test_util.h"

#include <map>
#include <set>
#include <tuple>

namespace cutpoint::targets {
namespace {

using probe::ProbeType;

ProbePlan MakePlan(const char* prefix, uint8_t ttl_max) {
  TargetSetBuilder builder;
  EXPECT_TRUE(builder.AddSpec(prefix).ok());
  absl::StatusOr<ProbePlan> plan = ProbePlan::Create(
      std::move(builder).Build(), {{ProbeType::kTcpSyn, 25}, {ProbeType::kIcmpEcho, 0}}, 1,
      ttl_max, 2);
  EXPECT_TRUE(plan.ok());
  return *std::move(plan);
}

using ProbeKey = std::tuple<wire::IpAddress, int, uint16_t, int, int>;
ProbeKey KeyOf(const probe::ProbeSpec& s) {
  return {s.target, static_cast<int>(s.type), s.port, s.ttl, s.attempt};
}

TEST(ShardOrderTest, ShardsAreDisjointCompleteAndKeepTargetsWhole) {
  ProbePlan plan = MakePlan("198.19.0.0/22", 4);
  for (uint32_t shards : {1u, 2u, 3u, 7u}) {
    std::set<ProbeKey> seen;
    std::map<uint32_t, uint32_t> shard_of_target;
    for (uint32_t shard = 0; shard < shards; ++shard) {
      absl::StatusOr<ShardOrder> order = ShardOrder::Create(plan, 99, shards, shard);
      ASSERT_TRUE(order.ok());
      for (uint64_t i = 0; i < order->size(); ++i) {
        probe::ProbeSpec spec = order->At(i);
        EXPECT_TRUE(seen.insert(KeyOf(spec)).second) << "probe sent twice";
        auto [it, inserted] = shard_of_target.emplace(spec.target.v4(), shard);
        EXPECT_EQ(it->second, shard) << "a target's probes span two shards";
      }
    }
    EXPECT_EQ(seen.size(), plan.size()) << shards << " shards";
    EXPECT_EQ(shard_of_target.size(), plan.targets().size());
  }
}

TEST(ShardOrderTest, HoldsExactlyTheTargetsItSends) {
  ProbePlan plan = MakePlan("198.19.0.0/23", 2);
  for (uint32_t shards : {1u, 3u, 5u}) {
    std::vector<ShardOrder> orders;
    for (uint32_t shard = 0; shard < shards; ++shard) {
      absl::StatusOr<ShardOrder> order = ShardOrder::Create(plan, 7, shards, shard);
      ASSERT_TRUE(order.ok());
      orders.push_back(*std::move(order));
    }
    for (uint32_t shard = 0; shard < shards; ++shard) {
      std::set<uint32_t> sent;
      for (uint64_t i = 0; i < orders[shard].size(); ++i) sent.insert(orders[shard].At(i).target.v4());
      for (uint64_t t = 0; t < plan.targets().size(); ++t) {
        const wire::IpAddress target = plan.targets().At(t);
        EXPECT_EQ(orders[shard].Holds(target), sent.count(target.v4()) > 0)
            << shards << " shards, shard " << shard << ", target index " << t;
      }
    }
  }
  absl::StatusOr<ShardOrder> order = ShardOrder::Create(plan, 7, 3, 0);
  ASSERT_TRUE(order.ok());
  EXPECT_FALSE(order->Holds(testutil::Ip(198, 18, 0, 1))) << "not in the plan at all";
}

TEST(ShardOrderTest, BoundariesDependOnlyOnSeedAndShardCount) {
  ProbePlan plan = MakePlan("198.19.0.0/24", 2);
  absl::StatusOr<ShardOrder> a = ShardOrder::Create(plan, 5, 4, 2);
  absl::StatusOr<ShardOrder> b = ShardOrder::Create(plan, 5, 4, 2);
  absl::StatusOr<ShardOrder> other_seed = ShardOrder::Create(plan, 6, 4, 2);
  ASSERT_TRUE(a.ok() && b.ok() && other_seed.ok());
  std::set<wire::IpAddress> targets_a, targets_b, targets_other;
  for (uint64_t i = 0; i < a->target_count(); ++i) targets_a.insert(plan.targets().At(a->TargetIndex(i)));
  for (uint64_t i = 0; i < b->target_count(); ++i) targets_b.insert(plan.targets().At(b->TargetIndex(i)));
  for (uint64_t i = 0; i < other_seed->target_count(); ++i) {
    targets_other.insert(plan.targets().At(other_seed->TargetIndex(i)));
  }
  EXPECT_EQ(targets_a, targets_b);
  EXPECT_NE(targets_a, targets_other);
  for (uint64_t i = 0; i < a->size(); ++i) ASSERT_EQ(KeyOf(a->At(i)), KeyOf(b->At(i)));
}

TEST(ShardOrderTest, ProbesOfATargetAreSpreadOut) {
  ProbePlan plan = MakePlan("198.19.0.0/24", 8);
  absl::StatusOr<ShardOrder> order = ShardOrder::Create(plan, 1, 1, 0);
  ASSERT_TRUE(order.ok());
  int same_target_neighbours = 0;
  for (uint64_t i = 1; i < order->size(); ++i) {
    same_target_neighbours += order->At(i).target == order->At(i - 1).target;
  }
  // 256 targets: consecutive probes share a target about 1/256 of the time, not in bursts.
  EXPECT_LT(same_target_neighbours, static_cast<int>(order->size() / 50));
}

TEST(ShardOrderTest, RejectsBadShard) {
  ProbePlan plan = MakePlan("198.19.0.0/30", 1);
  EXPECT_FALSE(ShardOrder::Create(plan, 1, 0, 0).ok());
  EXPECT_FALSE(ShardOrder::Create(plan, 1, 3, 3).ok());
  // More shards than targets: some shards are empty, none fails.
  for (uint32_t shard = 0; shard < 8; ++shard) EXPECT_TRUE(ShardOrder::Create(plan, 1, 8, shard).ok());
}

}  // namespace
}  // namespace cutpoint::targets

namespace cutpoint::targets {
namespace {

TargetSet SetOf(std::initializer_list<const char*> specs) {
  TargetSetBuilder builder;
  for (const char* spec : specs) EXPECT_TRUE(builder.AddSpec(spec).ok()) << spec;
  return std::move(builder).Build();
}

TEST(TargetSetAlgebraTest, SubtractAndIntersectMatchABruteForceModel) {
  TargetSet base = SetOf({"198.19.0.0/22", "198.19.8.0/30", "10.0.0.0/31"});
  TargetSet other = SetOf({"198.19.1.0/24", "198.19.2.7", "198.19.8.2/31", "198.19.9.0/24", "10.0.0.1"});
  TargetSet minus = base.Subtract(other);
  TargetSet both = base.Intersect(other);
  uint64_t expect_minus = 0, expect_both = 0;
  for (uint64_t i = 0; i < base.size(); ++i) {
    wire::IpAddress address = base.At(i);
    bool in_other = other.Contains(address);
    EXPECT_EQ(minus.Contains(address), !in_other) << address;
    EXPECT_EQ(both.Contains(address), in_other) << address;
    expect_minus += !in_other;
    expect_both += in_other;
  }
  EXPECT_EQ(minus.size(), expect_minus);
  EXPECT_EQ(both.size(), expect_both);
  EXPECT_TRUE(base.Subtract(base).empty());
  EXPECT_EQ(base.Intersect(base).size(), base.size());
  EXPECT_EQ(SetOf({"0.0.0.0/0"}).Subtract(SetOf({"255.255.255.255"})).size(), (uint64_t{1} << 32) - 1);
}

}  // namespace
}  // namespace cutpoint::targets

namespace cutpoint::targets {
namespace {

TEST(ShardByGroupTest, GroupsStayWholeAndShardsPartitionTheTargets) {
  TargetSetBuilder builder;
  ASSERT_TRUE(builder.AddSpec("198.19.0.0/21").ok());
  ASSERT_TRUE(builder.AddSpec("198.19.9.7").ok());
  TargetSet all = std::move(builder).Build();
  for (uint32_t shards : {1u, 2u, 3u, 5u}) {
    uint64_t total = 0;
    std::map<uint32_t, uint32_t> shard_of_group;
    for (uint32_t shard = 0; shard < shards; ++shard) {
      absl::StatusOr<TargetSet> part = ShardByGroup(all, GroupPrefixes{24, 48}, 11, shards, shard);
      ASSERT_TRUE(part.ok());
      total += part->size();
      for (uint64_t i = 0; i < part->size(); ++i) {
        wire::IpAddress address = part->At(i);
        EXPECT_TRUE(all.Contains(address));
        auto [it, inserted] = shard_of_group.emplace(address.v4() >> 8, shard);
        EXPECT_EQ(it->second, shard) << "a /24 split across shards";
      }
    }
    EXPECT_EQ(total, all.size()) << shards;
    EXPECT_EQ(shard_of_group.size(), 9u);
  }
  EXPECT_FALSE(ShardByGroup(all, GroupPrefixes{24, 48}, 1, 2, 2).ok());
}

}  // namespace
}  // namespace cutpoint::targets
