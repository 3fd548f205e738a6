// SPDX-License-Identifier: Apache-2.0
#include "engine/report/trace_table.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/report/text_table.h"

namespace cutpoint::report {
namespace {

using ProbeId = std::tuple<probe::ProbeType, uint16_t, int>;  // kind, port, attempt

ProbeId ProbeOf(const TraceReply& reply) {
  return {reply.probe_type, reply.port, reply.attempt};
}

struct Responder {
  wire::IpAddress from;
  std::set<ProbeId> probes;
  std::vector<int64_t> rtts_us;
  std::vector<std::string> kinds;  // in order of first appearance
  std::map<std::string, int> kind_counts;
  std::optional<uint32_t> asn;
};

struct TtlRow {
  std::set<ProbeId> probes;  // every probe of the TTL that drew a reply
  std::vector<Responder> responders;
};

std::string Ms(int64_t us) { return absl::StrFormat("%.1f", static_cast<double>(us) / 1000); }

std::string KindsText(const Responder& responder) {
  std::vector<std::string> parts;
  for (const std::string& kind : responder.kinds) {
    int count = responder.kind_counts.at(kind);
    parts.push_back(count == 1 ? kind : absl::StrCat(kind, " x", count));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::string FormatTraceTable(absl::Span<const TraceReply> replies,
                             const TraceTableOptions& options) {
  std::map<int, TtlRow> rows;
  bool any_asn = false;
  for (const TraceReply& reply : replies) {
    if (reply.target != replies.front().target) continue;
    TtlRow& row = rows[reply.probe_ttl];
    row.probes.insert(ProbeOf(reply));
    auto it = std::find_if(row.responders.begin(), row.responders.end(),
                           [&](const Responder& r) { return r.from == reply.from; });
    if (it == row.responders.end()) {
      Responder responder;
      responder.from = reply.from;
      row.responders.push_back(std::move(responder));
      it = row.responders.end() - 1;
    }
    it->probes.insert(ProbeOf(reply));
    it->rtts_us.push_back(reply.rtt_us);
    if (it->kind_counts[reply.kind]++ == 0) it->kinds.push_back(reply.kind);
    if (reply.from_asn) {
      it->asn = reply.from_asn;
      any_asn = true;
    }
  }
  std::vector<TextColumn> columns = {{"TTL", Align::kRight}, {"RESPONDER"}};
  if (any_asn) columns.push_back({"AS"});
  for (const char* name : {"ANSWERED", "SHARE", "MIN MS", "AVG MS", "MAX MS"}) {
    columns.push_back({name, Align::kRight});
  }
  columns.push_back({"REPLIES"});
  TextTable table(std::move(columns));
  int next_ttl = rows.empty() ? 0 : rows.begin()->first;
  for (const auto& [ttl, row] : rows) {
    for (; next_ttl < ttl; ++next_ttl) {
      std::vector<std::string> silent = {absl::StrCat(next_ttl), "*"};
      if (any_asn) silent.push_back("");
      silent.push_back(options.probes_per_ttl > 0 ? absl::StrCat("0/", options.probes_per_ttl)
                                                  : "0");
      silent.push_back("0%");
      table.AddRow(std::move(silent));
    }
    next_ttl = ttl + 1;
    const int sent = options.probes_per_ttl > 0 ? options.probes_per_ttl
                                                : static_cast<int>(row.probes.size());
    bool first = true;
    for (const Responder& responder : row.responders) {
      const int answered = static_cast<int>(responder.probes.size());
      auto [low, high] = std::minmax_element(responder.rtts_us.begin(), responder.rtts_us.end());
      int64_t sum = 0;
      for (int64_t rtt : responder.rtts_us) sum += rtt;
      std::vector<std::string> cells = {first ? absl::StrCat(ttl) : "",
                                        wire::IpAddressToString(responder.from)};
      if (any_asn) cells.push_back(responder.asn ? absl::StrCat("AS", *responder.asn) : "");
      cells.push_back(absl::StrCat(answered, "/", sent));
      cells.push_back(absl::StrCat(sent > 0 ? (100 * answered + sent / 2) / sent : 0, "%"));
      cells.push_back(Ms(*low));
      cells.push_back(Ms(sum / static_cast<int64_t>(responder.rtts_us.size())));
      cells.push_back(Ms(*high));
      cells.push_back(KindsText(responder));
      table.AddRow(std::move(cells));
      first = false;
    }
  }
  return options.markdown ? table.RenderMarkdown() : table.RenderText();
}

}  // namespace cutpoint::report
