// SPDX-License-Identifier: Apache-2.0
// Small shard files for the merge tests: meta, reply and stats lines as a sharded scan
// writes them (engine/report/records.cc), with the fields the tests vary as parameters.
#ifndef CUTPOINT_TESTS_UNIT_MERGE_MERGE_TEST_LINES_H_
#define CUTPOINT_TESTS_UNIT_MERGE_MERGE_TEST_LINES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "engine/merge/shard_reader.h"

namespace cutpoint::merge::testing {

inline std::string MetaLine(int shard, int shards = 4, uint64_t seed = 7,
                            absl::string_view source = "198.18.0.2",
                            absl::string_view start_time = "2026-12-01T10:00:00.000000Z") {
  return absl::StrCat(
      R"({"type":"meta","schema":1,"tool":"cutpoint","version":"0.1.0","command":"scan",)",
      R"("argv":["cutpoint","scan","--shard",")", shard, R"("],)",
      R"("key_fingerprint":"e0edcce5673dcc7a","probe_format":3,"start_time":")", start_time,
      R"(","source":")", source, R"(","probes":["tcp-syn:25"],"ttl_min":64,"ttl_max":64,)",
      R"("attempts":1,"rate_pps":1000.0,"seed":)", seed, R"(,"shards":)", shards,
      R"(,"shard":)", shard, R"(,"targets":256,"probe_count":256,"dry_run":false})");
}

inline std::string ReplyLine(absl::string_view target) {
  return absl::StrCat(R"({"type":"reply","target":")", target,
                      R"(","probe":"tcp-syn","port":25,"kind":"syn_ack","status":"open"})");
}

inline std::string StatsLine(uint64_t probes_sent, uint64_t matched, double duration_s,
                             bool interrupted = false) {
  return absl::StrCat(
      R"({"type":"stats","probes_sent":)", probes_sent,
      R"(,"send_errors":0,"replies_seen":)", matched + 1, R"(,"matched":)", matched,
      R"(,"rejected":1,"rejected_by_reason":{"bad_flow_field":0,"bad_mac":1,)",
      R"("not_our_target":0,"out_of_plan":0,"short_quote":0,"stale":0,"future":0},)",
      R"("forgery_acceptance_p":0.25,"expected_forged_accepted":0.25,"unmatched":0,)",
      R"("malformed":0,"duration_s":)", duration_s, R"(,"interrupted":)",
      interrupted ? R"(true,"probes_unsent":5})" : "false}");
}

// A finished shard: its meta record, `replies` reply records, its stats record.
inline std::string ShardText(int shard, int replies, int shards = 4, uint64_t seed = 7) {
  std::string text = MetaLine(shard, shards, seed) + "\n";
  for (int i = 0; i < replies; ++i) {
    absl::StrAppend(&text, ReplyLine(absl::StrCat("198.18.", shard, ".", i)), "\n");
  }
  absl::StrAppend(&text, StatsLine(64, replies, 1.5 + shard), "\n");
  return text;
}

// Feeds `text` to a ShardReader as the file reader does: line by line, the last line
// flagged when it has no newline.
inline absl::StatusOr<ShardSummary> ReadShard(absl::string_view name, absl::string_view text) {
  ShardReader reader{std::string(name)};
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const bool has_newline = end != absl::string_view::npos;
    absl::Status added = reader.AddLine(text.substr(0, end), has_newline);
    if (!added.ok()) return added;
    text.remove_prefix(has_newline ? end + 1 : text.size());
  }
  return reader.Finish();
}

}  // namespace cutpoint::merge::testing

#endif  // CUTPOINT_TESTS_UNIT_MERGE_MERGE_TEST_LINES_H_
