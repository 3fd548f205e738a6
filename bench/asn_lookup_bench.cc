// SPDX-License-Identifier: Apache-2.0
// AS annotation lookups (engine/asn) on synthetic BGP-like tables: ~1 M IPv4 prefixes of
// lengths /8-/24 weighted like a full table (most of them /24), and 200 k IPv6 prefixes
// /19-/48. Addresses are drawn at random either from the whole space (many miss) or
// from inside the table's prefixes (one per prefix: every one hits), shuffled, so caches
// see no locality.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "bench_support.h"
#include "absl/strings/str_cat.h"
#include "engine/asn/asn_table.h"
#include "engine/asn/pfx2as_parser.h"

namespace cutpoint::bench {
namespace {

using asn::AsnTable;
using asn::AsnTableBuilder;
using wire::IpAddress;

constexpr int kV4Prefixes = 1'000'000;
constexpr int kV6Prefixes = 200'000;
constexpr int kLookups = 1 << 20;

// Prefix length of a full IPv4 table, roughly: 60 % /24, 25 % /20-/23, 14 % /16-/19,
// 1 % /8-/15.
int V4Length(std::mt19937_64& random) {
  const int roll = static_cast<int>(random() % 100);
  if (roll < 60) return 24;
  if (roll < 85) return 20 + static_cast<int>(random() % 4);
  if (roll < 99) return 16 + static_cast<int>(random() % 4);
  return 8 + static_cast<int>(random() % 8);
}

struct Fixture {
  AsnTable table;
  std::vector<IpAddress> anywhere;
  std::vector<IpAddress> inside;
};

const Fixture& V4Fixture() {
  static const Fixture* fixture = [] {
    std::mt19937_64 random(15);
    AsnTableBuilder builder;
    auto* built = new Fixture;
    for (int i = 0; i < kV4Prefixes; ++i) {
      // Public unicast-looking bases: 1.0.0.0 - 223.255.255.255.
      const uint32_t base = 0x01000000u + static_cast<uint32_t>(random() % 0xDF000000u);
      const int len = V4Length(random);
      const uint32_t asns[] = {static_cast<uint32_t>(1 + random() % 400000)};
      builder.AddPrefix(IpAddress::V4(base), len, asns, i % 7 == 0 ? "EXAMPLE-AS" : "", "");
      const uint32_t mask = ~0u << (32 - len);
      built->inside.push_back(
          IpAddress::V4((base & mask) | (static_cast<uint32_t>(random()) & ~mask)));
    }
    built->table = std::move(builder).Build();
    for (int i = 0; i < kLookups; ++i) built->anywhere.push_back(IpAddress::V4(static_cast<uint32_t>(random())));
    // One address inside every prefix (a more specific one may hold it), shuffled.
    std::shuffle(built->inside.begin(), built->inside.end(), random);
    return built;
  }();
  return *fixture;
}

const Fixture& V6Fixture() {
  static const Fixture* fixture = [] {
    std::mt19937_64 random(16);
    AsnTableBuilder builder;
    auto* built = new Fixture;
    for (int i = 0; i < kV6Prefixes; ++i) {
      // 2000::/4-ish bases; lengths /19-/48, mostly /32-/48.
      const uint64_t high = (0x2000ULL << 48) | (random() & 0x0fffffffffff0000ULL);
      const int len = 19 + static_cast<int>(random() % 30);
      const uint32_t asns[] = {static_cast<uint32_t>(1 + random() % 400000)};
      builder.AddPrefix(IpAddress::V6(high, 0), len, asns, "", "");
      built->inside.push_back(IpAddress::V6(high, random()));
    }
    built->table = std::move(builder).Build();
    for (int i = 0; i < kLookups; ++i) {
      built->anywhere.push_back(IpAddress::V6((0x2000ULL << 48) | (random() >> 4), random()));
    }
    std::shuffle(built->inside.begin(), built->inside.end(), random);
    return built;
  }();
  return *fixture;
}

// Arg 0: addresses from anywhere; 1: addresses inside table prefixes.
void RunLookups(benchmark::State& state, const Fixture& fixture) {
  const std::vector<IpAddress>& addresses = state.range(0) == 0 ? fixture.anywhere : fixture.inside;
  size_t i = 0;
  int64_t hits = 0;
  const uint64_t before = AllocationCount();
  for (auto _ : state) {
    const IpAddress& address = addresses[i];
    if (++i == addresses.size()) i = 0;
    std::optional<asn::AsnMatch> match = fixture.table.Lookup(address);
    hits += match.has_value();
    benchmark::DoNotOptimize(match);
  }
  CountAllocations(state, before);
  state.counters["hit_rate"] =
      benchmark::Counter(static_cast<double>(hits) / static_cast<double>(state.iterations()));
  state.counters["ranges"] = static_cast<double>(fixture.table.range_count());
}

void BM_AsnLookupV4(benchmark::State& state) { RunLookups(state, V4Fixture()); }
void BM_AsnLookupV6(benchmark::State& state) { RunLookups(state, V6Fixture()); }

BENCHMARK(BM_AsnLookupV4)->Arg(0)->Arg(1);
BENCHMARK(BM_AsnLookupV6)->Arg(0)->Arg(1);

// Loading: a 1 M-line pfx2as text (the IPv4 table above as a RouteViews file would write
// it) parsed and built into a table; items are lines.
void BM_AsnLoadPfx2as(benchmark::State& state) {
  std::mt19937_64 random(15);
  std::string text;
  for (int i = 0; i < kV4Prefixes; ++i) {
    const uint32_t base = 0x01000000u + static_cast<uint32_t>(random() % 0xDF000000u);
    const int len = V4Length(random);
    absl::StrAppend(&text, base >> 24, ".", (base >> 16) & 0xff, ".", (base >> 8) & 0xff, ".",
                    base & 0xff, "\t", len, "\t", 1 + random() % 400000,
                    i % 50 == 0 ? "_64500" : "", "\n");
  }
  for (auto _ : state) {
    AsnTableBuilder builder;
    absl::StatusOr<size_t> lines = asn::ParsePfx2as(text, "bench", builder);
    if (!lines.ok()) state.SkipWithError(std::string(lines.status().message()).c_str());
    AsnTable table = std::move(builder).Build();
    benchmark::DoNotOptimize(table);
  }
  state.SetItemsProcessed(state.iterations() * kV4Prefixes);
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_AsnLoadPfx2as)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace cutpoint::bench

BENCHMARK_MAIN();
