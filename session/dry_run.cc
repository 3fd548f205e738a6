// SPDX-License-Identifier: Apache-2.0
#include "session/dry_run.h"

#include <algorithm>

#include "engine/base/status_macros.h"
#include "engine/probe/probe_builder.h"
#include "engine/report/json_line.h"
#include "engine/targets/shard_order.h"
#include "session/clock.h"

namespace cutpoint::session {

absl::StatusOr<report::ScanStats> WriteDryRun(const targets::ProbePlan& plan,
                                              const probe::ProbeCodec& codec,
                                              const wire::SourceAddresses& sources,
                                              const LiveScanOptions& order_options,
                                              OutputSink& sink,
                                              const std::atomic<bool>& stop_requested) {
  RETURN_IF_ERROR(sink.Begin());
  probe::ProbeBuilder builder(codec, sources);
  ASSIGN_OR_RETURN(targets::ShardOrder order,
                   targets::ShardOrder::Create(plan, order_options.seed, order_options.shard_count,
                                               order_options.shard_index));
  report::ScanStats stats;
  report::JsonLine line;
  uint8_t packet[probe::kMaxProbeLen];
  int64_t send_us = WallClockMicros();
  constexpr uint64_t kBlock = 1024;  // ShardOrder::Fill is cheapest per probe from here
  probe::ProbeSpec specs[kBlock];
  for (uint64_t i = 0; i < order.size(); ++i) {
    if (stop_requested.load(std::memory_order_relaxed)) {
      stats.interrupted = true;
      stats.probes_unsent = order.size() - i;
      break;
    }
    if (i % kBlock == 0) order.Fill(i, std::min(kBlock, order.size() - i), specs);
    const probe::ProbeSpec& spec = specs[i % kBlock];
    size_t len = builder.Build(spec, send_us, packet);
    report::FormatProbe(i, spec, packet, len, &line);
    RETURN_IF_ERROR(sink.Append(line.Finish()));
  }
  return stats;
}

}  // namespace cutpoint::session
