#include "engine/report/report_data.h"

#include <set>
#include <string>

#include "nlohmann/json.hpp"

namespace cutpoint::report {
namespace {

using Json = nlohmann::json;

template <typename T>
Json OrNull(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json VerdictEntry(const ReportVerdict& verdict) {
  Json entry = {{"t", verdict.target}, {"p", verdict.port}, {"v", verdict.verdict}};
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

std::string ReportDataJson(const ReportModel& model) {
  Json data = {{"targets", Json::array()}, {"replies", Json::object()}};
  Json& targets = data["targets"];
  for (const ReportVerdict& verdict : model.verdicts) targets.push_back(VerdictEntry(verdict));
  Json& replies = data["replies"];
  std::set<std::string> trace_targets;
  for (const ReportReply& reply : model.replies) {
    replies[reply.target].push_back(
        {reply.probe, reply.port, reply.ttl, reply.attempt, reply.kind, reply.from,
         reply.reply_ttl, reply.ipid, reply.rtt_us, reply.tcp_flags, OrNull(reply.icmp_code),
         OrNull(reply.from_asn), OrNull(reply.quoted_ttl)});
    if (model.verdicts.empty()) trace_targets.insert(reply.target);
  }
  // A trace has no verdicts: its targets are the ones that drew replies, ladders only.
  for (const std::string& target : trace_targets) {
    targets.push_back({{"t", target}, {"p", 0}, {"v", ""}, {"ev", Json::array()}, {"cf", Json::object()}});
  }
  return data.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cutpoint::report
