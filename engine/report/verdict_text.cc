// SPDX-License-Identifier: Apache-2.0
#include "engine/report/verdict_text.h"

#include <algorithm>
#include <array>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/report/text_table.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::report {
namespace {

using locate::Verdict;
using locate::VerdictKind;

// Evidence names from the most to the least telling: the observation that accuses (or
// acquits) comes before the ones that merely support it.
constexpr std::array<absl::string_view, 24> kEvidencePreference = {
    "silence_beyond_loss",       "pass_fraction_below_controls", "icmp_admin_prohibited",
    "rst_ttl_differs",           "rst_below_distance",           "rst_and_syn_ack",
    "rst_ipid_differs",          "rst_and_time_exceeded",        "rst_ttl_tracks_probe",
    "probe_travelled_on",        "rst_one_hop_short",            "rst_rtt",
    "other_hosts_pass",          "test_silent_beyond",           "icmp_unreachable",
    "controls_unreachable_too",  "controls_stop_too",            "silence_explained_by_loss",
    "pass_fraction_explained_by_loss", "single_probe",           "evidence_incomplete",
    "same_host_control_passes",  "silent_hops",                  "syn_ack",
};

// Which rows lead: blocking verdicts, then the ones that block nothing certain but are
// not plainly passing; reachable and closed only with --all.
int Rank(VerdictKind kind) {
  if (locate::IsBlocking(kind)) return 0;
  if (kind == VerdictKind::kUnreachable) return 1;
  if (kind == VerdictKind::kInconclusive) return 2;
  return 3;
}

std::string AsnOf(const asn::AsnTable* table, const wire::IpAddress& address) {
  if (table == nullptr) return "";
  std::optional<asn::AsnMatch> match = table->Lookup(address);
  if (!match) return "";
  return absl::StrCat("AS", asn::AsnListText(match->asns));
}

std::string HopText(int ttl, const wire::IpAddress& address, const wire::IpAddress& target,
                    const asn::AsnTable* table) {
  if (ttl == 0) return "the prober";
  std::string hop = absl::StrCat(address == target ? "the destination (hop " : "hop ", ttl,
                                 address == target ? ")" : "");
  if (address == wire::IpAddress() || address == target) return hop;
  std::string asn = AsnOf(table, address);
  return absl::StrCat(hop, " (", wire::IpAddressToString(address), asn.empty() ? "" : ", ", asn,
                      ")");
}

std::string VerdictCell(const Verdict& v) {
  std::string text(locate::VerdictName(v.verdict));
  if (v.verdict == VerdictKind::kInconclusive && !v.reason.empty()) {
    absl::StrAppend(&text, " (", v.reason, ")");
  } else if (v.mechanism != locate::Mechanism::kNone) {
    absl::StrAppend(&text, " (", locate::MechanismName(v.mechanism), ")");
  }
  if (v.control_host) text += " [control]";
  return text;
}

// "254 more targets reachable" or "254 more targets: 250 reachable, 4 closed".
std::string RestLine(const std::map<VerdictKind, int>& rest, int control_hosts) {
  int total = 0;
  for (const auto& [kind, count] : rest) total += count;
  std::string line;
  if (total > 0) {
    line = absl::StrCat(total, " more ", total == 1 ? "target" : "targets");
    if (rest.size() == 1) {
      absl::StrAppend(&line, " ", locate::VerdictName(rest.begin()->first));
    } else {
      std::vector<std::string> parts;
      for (const auto& [kind, count] : rest) {
        parts.push_back(absl::StrCat(count, " ", locate::VerdictName(kind)));
      }
      absl::StrAppend(&line, ": ", absl::StrJoin(parts, ", "));
    }
  }
  if (control_hosts > 0) {
    absl::StrAppend(&line, line.empty() ? "" : "; ", control_hosts,
                    control_hosts == 1 ? " control host" : " control hosts", " not listed");
  }
  return line;
}

}  // namespace

std::string LocationText(const Verdict& v, const asn::AsnTable* table) {
  if (!v.has_location) return "-";
  std::string text =
      absl::StrCat("after ", HopText(v.after_ttl, v.after_addr, v.target, table));
  if (v.before_ttl != 0) {
    absl::StrAppend(&text, " – before ", HopText(v.before_ttl, v.before_addr, v.target, table));
  }
  return text;
}

std::string TellingEvidence(const Verdict& v) {
  const locate::Evidence* best = nullptr;
  size_t best_rank = kEvidencePreference.size();
  for (const locate::Evidence& e : v.evidence) {
    size_t rank = std::find(kEvidencePreference.begin(), kEvidencePreference.end(), e.name) -
                  kEvidencePreference.begin();
    if (best == nullptr || rank < best_rank) {
      best = &e;
      best_rank = rank;
    }
  }
  if (best == nullptr) return "";
  return best->detail.empty() ? best->name : absl::StrCat(best->name, ": ", best->detail);
}

std::string FormatVerdictText(const std::vector<Verdict>& verdicts, const asn::AsnTable* asn_table,
                              const VerdictTextOptions& options) {
  std::vector<const Verdict*> listed;
  std::map<VerdictKind, int> rest;
  int control_hosts = 0;
  for (const Verdict& v : verdicts) {
    if (options.all || (!v.control_host && Rank(v.verdict) < 3)) {
      listed.push_back(&v);
    } else if (v.control_host) {
      ++control_hosts;
    } else {
      ++rest[v.verdict];
    }
  }
  std::stable_sort(listed.begin(), listed.end(), [](const Verdict* a, const Verdict* b) {
    return Rank(a->verdict) < Rank(b->verdict);
  });
  std::vector<TextColumn> columns = {{"TARGET"}, {"PORT", Align::kRight}, {"VERDICT"},
                                     {"LOCATION"}};
  if (asn_table != nullptr) columns.push_back({"TARGET AS"});
  columns.push_back({"EVIDENCE"});
  TextTable table(std::move(columns));
  for (const Verdict* v : listed) {
    std::vector<std::string> row = {wire::IpAddressToString(v->target), absl::StrCat(v->port),
                                    VerdictCell(*v), LocationText(*v, asn_table)};
    if (asn_table != nullptr) {
      std::string asn = AsnOf(asn_table, v->target);
      row.push_back(asn.empty() ? "-" : asn);
    }
    std::string evidence = TellingEvidence(*v);
    row.push_back(evidence.empty() ? "-" : evidence);
    table.AddRow(std::move(row));
  }
  std::string out;
  if (table.row_count() > 0) {
    out = options.markdown ? table.RenderMarkdown() : table.RenderText();
  }
  std::string rest_line = RestLine(rest, control_hosts);
  if (!rest_line.empty()) {
    absl::StrAppend(&out, options.markdown && !out.empty() ? "\n" : "", rest_line, "\n");
  }
  return out;
}

}  // namespace cutpoint::report
