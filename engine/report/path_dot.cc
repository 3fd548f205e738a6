// SPDX-License-Identifier: Apache-2.0
#include "engine/report/path_dot.h"

#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace cutpoint::report {
namespace {

constexpr absl::string_view kProber = "prober";

using FlowKey = std::tuple<wire::IpAddress, probe::ProbeType, uint16_t>;

struct Node {
  bool is_target = false;
  std::optional<uint32_t> reply_asn;
};

struct Edge {
  std::string from, to;
  bool operator<(const Edge& other) const {
    return std::tie(from, to) < std::tie(other.from, other.to);
  }
};

std::string NodeLabel(const std::string& address, const Node& node, const asn::AsnTable* table) {
  std::string label = address;
  std::optional<asn::AsnMatch> match;
  if (table != nullptr) {
    absl::StatusOr<wire::IpAddress> parsed = wire::ParseIpAddress(address);
    if (parsed.ok()) match = table->Lookup(*parsed);
  }
  if (match) {
    absl::StrAppend(&label, "\n", "AS", asn::AsnListText(match->asns));
    if (!match->as_name.empty()) absl::StrAppend(&label, " ", match->as_name);
  } else if (node.reply_asn) {
    absl::StrAppend(&label, "\nAS", *node.reply_asn);
  }
  return label;
}

}  // namespace

std::string DotQuoted(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string FormatPathDot(absl::Span<const TraceReply> replies,
                          const std::vector<locate::Verdict>& verdicts,
                          const asn::AsnTable* asn_table) {
  std::map<std::string, Node> nodes;
  // Per flow, the responders of each answered TTL.
  std::map<FlowKey, std::map<int, std::set<std::string>>> flows;
  for (const TraceReply& reply : replies) {
    std::string from = wire::IpAddressToString(reply.from);
    Node& node = nodes[from];
    node.is_target |= reply.from == reply.target;
    if (reply.from_asn) node.reply_asn = reply.from_asn;
    flows[{reply.target, reply.probe_type, reply.port}][reply.probe_ttl].insert(from);
  }
  std::map<Edge, bool> edges;  // value: dashed (TTLs skipped)
  for (const auto& [key, by_ttl] : flows) {
    std::set<std::string> previous = {std::string(kProber)};
    int previous_ttl = 0;
    for (const auto& [ttl, responders] : by_ttl) {
      for (const std::string& from : previous) {
        for (const std::string& to : responders) {
          if (from == to) continue;  // the target answering at several TTLs
          bool& dashed = edges.try_emplace(Edge{from, to}, true).first->second;
          dashed = dashed && ttl - previous_ttl > 1;  // solid once any flow saw it adjacent
        }
      }
      previous = responders;
      previous_ttl = ttl;
    }
  }
  // Filters: (after, before) -> "silent_drop TCP 25 (2 targets)" parts.
  std::map<Edge, std::map<std::string, int>> filters;
  for (const locate::Verdict& v : verdicts) {
    if (!locate::IsBlocking(v.verdict) || !v.has_location || v.before_ttl == 0) continue;
    Edge edge{v.after_ttl == 0 ? std::string(kProber) : wire::IpAddressToString(v.after_addr),
              wire::IpAddressToString(v.before_addr)};
    nodes.try_emplace(edge.to);
    if (edge.from != kProber) nodes.try_emplace(edge.from);
    ++filters[edge][absl::StrCat(locate::VerdictName(v.verdict), " TCP ", v.port)];
  }
  std::string out = "digraph paths {\n  rankdir=LR;\n  node [shape=box];\n";
  absl::StrAppend(&out, "  ", DotQuoted(kProber), " [shape=ellipse];\n");
  for (const auto& [address, node] : nodes) {
    if (address == kProber) continue;
    absl::StrAppend(&out, "  ", DotQuoted(address),
                    " [label=", DotQuoted(NodeLabel(address, node, asn_table)),
                    node.is_target ? ", shape=doubleoctagon" : "", "];\n");
  }
  for (const auto& [edge, dashed] : edges) {
    absl::StrAppend(&out, "  ", DotQuoted(edge.from), " -> ", DotQuoted(edge.to),
                    dashed ? " [style=dashed]" : "", ";\n");
  }
  for (const auto& [edge, kinds] : filters) {
    std::string label;
    for (const auto& [kind, count] : kinds) {
      absl::StrAppend(&label, label.empty() ? "" : "\n", kind, " (", count,
                      count == 1 ? " target)" : " targets)");
    }
    absl::StrAppend(&out, "  ", DotQuoted(edge.from), " -> ", DotQuoted(edge.to),
                    " [color=red, fontcolor=red, label=", DotQuoted(label), "];\n");
  }
  out += "}\n";
  return out;
}

}  // namespace cutpoint::report
