// ProbeSource::Fill, the send loop's batch call, against At for every source kind.
#include "session/probe_source.h"

#include <gtest/gtest.h>

#include <algorithm>
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
