// SPDX-License-Identifier: Apache-2.0
// Micro-benchmarks of the per-probe and per-reply hot paths: items/s and heap
// allocations per item (counted by a global operator new hook).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "engine/match/matcher.h"
#include "engine/probe/probe_builder.h"
#include "engine/probe/probe_layout.h"
#include "engine/report/records.h"
#include "engine/report/reply_line.h"
#include "engine/targets/permutation.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/shard_order.h"
#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "bench_support.h"
#include "session/probe_source.h"
#include "tests/support/fixed_key.h"

namespace cutpoint {
namespace {

using bench::CountAllocations;
using probe::ProbeType;

constexpr uint32_t kSource = 0xc6120001;  // 198.18.0.1
constexpr uint32_t kRouter = 0xc6120202;  // 198.18.2.2
constexpr uint32_t kTarget = 0xc6130107;  // 198.19.1.7
constexpr int64_t kSendUs = 1'795'000'000'000'000;

void BM_PermutationStep(benchmark::State& state) {
  targets::KeyedPermutation permutation(uint64_t{1} << 24, 42);
  uint64_t i = 0, sink = 0;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    sink += permutation.At(i++ & ((uint64_t{1} << 24) - 1));
  }
  benchmark::DoNotOptimize(sink);
  CountAllocations(state, before);
}
BENCHMARK(BM_PermutationStep);

// KeyedPermutation::AtBatch, 64 consecutive positions a call (the sender's batch), over
// a size of range(0) with kernel range(1) (0 scalar, 1 AVX-512, 2 AVX-512 IFMA, each where the CPU
// has it). 2^17 and 13107200 are the scan order's target and probe permutations.
void BM_PermutationBatch(benchmark::State& state) {
  const uint64_t size = static_cast<uint64_t>(state.range(0));
  auto previous = targets::KeyedPermutation::ForceBatchKernel(
      static_cast<targets::KeyedPermutation::BatchKernel>(state.range(1) + 1));
  targets::KeyedPermutation permutation(size, 42);
  uint64_t out[64];
  uint64_t position = 0, sink = 0;
  for (auto _ : state) {
    if (position + 64 > size) position = 0;
    permutation.AtBatch(position, 64, out);
    position += 64;
    sink += out[0] + out[63];
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 64));
  targets::KeyedPermutation::ForceBatchKernel(previous);
}
BENCHMARK(BM_PermutationBatch)->ArgsProduct({{131072, 13107200, 1 << 24}, {0, 1, 2}});

void BM_ShardOrderStep(benchmark::State& state) {
  targets::TargetSetBuilder builder;
  (void)builder.AddSpec("10.0.0.0/16");
  absl::StatusOr<targets::ProbePlan> plan = targets::ProbePlan::Create(
      std::move(builder).Build(), {{ProbeType::kTcpSyn, 25}, {ProbeType::kIcmpEcho, 0}}, 1, 32, 1);
  absl::StatusOr<targets::ShardOrder> order = targets::ShardOrder::Create(*plan, 7, 1, 0);
  uint64_t i = 0, sink = 0;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    probe::ProbeSpec spec = order->At(i++ % order->size());
    sink += spec.target.low() + spec.ttl;
  }
  benchmark::DoNotOptimize(sink);
  CountAllocations(state, before);
}
BENCHMARK(BM_ShardOrderStep);

// The send order of `cutpoint scan` over 131072 targets x 100 TCP ports (13.1 M probes,
// one shard), in the sender's batches of 64 consecutive positions: items are probes.
const targets::ProbePlan& ScanPlan131072x100() {
  static const targets::ProbePlan plan = [] {
    targets::TargetSetBuilder builder;
    (void)builder.AddSpec("10.0.0.0/15");
    std::vector<targets::ProbeKind> kinds;
    for (uint16_t port = 1; port <= 100; ++port) kinds.push_back({ProbeType::kTcpSyn, port});
    return *targets::ProbePlan::Create(std::move(builder).Build(), kinds, 64, 64, 1);
  }();
  return plan;
}
constexpr size_t kOrderBatch = 64;

void BM_ScanOrderAt(benchmark::State& state) {
  absl::StatusOr<targets::ShardOrder> order =
      targets::ShardOrder::Create(ScanPlan131072x100(), 7, 1, 0);
  probe::ProbeSpec specs[kOrderBatch];
  uint64_t position = 0, sink = 0;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    if (position + kOrderBatch > order->size()) position = 0;
    for (size_t i = 0; i < kOrderBatch; ++i) specs[i] = order->At(position + i);
    position += kOrderBatch;
    sink += specs[0].target.low() + specs[kOrderBatch - 1].port;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(sink);
  CountAllocations(state, before, static_cast<int64_t>(state.iterations() * kOrderBatch));
}
BENCHMARK(BM_ScanOrderAt);

// The same through ShardOrder::Fill, range(1) probes a call, with kernel range(0): 0
// scalar, 1 AVX-512, 2 AVX-512 IFMA (each where the CPU has it).
void BM_ScanOrderFill(benchmark::State& state) {
  auto previous = targets::KeyedPermutation::ForceBatchKernel(
      static_cast<targets::KeyedPermutation::BatchKernel>(state.range(0) + 1));
  absl::StatusOr<targets::ShardOrder> order =
      targets::ShardOrder::Create(ScanPlan131072x100(), 7, 1, 0);
  const size_t batch = static_cast<size_t>(state.range(1));
  std::vector<probe::ProbeSpec> specs(batch);
  uint64_t position = 0, sink = 0;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    if (position + batch > order->size()) position = 0;
    order->Fill(position, batch, specs.data());
    position += batch;
    sink += specs[0].target.low() + specs[batch - 1].port;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(sink);
  CountAllocations(state, before, static_cast<int64_t>(state.iterations() * batch));
  targets::KeyedPermutation::ForceBatchKernel(previous);
}
BENCHMARK(BM_ScanOrderFill)->ArgsProduct({{0, 1, 2}, {64, 1024}});

// What the sender sees: session::ShardSource::Fill in batches of 64 (its per-thread
// lookahead turns them into ShardOrder::Fill calls of 1024), kernel range(0).
void BM_ScanSourceFill(benchmark::State& state) {
  auto previous = targets::KeyedPermutation::ForceBatchKernel(
      static_cast<targets::KeyedPermutation::BatchKernel>(state.range(0) + 1));
  absl::StatusOr<targets::ShardOrder> order =
      targets::ShardOrder::Create(ScanPlan131072x100(), 7, 1, 0);
  const session::ShardSource source(*order);
  probe::ProbeSpec specs[kOrderBatch];
  uint64_t position = 0, sink = 0;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    if (position + kOrderBatch > source.size()) position = 0;
    source.Fill(position, kOrderBatch, specs);
    position += kOrderBatch;
    sink += specs[0].target.low() + specs[kOrderBatch - 1].port;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(sink);
  CountAllocations(state, before, static_cast<int64_t>(state.iterations() * kOrderBatch));
  targets::KeyedPermutation::ForceBatchKernel(previous);
}
BENCHMARK(BM_ScanSourceFill)->Arg(0)->Arg(1)->Arg(2);

// Crafting (BM_CraftProbe, BM_CraftBatch, IPv4 and IPv6): bench/craft_benchmark.cc.

// Replies built the way responders build them, from our own probe bytes.
std::vector<uint8_t> SynAckFor(const uint8_t* probe, bool rst) {
  std::vector<uint8_t> reply(40, 0);
  reply[0] = 0x45;
  wire::StoreBe16(&reply[2], 40);
  reply[8] = 60;
  reply[9] = 6;
  std::copy(probe + 16, probe + 20, reply.begin() + 12);  // src = target
  std::copy(probe + 12, probe + 16, reply.begin() + 16);  // dst = us
  uint8_t* tcp = &reply[20];
  std::copy(probe + 22, probe + 24, tcp);      // sport = probe dport
  std::copy(probe + 20, probe + 22, tcp + 2);  // dport = probe sport
  wire::StoreBe32(tcp + 8, wire::LoadBe32(probe + 24) + 1);
  tcp[12] = 5 << 4;
  tcp[13] = rst ? 0x14 : 0x12;
  return reply;
}

std::vector<uint8_t> IcmpErrorFor(const uint8_t* probe, size_t probe_len, uint8_t type) {
  size_t quoted = std::min<size_t>(probe_len, 28);
  std::vector<uint8_t> reply(20 + 8 + quoted, 0);
  reply[0] = 0x45;
  wire::StoreBe16(&reply[2], static_cast<uint16_t>(reply.size()));
  reply[8] = 62;
  reply[9] = 1;
  wire::StoreBe32(&reply[12], kRouter);
  std::copy(probe + 12, probe + 16, reply.begin() + 16);
  reply[20] = type;
  std::copy(probe, probe + quoted, reply.begin() + 28);
  reply[28 + 8] = 1;  // quoted TTL
  return reply;
}

std::vector<uint8_t> EchoReplyFor(const uint8_t* probe, size_t probe_len) {
  std::vector<uint8_t> reply(probe, probe + probe_len);
  std::copy(probe + 12, probe + 16, reply.begin() + 16);
  std::copy(probe + 16, probe + 20, reply.begin() + 12);
  reply[20] = 0;
  return reply;
}

void BM_MatchReply(benchmark::State& state) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(codec, probe::ProbeSources{wire::IpAddress::V4(kSource), std::nullopt});
  match::MatcherConfig config;
  config.source_v4 = wire::IpAddress::V4(kSource);
  match::Matcher matcher(codec, config);
  uint8_t tcp_probe[probe::kMaxProbeLen], icmp_probe[probe::kMaxProbeLen];
  size_t tcp_len = builder.Build({wire::IpAddress::V4(kTarget), ProbeType::kTcpSyn, 25, 7, 0}, kSendUs, tcp_probe);
  size_t icmp_len = builder.Build({wire::IpAddress::V4(kTarget), ProbeType::kIcmpEcho, 0, 7, 0}, kSendUs, icmp_probe);
  std::vector<uint8_t> reply;
  switch (state.range(0)) {
    case 0: reply = SynAckFor(tcp_probe, false); state.SetLabel("syn_ack"); break;
    case 1: reply = SynAckFor(tcp_probe, true); state.SetLabel("rst"); break;
    case 2: reply = EchoReplyFor(icmp_probe, icmp_len); state.SetLabel("echo_reply"); break;
    case 3: reply = IcmpErrorFor(tcp_probe, tcp_len, 11); state.SetLabel("time_exceeded(tcp)"); break;
    case 4: reply = IcmpErrorFor(icmp_probe, icmp_len, 11); state.SetLabel("time_exceeded(icmp)"); break;
    default: reply = IcmpErrorFor(tcp_probe, tcp_len, 3); state.SetLabel("dest_unreachable"); break;
  }
  match::ReplyRecord record;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    match::MatchOutcome outcome =
        matcher.MatchIp(reply.data(), reply.size(), kSendUs + 1500, &record);
    if (outcome != match::MatchOutcome::kMatched) state.SkipWithError("reply did not match");
    benchmark::DoNotOptimize(record);
  }
  CountAllocations(state, before);
}
BENCHMARK(BM_MatchReply)->DenseRange(0, 5);

// The same replies over IPv6, built from the IPv6 probes (76-byte SYN, 56-byte echo):
// offsets are the IPv6 header's (addresses at 8 and 24, next header 6, hop limit 7).
constexpr uint8_t kRouter6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2};

// A reply of `payload_len` bytes after an IPv6 header from `src` to `dst`.
std::vector<uint8_t> Ipv6Reply(const uint8_t* src, const uint8_t* dst, uint8_t next_header,
                               size_t payload_len) {
  std::vector<uint8_t> reply(40 + payload_len, 0);
  reply[0] = 0x60;
  wire::StoreBe16(&reply[4], static_cast<uint16_t>(payload_len));
  reply[6] = next_header;
  reply[7] = 60;
  std::memcpy(&reply[8], src, 16);
  std::memcpy(&reply[24], dst, 16);
  return reply;
}

std::vector<uint8_t> SynAckForV6(const uint8_t* probe, bool rst) {
  std::vector<uint8_t> reply = Ipv6Reply(probe + 24, probe + 8, 6, 32);
  uint8_t* tcp = reply.data() + 40;
  std::memcpy(tcp, probe + 42, 2);      // sport = probe dport
  std::memcpy(tcp + 2, probe + 40, 2);  // dport = probe sport
  wire::StoreBe32(tcp + 8, wire::LoadBe32(probe + 44) + 1);
  tcp[12] = 8 << 4;
  tcp[13] = rst ? 0x14 : 0x12;
  // NOP NOP TS: TSecr echoes the probe's TSval (the send time), as Linux servers do.
  const uint8_t timestamp_option[] = {1, 1, 8, 10};
  std::memcpy(tcp + 20, timestamp_option, sizeof(timestamp_option));
  wire::StoreBe32(tcp + 28, wire::LoadBe32(probe + 40 + probe::kSynV6TsvalAt));
  return reply;
}

std::vector<uint8_t> IcmpErrorForV6(const uint8_t* probe, size_t probe_len, uint8_t type) {
  std::vector<uint8_t> reply = Ipv6Reply(kRouter6, probe + 8, 58, 8 + probe_len);
  uint8_t* icmp = reply.data() + 40;
  icmp[0] = type;
  std::memcpy(icmp + 8, probe, probe_len);
  icmp[8 + 7] = 1;  // quoted hop limit
  return reply;
}

std::vector<uint8_t> EchoReplyForV6(const uint8_t* probe, size_t probe_len) {
  std::vector<uint8_t> reply = Ipv6Reply(probe + 24, probe + 8, 58, probe_len - 40);
  std::memcpy(reply.data() + 40, probe + 40, probe_len - 40);
  reply[40] = 129;
  return reply;
}

void BM_MatchReplyV6(benchmark::State& state) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  const wire::IpAddress source = wire::IpAddress::V6(0x2001000200000000ull, 1);
  const wire::IpAddress target = wire::IpAddress::V6(0x200100020000ff00ull, 0x107);
  probe::ProbeBuilder builder(codec, probe::ProbeSources{std::nullopt, source});
  match::MatcherConfig config;
  config.source_v6 = source;
  match::Matcher matcher(codec, config);
  uint8_t tcp_probe[probe::kMaxProbeLen], icmp_probe[probe::kMaxProbeLen];
  size_t tcp_len = builder.Build({target, ProbeType::kTcpSyn, 25, 7, 0}, kSendUs, tcp_probe);
  size_t icmp_len = builder.Build({target, ProbeType::kIcmpEcho, 0, 7, 0}, kSendUs, icmp_probe);
  std::vector<uint8_t> reply;
  switch (state.range(0)) {
    case 0: reply = SynAckForV6(tcp_probe, false); state.SetLabel("syn_ack"); break;
    case 1: reply = SynAckForV6(tcp_probe, true); state.SetLabel("rst"); break;
    case 2: reply = EchoReplyForV6(icmp_probe, icmp_len); state.SetLabel("echo_reply"); break;
    case 3: reply = IcmpErrorForV6(tcp_probe, tcp_len, 3); state.SetLabel("time_exceeded(tcp)"); break;
    case 4: reply = IcmpErrorForV6(icmp_probe, icmp_len, 3); state.SetLabel("time_exceeded(icmp)"); break;
    default: reply = IcmpErrorForV6(tcp_probe, tcp_len, 1); state.SetLabel("dest_unreachable"); break;
  }
  match::ReplyRecord record;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    match::MatchOutcome outcome = matcher.MatchIp(reply.data(), reply.size(), kSendUs + 1500, &record);
    if (outcome != match::MatchOutcome::kMatched) state.SkipWithError("reply did not match");
    benchmark::DoNotOptimize(record);
  }
  CountAllocations(state, before);
}
BENCHMARK(BM_MatchReplyV6)->DenseRange(0, 5);

// A time-exceeded reply with a quote: the most common record of a trace.
match::ReplyRecord TimeExceededRecord() {
  match::ReplyRecord record;
  record.target = wire::IpAddress::V4(kTarget);
  record.probe_ttl = 7;
  record.kind = match::ReplyKind::kTimeExceeded;
  record.from = wire::IpAddress::V4(kRouter);
  record.reply_ttl = 62;
  record.is_icmp = true;
  record.icmp_type = 11;
  record.has_quote = true;
  record.rtt_us = 1234;
  return record;
}

void BM_FormatReplyRecord(benchmark::State& state) {
  match::ReplyRecord record = TimeExceededRecord();
  report::JsonLine line;
  report::FormatReply(record, &line);  // warm the reused buffer
  (void)line.Finish();
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    report::FormatReply(record, &line);
    benchmark::DoNotOptimize(line.Finish().size());
  }
  CountAllocations(state, before);
}
BENCHMARK(BM_FormatReplyRecord);

// The same record through the in-place formatter `match` uses.
void BM_WriteReplyLine(benchmark::State& state) {
  match::ReplyRecord record = TimeExceededRecord();
  record.recv_time_us = 1700000000146912;
  static char buffer[report::kMaxReplyLineBytes];
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    benchmark::DoNotOptimize(report::WriteReplyLine(record, false, buffer));
    benchmark::ClobberMemory();
  }
  CountAllocations(state, before);
}
BENCHMARK(BM_WriteReplyLine);

}  // namespace
}  // namespace cutpoint

BENCHMARK_MAIN();
