// SPDX-License-Identifier: Apache-2.0
// Locate verdicts for the same targets from several vantage points, compared: a test port
// blocked from one vantage and reached from another shows a filter on one path only (a
// transit network dropping the SYNs of one upstream). Pure: verdicts in, comparison out.
//
// No false accusation: only a blocking verdict (IsBlocking) against a reached one
// (reachable, closed) is a difference. Inconclusive, unreachable or no verdict on one
// side leaves the target undecided.
#ifndef CUTPOINT_ENGINE_LOCATE_VANTAGE_COMPARE_H_
#define CUTPOINT_ENGINE_LOCATE_VANTAGE_COMPARE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/locate/verdict.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::locate {

// One verdict record as a report reads it back (engine/report/verdict_reader.h): the
// fields a comparison shows, and where the record was read.
struct VantageVerdict {
  std::string vantage;
  wire::IpAddress target;
  uint16_t port = 0;
  VerdictKind verdict = VerdictKind::kInconclusive;
  std::string mechanism;  // "in_path", "on_path"; empty: none
  std::string reason;     // inconclusive only
  std::optional<int> after_ttl;
  std::optional<wire::IpAddress> after_addr;
  std::string scope;
  std::string cut_prefix;
  std::string source;  // "FILE:LINE", for messages

  // The same finding: verdict, mechanism, reason and location (not where it was read).
  bool SameFinding(const VantageVerdict& other) const;
};

// What a vantage saw of a target's test port.
enum class VantageView : uint8_t {
  kBlocked,      // a blocking verdict
  kOpen,         // reachable or closed: the SYN reached the target
  kUnreachable,  // every probe died alike: no statement about the test port
  kUndecided,    // inconclusive, or no verdict from this vantage
};
VantageView ViewOf(const std::optional<VantageVerdict>& verdict);

enum class Agreement : uint8_t {
  kDiffers,    // blocked from one vantage, open from another
  kAgree,      // every vantage judged it, and alike (blocked, open or unreachable)
  kUndecided,  // anything else
};

struct TargetComparison {
  wire::IpAddress target;
  uint16_t port = 0;
  // One entry per vantage of the comparison, in its order; nullopt: no verdict from it.
  std::vector<std::optional<VantageVerdict>> by_vantage;
  Agreement agreement = Agreement::kUndecided;
};

struct PortComparison {
  uint16_t port = 0;
  int targets = 0;
  int differ = 0;
  int agree = 0;
  int undecided = 0;
  // blocked_open[i][j]: targets blocked from vantage i and open from vantage j.
  std::vector<std::vector<int>> blocked_open;
};

struct VantageComparison {
  std::vector<std::string> vantages;      // in order of first appearance
  std::vector<TargetComparison> targets;  // by port, then address
  std::vector<PortComparison> ports;      // ascending
};

// Groups `verdicts` by (target, test port) across their vantages. Errors
// (InvalidArgument): fewer than two vantages; one (target, port) judged twice from one
// vantage with different findings (the message names both sources). A repeat with the
// same finding counts once.
absl::StatusOr<VantageComparison> CompareVantages(const std::vector<VantageVerdict>& verdicts);

// The text report: per port a count line, then one line per differing target (the
// first `max_listed` of them; the rest counted on a last line).
std::vector<std::string> FormatVantageReport(const VantageComparison& comparison,
                                             int max_listed = 20);

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_VANTAGE_COMPARE_H_
