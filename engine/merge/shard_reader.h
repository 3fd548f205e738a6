// SPDX-License-Identifier: Apache-2.0
// The first pass of `cutpoint merge` over one shard file: every line checked to be a JSON
// record, the run's identity taken from its meta records, its stats records added up, and
// whether the shard finished. Lines come from files and are untrusted: anything else is an
// error naming `name:LINE`, never a crash.
//
// A file holds one or more runs ("parts"), each from a meta record to its stats record: a
// run resumed with --resume appends a part. Every part must be the same shard of the same
// scan; the last part must end with a stats record that is not interrupted. An earlier
// part may be cut short (interrupted, or killed without a stats record).
#ifndef CUTPOINT_ENGINE_MERGE_SHARD_READER_H_
#define CUTPOINT_ENGINE_MERGE_SHARD_READER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/merge/stats_totals.h"

namespace cutpoint::merge {

// The meta fields that identify a scan: shards of one scan have them alike (absent
// fields alike too). Per-shard fields (shard, start_time, argv, source, interface,
// rate_pps, version, notes, asn_dbs) are not among them. The target list itself is not
// recorded, only its size ("targets") and the plan's ("probe_count"); a locate run's
// "targets" counts its own shard's (whole groups, plus every control host), so it is not
// compared there.
inline constexpr absl::string_view kScanIdentityFields[] = {
    "command",   "seed",     "shards",         "key_fingerprint", "probe_format",
    "schema",    "probes",   "ttl_min",        "ttl_max",         "attempts",
    "targets",   "probe_count", "dry_run",     "blocklists",      "blocklisted",
    "allow_reserved", "reserved_skipped", "vantage",
};

struct ShardSummary {
  std::string name;  // the file, as errors name it
  uint32_t shard = 0;
  uint32_t shards = 0;
  // Per kScanIdentityFields entry: the value as compact JSON, "" when absent.
  std::vector<std::pair<std::string, std::string>> identity;
  std::string first_meta;      // the first part's meta record (no newline)
  std::string start_time;      // the first part's
  std::string vantage;         // the meta record's "vantage"; empty: none
  StatsTotals totals;          // the parts' stats records, added up
  // 1-based numbers of the meta and stats lines, ascending: the lines a merge does not copy.
  std::vector<uint64_t> own_lines;
  uint64_t line_count = 0;
  std::map<std::string, uint64_t> records_by_type;  // the copied records ("reply": 130)
};

class ShardReader {
 public:
  explicit ShardReader(std::string name);

  // The next line of the file, without its '\n'. `has_newline` false: the file's last
  // line ended without one, so the file was cut short: an error.
  absl::Status AddLine(absl::string_view line, bool has_newline = true);
  // The file ended.
  absl::StatusOr<ShardSummary> Finish();

 private:
  absl::Status Error(absl::string_view what) const;
  absl::Status AddMeta(absl::string_view line);
  absl::Status AddStats(absl::string_view line);

  ShardSummary summary_;
  bool in_part_ = false;         // a meta record was read and its stats record not yet
  bool have_stats_ = false;      // the last part ended with a stats record
  bool last_interrupted_ = false;
};

}  // namespace cutpoint::merge

#endif  // CUTPOINT_ENGINE_MERGE_SHARD_READER_H_
