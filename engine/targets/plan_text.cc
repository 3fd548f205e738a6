// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/plan_text.h"

#include <algorithm>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/base/status_macros.h"

namespace cutpoint::targets {
namespace {

bool AllDigits(absl::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

absl::StatusOr<uint32_t> ParseBounded(absl::string_view what, absl::string_view text, uint32_t min,
                                      uint32_t max) {
  uint32_t value = 0;
  if (!AllDigits(text) || text.size() > 10 || !absl::SimpleAtoi(text, &value) || value < min ||
      value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ", what, " '", text, "' (expected ", min, "..", max, ")"));
  }
  return value;
}

// "A" or "A-B", each bound in [min, max]; `what` names the bound in errors.
absl::StatusOr<std::pair<uint32_t, uint32_t>> ParseRange(absl::string_view what,
                                                         absl::string_view text, uint32_t min,
                                                         uint32_t max) {
  std::pair<absl::string_view, absl::string_view> bounds =
      absl::StrSplit(text, absl::MaxSplits('-', 1));
  ASSIGN_OR_RETURN(uint32_t first, ParseBounded(what, bounds.first, min, max));
  uint32_t last = first;
  if (text.find('-') != absl::string_view::npos) {
    ASSIGN_OR_RETURN(last, ParseBounded(what, bounds.second, min, max));
  }
  return std::make_pair(first, last);
}

}  // namespace

absl::StatusOr<std::vector<uint16_t>> ParsePortList(absl::string_view text) {
  std::vector<uint16_t> ports;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    ASSIGN_OR_RETURN(auto range, ParseRange("port", item, 1, 65535));
    if (range.second < range.first) {
      return absl::InvalidArgumentError(absl::StrCat("bad port range '", item, "'"));
    }
    for (uint32_t port = range.first; port <= range.second; ++port) {
      if (std::find(ports.begin(), ports.end(), port) == ports.end()) {
        ports.push_back(static_cast<uint16_t>(port));
      }
    }
  }
  return ports;
}

absl::StatusOr<std::pair<uint8_t, uint8_t>> ParseTtlRange(absl::string_view text) {
  ASSIGN_OR_RETURN(auto range, ParseRange("TTL", text, 1, 255));
  if (range.second < range.first) {
    return absl::InvalidArgumentError(absl::StrCat("bad TTL range '", text, "' (MIN > MAX)"));
  }
  return std::make_pair(static_cast<uint8_t>(range.first), static_cast<uint8_t>(range.second));
}

absl::StatusOr<std::vector<probe::ProbeType>> ParseProbeTypes(absl::string_view text) {
  std::vector<probe::ProbeType> types;
  for (absl::string_view name : absl::StrSplit(text, ',')) {
    std::optional<probe::ProbeType> type = probe::ParseProbeType(name);
    if (!type) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown probe type '", name, "' (expected tcp-syn, icmp-echo)"));
    }
    if (std::find(types.begin(), types.end(), *type) == types.end()) types.push_back(*type);
  }
  return types;
}

}  // namespace cutpoint::targets
