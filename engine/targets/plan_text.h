// SPDX-License-Identifier: Apache-2.0
// The text forms of a probe plan's parts, as users write them on a command line or in a
// job file: port lists, TTL ranges and probe types. Errors name the bad part.
#ifndef CUTPOINT_ENGINE_TARGETS_PLAN_TEXT_H_
#define CUTPOINT_ENGINE_TARGETS_PLAN_TEXT_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/probe/probe_codec.h"

namespace cutpoint::targets {

// "25", "25,443", "8000-8010,25". Ports 1..65535; duplicates removed, order kept.
absl::StatusOr<std::vector<uint16_t>> ParsePortList(absl::string_view text);
// "1-32" or "7". TTLs 1..255.
absl::StatusOr<std::pair<uint8_t, uint8_t>> ParseTtlRange(absl::string_view text);
// "tcp-syn", "icmp-echo" or both, comma-separated; duplicates removed, order kept.
absl::StatusOr<std::vector<probe::ProbeType>> ParseProbeTypes(absl::string_view text);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_PLAN_TEXT_H_
