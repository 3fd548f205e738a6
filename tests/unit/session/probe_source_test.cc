// SPDX-License-Identifier: Apache-2.0
// ProbeSource::Fill, the send loop's batch call, against At for every source kind.
#include "session/probe_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <tuple>
#include <vector>

#include "engine/targets/probe_plan.h"
#include "engine/targets/shard_order.h"

namespace cutpoint::session {
namespace {

using Key = std::tuple<wire::IpAddress, int, uint16_t, int, int>;
Key KeyOf(const probe::ProbeSpec& s) {
  return {s.target, static_cast<int>(s.type), s.port, s.ttl, s.attempt};
}

// Fill of every position, as one call and as uneven calls of 1..70, equals At.
void ExpectFillEqualsAt(const ProbeSource& source) {
  const size_t size = static_cast<size_t>(source.size());
  std::vector<probe::ProbeSpec> whole(size), pieces(size);
  source.Fill(0, size, whole.data());
  for (size_t done = 0, step = 1; done < size; done += step, step = step % 70 + 1) {
    source.Fill(done, std::min(step, size - done), pieces.data() + done);
  }
  for (size_t i = 0; i < size; ++i) {
    const Key expected = KeyOf(source.At(i));
    ASSERT_EQ(KeyOf(whole[i]), expected) << i;
    ASSERT_EQ(KeyOf(pieces[i]), expected) << i;
  }
}

targets::ProbePlan Plan() {
  targets::TargetSetBuilder builder;
  EXPECT_TRUE(builder.AddSpec("198.19.0.0/26").ok());
  EXPECT_TRUE(builder.AddSpec("2001:db8::7").ok());
  absl::StatusOr<targets::ProbePlan> plan = targets::ProbePlan::Create(
      std::move(builder).Build(),
      {{probe::ProbeType::kTcpSyn, 80}, {probe::ProbeType::kIcmpEcho, 0}}, 3, 5, 2);
  EXPECT_TRUE(plan.ok());
  return *std::move(plan);
}

ListSource List(size_t count) {
  std::vector<probe::ProbeSpec> specs;
  for (size_t i = 0; i < count; ++i) {
    probe::ProbeSpec spec;
    spec.target = wire::IpAddress::V4(0xc6336400u + static_cast<uint32_t>(i));
    spec.port = static_cast<uint16_t>(i);
    spec.ttl = static_cast<uint8_t>(i % 31 + 1);
    specs.push_back(spec);
  }
  return ListSource(std::move(specs));
}

TEST(ProbeSourceTest, ListSourceFillEqualsAt) { ExpectFillEqualsAt(List(200)); }

TEST(ProbeSourceTest, PermutedSourceFillEqualsAt) {
  for (size_t count : {size_t{1}, size_t{2}, size_t{3}, size_t{64}, size_t{65}, size_t{1000}}) {
    const ListSource list = List(count);
    for (uint64_t seed : {uint64_t{0}, uint64_t{17}})
      ExpectFillEqualsAt(PermutedSource(list, seed));
  }
}

TEST(ProbeSourceTest, ShardSourceFillEqualsAt) {
  const targets::ProbePlan plan = Plan();
  for (uint32_t shards : {1u, 3u}) {
    for (uint32_t shard = 0; shard < shards; ++shard) {
      absl::StatusOr<targets::ShardOrder> order =
          targets::ShardOrder::Create(plan, 9, shards, shard);
      ASSERT_TRUE(order.ok());
      ExpectFillEqualsAt(ShardSource(*order));
    }
  }
}

targets::ProbePlan BigPlan() {
  targets::TargetSetBuilder builder;
  EXPECT_TRUE(builder.AddSpec("10.0.0.0/20").ok());
  std::vector<targets::ProbeKind> kinds;
  for (uint16_t port = 1; port <= 10; ++port) kinds.push_back({probe::ProbeType::kTcpSyn, port});
  absl::StatusOr<targets::ProbePlan> plan =
      targets::ProbePlan::Create(std::move(builder).Build(), kinds, 64, 64, 1);
  EXPECT_TRUE(plan.ok());
  return *std::move(plan);  // 40960 probes: many lookahead buffers
}

void ExpectFillAt(const ProbeSource& source, uint64_t first, size_t n) {
  std::vector<probe::ProbeSpec> out(n);
  source.Fill(first, n, out.data());
  for (size_t i = 0; i < n; ++i) ASSERT_EQ(KeyOf(out[i]), KeyOf(source.At(first + i))) << first + i;
}

// The per-thread lookahead serves only what it holds: jumps back and forth, calls that
// straddle its end, the last probes, and two sources taking turns on one thread.
TEST(ProbeSourceTest, ShardSourceLookaheadServesAnyPositions) {
  const targets::ProbePlan plan = BigPlan();
  absl::StatusOr<targets::ShardOrder> a = targets::ShardOrder::Create(plan, 1, 1, 0);
  absl::StatusOr<targets::ShardOrder> b = targets::ShardOrder::Create(plan, 2, 2, 1);
  ASSERT_TRUE(a.ok() && b.ok());
  const ShardSource first(*a), second(*b);
  const uint64_t size = first.size();
  // Calls that end exactly at the buffer's end, and one probe past it: (0, 64) buffers
  // [0, 64), (64, 64) continues it and buffers [64, 192), then [192, 448).
  ExpectFillAt(first, 0, 64);
  ExpectFillAt(first, 64, 64);
  ExpectFillAt(first, 128, 64);
  ExpectFillAt(first, 129, 64);
  ExpectFillAt(first, 193, 255);
  ExpectFillAt(first, 193, 256);
  ExpectFillAt(first, 449, 1);
  const uint64_t starts[] = {0,    64,    5,         1000,     1020, 0,          2048,
                             2047, 30000, size - 64, size - 1, 100,  size - 2000};
  for (uint64_t start : starts) {
    for (size_t n : {size_t{1}, size_t{64}, size_t{63}, size_t{1024}, size_t{1500}}) {
      const size_t count = static_cast<size_t>(std::min<uint64_t>(n, size - start));
      ExpectFillAt(first, start, count);
      const uint64_t other = std::min<uint64_t>(start, second.size() - count);
      ExpectFillAt(second, other, count);
    }
  }
}

// A new source where an old one was (the same address) is not served the old probes.
TEST(ProbeSourceTest, ShardSourceLookaheadIsPerSource) {
  const targets::ProbePlan plan = BigPlan();
  absl::StatusOr<targets::ShardOrder> a = targets::ShardOrder::Create(plan, 1, 1, 0);
  absl::StatusOr<targets::ShardOrder> b = targets::ShardOrder::Create(plan, 99, 1, 0);
  ASSERT_TRUE(a.ok() && b.ok());
  std::optional<ShardSource> source;
  source.emplace(*a);
  ExpectFillAt(*source, 0, 64);
  source.emplace(*b);
  ExpectFillAt(*source, 0, 64);
  ExpectFillAt(*source, 64, 64);
}

// Sender threads at once, each walking its own ranges in batches of 64, as SendSlice does.
TEST(ProbeSourceTest, ShardSourceFillFromManyThreads) {
  const targets::ProbePlan plan = BigPlan();
  absl::StatusOr<targets::ShardOrder> order = targets::ShardOrder::Create(plan, 3, 1, 0);
  ASSERT_TRUE(order.ok());
  const ShardSource source(*order);
  constexpr int kThreads = 4;
  std::vector<std::vector<probe::ProbeSpec>> got(kThreads);
  std::vector<std::thread> threads;
  const uint64_t per_thread = source.size() / kThreads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const uint64_t begin = per_thread * static_cast<uint64_t>(t);
      got[t].resize(per_thread);
      for (uint64_t done = 0; done < per_thread; done += 64) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(64, per_thread - done));
        source.Fill(begin + done, n, got[t].data() + done);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    for (uint64_t i = 0; i < per_thread; ++i) {
      ASSERT_EQ(KeyOf(got[t][i]), KeyOf(source.At(per_thread * static_cast<uint64_t>(t) + i)));
    }
  }
}

// A source without a Fill of its own gets the default loop over At.
class Doubling final : public ProbeSource {
 public:
  uint64_t size() const override { return 100; }
  probe::ProbeSpec At(uint64_t index) const override {
    probe::ProbeSpec spec;
    spec.port = static_cast<uint16_t>(2 * index);
    return spec;
  }
};

TEST(ProbeSourceTest, DefaultFillLoopsAt) { ExpectFillEqualsAt(Doubling()); }

}  // namespace
}  // namespace cutpoint::session
