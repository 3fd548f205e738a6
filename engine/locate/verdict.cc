// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/verdict.h"

namespace cutpoint::locate {

absl::string_view VerdictName(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kReachable: return "reachable";
    case VerdictKind::kClosed: return "closed";
    case VerdictKind::kSilentDrop: return "silent_drop";
    case VerdictKind::kPartialDrop: return "partial_drop";
    case VerdictKind::kRstInjection: return "rst_injection";
    case VerdictKind::kIcmpProhibited: return "icmp_prohibited";
    case VerdictKind::kUnreachable: return "unreachable";
    case VerdictKind::kBlackholed: return "blackholed";
    case VerdictKind::kInconclusive: return "inconclusive";
  }
  return "inconclusive";
}

std::optional<VerdictKind> ParseVerdictName(absl::string_view name) {
  for (VerdictKind kind :
       {VerdictKind::kReachable, VerdictKind::kClosed, VerdictKind::kSilentDrop,
        VerdictKind::kPartialDrop, VerdictKind::kRstInjection, VerdictKind::kIcmpProhibited,
        VerdictKind::kUnreachable, VerdictKind::kBlackholed, VerdictKind::kInconclusive}) {
    if (VerdictName(kind) == name) return kind;
  }
  return std::nullopt;
}

absl::string_view MechanismName(Mechanism mechanism) {
  switch (mechanism) {
    case Mechanism::kInPath: return "in_path";
    case Mechanism::kOnPath: return "on_path";
    case Mechanism::kNone: break;
  }
  return "";
}

absl::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kHost: return "host";
    case Scope::kPort: return "port";
    case Scope::kPrefix: return "prefix";
    case Scope::kNone: break;
  }
  return "";
}

bool IsBlocking(VerdictKind kind) {
  return kind == VerdictKind::kSilentDrop || kind == VerdictKind::kPartialDrop ||
         kind == VerdictKind::kRstInjection ||
         kind == VerdictKind::kIcmpProhibited || kind == VerdictKind::kBlackholed;
}

}  // namespace cutpoint::locate
