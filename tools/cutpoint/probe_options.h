// SPDX-License-Identifier: Apache-2.0
// Parsing and validation of single option values, and the send backend they choose.
#ifndef CUTPOINT_TOOLS_CUTPOINT_PROBE_OPTIONS_H_
#define CUTPOINT_TOOLS_CUTPOINT_PROBE_OPTIONS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "capture/backend.h"
#include "engine/probe/probe_codec.h"
#include "engine/targets/target_set.h"
#include "engine/wire/source_addresses.h"
#include "tools/args/arg_parser.h"

namespace cutpoint::cli {

// Packets per second > 0, or "max" (returned as 0).
absl::StatusOr<double> ParseRate(absl::string_view text);

// Option `name` (without "--"): an integer in [min, max], or seconds in [0, 3600]; or
// `fallback` when it is not given.
absl::StatusOr<int64_t> IntegerOption(const cmdline::ParsedArgs& args, absl::string_view name,
                                      int64_t min, int64_t max, int64_t fallback);
absl::StatusOr<double> SecondsOption(const cmdline::ParsedArgs& args, absl::string_view name,
                                     double fallback);

// The highest --xdp-queue (a TX queue index; the interface's own count is checked when
// the socket binds).
inline constexpr int64_t kMaxXdpQueue = 65535;

// The send and receive backends chosen by --tx (raw, afpacket, afxdp, dpdk), --gateway-mac,
// --dpdk-args, --dpdk-port, --xdp-queue and --xdp-zero-copy: factories that open one sender per
// sender thread on `interface`, framing for the next hop towards `first_target`, and (dpdk) the
// receive side on the same port. `sources` are the run's source addresses (--tx raw binds its IPv6
// socket to the IPv6 one).
// The options of the above that come from the command line alone (nothing opened).
absl::StatusOr<capture::BackendOptions> ParseBackendOptions(const cmdline::ParsedArgs& args);
absl::StatusOr<capture::TxSetup> MakeTxSetup(const cmdline::ParsedArgs& args,
                                             const std::string& interface,
                                             const targets::TargetSet& targets,
                                             const wire::SourceAddresses& sources,
                                             int sender_threads);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_PROBE_OPTIONS_H_
