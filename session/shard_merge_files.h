// SPDX-License-Identifier: Apache-2.0
// The files of `cutpoint merge`: the first pass over a shard file (engine/merge/
// shard_reader.h), and the merged output written from a second pass over every file, so
// no shard's records are held in memory.
#ifndef CUTPOINT_SESSION_SHARD_MERGE_FILES_H_
#define CUTPOINT_SESSION_SHARD_MERGE_FILES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/merge/shard_reader.h"

namespace cutpoint::session {

// Reads the file at `path` line by line; errors name `path` (and the line).
absl::StatusOr<merge::ShardSummary> ReadShardSummary(const std::string& path);

// Writes the merged meta record, every shard file's records but its meta and stats records
// (in shard order, each file's lines as they are), and the merged stats record. `shards`
// (engine/merge/shard_set.h's order) name their files. `output` empty: standard output;
// otherwise written to a temporary file beside it and renamed over it at the end, so an
// error leaves no merged file (and an existing one as it was).
absl::Status WriteMerged(const std::vector<const merge::ShardSummary*>& shards,
                         const std::string& output);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_SHARD_MERGE_FILES_H_
