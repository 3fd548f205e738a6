// SPDX-License-Identifier: Apache-2.0
// `cutpoint merge`: the outputs of a sharded scan, trace or locate (--shards N --shard I)
// checked to be every shard of one scan, finished, and written as one NDJSON stream.
// Checking and the merged records are engine/merge/, the files session/shard_merge_files.h.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/base/status_macros.h"
#include "engine/merge/shard_reader.h"
#include "engine/merge/shard_set.h"
#include "session/shard_merge_files.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"
#include "tools/cutpoint/read_progress.h"

namespace cutpoint::cli {
namespace {

constexpr cmdline::OptionSpec kMergeOptions[] = {
    {"output", 'o', "FILE", "write the merged NDJSON here (default: standard output)"},
    {"progress", 0, "",
     "the shard files checked so far on stderr, once a second (default: when stderr is a tty)"},
    {"quiet", 'q', "", "no per-shard record counts or progress on standard error"},
    {"help", 'h', "", "show this help"},
};

std::string Counts(const std::map<std::string, uint64_t>& records_by_type) {
  if (records_by_type.empty()) return "no records";
  std::string text;
  for (const auto& [type, count] : records_by_type) {
    absl::StrAppend(&text, text.empty() ? "" : ", ", count, " ", type);
  }
  return text;
}

absl::StatusOr<int> RunMergeOrError(const cmdline::ParsedArgs& args) {
  const std::vector<std::string>& files = args.positional();
  if (files.empty()) {
    return absl::InvalidArgumentError(
        "merge needs the NDJSON outputs of a sharded run: SHARD.ndjson...");
  }
  const std::string output = args.Get("output").value_or("");
  if (output == "-") return absl::InvalidArgumentError("write to standard output without -o");
  ReadProgress progress("merge", stderr);
  const bool show_progress = args.Has("progress") || (isatty(STDERR_FILENO) && !args.Has("quiet"));
  std::vector<merge::ShardSummary> summaries;
  for (const std::string& path : files) {
    ASSIGN_OR_RETURN(merge::ShardSummary summary, session::ReadShardSummary(path));
    summaries.push_back(std::move(summary));
    if (show_progress) {
      progress.Update(summaries.size(), absl::StrCat("of ", files.size(), " shard files checked"));
    }
  }
  ASSIGN_OR_RETURN(std::vector<const merge::ShardSummary*> shards,
                   merge::OrderShards(summaries));
  RETURN_IF_ERROR(session::WriteMerged(shards, output));
  if (!args.Has("quiet")) {
    std::map<std::string, uint64_t> total;
    for (const merge::ShardSummary* shard : shards) {
      absl::FPrintF(stderr, "cutpoint merge: shard %d of %d (%s): %s\n", shard->shard,
                    shard->shards, shard->name, Counts(shard->records_by_type));
      for (const auto& [type, count] : shard->records_by_type) total[type] += count;
    }
    absl::FPrintF(stderr, "cutpoint merge: merged %d shards into %s: %s\n", shards.size(),
                  output.empty() ? "standard output" : output, Counts(total));
  }
  return kExitOk;
}

int RunMerge(const std::vector<std::string>&, const std::vector<std::string>& words) {
  return RunCommandWithSpec(MergeCommandSpec(), words, RunMergeOrError);
}

}  // namespace

CommandSpec MergeCommandSpec() {
  return {
      .name = "merge",
      .summary = "merge the outputs of a sharded scan, trace or locate into one NDJSON file",
      .synopsis = "cutpoint merge SHARD.ndjson... [-o merged.ndjson]",
      .description =
          "Merges the outputs of a sharded 'cutpoint scan', 'trace' or 'locate' (each run with\n"
          "--shards N --shard I --seed S and the same key) into one NDJSON stream: a merged\n"
          "meta record (\"merged_shards\": N, no \"shard\"), every shard's other records\n"
          "unchanged in shard order, and one stats record with the shards' counters summed.\n\n"
          "It refuses (exit 2, nothing written) unless the files are the shards 0..N-1 of one\n"
          "scan, each exactly once (same command, seed, shard count, key fingerprint, probes,\n"
          "TTLs, attempts, target and probe counts, blocklists, reserved ranges and vantage) and\n"
          "each finished: a file's last run ends with a stats record that is not interrupted (a\n"
          "run resumed with --resume into the same file is fine). The file is written beside -o\n"
          "and renamed into place once complete.",
      .options = {std::begin(kMergeOptions), std::end(kMergeOptions)},
      .file_operands = true,
      .run = RunMerge};
}

}  // namespace cutpoint::cli
