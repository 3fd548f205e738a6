// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/vantage_compare.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace cutpoint::locate {

bool VantageVerdict::SameFinding(const VantageVerdict& other) const {
  return std::tie(verdict, mechanism, reason, after_ttl, after_addr) ==
         std::tie(other.verdict, other.mechanism, other.reason, other.after_ttl, other.after_addr);
}

VantageView ViewOf(const std::optional<VantageVerdict>& verdict) {
  if (!verdict) return VantageView::kUndecided;
  if (IsBlocking(verdict->verdict)) return VantageView::kBlocked;
  switch (verdict->verdict) {
    case VerdictKind::kReachable:
    case VerdictKind::kClosed:
      return VantageView::kOpen;
    case VerdictKind::kUnreachable:
      return VantageView::kUnreachable;
    default:
      return VantageView::kUndecided;
  }
}

namespace {

Agreement AgreementOf(const std::vector<std::optional<VantageVerdict>>& by_vantage) {
  bool blocked = false;
  bool open = false;
  for (const std::optional<VantageVerdict>& verdict : by_vantage) {
    blocked = blocked || ViewOf(verdict) == VantageView::kBlocked;
    open = open || ViewOf(verdict) == VantageView::kOpen;
  }
  if (blocked && open) return Agreement::kDiffers;
  const VantageView first = ViewOf(by_vantage.front());
  if (first == VantageView::kUndecided) return Agreement::kUndecided;
  for (const std::optional<VantageVerdict>& verdict : by_vantage) {
    if (ViewOf(verdict) != first) return Agreement::kUndecided;
  }
  return Agreement::kAgree;
}

absl::Status JudgedTwice(const VantageVerdict& first, const VantageVerdict& second) {
  return absl::InvalidArgumentError(absl::StrCat(
      wire::IpAddressToString(first.target), " TCP ", first.port, " is judged twice from vantage ",
      first.vantage, ": ", VerdictName(first.verdict), " (", first.source, ") and ",
      VerdictName(second.verdict), " (", second.source,
      "); give each vantage's run its own --vantage name"));
}

// "silent drop after hop 2, 198.18.1.2", "rst injection in-path", "reachable".
std::string Finding(const VantageVerdict& verdict) {
  std::string text = absl::StrReplaceAll(VerdictName(verdict.verdict), {{"_", " "}});
  if (!verdict.mechanism.empty()) {
    absl::StrAppend(&text, " ", absl::StrReplaceAll(verdict.mechanism, {{"_", "-"}}));
  }
  if (!verdict.reason.empty()) absl::StrAppend(&text, ": ", verdict.reason);
  if (IsBlocking(verdict.verdict) && verdict.after_ttl) {
    absl::StrAppend(&text, " after hop ", *verdict.after_ttl);
    if (verdict.after_addr)
      absl::StrAppend(&text, ", ", wire::IpAddressToString(*verdict.after_addr));
  }
  return text;
}

std::string VantagePart(const std::string& vantage, const std::optional<VantageVerdict>& verdict) {
  switch (ViewOf(verdict)) {
    case VantageView::kBlocked:
      return absl::StrCat("blocked from vantage ", vantage, " (", Finding(*verdict), ")");
    case VantageView::kOpen:
      return absl::StrCat("open from vantage ", vantage, " (", Finding(*verdict), ")");
    case VantageView::kUnreachable:
    case VantageView::kUndecided:
      break;
  }
  if (!verdict) return absl::StrCat("no verdict from vantage ", vantage);
  return absl::StrCat("undecided from vantage ", vantage, " (", Finding(*verdict), ")");
}

// "198.19.1.101 TCP 25: blocked from vantage A (...), open from vantage B (reachable)":
// where it is blocked first, then where it is open, then the rest.
std::string DiffLine(const VantageComparison& comparison, const TargetComparison& target) {
  std::vector<std::string> parts;
  for (VantageView view : {VantageView::kBlocked, VantageView::kOpen, VantageView::kUnreachable,
                           VantageView::kUndecided}) {
    for (size_t i = 0; i < comparison.vantages.size(); ++i) {
      if (ViewOf(target.by_vantage[i]) != view) continue;
      parts.push_back(VantagePart(comparison.vantages[i], target.by_vantage[i]));
    }
  }
  return absl::StrCat(wire::IpAddressToString(target.target), " TCP ", target.port, ": ",
                      absl::StrJoin(parts, ", "));
}

std::string CountLine(const VantageComparison& comparison, const PortComparison& port) {
  std::vector<std::string> counts;
  const std::vector<std::string>& names = comparison.vantages;
  for (size_t i = 0; i < names.size(); ++i) {
    for (size_t j = i + 1; j < names.size(); ++j) {
      counts.push_back(absl::StrCat(port.blocked_open[i][j], " blocked from ", names[i],
                                    " and open from ", names[j]));
      counts.push_back(absl::StrCat(port.blocked_open[j][i], " blocked from ", names[j],
                                    " and open from ", names[i]));
    }
  }
  counts.front() = absl::StrCat(port.blocked_open[0][1], " targets on TCP ", port.port,
                                " blocked from ", names[0], " and open from ", names[1]);
  if (names.size() > 2) counts.push_back(absl::StrCat(port.differ, " differ"));
  counts.push_back(absl::StrCat(port.agree, " agree"));
  counts.push_back(absl::StrCat(port.undecided, " undecided"));
  return absl::StrCat("vantages ", absl::StrJoin(names, ", "), ": ", absl::StrJoin(counts, ", "));
}

}  // namespace

absl::StatusOr<VantageComparison> CompareVantages(const std::vector<VantageVerdict>& verdicts) {
  VantageComparison comparison;
  std::map<std::string, size_t> vantage_index;
  for (const VantageVerdict& verdict : verdicts) {
    if (vantage_index.emplace(verdict.vantage, comparison.vantages.size()).second) {
      comparison.vantages.push_back(verdict.vantage);
    }
  }
  if (comparison.vantages.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a report compares at least two vantages; the verdicts are all from ",
        comparison.vantages.empty() ? "none" : absl::StrCat("vantage ", comparison.vantages[0]),
        " (tag each run with --vantage NAME, or give one file per vantage)"));
  }
  const size_t n = comparison.vantages.size();
  std::map<std::pair<uint16_t, wire::IpAddress>, TargetComparison> groups;
  for (const VantageVerdict& verdict : verdicts) {
    TargetComparison& group = groups[{verdict.port, verdict.target}];
    if (group.by_vantage.empty()) {
      group.target = verdict.target;
      group.port = verdict.port;
      group.by_vantage.resize(n);
    }
    std::optional<VantageVerdict>& slot = group.by_vantage[vantage_index[verdict.vantage]];
    if (slot && !slot->SameFinding(verdict)) return JudgedTwice(*slot, verdict);
    if (!slot) slot = verdict;
  }
  for (auto& [key, group] : groups) {
    group.agreement = AgreementOf(group.by_vantage);
    if (comparison.ports.empty() || comparison.ports.back().port != group.port) {
      PortComparison port;
      port.port = group.port;
      port.blocked_open.assign(n, std::vector<int>(n, 0));
      comparison.ports.push_back(std::move(port));
    }
    PortComparison& port = comparison.ports.back();
    ++port.targets;
    switch (group.agreement) {
      case Agreement::kDiffers:
        ++port.differ;
        break;
      case Agreement::kAgree:
        ++port.agree;
        break;
      case Agreement::kUndecided:
        ++port.undecided;
        break;
    }
    for (size_t i = 0; i < n; ++i) {
      if (ViewOf(group.by_vantage[i]) != VantageView::kBlocked) continue;
      for (size_t j = 0; j < n; ++j) {
        if (ViewOf(group.by_vantage[j]) == VantageView::kOpen) ++port.blocked_open[i][j];
      }
    }
    comparison.targets.push_back(std::move(group));
  }
  return comparison;
}

std::vector<std::string> FormatVantageReport(const VantageComparison& comparison, int max_listed) {
  std::vector<std::string> lines;
  int listed = 0;
  int unlisted = 0;
  for (const PortComparison& port : comparison.ports) {
    lines.push_back(CountLine(comparison, port));
    for (const TargetComparison& target : comparison.targets) {
      if (target.port != port.port || target.agreement != Agreement::kDiffers) continue;
      if (listed < max_listed) {
        lines.push_back(DiffLine(comparison, target));
        ++listed;
      } else {
        ++unlisted;
      }
    }
  }
  if (unlisted > 0) {
    lines.push_back(absl::StrCat(
        "... and ", unlisted, " more differing targets ('cutpoint report --json' lists them all)"));
  }
  return lines;
}

}  // namespace cutpoint::locate
