// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/run_records.h"

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/json_line.h"
#include "session/clock.h"

namespace cutpoint::cli {
namespace {

void AddProbing(const ProbingMeta& probing, report::MetaInfo* meta) {
  const CommonProbingConfig& config = *probing.config;
  meta->source_v4 = config.sources.v4;
  meta->source_v6 = config.sources.v6;
  meta->interface = config.interface;
  meta->probes = probing.probes;
  meta->ttl_min = config.ttl_min;
  meta->ttl_max = config.ttl_max;
  meta->attempts = config.attempts;
  meta->rate_pps = config.rate_pps;
  meta->target_count = probing.target_count;
  meta->vantage = config.vantage;
  if (config.shard_count > 1 && config.seed) {  // --shards N > 1 needs --seed
    meta->shard_count = config.shard_count;
    meta->shard_index = config.shard_index;
    meta->seed = *config.seed;
  }
  const targets::TargetingReport& targeting = *probing.targeting;
  meta->blocklists = targeting.blocklist_files;
  meta->blocklisted = targeting.blocklisted;
  meta->allowed_reserved = targeting.allowed_reserved;
  meta->skip_reserved = targeting.skip_reserved;
  meta->reserved_skipped = targeting.reserved_skipped;
}

}  // namespace

report::MetaInfo MakeMeta(absl::string_view command, const std::vector<std::string>& argv,
                          const probe::ProbeKey& key, const ProbingMeta* probing) {
  report::MetaInfo meta;
  meta.tool_version = CUTPOINT_VERSION;
  meta.command = std::string(command);
  meta.argv = argv;
  meta.key_fingerprint = probe::ProbeKeyFingerprint(key);
  meta.start_time = session::CurrentTimeRfc3339();
  if (probing != nullptr) AddProbing(*probing, &meta);
  return meta;
}

absl::Status AppendMeta(const report::MetaInfo& meta, session::OutputSink& sink) {
  report::JsonLine line;
  report::FormatMeta(meta, &line);
  return sink.Append(line.Finish());
}

absl::Status FinishWithStats(const report::ScanStats& stats, session::OutputSink& sink) {
  report::JsonLine line;
  report::FormatStats(stats, &line);
  RETURN_IF_ERROR(sink.Append(line.Finish()));
  return sink.Flush();
}

absl::StatusOr<report::ScanStats> FlushedOnError(absl::StatusOr<report::ScanStats> result,
                                                 session::OutputSink& sink) {
  if (!result.ok()) (void)sink.Flush();
  return result;
}

}  // namespace cutpoint::cli
