// SPDX-License-Identifier: Apache-2.0
// The counters of `stats` records (docs/ndjson-schema.md), added up over the runs of a
// sharded scan, and written back as one stats record.
#ifndef CUTPOINT_ENGINE_MERGE_STATS_TOTALS_H_
#define CUTPOINT_ENGINE_MERGE_STATS_TOTALS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cutpoint::merge {

// The integer counters of a stats record that add up across shards, as "name" or
// "object.name" (in the order the stats record writes them).
inline constexpr std::array<absl::string_view, 19> kStatsCounters = {
    "probes_sent",
    "send_errors",
    "replies_seen",
    "matched",
    "rejected",
    "rejected_by_reason.bad_flow_field",
    "rejected_by_reason.bad_mac",
    "rejected_by_reason.not_our_target",
    "rejected_by_reason.out_of_plan",
    "rejected_by_reason.short_quote",
    "rejected_by_reason.stale",
    "rejected_by_reason.future",
    "unmatched",
    "malformed",
    "pcap_received",
    "pcap_dropped",
    "pcap_ifdropped",
    "screen.probes",
    "screen.swept_targets",
};

struct StatsTotals {
  // nullopt: no stats record had the counter (e.g. pcap_* of a DPDK run).
  std::array<std::optional<uint64_t>, kStatsCounters.size()> counters;
  double forgery_acceptance_p = 0;      // the largest of the runs'
  double expected_forged_accepted = 0;  // summed: each run's rejected x its p
  double duration_s = 0;                // see Add / Combine
  std::optional<double> send_s;

  // Adds one run's counters and time, in sequence (the parts of one shard file: a run and
  // its resumed continuations). Counters that would overflow saturate.
  void Add(const StatsTotals& run);
  // Adds another shard, which ran beside this one: counters add, times take the larger.
  void Combine(const StatsTotals& shard);
};

// The totals of one stats record, given as a JSON line without its newline. Errors:
// InvalidArgument naming the field that is missing or mistyped (not the location).
// `interrupted` is set from the record's "interrupted" (required).
absl::Status ParseStatsTotals(absl::string_view line, StatsTotals* totals, bool* interrupted);

// One stats record of the totals, not interrupted, tagged with `vantage` when non-empty;
// no newline. The per-device "dpdk" object and capture_truncated are not carried over.
std::string FormatStatsTotals(const StatsTotals& totals, absl::string_view vantage);

}  // namespace cutpoint::merge

#endif  // CUTPOINT_ENGINE_MERGE_STATS_TOTALS_H_
