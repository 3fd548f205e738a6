// SPDX-License-Identifier: Apache-2.0
#include "engine/merge/shard_set.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace cutpoint::merge {
namespace {

using Json = nlohmann::ordered_json;

// Kept in the merged meta only when alike in every shard ("targets": locate's differ).
constexpr const char* kPerShardFields[] = {"source",   "source_v6", "interface", "pcap",
                                           "rate_pps", "notes",     "asn_dbs",   "targets"};

std::string Shown(const std::string& json) { return json.empty() ? "absent" : json; }

Json ParseMeta(const std::string& line) {
  return Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace

absl::StatusOr<std::vector<const ShardSummary*>> OrderShards(
    const std::vector<ShardSummary>& files) {
  if (files.empty()) return absl::InvalidArgumentError("no shard files to merge");
  const ShardSummary& first = files.front();
  for (const ShardSummary& file : files) {
    for (size_t i = 0; i < file.identity.size() && i < first.identity.size(); ++i) {
      if (file.identity[i] == first.identity[i]) continue;
      return absl::InvalidArgumentError(absl::StrCat(
          file.name, ": shard ", file.shard, " is not of the same scan as ", first.name,
          ": '", file.identity[i].first, "' is ", Shown(file.identity[i].second), " here and ",
          Shown(first.identity[i].second), " there"));
    }
  }
  std::vector<const ShardSummary*> by_index(first.shards, nullptr);
  for (const ShardSummary& file : files) {
    const ShardSummary*& slot = by_index[file.shard];
    if (slot != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("shard ", file.shard, " of ", first.shards,
                                                     " given twice: ", slot->name, " and ",
                                                     file.name));
    }
    slot = &file;
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < by_index.size(); ++i) {
    if (by_index[i] == nullptr) missing.push_back(absl::StrCat(i));
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        missing.size() == 1 ? "shard " : "shards ", absl::StrJoin(missing, ", "), " of ",
        first.shards, " missing"));
  }
  return by_index;
}

std::string MergedMeta(const std::vector<const ShardSummary*>& shards) {
  std::vector<Json> metas;
  for (const ShardSummary* shard : shards) metas.push_back(ParseMeta(shard->first_meta));
  std::string start_time = shards.front()->start_time;
  for (const ShardSummary* shard : shards) start_time = std::min(start_time, shard->start_time);
  Json merged = Json::object();
  for (const auto& item : metas.front().items()) {
    const std::string& key = item.key();
    const Json& value = item.value();
    if (key == "shard") continue;
    if (key == "start_time") {
      merged[key] = start_time;
      continue;
    }
    const bool per_shard = std::find(std::begin(kPerShardFields), std::end(kPerShardFields),
                                     key) != std::end(kPerShardFields);
    if (per_shard && !std::all_of(metas.begin(), metas.end(), [&](const Json& meta) {
          auto it = meta.find(key);
          return it != meta.end() && *it == value;
        })) {
      continue;
    }
    merged[key] = value;
    if (key == "shards") merged["merged_shards"] = shards.size();
  }
  return merged.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string MergedStats(const std::vector<const ShardSummary*>& shards) {
  StatsTotals totals;
  for (const ShardSummary* shard : shards) totals.Combine(shard->totals);
  return FormatStatsTotals(totals, shards.front()->vantage);
}

}  // namespace cutpoint::merge
