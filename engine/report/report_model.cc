// SPDX-License-Identifier: Apache-2.0
#include "engine/report/report_model.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/base/status_macros.h"
#include "nlohmann/json.hpp"

namespace cutpoint::report {
namespace {

using Json = nlohmann::json;

// Field readers: absent fields leave the output alone; a field of the wrong type is an
// error (a hostile or corrupt file must not turn into a silently wrong report).
absl::Status ReadString(const Json& record, const char* key, std::string* out) {
  auto it = record.find(key);
  if (it == record.end()) return absl::OkStatus();
  if (!it->is_string())
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not a string"));
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status ReadBool(const Json& record, const char* key, bool* out) {
  auto it = record.find(key);
  if (it == record.end()) return absl::OkStatus();
  if (!it->is_boolean()) return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not a bool"));
  *out = it->get<bool>();
  return absl::OkStatus();
}

absl::Status ReadInt64(const Json& record, const char* key, std::optional<int64_t>* out) {
  auto it = record.find(key);
  if (it == record.end()) return absl::OkStatus();
  if (!it->is_number_integer()) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not an integer"));
  }
  *out = it->get<int64_t>();
  return absl::OkStatus();
}

// An int field; TTLs, ports, codes and IP IDs all fit in 32 bits.
absl::Status ReadInt(const Json& record, const char* key, std::optional<int>* out) {
  std::optional<int64_t> wide;
  RETURN_IF_ERROR(ReadInt64(record, key, &wide));
  if (!wide) return absl::OkStatus();
  if (*wide < -2147483647 || *wide > 2147483647) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is out of range"));
  }
  *out = static_cast<int>(*wide);
  return absl::OkStatus();
}

absl::Status ReadRequiredInt(const Json& record, const char* key, int* out) {
  std::optional<int> value;
  RETURN_IF_ERROR(ReadInt(record, key, &value));
  if (!value) return absl::InvalidArgumentError(absl::StrCat("record without '", key, "'"));
  *out = *value;
  return absl::OkStatus();
}

absl::Status ReadRequiredString(const Json& record, const char* key, std::string* out) {
  if (!record.contains(key)) {
    return absl::InvalidArgumentError(absl::StrCat("record without '", key, "'"));
  }
  return ReadString(record, key, out);
}

// A list of strings; other elements (e.g. objects describing annotation files) are kept
// as their compact JSON text.
absl::Status ReadStringList(const Json& record, const char* key, std::vector<std::string>* out) {
  auto it = record.find(key);
  if (it == record.end()) return absl::OkStatus();
  if (!it->is_array()) return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not a list"));
  for (const Json& item : *it) {
    out->push_back(item.is_string() ? item.get<std::string>()
                                    : item.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  return absl::OkStatus();
}

absl::Status ParseMeta(const Json& record, ReportRun* run) {
  RETURN_IF_ERROR(ReadString(record, "command", &run->command));
  RETURN_IF_ERROR(ReadString(record, "version", &run->version));
  RETURN_IF_ERROR(ReadString(record, "key_fingerprint", &run->key_fingerprint));
  RETURN_IF_ERROR(ReadString(record, "vantage", &run->vantage));
  RETURN_IF_ERROR(ReadString(record, "start_time", &run->start_time));
  RETURN_IF_ERROR(ReadString(record, "source", &run->source_v4));
  RETURN_IF_ERROR(ReadString(record, "source_v6", &run->source_v6));
  run->source = run->source_v4.empty() ? run->source_v6 : run->source_v4;
  std::optional<int> number;
  RETURN_IF_ERROR(ReadInt(record, "ttl_min", &number));
  run->ttl_min = number.value_or(0);
  number.reset();
  RETURN_IF_ERROR(ReadInt(record, "attempts", &number));
  run->attempts = number.value_or(0);
  for (auto [key, field] : {std::pair{"shard", &run->shard}, std::pair{"shards", &run->shards},
                            std::pair{"merged_shards", &run->merged_shards}}) {
    number.reset();
    RETURN_IF_ERROR(ReadInt(record, key, &number));
    *field = number.value_or(0);
  }
  RETURN_IF_ERROR(ReadStringList(record, "argv", &run->argv));
  RETURN_IF_ERROR(ReadStringList(record, "probes", &run->probes));
  return ReadStringList(record, "asn_dbs", &run->asn_dbs);
}

absl::Status ParseReply(const Json& record, ReportReply* reply) {
  RETURN_IF_ERROR(ReadRequiredString(record, "target", &reply->target));
  RETURN_IF_ERROR(ReadRequiredString(record, "probe", &reply->probe));
  RETURN_IF_ERROR(ReadRequiredString(record, "kind", &reply->kind));
  RETURN_IF_ERROR(ReadRequiredString(record, "from", &reply->from));
  RETURN_IF_ERROR(ReadRequiredInt(record, "ttl", &reply->ttl));
  RETURN_IF_ERROR(ReadString(record, "tcp_flags", &reply->tcp_flags));
  std::optional<int> value;
  RETURN_IF_ERROR(ReadInt(record, "port", &value));
  reply->port = value.value_or(0);
  value.reset();
  RETURN_IF_ERROR(ReadInt(record, "attempt", &value));
  reply->attempt = value.value_or(0);
  value.reset();
  RETURN_IF_ERROR(ReadInt(record, "reply_ttl", &value));
  reply->reply_ttl = value.value_or(0);
  value.reset();
  RETURN_IF_ERROR(ReadInt(record, "ipid", &value));
  reply->ipid = value.value_or(0);
  std::optional<int64_t> wide;
  RETURN_IF_ERROR(ReadInt64(record, "rtt_us", &wide));
  reply->rtt_us = wide.value_or(0);
  wide.reset();
  RETURN_IF_ERROR(ReadInt64(record, "time_us", &wide));
  reply->time_us = wide.value_or(0);
  RETURN_IF_ERROR(ReadInt(record, "icmp_type", &reply->icmp_type));
  RETURN_IF_ERROR(ReadInt(record, "icmp_code", &reply->icmp_code));
  RETURN_IF_ERROR(ReadInt(record, "quoted_ttl", &reply->quoted_ttl));
  return ReadInt64(record, "from_asn", &reply->from_asn);
}

absl::Status ParseEvidence(const Json& record, std::vector<ReportEvidence>* out) {
  auto it = record.find("evidence");
  if (it == record.end()) return absl::OkStatus();
  if (!it->is_array()) return absl::InvalidArgumentError("'evidence' is not a list");
  for (const Json& item : *it) {
    ReportEvidence evidence;
    if (item.is_string()) {
      evidence.name = item.get<std::string>();
    } else if (item.is_object()) {
      RETURN_IF_ERROR(ReadString(item, "name", &evidence.name));
      RETURN_IF_ERROR(ReadString(item, "detail", &evidence.detail));
    } else {
      return absl::InvalidArgumentError("'evidence' holds neither objects nor strings");
    }
    out->push_back(std::move(evidence));
  }
  return absl::OkStatus();
}

absl::Status ParseVerdict(const Json& record, ReportVerdict* verdict) {
  RETURN_IF_ERROR(ReadRequiredString(record, "target", &verdict->target));
  RETURN_IF_ERROR(ReadRequiredString(record, "verdict", &verdict->verdict));
  RETURN_IF_ERROR(ReadRequiredInt(record, "port", &verdict->port));
  RETURN_IF_ERROR(ReadString(record, "mechanism", &verdict->mechanism));
  RETURN_IF_ERROR(ReadString(record, "reason", &verdict->reason));
  RETURN_IF_ERROR(ReadString(record, "scope", &verdict->scope));
  RETURN_IF_ERROR(ReadString(record, "cut_prefix", &verdict->cut_prefix));
  RETURN_IF_ERROR(ReadBool(record, "control_host", &verdict->control_host));
  RETURN_IF_ERROR(ReadString(record, "vantage", &verdict->vantage));
  RETURN_IF_ERROR(ReadString(record, "after_addr", &verdict->after_addr));
  RETURN_IF_ERROR(ReadString(record, "before_addr", &verdict->before_addr));
  RETURN_IF_ERROR(ReadString(record, "icmp_from", &verdict->icmp_from));
  RETURN_IF_ERROR(ReadInt(record, "after_ttl", &verdict->after_ttl));
  RETURN_IF_ERROR(ReadInt(record, "before_ttl", &verdict->before_ttl));
  RETURN_IF_ERROR(ReadInt(record, "icmp_code", &verdict->icmp_code));
  RETURN_IF_ERROR(ReadInt(record, "distance", &verdict->distance));
  RETURN_IF_ERROR(ReadInt64(record, "after_asn", &verdict->after_asn));
  RETURN_IF_ERROR(ReadInt64(record, "target_asn", &verdict->target_asn));
  RETURN_IF_ERROR(ParseEvidence(record, &verdict->evidence));
  auto confidence = record.find("confidence");
  verdict->confidence_json = confidence != record.end() && confidence->is_object()
                                 ? confidence->dump(-1, ' ', false, Json::error_handler_t::replace)
                                 : "{}";
  return absl::OkStatus();
}

absl::Status ParseCut(const Json& record, ReportCut* cut) {
  RETURN_IF_ERROR(ReadRequiredString(record, "prefix", &cut->prefix));
  RETURN_IF_ERROR(ReadRequiredString(record, "verdict", &cut->verdict));
  RETURN_IF_ERROR(ReadRequiredInt(record, "targets", &cut->targets));
  RETURN_IF_ERROR(ReadRequiredInt(record, "port", &cut->port));
  RETURN_IF_ERROR(ReadString(record, "mechanism", &cut->mechanism));
  RETURN_IF_ERROR(ReadString(record, "after_addr", &cut->after_addr));
  RETURN_IF_ERROR(ReadString(record, "before_addr", &cut->before_addr));
  RETURN_IF_ERROR(ReadString(record, "scope", &cut->scope));
  RETURN_IF_ERROR(ReadInt(record, "after_ttl", &cut->after_ttl));
  RETURN_IF_ERROR(ReadInt(record, "before_ttl", &cut->before_ttl));
  RETURN_IF_ERROR(ReadInt(record, "icmp_code", &cut->icmp_code));
  return ReadInt64(record, "after_asn", &cut->after_asn);
}

// "record without 'x'" becomes "verdict record without 'x'": says which record lacks it.
absl::Status NameRecord(absl::string_view kind, absl::Status status) {
  if (status.ok() || !absl::StartsWith(status.message(), "record without")) return status;
  return absl::InvalidArgumentError(absl::StrCat(kind, " ", status.message()));
}

// What reading one file remembers across its lines.
struct FileState {
  int first_run = 0;  // index of the file's first run in ReportModel::runs
  int cuts_run = -1;  // the run whose cut records are being read
  std::map<std::pair<std::string, int>, size_t> verdict_index;  // (target, port) -> verdicts[i]
};

// Adds one parsed record; `run` is the index of the file's current run (-1 before a meta).
absl::Status AddRecord(const Json& record, absl::string_view file, int line, int* run,
                       FileState* file_state, ReportModel* model) {
  auto type = record.find("type");
  if (type == record.end() || !type->is_string()) {
    return absl::InvalidArgumentError("record without a string 'type'");
  }
  const std::string& kind = type->get_ref<const std::string&>();
  if (kind == "meta") {
    ReportRun parsed;
    parsed.file = std::string(file);
    parsed.line = line;
    RETURN_IF_ERROR(ParseMeta(record, &parsed));
    model->runs.push_back(std::move(parsed));
    *run = static_cast<int>(model->runs.size()) - 1;
    return absl::OkStatus();
  }
  if (kind != "reply" && kind != "verdict" && kind != "cut" && kind != "stats") {
    return absl::OkStatus();  // probe records and types added later
  }
  if (*run < 0)
    return absl::InvalidArgumentError(absl::StrCat("'", kind, "' record before any meta record"));
  if (kind == "reply") {
    ReportReply reply;
    reply.run = *run;
    RETURN_IF_ERROR(NameRecord(kind, ParseReply(record, &reply)));
    if (reply.time_us > 0) {
      if (model->first_time_us == 0 || reply.time_us < model->first_time_us) {
        model->first_time_us = reply.time_us;
      }
      model->last_time_us = std::max(model->last_time_us, reply.time_us);
    }
    model->replies.push_back(std::move(reply));
  } else if (kind == "verdict") {
    ReportVerdict verdict;
    verdict.run = *run;
    RETURN_IF_ERROR(NameRecord(kind, ParseVerdict(record, &verdict)));
    if (verdict.vantage.empty()) verdict.vantage = model->runs[*run].vantage;
    // A run resumed with --resume appends to the file of the run it continues: its
    // verdict on a (target, port) replaces the interrupted run's.
    auto [it, added] = file_state->verdict_index.try_emplace(
        std::make_pair(verdict.target, verdict.port), model->verdicts.size());
    if (added) {
      model->verdicts.push_back(std::move(verdict));
    } else {
      model->verdicts[it->second] = std::move(verdict);
    }
  } else if (kind == "cut") {
    ReportCut cut;
    cut.run = *run;
    RETURN_IF_ERROR(NameRecord(kind, ParseCut(record, &cut)));
    if (file_state->cuts_run != *run) {  // and its cuts replace the earlier runs' cuts
      std::erase_if(model->cuts, [&](const ReportCut& old) {
        return old.run >= file_state->first_run && old.run < *run;
      });
      file_state->cuts_run = *run;
    }
    model->cuts.push_back(std::move(cut));
  } else {
    ReportRun& current = model->runs[*run];
    current.has_stats = true;
    auto duration = record.find("duration_s");
    if (duration != record.end() && duration->is_number())
      current.duration_s = duration->get<double>();
  }
  return absl::OkStatus();
}

}  // namespace

bool IsBlockingVerdict(absl::string_view verdict) {
  return verdict == "silent_drop" || verdict == "partial_drop" || verdict == "rst_injection" ||
         verdict == "icmp_prohibited" || verdict == "blackholed";
}

absl::Status AddNdjson(absl::string_view file, absl::string_view text, ReportModel* model) {
  int line_number = 0;
  int run = -1;
  FileState file_state;
  file_state.first_run = static_cast<int>(model->runs.size());
  // Every record ends in a newline: a last line without one is a write cut short, and
  // reporting on it would present a partial record as a whole one.
  if (!text.empty() && text.back() != '\n') {
    const int last = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    return absl::InvalidArgumentError(absl::StrCat(
        file, ":", last, ": the last line is cut short (no newline): a run stopped while writing"));
  }
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == absl::string_view::npos) continue;
    // Non-throwing parse: a bad line is input to report, not an exception.
    Json record = Json::parse(line.begin(), line.end(), nullptr, false);
    absl::Status status;
    if (record.is_discarded()) {
      status = absl::InvalidArgumentError("not valid JSON");
    } else if (!record.is_object()) {
      status = absl::InvalidArgumentError("not a JSON object");
    } else {
      status = AddRecord(record, file, line_number, &run, &file_state, model);
    }
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":", line_number, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

std::map<std::string, int> CountVerdicts(const ReportModel& model) {
  std::map<std::string, int> counts;
  for (const ReportVerdict& verdict : model.verdicts) ++counts[verdict.verdict];
  return counts;
}

std::vector<CutGroup> GroupCuts(const ReportModel& model) {
  // Not keyed on before_addr: for a cut in front of the destination it is each target's
  // own address, which would split one filter into a group per target.
  using Key = std::tuple<std::string, std::string, std::string, int, std::optional<int>,
                         std::optional<int>, std::string>;
  std::map<Key, CutGroup> groups;
  // (file, target) -> its group, for the AS path from the target's replies; views into
  // the model. Looked up once per reply: a hash map.
  absl::flat_hash_map<std::pair<absl::string_view, absl::string_view>, CutGroup*> group_of_target;
  for (const ReportVerdict& verdict : model.verdicts) {
    if (!IsBlockingVerdict(verdict.verdict)) continue;
    const std::string where = verdict.after_asn             ? absl::StrCat("AS", *verdict.after_asn)
                              : !verdict.after_addr.empty() ? verdict.after_addr
                              : !verdict.after_ttl          ? std::string("unlocated")
                              : *verdict.after_ttl == 0     ? std::string("prober")
                                                        : absl::StrCat("hop ", *verdict.after_ttl);
    Key key{where,
            verdict.verdict,
            verdict.mechanism,
            verdict.port,
            verdict.after_ttl,
            verdict.before_ttl,
            verdict.after_addr};
    CutGroup& group = groups[key];
    if (group.targets == 0) {
      group.where = where;
      group.verdict = verdict.verdict;
      group.mechanism = verdict.mechanism;
      group.after_addr = verdict.after_addr;
      group.port = verdict.port;
      group.after_ttl = verdict.after_ttl;
      group.before_ttl = verdict.before_ttl;
      group.asn = verdict.after_asn;
    }
    ++group.targets;
    group_of_target[{model.runs[verdict.run].file, verdict.target}] = &group;  // std::map: stable
  }
  // Votes per (group, hop, AS) from the groups' targets' time exceeded replies.
  std::map<std::tuple<CutGroup*, int, int64_t>, int> votes;
  for (const ReportReply& reply : model.replies) {
    if (group_of_target.empty()) break;
    if (!reply.from_asn || reply.ttl < 1 || reply.kind != "time_exceeded") continue;
    auto it = group_of_target.find({model.runs[reply.run].file, reply.target});
    if (it == group_of_target.end() || reply.ttl > it->second->after_ttl.value_or(0)) continue;
    ++votes[{it->second, reply.ttl, *reply.from_asn}];
  }
  std::map<std::pair<CutGroup*, int>, int> best;
  for (const auto& [key, count] : votes) {
    auto [group, ttl, asn] = key;
    group->hop_asns.resize(static_cast<size_t>(group->after_ttl.value_or(0)));
    int& top = best[{group, ttl}];
    if (count > top) {
      top = count;
      group->hop_asns[static_cast<size_t>(ttl - 1)] = asn;
    }
  }
  std::vector<CutGroup> out;
  out.reserve(groups.size());
  for (auto& [key, group] : groups) out.push_back(std::move(group));
  std::stable_sort(out.begin(), out.end(),
                   [](const CutGroup& a, const CutGroup& b) { return a.targets > b.targets; });
  return out;
}

}  // namespace cutpoint::report
