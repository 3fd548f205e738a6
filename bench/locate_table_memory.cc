// SPDX-License-Identifier: Apache-2.0
// Peak memory of locate's observation table per target, on a synthetic feed shaped like a
// screened run (issue 13): TARGETS targets (default 2^24, 10.0.0.0/8), test port, one
// control port and ICMP echo, TTLs 1-32. Every target answers all three probes at TTL max
// (the screen); every SWEPT_EVERY-th target (default 100: 1 %) is also swept, answering a
// time exceeded at each TTL below its distance 11 and its own answers beyond it.
//
//   build/release/bench/locate_table_memory [TARGETS] [SWEPT_EVERY]
//
// Prints the resident set before and after creating and feeding the table (VmRSS from
// /proc/self/status, so the target set's own memory is excluded) and the bytes per target.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "engine/locate/observation_table.h"
#include "engine/targets/target_set.h"

namespace {

using cutpoint::locate::ObservationTable;
using cutpoint::match::ReplyKind;
using cutpoint::match::ReplyRecord;
using cutpoint::probe::ProbeType;

long ResidentKb() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 10, '\n');
  }
  return 0;
}

ReplyRecord Reply(const cutpoint::wire::IpAddress& target, ProbeType type, uint16_t port, int ttl,
                  ReplyKind kind, const cutpoint::wire::IpAddress& from) {
  ReplyRecord r;
  r.target = target;
  r.probe_type = type;
  r.port = port;
  r.probe_ttl = static_cast<uint8_t>(ttl);
  r.kind = kind;
  r.from = from;
  r.reply_ttl = 54;
  r.rtt_us = 1000;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : uint64_t{1} << 24;
  const uint64_t swept_every = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100;
  const auto first = cutpoint::wire::IpAddress::V4(0x0a000000u);
  const auto targets = cutpoint::targets::TargetSet::FromRanges(
      {{first, cutpoint::wire::IpAddress::FromValue(first.value() + count - 1)}});
  cutpoint::locate::LocateLayout layout =
      cutpoint::locate::MakeLocateLayout(1, 32, 25, {443}, true);
  const long before_kb = ResidentKb();
  auto table = ObservationTable::Create(&targets, layout, /*every_target_swept=*/false);
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", std::string(table.status().message()).c_str());
    return 1;
  }
  const struct { ProbeType type; uint16_t port; ReplyKind answer; } kinds[] = {
      {ProbeType::kTcpSyn, 25, ReplyKind::kSynAck},
      {ProbeType::kTcpSyn, 443, ReplyKind::kSynAck},
      {ProbeType::kIcmpEcho, 0, ReplyKind::kEchoReply}};
  for (uint64_t i = 0; i < count; ++i) {
    const auto target = targets.At(i);
    const bool swept = swept_every != 0 && i % swept_every == 0;
    for (const auto& kind : kinds) {
      for (int ttl = swept ? 1 : 32; ttl <= 32; ++ttl) {
        const bool hop = ttl < 11;
        table->Add(Reply(target, kind.type, kind.port, ttl,
                         hop ? ReplyKind::kTimeExceeded : kind.answer,
                         hop ? cutpoint::wire::IpAddress::V4(0xc6120002u + (ttl << 8)) : target));
      }
    }
  }
  const long after_kb = ResidentKb();
  std::printf("targets %llu, swept %llu (every %llu-th), whole-cell targets %zu\n",
              static_cast<unsigned long long>(count),
              static_cast<unsigned long long>(swept_every ? (count + swept_every - 1) / swept_every : 0),
              static_cast<unsigned long long>(swept_every), table->whole_targets());
  std::printf("observation table: %.1f MB resident, %.1f bytes per target\n",
              static_cast<double>(after_kb - before_kb) / 1024.0,
              static_cast<double>(after_kb - before_kb) * 1024.0 / static_cast<double>(count));
  return 0;
}
