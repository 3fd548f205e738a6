// SPDX-License-Identifier: Apache-2.0
// The data of an HTML report: the runs, replies, verdicts and cuts of one or more NDJSON
// outputs (`trace` or `locate`), read back into plain structs. Pure: text in, model out;
// reading files is the caller's business.
#ifndef CUTPOINT_ENGINE_REPORT_REPORT_MODEL_H_
#define CUTPOINT_ENGINE_REPORT_REPORT_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cutpoint::report {

// One run's provenance: its `meta` record (and whether a `stats` record closed it).
struct ReportRun {
  std::string file;  // the NDJSON file it came from
  int line = 0;      // line of its meta record
  std::string command, version, key_fingerprint, vantage, start_time, source;
  std::string source_v4, source_v6;  // the meta's "source" and "source_v6" ("" when absent)
  int ttl_min = 0, attempts = 0;     // 0 when the meta has none
  // A sharded run: its shard of how many ("shard", "shards"); a `cutpoint merge` output:
  // how many shards it joins ("merged_shards"). 0 when absent.
  int shard = 0, shards = 0, merged_shards = 0;
  std::vector<std::string> argv;
  std::vector<std::string> probes;
  std::vector<std::string> asn_dbs;  // annotation files named by the meta, as text
  bool has_stats = false;
  double duration_s = 0;
};

struct ReportReply {
  int run = 0;  // index into ReportModel::runs
  std::string target, probe, kind, from, tcp_flags;
  int port = 0, ttl = 0, attempt = 0, reply_ttl = 0, ipid = 0;
  int64_t rtt_us = 0, time_us = 0;
  std::optional<int> icmp_type, icmp_code, quoted_ttl;
  std::optional<int64_t> from_asn;
};

struct ReportEvidence {
  std::string name, detail;
};

struct ReportVerdict {
  int run = 0;
  std::string target, verdict, mechanism, reason, scope, cut_prefix, vantage;
  std::string after_addr, before_addr, icmp_from;
  int port = 0;
  bool control_host = false;
  std::optional<int> after_ttl, before_ttl, icmp_code, distance;
  std::optional<int64_t> after_asn, target_asn;
  std::vector<ReportEvidence> evidence;
  std::string confidence_json;  // the `confidence` object as compact JSON ("{}" when absent)
};

struct ReportCut {
  int run = 0;
  std::string prefix, verdict, mechanism, after_addr, before_addr, scope;
  int targets = 0, port = 0;
  std::optional<int> after_ttl, before_ttl, icmp_code;
  std::optional<int64_t> after_asn;
};

struct ReportModel {
  std::vector<ReportRun> runs;
  std::vector<ReportReply> replies;
  std::vector<ReportVerdict> verdicts;
  std::vector<ReportCut> cuts;
  int64_t first_time_us = 0, last_time_us = 0;  // span of the replies (0: none)
};

// Verdicts that say a filter cut the path (the report's "blocked").
bool IsBlockingVerdict(absl::string_view verdict);

// Adds the records of one file's `text` to `model`. Unknown record types are skipped (the
// schema lets new ones appear); a line that is not a JSON object, or a known record with
// a missing or mistyped field the report needs, is an InvalidArgument error "FILE:LINE: ...".
absl::Status AddNdjson(absl::string_view file, absl::string_view text, ReportModel* model);

// Counts per verdict name, in name order.
std::map<std::string, int> CountVerdicts(const ReportModel& model);

// One row of the summary's cut table: blocking verdicts that share where and how they were
// cut. `where` is "AS64500" when the verdicts carry `after_asn`, else the hop address.
struct CutGroup {
  std::string where, verdict, mechanism, after_addr;
  int port = 0;
  std::optional<int> after_ttl, before_ttl;
  std::optional<int64_t> asn;
  int targets = 0;
  // The AS path up to the cut: per hop 1..after_ttl, the AS most of the group's time
  // exceeded replies from that hop name (replies' from_asn); nullopt where none does.
  std::vector<std::optional<int64_t>> hop_asns;
};
std::vector<CutGroup> GroupCuts(const ReportModel& model);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_REPORT_MODEL_H_
