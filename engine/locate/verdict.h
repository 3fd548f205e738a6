// SPDX-License-Identifier: Apache-2.0
// A locate verdict for one (target, port): what happened to the test probe compared
// with its controls, where on the path, and the observations behind it.
#ifndef CUTPOINT_ENGINE_LOCATE_VERDICT_H_
#define CUTPOINT_ENGINE_LOCATE_VERDICT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::locate {

enum class VerdictKind : uint8_t {
  kReachable,       // SYN-ACK from the target
  kClosed,          // genuine RST from the target
  kSilentDrop,      // test probes vanish after a hop the controls pass
  kPartialDrop,     // a share of the test probes vanishes after a hop the controls pass
  kRstInjection,    // a RST in the target's name that the target did not send
  kIcmpProhibited,  // destination unreachable, code 9, 10 or 13 (ICMPv6: 1, 5 or 6)
  kUnreachable,     // every probe dies the same way, or another unreachable code
  kBlackholed,      // every probe to the host dies after a hop its network's other hosts pass
  kInconclusive,
};

enum class Mechanism : uint8_t { kNone, kInPath, kOnPath };
enum class Scope : uint8_t { kNone, kHost, kPort, kPrefix };

absl::string_view VerdictName(VerdictKind kind);
absl::string_view MechanismName(Mechanism mechanism);
absl::string_view ScopeName(Scope scope);
bool IsBlocking(VerdictKind kind);
// The kind VerdictName gives `name`; nullopt for any other text.
std::optional<VerdictKind> ParseVerdictName(absl::string_view name);

struct Evidence {
  std::string name;
  std::string detail;
};

struct Verdict {
  wire::IpAddress target;
  uint16_t port = 0;
  bool control_host = false;  // probed only as a control (--control-host)
  // The same host's address in the other family (a dual-stack pair in the target list);
  // :: when unpaired.
  wire::IpAddress dual_stack_peer;
  VerdictKind verdict = VerdictKind::kInconclusive;
  Mechanism mechanism = Mechanism::kNone;
  std::string reason;  // inconclusive only

  // Where the test probe stopped being treated like the controls: after hop `after_ttl`
  // (0 = the prober) and at or before hop `before_ttl`.
  bool has_location = false;
  int after_ttl = 0;
  wire::IpAddress after_addr;
  int before_ttl = 0;  // 0: unknown
  wire::IpAddress before_addr;

  bool has_icmp = false;
  wire::IpAddress icmp_from;
  uint8_t icmp_code = 0;

  int distance = 0;  // probe TTL at which the target first answers; 0: unknown
  Scope scope = Scope::kNone;
  // Blocking verdicts: the CIDR block of adjacent targets with this same finding that
  // holds this one ("198.19.0.8/29"; a lone target's own /32 or /128), see cuts.h.
  std::string cut_prefix;
  std::vector<Evidence> evidence;
  int supporting = 0;
  int contradicting = 0;
  // Independent probes (attempts x TTLs) that carry the blocking evidence; a blocking
  // verdict needs at least kMinEvidenceProbes of them.
  int evidence_probes = 0;
  // The silence test (silent_drop, or inconclusive with reason "loss"): `test_probes`
  // silent test probes in rows (TTL, attempt) where `control_passes` of `control_probes`
  // same-host controls answered; `p` is the chance of that silence under the controls'
  // loss, `threshold` the run's per-target false-accusation budget. For blackholed:
  // `test_probes` silent probes of every kind beyond the last hop, against
  // `control_passes` of `control_probes` probes of other hosts there.
  bool has_silence_test = false;
  int test_probes = 0;
  int control_probes = 0;
  int control_passes = 0;
  double p = 1;
  double threshold = 0;
  // The pass-fraction test (partial_test.h; partial_drop, or inconclusive with reason
  // "loss" when the fractions differ but not beyond the budget): from TTL `pass_from_ttl`
  // on, the test answered `test_passes` of `pass_probes` rows where a control answered,
  // the controls `control_pass_count` of `control_pass_probes`; Wilson 95 % intervals;
  // `pass_p` the chance of so few test passes if it were treated like its controls.
  bool has_pass_test = false;
  int pass_from_ttl = 0;
  int pass_probes = 0;
  int test_passes = 0;
  double pass_fraction = 0;
  double pass_ci_low = 0;
  double pass_ci_high = 1;
  int control_pass_probes = 0;
  int control_pass_count = 0;
  double control_pass_fraction = 0;
  double control_ci_low = 0;
  double control_ci_high = 1;
  double pass_p = 1;
};

inline constexpr int kMinEvidenceProbes = 2;

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_VERDICT_H_
