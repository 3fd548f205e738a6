// SPDX-License-Identifier: Apache-2.0
#include "engine/report/report_data.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace cutpoint::report {
namespace {

using Json = nlohmann::json;

template <typename T>
std::string OrNull(const std::optional<T>& value) {
  return value ? absl::StrCat(*value) : "null";
}

// `text` as a JSON string. The NDJSON parser accepted it, so it is valid UTF-8 and only
// quotes, backslashes and control characters need escapes.
void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(out, absl::StrFormat("\\u%04x", static_cast<unsigned char>(c)));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

Json VerdictEntry(const ReportVerdict& verdict, int file) {
  Json entry = {{"t", verdict.target}, {"p", verdict.port}, {"v", verdict.verdict}, {"f", file}};
  if (!verdict.mechanism.empty()) entry["m"] = verdict.mechanism;
  if (!verdict.reason.empty()) entry["r"] = verdict.reason;
  if (verdict.after_ttl) entry["a"] = *verdict.after_ttl;
  if (!verdict.after_addr.empty()) entry["aa"] = verdict.after_addr;
  if (verdict.before_ttl) entry["b"] = *verdict.before_ttl;
  if (!verdict.before_addr.empty()) entry["ba"] = verdict.before_addr;
  if (verdict.icmp_code) entry["ic"] = *verdict.icmp_code;
  if (!verdict.icmp_from.empty()) entry["if"] = verdict.icmp_from;
  if (!verdict.scope.empty()) entry["sc"] = verdict.scope;
  if (!verdict.cut_prefix.empty()) entry["cp"] = verdict.cut_prefix;
  if (!verdict.vantage.empty()) entry["vt"] = verdict.vantage;
  if (verdict.distance) entry["d"] = *verdict.distance;
  if (verdict.after_asn) entry["asn"] = *verdict.after_asn;
  if (verdict.target_asn) entry["tasn"] = *verdict.target_asn;
  Json evidence = Json::array();
  for (const ReportEvidence& item : verdict.evidence) evidence.push_back({item.name, item.detail});
  entry["ev"] = std::move(evidence);
  Json confidence = Json::parse(verdict.confidence_json, nullptr, false);
  entry["cf"] = confidence.is_object() ? confidence : Json::object();
  return entry;
}

}  // namespace

std::string ReportDataJson(const ReportModel& model, size_t max_ladder_targets) {
  // Replies are keyed by file and target: files are vantages (or shards), and one file's
  // runs (an interrupted run and its --resume) share their replies.
  std::map<std::string, int> file_index;
  std::vector<int> file_of_run;
  for (const ReportRun& run : model.runs) {
    file_of_run.push_back(
        file_index.try_emplace(run.file, static_cast<int>(file_index.size())).first->second);
  }
  Json targets = Json::array();
  for (const ReportVerdict& verdict : model.verdicts) {
    targets.push_back(VerdictEntry(verdict, file_of_run[verdict.run]));
  }
  // Replies are most of the data (a million in a large run): written straight to text,
  // grouped per (file, target) in order of first appearance, rather than built as a JSON tree.
  std::map<std::pair<int, std::string_view>, size_t> group_of;
  std::vector<std::vector<const ReportReply*>> groups;
  for (const ReportReply& reply : model.replies) {
    auto [it, added] = group_of.try_emplace({file_of_run[reply.run], reply.target}, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(&reply);
  }
  // A trace has no verdicts: its targets are the ones that drew replies, ladders only.
  if (model.verdicts.empty()) {
    for (const auto& group : groups) {
      targets.push_back({{"t", group.front()->target},
                         {"p", 0},
                         {"v", ""},
                         {"f", file_of_run[group.front()->run]},
                         {"ev", Json::array()},
                         {"cf", Json::object()}});
    }
  }
  // Which groups keep their replies: all when they fit, else the blocked targets' and
  // then the first others'.
  std::vector<bool> keep(groups.size(), groups.size() <= max_ladder_targets);
  if (groups.size() > max_ladder_targets) {
    std::set<std::pair<int, std::string_view>> blocked;
    for (const ReportVerdict& verdict : model.verdicts) {
      if (IsBlockingVerdict(verdict.verdict))
        blocked.insert({file_of_run[verdict.run], verdict.target});
    }
    size_t kept = 0;
    for (size_t g = 0; g < groups.size(); ++g) {
      if (blocked.count({file_of_run[groups[g].front()->run], groups[g].front()->target}) > 0) {
        keep[g] = true;
        ++kept;
      }
    }
    for (size_t g = 0; g < groups.size() && kept < max_ladder_targets; ++g) {
      if (!keep[g]) {
        keep[g] = true;
        ++kept;
      }
    }
  }
  const size_t omitted = static_cast<size_t>(std::count(keep.begin(), keep.end(), false));
  std::string out = "{\"targets\":";
  out += targets.dump(-1, ' ', false, Json::error_handler_t::replace);
  absl::StrAppend(&out, ",\"omitted\":", omitted, ",\"replies\":{");
  bool first_group = true;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (!keep[g]) continue;
    if (!first_group) out += ',';
    first_group = false;
    AppendJsonString(
        absl::StrCat(file_of_run[groups[g].front()->run], " ", groups[g].front()->target), &out);
    out += ":[";
    for (size_t i = 0; i < groups[g].size(); ++i) {
      const ReportReply& reply = *groups[g][i];
      out += i > 0 ? ",[" : "[";
      AppendJsonString(reply.probe, &out);
      absl::StrAppend(&out, ",", reply.port, ",", reply.ttl, ",", reply.attempt, ",");
      AppendJsonString(reply.kind, &out);
      out += ',';
      AppendJsonString(reply.from, &out);
      absl::StrAppend(&out, ",", reply.reply_ttl, ",", reply.ipid, ",", reply.rtt_us, ",");
      AppendJsonString(reply.tcp_flags, &out);
      absl::StrAppend(&out, ",", OrNull(reply.icmp_code), ",", OrNull(reply.from_asn), ",",
                      OrNull(reply.quoted_ttl), "]");
    }
    out += ']';
  }
  out += "}}";
  return out;
}

}  // namespace cutpoint::report
