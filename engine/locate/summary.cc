#include "engine/locate/summary.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::locate {
namespace {

using wire::IpAddressToString;

std::string Hop(int ttl, const wire::IpAddress& addr) {
  if (ttl == 0) return "the prober";
  return addr == wire::IpAddress() ? absl::StrCat("hop ", ttl)
                                    : absl::StrCat("hop ", ttl, " (", IpAddressToString(addr), ")");
}

std::string ScopeText(Scope scope, uint16_t port) {
  switch (scope) {
    case Scope::kHost:
      return "; other hosts of the network reachable on this port -> filter keys on the destination host";
    case Scope::kPrefix:
      return absl::StrCat("; every host of the network blocked on port ", port,
                          " -> filter keys on the port for the whole network");
    case Scope::kPort:
      return "; other probes to the host pass -> filter keys on the port";
    case Scope::kNone: break;
  }
  return "";
}

std::string Describe(const Verdict& v) {
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
      return absl::StrCat("silent drop", where, " on TCP ", v.port, ScopeText(v.scope, v.port));
    case VerdictKind::kRstInjection:
      return absl::StrCat("RST injected ", v.mechanism == Mechanism::kOnPath ? "on-path" : "in-path",
                          where, " on TCP ", v.port, ScopeText(v.scope, v.port));
    case VerdictKind::kIcmpProhibited:
      return absl::StrCat("ICMP administratively prohibited (code ", v.icmp_code, ") from ",
                          IpAddressToString(v.icmp_from), where, " on TCP ", v.port,
                          ScopeText(v.scope, v.port));
    case VerdictKind::kReachable: return absl::StrCat("reachable on TCP ", v.port);
    case VerdictKind::kClosed: return absl::StrCat("closed (genuine RST) on TCP ", v.port);
    case VerdictKind::kUnreachable:
      return v.has_icmp ? absl::StrCat("unreachable (ICMP code ", v.icmp_code, " from ",
                                       IpAddressToString(v.icmp_from), ")")
                        : absl::StrCat("unreachable: test and controls die", where);
    case VerdictKind::kInconclusive: return absl::StrCat("inconclusive (", v.reason, ")");
  }
  return "";
}

}  // namespace

std::vector<std::string> SummarizeVerdicts(const std::vector<Verdict>& verdicts) {
  std::map<std::string, int> groups;
  std::vector<std::string> order;
  int judged = 0;
  for (const Verdict& v : verdicts) {
    if (v.control_host) continue;
    ++judged;
    std::string text = Describe(v);
    if (groups[text]++ == 0) order.push_back(text);
  }
  // Blocking groups first: they are what the reader is looking for.
  std::stable_partition(order.begin(), order.end(), [&](const std::string& text) {
    return text.rfind("reachable", 0) != 0 && text.rfind("closed", 0) != 0;
  });
  std::vector<std::string> lines;
  for (const std::string& text : order) {
    lines.push_back(absl::StrCat(groups[text], " of ", judged, " targets: ", text));
  }
  return lines;
}

std::string FormatVerdictTable(const std::vector<Verdict>& verdicts) {
  std::string out = absl::StrFormat("%-16s %5s  %-15s %-12s %-20s %-20s %4s  %-6s %s\n", "TARGET",
                                    "PORT", "VERDICT", "MECH/REASON", "AFTER", "BEFORE", "DIST",
                                    "SCOPE", "SUPPORT/CONTRA");
  for (const Verdict& v : verdicts) {
    std::string after = "-", before = "-";
    if (v.has_location) {
      after = absl::StrCat(v.after_ttl, " ", v.after_addr == wire::IpAddress() ? "?" : IpAddressToString(v.after_addr));
      if (v.before_ttl != 0) before = absl::StrCat(v.before_ttl, " ", IpAddressToString(v.before_addr));
    }
    // An inconclusive verdict has no mechanism; its reason takes the column.
    std::string mechanism(v.verdict == VerdictKind::kInconclusive ? v.reason
                                                                  : MechanismName(v.mechanism));
    std::string scope(ScopeName(v.scope));
    absl::StrAppendFormat(&out, "%-16s %5d  %-15s %-12s %-20s %-20s %4s  %-6s %d/%d%s\n",
                          IpAddressToString(v.target), v.port, std::string(VerdictName(v.verdict)),
                          mechanism.empty() ? "-" : mechanism, after, before,
                          v.distance == 0 ? std::string("?") : absl::StrCat(v.distance),
                          scope.empty() ? "-" : scope, v.supporting, v.contradicting,
                          v.control_host ? "  (control host)" : "");
  }
  return out;
}

}  // namespace cutpoint::locate
