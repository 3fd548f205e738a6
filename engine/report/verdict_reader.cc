// SPDX-License-Identifier: Apache-2.0
#include "engine/report/verdict_reader.h"

#include <cstddef>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "nlohmann/json.hpp"

namespace cutpoint::report {
namespace {

using Json = nlohmann::json;

absl::Status Bad(absl::string_view what) { return absl::InvalidArgumentError(what); }

// The string field `key` of `record`: nullopt when absent, an error when not a string.
absl::StatusOr<std::optional<std::string>> OptionalString(const Json& record, const char* key) {
  auto it = record.find(key);
  if (it == record.end()) return std::nullopt;
  if (!it->is_string()) return Bad(absl::StrCat("'", key, "' is not a string"));
  return it->get<std::string>();
}

absl::StatusOr<std::optional<int64_t>> OptionalInteger(const Json& record, const char* key,
                                                       int64_t min, int64_t max) {
  auto it = record.find(key);
  if (it == record.end()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max) {
    return Bad(absl::StrCat("'", key, "' is not an integer in ", min, "..", max));
  }
  return it->get<int64_t>();
}

absl::StatusOr<std::optional<wire::IpAddress>> OptionalAddress(const Json& record,
                                                               const char* key) {
  absl::StatusOr<std::optional<std::string>> text = OptionalString(record, key);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return std::nullopt;
  absl::StatusOr<wire::IpAddress> address = wire::ParseIpAddress(**text);
  if (!address.ok()) {
    return Bad(absl::StrCat("bad '", key, "' '", **text, "': ", address.status().message()));
  }
  return *address;
}

absl::Status Missing(const char* key) {
  return Bad(absl::StrCat("verdict record without '", key, "'"));
}

absl::StatusOr<locate::VantageVerdict> ParseVerdict(const Json& record) {
  locate::VantageVerdict verdict;
  std::optional<wire::IpAddress> target;
  ASSIGN_OR_RETURN(target, OptionalAddress(record, "target"));
  if (!target) return Missing("target");
  verdict.target = *target;
  std::optional<int64_t> port;
  ASSIGN_OR_RETURN(port, OptionalInteger(record, "port", 0, 65535));
  if (!port) return Missing("port");
  verdict.port = static_cast<uint16_t>(*port);
  std::optional<std::string> kind;
  ASSIGN_OR_RETURN(kind, OptionalString(record, "verdict"));
  if (!kind) return Missing("verdict");
  std::optional<locate::VerdictKind> parsed = locate::ParseVerdictName(*kind);
  if (!parsed) return Bad(absl::StrCat("unknown verdict '", *kind, "'"));
  verdict.verdict = *parsed;
  std::optional<std::string> text;
  ASSIGN_OR_RETURN(text, OptionalString(record, "mechanism"));
  verdict.mechanism = text.value_or("");
  ASSIGN_OR_RETURN(text, OptionalString(record, "reason"));
  verdict.reason = text.value_or("");
  ASSIGN_OR_RETURN(text, OptionalString(record, "scope"));
  verdict.scope = text.value_or("");
  ASSIGN_OR_RETURN(text, OptionalString(record, "cut_prefix"));
  verdict.cut_prefix = text.value_or("");
  std::optional<int64_t> after_ttl;
  ASSIGN_OR_RETURN(after_ttl, OptionalInteger(record, "after_ttl", 0, 255));
  if (after_ttl) verdict.after_ttl = static_cast<int>(*after_ttl);
  ASSIGN_OR_RETURN(verdict.after_addr, OptionalAddress(record, "after_addr"));
  return verdict;
}

}  // namespace

absl::StatusOr<ReportLine> ParseReportLine(absl::string_view line) {
  if (line.empty()) return Bad("empty line");
  const Json record = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded()) return Bad("not valid JSON");
  if (!record.is_object()) return Bad("not a JSON object");
  ReportLine parsed;
  std::optional<std::string> type;
  ASSIGN_OR_RETURN(type, OptionalString(record, "type"));
  if (!type) return Bad("record without 'type'");
  std::optional<std::string> vantage;
  ASSIGN_OR_RETURN(vantage, OptionalString(record, "vantage"));
  if (vantage && vantage->empty()) return Bad("empty 'vantage'");
  parsed.vantage = vantage.value_or("");
  if (*type == "meta") {
    parsed.type = ReportLine::Type::kMeta;
  } else if (*type == "stats") {
    parsed.type = ReportLine::Type::kStats;
    auto it = record.find("interrupted");
    if (it != record.end() && !it->is_boolean()) return Bad("'interrupted' is not a boolean");
    parsed.interrupted = it != record.end() && it->get<bool>();
  } else if (*type == "verdict") {
    parsed.type = ReportLine::Type::kVerdict;
    ASSIGN_OR_RETURN(parsed.verdict, ParseVerdict(record));
  }
  return parsed;
}

absl::StatusOr<std::vector<locate::VantageVerdict>> ReadVerdicts(absl::string_view name,
                                                                 absl::string_view fallback_vantage,
                                                                 absl::string_view text) {
  std::vector<locate::VantageVerdict> verdicts;
  // Per run of the file (from a meta record on): whether it ended (a stats record, not
  // interrupted); and per verdict kept, the run that wrote it.
  std::vector<bool> run_complete = {false};
  std::vector<size_t> verdict_run;
  std::map<std::tuple<std::string, uint16_t, wire::IpAddress>, size_t> kept;
  std::string run_vantage;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    ++line_number;
    const size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ":", line_number,
          ": the last line is cut short (no newline): a run stopped while writing, or a "
          "truncated copy"));
    }
    absl::StatusOr<ReportLine> line = ParseReportLine(text.substr(start, end - start));
    start = end + 1;
    if (!line.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ":", line_number, ": ", line.status().message()));
    }
    switch (line->type) {
      case ReportLine::Type::kMeta:
        if (line_number > 1) run_complete.push_back(false);
        run_vantage = line->vantage;
        break;
      case ReportLine::Type::kStats:
        run_complete.back() = !line->interrupted;
        break;
      case ReportLine::Type::kOther:
        break;
      case ReportLine::Type::kVerdict: {
        locate::VantageVerdict& verdict = line->verdict;
        verdict.vantage = !line->vantage.empty() ? line->vantage
                          : !run_vantage.empty() ? run_vantage
                                                 : std::string(fallback_vantage);
        verdict.source = absl::StrCat(name, ":", line_number);
        const size_t run = run_complete.size() - 1;
        auto [it, inserted] =
            kept.try_emplace({verdict.vantage, verdict.port, verdict.target}, verdicts.size());
        if (!inserted && verdict_run[it->second] != run && !run_complete[verdict_run[it->second]]) {
          verdicts[it->second] = std::move(verdict);  // a resumed run judged it again
          verdict_run[it->second] = run;
          break;
        }
        verdicts.push_back(std::move(verdict));
        verdict_run.push_back(run);
        break;
      }
    }
  }
  if (verdicts.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": no verdict records (is it the NDJSON output of 'cutpoint locate'?)"));
  }
  return verdicts;
}

}  // namespace cutpoint::report
