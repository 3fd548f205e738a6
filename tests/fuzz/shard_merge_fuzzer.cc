// SPDX-License-Identifier: Apache-2.0
// Fuzzes `cutpoint merge`'s reading of untrusted shard files: the input, split at '\n', is
// fed line by line to merge::ShardReader (the last line flagged when it has no newline).
// Whatever it holds, nothing crashes. For a file it accepts, the summary must describe the
// input (its line count; its meta and stats lines ascending within it), the file given
// twice must be refused, and the merged meta and stats records made as if the file were
// every shard must be single lines.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/merge/shard_reader.h"
#include "engine/merge/shard_set.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  cutpoint::merge::ShardReader reader("fuzz.ndjson");
  uint64_t lines = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const bool has_newline = end != absl::string_view::npos;
    ++lines;
    if (!reader.AddLine(text.substr(0, end), has_newline).ok()) return 0;
    text.remove_prefix(has_newline ? end + 1 : text.size());
  }
  absl::StatusOr<cutpoint::merge::ShardSummary> summary = reader.Finish();
  if (!summary.ok()) return 0;
  FUZZ_CHECK(summary->line_count == lines);
  FUZZ_CHECK(summary->shard < summary->shards);
  uint64_t previous = 0;
  for (uint64_t line : summary->own_lines) {
    FUZZ_CHECK(line > previous && line <= lines);
    previous = line;
  }
  std::vector<cutpoint::merge::ShardSummary> files = {*summary, *summary};
  FUZZ_CHECK(!cutpoint::merge::OrderShards(files).ok());
  if (summary->shards > 64) return 0;  // the merged records parse every shard's meta
  std::vector<const cutpoint::merge::ShardSummary*> shards(summary->shards, &*summary);
  const std::string meta = cutpoint::merge::MergedMeta(shards);
  const std::string stats = cutpoint::merge::MergedStats(shards);
  FUZZ_CHECK(meta.find('\n') == std::string::npos && stats.find('\n') == std::string::npos);
  return 0;
}
