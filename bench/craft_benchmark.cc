// SPDX-License-Identifier: Apache-2.0
// Micro-benchmarks of probe crafting (keyed encoding + packet bytes), IPv4 and IPv6 side
// by side: items/s and heap allocations per item (counted by a global operator new hook).
// Its own binary, linking only engine/probe, so crafting can be measured alone.
#include <benchmark/benchmark.h>

#include <string>

#include "engine/probe/probe_builder.h"
#include "engine/wire/ip_address.h"
#include "bench_support.h"
#include "tests/support/fixed_key.h"

namespace cutpoint {
namespace {

using probe::ProbeType;
using wire::IpAddress;

constexpr IpAddress kSource = IpAddress::V4(0xc6120001);                  // 198.18.0.1
constexpr IpAddress kTarget = IpAddress::V4(0xc6130107);                  // 198.19.1.7
constexpr IpAddress kSource6 = IpAddress::V6(0x2001000200000000, 1);      // 2001:2::1
constexpr IpAddress kTarget6 = IpAddress::V6(0x2001000200010000, 0x107);  // 2001:2:0:1::107
constexpr int64_t kSendUs = 1'795'000'000'000'000;
constexpr size_t kBurst = 64;  // one pacing batch

// Arguments: type (0 TCP SYN, 1 ICMP echo), family (4, 6, or 0 for alternating).
ProbeType TypeArg(const benchmark::State& state) {
  return state.range(0) == 0 ? ProbeType::kTcpSyn : ProbeType::kIcmpEcho;
}

// The i-th distinct target of the run in the family the arguments ask for.
IpAddress NthTarget(const benchmark::State& state, uint64_t i) {
  bool v6 = state.range(1) == 6 || (state.range(1) == 0 && i % 2 == 1);
  return v6 ? IpAddress::V6(kTarget6.high(), kTarget6.low() + i)
            : IpAddress::V4(kTarget.v4() + static_cast<uint32_t>(i));
}

void Label(benchmark::State& state, uint64_t items, uint64_t allocs_before) {
  bench::CountAllocations(state, allocs_before, static_cast<int64_t>(items));
  const char* family = state.range(1) == 4 ? "ipv4" : state.range(1) == 6 ? "ipv6" : "mixed";
  state.SetLabel(std::string(TypeArg(state) == ProbeType::kTcpSyn ? "tcp-syn " : "icmp-echo ") +
                 family);
}

void CraftArgs(benchmark::internal::Benchmark* b) {
  for (int64_t family : {4, 6}) b->Args({0, family})->Args({1, family});
}
void BatchArgs(benchmark::internal::Benchmark* b) {
  CraftArgs(b);
  b->Args({0, 0});
}

// One probe at a time through Build (two or three dependent AES blocks, no overlap).
void BM_CraftProbe(benchmark::State& state) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(codec, {kSource, kSource6});
  ProbeType type = TypeArg(state);
  uint16_t port = type == ProbeType::kTcpSyn ? 25 : 0;
  alignas(64) uint8_t packet[probe::kMaxProbeLen];
  uint64_t i = 0;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    probe::ProbeSpec spec{NthTarget(state, i++), type, port, 7, 0};
    benchmark::DoNotOptimize(builder.Build(spec, kSendUs, packet));
    benchmark::ClobberMemory();
  }
  Label(state, state.iterations(), before);
}
BENCHMARK(BM_CraftProbe)->Apply(CraftArgs);

// The senders' path: a 64-probe burst through BuildBatch, which computes the AES blocks of
// the burst together. Reported per probe.
void BM_CraftBatch(benchmark::State& state) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(codec, {kSource, kSource6});
  ProbeType type = TypeArg(state);
  uint16_t port = type == ProbeType::kTcpSyn ? 25 : 0;
  alignas(64) static uint8_t packets[kBurst][probe::kMaxProbeLen];
  uint8_t* outs[kBurst];
  uint16_t lens[kBurst];
  probe::ProbeSpec specs[kBurst];
  for (size_t i = 0; i < kBurst; ++i) outs[i] = packets[i];
  uint64_t n = 0;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    for (size_t i = 0; i < kBurst; ++i) {
      specs[i] = {NthTarget(state, n++), type, port, static_cast<uint8_t>(1 + (i & 31)), 0};
    }
    builder.BuildBatch(specs, kSendUs, outs, lens);
    benchmark::DoNotOptimize(lens);
    benchmark::ClobberMemory();
  }
  Label(state, state.iterations() * kBurst, before);
}
BENCHMARK(BM_CraftBatch)->Apply(BatchArgs);

// The keyed part alone: flow fields and words of a 64-probe burst (StampBatch).
void BM_StampBatch(benchmark::State& state) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  ProbeType type = TypeArg(state);
  uint16_t port = type == ProbeType::kTcpSyn ? 25 : 0;
  probe::ProbeSpec specs[kBurst];
  probe::ProbeStamp stamps[kBurst];
  uint64_t n = 0;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    for (size_t i = 0; i < kBurst; ++i) {
      specs[i] = {NthTarget(state, n++), type, port, static_cast<uint8_t>(1 + (i & 31)), 0};
    }
    codec.StampBatch(specs, probe::SendTick(kSendUs), stamps);
    benchmark::DoNotOptimize(stamps);
    benchmark::ClobberMemory();
  }
  Label(state, state.iterations() * kBurst, before);
}
BENCHMARK(BM_StampBatch)->Apply(BatchArgs);

}  // namespace
}  // namespace cutpoint

BENCHMARK_MAIN();
