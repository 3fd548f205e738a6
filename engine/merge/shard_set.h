// SPDX-License-Identifier: Apache-2.0
// The second half of `cutpoint merge`'s check, over the summaries of all files
// (shard_reader.h): one scan, every shard 0..N-1 exactly once; and the merged meta and
// stats records that frame the shards' copied records.
#ifndef CUTPOINT_ENGINE_MERGE_SHARD_SET_H_
#define CUTPOINT_ENGINE_MERGE_SHARD_SET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/merge/shard_reader.h"

namespace cutpoint::merge {

// `files` in shard order, or InvalidArgument: a file of another scan (naming it, the
// first file and the field that differs), a shard given twice (naming both files), shards
// missing ("shard 2 of 4 missing").
absl::StatusOr<std::vector<const ShardSummary*>> OrderShards(
    const std::vector<ShardSummary>& files);

// The merged meta record (no newline): shard 0's, without "shard", with
// "merged_shards": N after "shards", the earliest "start_time", and the per-shard
// fields (source, source_v6, interface, pcap, rate_pps, notes, asn_dbs, and locate's
// per-shard targets) only when every shard has them alike. `shards` as OrderShards returns them.
std::string MergedMeta(const std::vector<const ShardSummary*>& shards);

// The merged stats record (no newline): counters summed over every run of every shard,
// duration_s and send_s of the longest shard (its runs' times added), not interrupted.
std::string MergedStats(const std::vector<const ShardSummary*>& shards);

}  // namespace cutpoint::merge

#endif  // CUTPOINT_ENGINE_MERGE_SHARD_SET_H_
