// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/locate/dual_stack_summary.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::locate {
namespace {

using wire::IpAddressToString;

std::string Hop(int ttl, const wire::IpAddress& addr) {
  if (ttl == 0) return "the prober";
  return addr == wire::IpAddress() ? absl::StrCat("hop ", ttl)
                                    : absl::StrCat("hop ", ttl, " (", IpAddressToString(addr), ")");
}

bool HasEvidence(const Verdict& v, absl::string_view name) {
  return std::any_of(v.evidence.begin(), v.evidence.end(),
                     [&](const Evidence& e) { return e.name == name; });
}

std::string ScopeText(const Verdict& v) {
  switch (v.scope) {
    case Scope::kHost:
      return "; other hosts of the network reachable on this port -> filter keys on the destination host";
    case Scope::kPrefix:
      // A block of adjacent targets cut alike while the rest of their network passes.
      if (HasEvidence(v, "other_hosts_pass")) {
        return "; every host of its prefix blocked alike, other hosts of the network reachable "
               "on this port -> filter keys on the destination prefix";
      }
      return absl::StrCat("; every host of the network blocked on port ", v.port,
                          " -> filter keys on the port for the whole network");
    case Scope::kPort:
      return "; other probes to the host pass -> filter keys on the port";
    case Scope::kNone: break;
  }
  return "";
}

// "about 48 % of SYNs pass" — rounded to 10 %, so the targets of one filter summarize
// together although each measured its own fraction.
std::string PassPercent(const Verdict& v) {
  return absl::StrCat("about ", static_cast<int>(std::lround(v.pass_fraction * 10)) * 10,
                      " % of SYNs pass");
}

}  // namespace

std::string DescribeVerdict(const Verdict& v) {
  std::string where;
  if (v.has_location) {
    where = absl::StrCat(" after ", Hop(v.after_ttl, v.after_addr));
    if (v.before_ttl != 0) {
      absl::StrAppend(&where, ", before ",
                      v.before_addr == v.target ? absl::StrCat("the destination (hop ", v.before_ttl, ")")
                                                : Hop(v.before_ttl, v.before_addr));
    }
  }
  switch (v.verdict) {
    case VerdictKind::kSilentDrop:
      return absl::StrCat("silent drop", where, " on TCP ", v.port, ScopeText(v));
    case VerdictKind::kPartialDrop:
      return absl::StrCat("partial drop (", PassPercent(v), ")", where, " on TCP ", v.port,
                          ScopeText(v));
    case VerdictKind::kRstInjection:
      return absl::StrCat("RST injected ", v.mechanism == Mechanism::kOnPath ? "on-path" : "in-path",
                          where, " on TCP ", v.port, ScopeText(v));
    case VerdictKind::kIcmpProhibited:
      return absl::StrCat("ICMP administratively prohibited (code ", v.icmp_code, ") from ",
                          IpAddressToString(v.icmp_from), where, " on TCP ", v.port,
                          ScopeText(v));
    case VerdictKind::kReachable: return absl::StrCat("reachable on TCP ", v.port);
    case VerdictKind::kClosed: return absl::StrCat("closed (genuine RST) on TCP ", v.port);
    case VerdictKind::kUnreachable:
      return v.has_icmp ? absl::StrCat("unreachable (ICMP code ", v.icmp_code, " from ",
                                       IpAddressToString(v.icmp_from), ")")
                        : absl::StrCat("unreachable: test and controls die", where);
    case VerdictKind::kBlackholed:
      return absl::StrCat("blackholed: every probe to the host dies", where,
                          v.scope == Scope::kPrefix && !HasEvidence(v, "other_hosts_pass")
                              ? "; no host of the network gets past it"
                              : absl::StrCat("; other hosts of the network pass it -> the route to "
                                             "the ",
                                             v.scope == Scope::kPrefix ? "prefix" : "host",
                                             " ends there (null route)"));
    case VerdictKind::kInconclusive: return absl::StrCat("inconclusive (", v.reason, ")");
  }
  return "";
}

namespace {

// Groups that are not plainly reachable or closed lead the summary (inconclusive ones
// too): they are what the reader is looking for.
bool ListsFirst(const std::string& text) {
  return text.rfind("reachable", 0) != 0 && text.rfind("closed", 0) != 0;
}

// "; cut: 198.19.0.8/29, 198.19.1.101/32" (the first kMaxCutsListed prefixes).
constexpr size_t kMaxCutsListed = 8;
std::string CutList(const std::vector<absl::string_view>& prefixes) {
  if (prefixes.empty()) return "";
  std::string text = "; cut: ";
  for (size_t i = 0; i < prefixes.size() && i < kMaxCutsListed; ++i) {
    absl::StrAppend(&text, i == 0 ? "" : ", ", prefixes[i]);
  }
  if (prefixes.size() > kMaxCutsListed) {
    absl::StrAppend(&text, " and ", prefixes.size() - kMaxCutsListed, " more prefixes");
  }
  return text;
}

bool Passes(VerdictKind kind) { return kind == VerdictKind::kReachable || kind == VerdictKind::kClosed; }

const char* FamilyName(bool v4) { return v4 ? "IPv4" : "IPv6"; }

}  // namespace

std::vector<std::string> SummarizeVerdicts(const std::vector<Verdict>& verdicts) {
  // Keyed by (family, description): a dual-stack run reads per family, so a filter on one
  // family and not the other stands out.
  std::map<std::pair<bool, std::string>, int> groups;
  std::map<std::pair<bool, std::string>, std::vector<absl::string_view>> cut_prefixes;
  std::vector<std::pair<bool, std::string>> order;
  int judged[2] = {0, 0};    // by family: [IPv6, IPv4]
  int blocking[2] = {0, 0};
  int passing[2] = {0, 0};
  for (const Verdict& v : verdicts) {
    if (v.control_host) continue;
    const bool v4 = v.target.is_v4();
    ++judged[v4];
    blocking[v4] += IsBlocking(v.verdict);
    passing[v4] += Passes(v.verdict);
    std::pair<bool, std::string> key{v4, DescribeVerdict(v)};
    if (groups[key]++ == 0) order.push_back(key);
    if (!v.cut_prefix.empty()) {
      std::vector<absl::string_view>& prefixes = cut_prefixes[key];
      if (prefixes.empty() || prefixes.back() != v.cut_prefix) prefixes.push_back(v.cut_prefix);
    }
  }
  const bool dual_stack = judged[0] != 0 && judged[1] != 0;
  std::stable_partition(order.begin(), order.end(),
                        [&](const auto& key) { return ListsFirst(key.second); });
  std::vector<std::string> lines;
  for (const auto& key : order) {
    lines.push_back(absl::StrCat(groups[key], " of ", judged[key.first],
                                 dual_stack ? absl::StrCat(" ", FamilyName(key.first)) : "",
                                 " targets: ", key.second, CutList(cut_prefixes[key])));
  }
  // "Specific to one family" needs the other family reached, not merely unaccused.
  if (dual_stack && (blocking[0] == 0) != (blocking[1] == 0) &&
      passing[blocking[1] == 0 ? 1 : 0] != 0) {
    const bool filtered_v4 = blocking[1] != 0;
    lines.push_back(absl::StrCat(
        "families differ: ", blocking[filtered_v4], " of ", judged[filtered_v4], " ",
        FamilyName(filtered_v4), " targets filtered, no ", FamilyName(!filtered_v4),
        " target is -> the filter is specific to ", FamilyName(filtered_v4)));
  }
  for (std::string& line : CompareDualStackHosts(verdicts)) lines.push_back(std::move(line));
  return lines;
}

std::string FormatCutLines(const std::vector<Cut>& cuts) {
  std::string out;
  for (const Cut& cut : cuts) {
    absl::StrAppend(&out, "cut ", cut.verdict->cut_prefix, ": ", cut.targets,
                    cut.targets == 1 ? " target, " : " targets, ", DescribeVerdict(*cut.verdict),
                    "\n");
  }
  return out;
}

}  // namespace cutpoint::locate
