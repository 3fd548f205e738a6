// SPDX-License-Identifier: Apache-2.0
#include "engine/merge/shard_reader.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace cutpoint::merge {
namespace {

using Json = nlohmann::json;

constexpr uint64_t kMaxShards = 1 << 20;  // as --shards accepts

std::string Compact(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// The integer field `key` in [0, max], or an error naming it.
absl::StatusOr<uint64_t> Integer(const Json& record, const char* key, uint64_t max) {
  auto it = record.find(key);
  if (it == record.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the meta record has no '", key,
        "': not a sharded run (run it with --shards N --shard I --seed S)"));
  }
  if (!it->is_number_unsigned() || it->get<uint64_t>() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", key, "' in the meta record is not an integer in 0..", max));
  }
  return it->get<uint64_t>();
}

}  // namespace

ShardReader::ShardReader(std::string name) { summary_.name = std::move(name); }

absl::Status ShardReader::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat(summary_.name, ":", summary_.line_count, ": ", what));
}

absl::Status ShardReader::AddLine(absl::string_view line, bool has_newline) {
  ++summary_.line_count;
  if (!has_newline) return Error("the last line has no newline: the file is cut short");
  const Json record = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded()) return Error("not a JSON line (malformed or cut short)");
  auto type = record.find("type");
  if (!record.is_object() || type == record.end() || !type->is_string()) {
    return Error("not a Cutpoint record: a JSON object with a string \"type\"");
  }
  const std::string& kind = type->get_ref<const std::string&>();
  if (kind == "meta") return AddMeta(line);
  if (summary_.line_count == 1) return Error("the file does not start with a meta record");
  if (kind == "stats") return AddStats(line);
  if (!in_part_) {
    return Error(absl::StrCat("a '", kind, "' record after its run's stats record"));
  }
  ++summary_.records_by_type[kind];
  return absl::OkStatus();
}

absl::Status ShardReader::AddMeta(absl::string_view line) {
  const Json record = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  auto command = record.find("command");
  if (command == record.end() || !command->is_string() ||
      (*command != "scan" && *command != "trace" && *command != "locate")) {
    return Error("the meta record is not one of a scan, trace or locate run ('command')");
  }
  absl::StatusOr<uint64_t> shards = Integer(record, "shards", kMaxShards);
  absl::StatusOr<uint64_t> shard = Integer(record, "shard", kMaxShards - 1);
  absl::StatusOr<uint64_t> seed = Integer(record, "seed", UINT64_MAX);
  for (const absl::Status& status : {shards.status(), shard.status(), seed.status()}) {
    if (!status.ok()) return Error(status.message());
  }
  if (*shards < 2 || *shard >= *shards) {
    return Error(absl::StrCat("the meta record names shard ", *shard, " of ", *shards));
  }
  auto start_time = record.find("start_time");
  if (start_time == record.end() || !start_time->is_string()) {
    return Error("the meta record has no 'start_time'");
  }
  std::vector<std::pair<std::string, std::string>> identity;
  const bool locate = *command == "locate";
  for (absl::string_view field : kScanIdentityFields) {
    auto it = record.find(std::string(field));
    if (locate && field == "targets") it = record.end();  // locate counts its shard's
    identity.emplace_back(std::string(field), it == record.end() ? "" : Compact(*it));
  }
  if (summary_.line_count == 1) {
    summary_.shard = static_cast<uint32_t>(*shard);
    summary_.shards = static_cast<uint32_t>(*shards);
    summary_.identity = std::move(identity);
    summary_.first_meta = std::string(line);
    summary_.start_time = start_time->get<std::string>();
    auto vantage = record.find("vantage");
    if (vantage != record.end() && vantage->is_string()) summary_.vantage = vantage->get<std::string>();
  } else {
    if (*shard != summary_.shard) {
      return Error(absl::StrCat("a resumed run of shard ", *shard, " in the file of shard ",
                                summary_.shard));
    }
    for (size_t i = 0; i < identity.size(); ++i) {
      if (identity[i] != summary_.identity[i]) {
        return Error(absl::StrCat("a resumed run differs from the file's first run in '",
                                  identity[i].first, "'"));
      }
    }
  }
  summary_.own_lines.push_back(summary_.line_count);
  in_part_ = true;
  have_stats_ = false;
  return absl::OkStatus();
}

absl::Status ShardReader::AddStats(absl::string_view line) {
  if (!in_part_) return Error("a second stats record for one run");
  StatsTotals run;
  bool interrupted = false;
  absl::Status parsed = ParseStatsTotals(line, &run, &interrupted);
  if (!parsed.ok()) return Error(parsed.message());
  summary_.totals.Add(run);
  summary_.own_lines.push_back(summary_.line_count);
  in_part_ = false;
  have_stats_ = true;
  last_interrupted_ = interrupted;
  return absl::OkStatus();
}

absl::StatusOr<ShardSummary> ShardReader::Finish() {
  if (summary_.line_count == 0) {
    return absl::InvalidArgumentError(absl::StrCat(summary_.name, ": empty file"));
  }
  const std::string which = absl::StrCat(summary_.name, ": shard ", summary_.shard, " of ",
                                         summary_.shards, " is not finished: ");
  if (!have_stats_) {
    return absl::InvalidArgumentError(absl::StrCat(
        which, "its last run has no stats record (killed, or the file is truncated)"));
  }
  if (last_interrupted_) {
    return absl::InvalidArgumentError(absl::StrCat(
        which, "its last run was interrupted (continue it with --resume, then merge)"));
  }
  return std::move(summary_);
}

}  // namespace cutpoint::merge
