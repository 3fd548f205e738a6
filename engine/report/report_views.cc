// SPDX-License-Identifier: Apache-2.0
#include "engine/report/report_views.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/probe/probe_codec.h"
#include "engine/report/atlas_export.h"
#include "engine/report/path_dot.h"
#include "engine/report/trace_table.h"
#include "engine/report/verdict_csv.h"
#include "engine/report/verdict_text.h"

namespace cutpoint::report {
namespace {

absl::StatusOr<wire::IpAddress> AddressOf(absl::string_view field, const std::string& text) {
  absl::StatusOr<wire::IpAddress> address = wire::ParseIpAddress(text);
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("'", field, "' is no address: '", text, "'"));
  }
  return *address;
}

absl::StatusOr<locate::Mechanism> MechanismOf(const std::string& name) {
  for (locate::Mechanism mechanism :
       {locate::Mechanism::kNone, locate::Mechanism::kInPath, locate::Mechanism::kOnPath}) {
    if (locate::MechanismName(mechanism) == name) return mechanism;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown mechanism '", name, "'"));
}

absl::StatusOr<locate::Scope> ScopeOf(const std::string& name) {
  for (locate::Scope scope : {locate::Scope::kNone, locate::Scope::kHost, locate::Scope::kPort,
                              locate::Scope::kPrefix}) {
    if (locate::ScopeName(scope) == name) return scope;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown scope '", name, "'"));
}

// The name a verdict's vantage goes by: its tag, else its file's name.
std::string VantageName(const ReportModel& model, const ReportVerdict& verdict) {
  if (!verdict.vantage.empty()) return verdict.vantage;
  const std::string& file = model.runs[verdict.run].file;
  const size_t slash = file.rfind('/');
  return slash == std::string::npos ? file : file.substr(slash + 1);
}

// The model's verdicts in engine form, grouped by vantage in order of first appearance.
absl::StatusOr<std::vector<std::pair<std::string, std::vector<locate::Verdict>>>> VerdictsByVantage(
    const ReportModel& model, const std::optional<wire::IpAddress>& target) {
  std::vector<std::pair<std::string, std::vector<locate::Verdict>>> groups;
  std::map<std::string, size_t> index;
  for (const ReportVerdict& record : model.verdicts) {
    ASSIGN_OR_RETURN(locate::Verdict verdict, VerdictFromReport(record));
    if (target && verdict.target != *target) continue;
    const std::string name = VantageName(model, record);
    auto [it, added] = index.try_emplace(name, groups.size());
    if (added) groups.emplace_back(name, std::vector<locate::Verdict>());
    groups[it->second].second.push_back(std::move(verdict));
  }
  return groups;
}

struct TargetReplies {
  wire::IpAddress target;
  int run = 0;
  std::vector<TraceReply> replies;
};

// The model's replies in engine form per target, in order of each target's first reply.
absl::StatusOr<std::vector<TargetReplies>> RepliesByTarget(
    const ReportModel& model, const std::optional<wire::IpAddress>& target) {
  std::vector<TargetReplies> groups;
  std::map<wire::IpAddress, size_t> index;
  for (const ReportReply& record : model.replies) {
    ASSIGN_OR_RETURN(TraceReply reply, TraceReplyFromReport(record));
    if (target && reply.target != *target) continue;
    auto [it, added] = index.try_emplace(reply.target, groups.size());
    if (added) groups.push_back(TargetReplies{reply.target, record.run, {}});
    groups[it->second].replies.push_back(std::move(reply));
  }
  return groups;
}

// Probes a trace sent per TTL to one target: attempts × probe kinds of its run.
int ProbesPerTtl(const ReportRun& run) {
  return run.attempts > 0 && !run.probes.empty()
             ? run.attempts * static_cast<int>(run.probes.size())
             : 0;
}

absl::StatusOr<std::string> HopTables(const ReportModel& model, const ReportViewOptions& options) {
  ASSIGN_OR_RETURN(std::vector<TargetReplies> targets, RepliesByTarget(model, options.target));
  const bool markdown = options.view == ReportView::kMarkdown;
  std::string out;
  for (const TargetReplies& group : targets) {
    const ReportRun& run = model.runs[group.run];
    absl::StrAppend(&out, out.empty() ? "" : "\n", markdown ? "### " : "",
                    wire::IpAddressToString(group.target), " (", run.command, " ", run.file, ")\n",
                    markdown ? "\n" : "");
    absl::StrAppend(&out, FormatTraceTable(group.replies,
                                           {.probes_per_ttl = ProbesPerTtl(run),
                                            .markdown = markdown}));
  }
  return out;
}

absl::StatusOr<std::string> VerdictTables(const ReportModel& model,
                                          const ReportViewOptions& options) {
  ASSIGN_OR_RETURN(auto groups, VerdictsByVantage(model, options.target));
  const bool markdown = options.view == ReportView::kMarkdown;
  std::string out;
  for (const auto& [vantage, verdicts] : groups) {
    if (groups.size() > 1) {
      absl::StrAppend(&out, out.empty() ? "" : "\n", markdown ? "### vantage " : "vantage ",
                      vantage, markdown ? "\n\n" : ":\n");
    }
    absl::StrAppend(&out, FormatVerdictText(verdicts, options.asn_table,
                                            {.all = options.all || options.target.has_value(),
                                             .markdown = markdown}));
  }
  return out;
}

absl::StatusOr<std::string> AtlasResults(const ReportModel& model,
                                         const ReportViewOptions& options) {
  ASSIGN_OR_RETURN(std::vector<TargetReplies> targets, RepliesByTarget(model, options.target));
  // Atlas results name their source: replies of different runs are exported apart.
  std::map<int, std::vector<TraceReply>> by_run;
  for (TargetReplies& group : targets) {
    std::vector<TraceReply>& replies = by_run[group.run];
    replies.insert(replies.end(), group.replies.begin(), group.replies.end());
  }
  std::string out;
  for (const auto& [run_index, replies] : by_run) {
    const ReportRun& run = model.runs[run_index];
    AtlasExportOptions export_options;
    if (!run.source_v4.empty()) {
      ASSIGN_OR_RETURN(export_options.src_addr_v4, AddressOf("source", run.source_v4));
    }
    if (!run.source_v6.empty()) {
      ASSIGN_OR_RETURN(export_options.src_addr_v6, AddressOf("source_v6", run.source_v6));
    }
    if (run.ttl_min > 0) export_options.ttl_min = run.ttl_min;
    export_options.attempts = run.attempts;
    for (const std::string& line : ExportAtlasTraceroutes(replies, export_options)) {
      absl::StrAppend(&out, line);
    }
  }
  return out;
}

absl::Status NeedVerdicts(const ReportModel& model, absl::string_view view) {
  if (model.verdicts.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--format ", view, " lists locate verdicts, and the input has none"));
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<ReportView> ParseReportView(absl::string_view name) {
  if (name == "text") return ReportView::kText;
  if (name == "markdown") return ReportView::kMarkdown;
  if (name == "csv") return ReportView::kCsv;
  if (name == "dot") return ReportView::kDot;
  if (name == "atlas") return ReportView::kAtlas;
  return std::nullopt;
}

size_t VantageCount(const ReportModel& model) {
  std::set<std::string> names;
  for (const ReportVerdict& verdict : model.verdicts) names.insert(VantageName(model, verdict));
  return names.size();
}

absl::StatusOr<locate::Verdict> VerdictFromReport(const ReportVerdict& record) {
  locate::Verdict verdict;
  ASSIGN_OR_RETURN(verdict.target, AddressOf("target", record.target));
  if (record.port < 0 || record.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", record.port, " out of range"));
  }
  verdict.port = static_cast<uint16_t>(record.port);
  std::optional<locate::VerdictKind> kind = locate::ParseVerdictName(record.verdict);
  if (!kind) return absl::InvalidArgumentError(absl::StrCat("unknown verdict '", record.verdict, "'"));
  verdict.verdict = *kind;
  ASSIGN_OR_RETURN(verdict.mechanism, MechanismOf(record.mechanism));
  ASSIGN_OR_RETURN(verdict.scope, ScopeOf(record.scope));
  verdict.reason = record.reason;
  verdict.control_host = record.control_host;
  verdict.cut_prefix = record.cut_prefix;
  if (record.after_ttl) {
    verdict.has_location = true;
    verdict.after_ttl = *record.after_ttl;
    if (!record.after_addr.empty()) {
      ASSIGN_OR_RETURN(verdict.after_addr, AddressOf("after_addr", record.after_addr));
    }
    if (record.before_ttl) {
      verdict.before_ttl = *record.before_ttl;
      ASSIGN_OR_RETURN(verdict.before_addr, AddressOf("before_addr", record.before_addr));
    }
  }
  if (!record.icmp_from.empty()) {
    verdict.has_icmp = true;
    ASSIGN_OR_RETURN(verdict.icmp_from, AddressOf("icmp_from", record.icmp_from));
    verdict.icmp_code = static_cast<uint8_t>(record.icmp_code.value_or(0));
  }
  verdict.distance = record.distance.value_or(0);
  for (const ReportEvidence& evidence : record.evidence) {
    verdict.evidence.push_back({evidence.name, evidence.detail});
  }
  return verdict;
}

absl::StatusOr<TraceReply> TraceReplyFromReport(const ReportReply& record) {
  TraceReply reply;
  ASSIGN_OR_RETURN(reply.target, AddressOf("target", record.target));
  ASSIGN_OR_RETURN(reply.from, AddressOf("from", record.from));
  std::optional<probe::ProbeType> type = probe::ParseProbeType(record.probe);
  if (!type) return absl::InvalidArgumentError(absl::StrCat("unknown probe '", record.probe, "'"));
  reply.probe_type = *type;
  reply.port = static_cast<uint16_t>(record.port);
  reply.probe_ttl = record.ttl;
  reply.attempt = record.attempt;
  reply.kind = record.kind;
  reply.reply_ttl = record.reply_ttl;
  reply.icmp_type = record.icmp_type.value_or(-1);
  reply.icmp_code = record.icmp_code.value_or(-1);
  reply.tcp_flags = record.tcp_flags;
  reply.rtt_us = record.rtt_us;
  reply.time_us = record.time_us;
  if (record.from_asn && *record.from_asn >= 0 && *record.from_asn <= 0xffffffffLL) {
    reply.from_asn = static_cast<uint32_t>(*record.from_asn);
  }
  return reply;
}

void AnnotateReportModel(const asn::AsnTable& table, ReportModel* model) {
  auto asn_of = [&](const std::string& text) -> std::optional<int64_t> {
    absl::StatusOr<wire::IpAddress> address = wire::ParseIpAddress(text);
    if (!address.ok()) return std::nullopt;
    std::optional<asn::AsnMatch> match = table.Lookup(*address);
    if (!match) return std::nullopt;
    return static_cast<int64_t>(match->asn());
  };
  for (ReportReply& reply : model->replies) {
    if (!reply.from_asn) reply.from_asn = asn_of(reply.from);
  }
  for (ReportVerdict& verdict : model->verdicts) {
    if (!verdict.after_asn && !verdict.after_addr.empty()) verdict.after_asn = asn_of(verdict.after_addr);
    if (!verdict.target_asn) verdict.target_asn = asn_of(verdict.target);
  }
  for (ReportCut& cut : model->cuts) {
    if (!cut.after_asn && !cut.after_addr.empty()) cut.after_asn = asn_of(cut.after_addr);
  }
}

absl::StatusOr<std::string> RenderReportView(const ReportModel& model,
                                             const ReportViewOptions& options) {
  const std::string target_text = options.target ? wire::IpAddressToString(*options.target) : "";
  std::string out;
  switch (options.view) {
    case ReportView::kText:
    case ReportView::kMarkdown:
      if (!model.verdicts.empty()) {
        ASSIGN_OR_RETURN(out, VerdictTables(model, options));
        if (options.target) {
          ASSIGN_OR_RETURN(std::string hops, HopTables(model, options));
          if (!hops.empty()) absl::StrAppend(&out, "\n", hops);
        }
      } else {
        ASSIGN_OR_RETURN(out, HopTables(model, options));
      }
      break;
    case ReportView::kCsv: {
      RETURN_IF_ERROR(NeedVerdicts(model, "csv"));
      ASSIGN_OR_RETURN(auto groups, VerdictsByVantage(model, options.target));
      std::vector<locate::Verdict> verdicts;
      for (auto& group : groups) {
        verdicts.insert(verdicts.end(), group.second.begin(), group.second.end());
      }
      if (!verdicts.empty()) out = FormatVerdictCsv(verdicts, options.asn_table);
      break;
    }
    case ReportView::kDot: {
      ASSIGN_OR_RETURN(std::vector<TargetReplies> targets, RepliesByTarget(model, options.target));
      std::vector<TraceReply> replies;
      for (TargetReplies& group : targets) {
        replies.insert(replies.end(), group.replies.begin(), group.replies.end());
      }
      ASSIGN_OR_RETURN(auto groups, VerdictsByVantage(model, options.target));
      std::vector<locate::Verdict> verdicts;
      for (auto& group : groups) {
        verdicts.insert(verdicts.end(), group.second.begin(), group.second.end());
      }
      if (replies.empty() && verdicts.empty() && !options.target) {
        return absl::InvalidArgumentError("--format dot draws replies, and the input has none");
      }
      if (!replies.empty() || !verdicts.empty()) {
        out = FormatPathDot(replies, verdicts, options.asn_table);
      }
      break;
    }
    case ReportView::kAtlas:
      if (model.replies.empty()) {
        return absl::InvalidArgumentError("--format atlas exports replies, and the input has none");
      }
      ASSIGN_OR_RETURN(out, AtlasResults(model, options));
      break;
  }
  if (options.target && out.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--target ", target_text, ": the input has no record of it"));
  }
  return out;
}

}  // namespace cutpoint::report
