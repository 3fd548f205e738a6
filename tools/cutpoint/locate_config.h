// SPDX-License-Identifier: Apache-2.0
// The options of `cutpoint locate` parsed into its configuration. Apart from the command
// so that a test can hold the documented defaults (the command table in
// locate_command.cc) against what parsing yields.
#ifndef CUTPOINT_TOOLS_CUTPOINT_LOCATE_CONFIG_H_
#define CUTPOINT_TOOLS_CUTPOINT_LOCATE_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/probe/probe_codec.h"
#include "engine/targets/group_prefix.h"
#include "engine/wire/ip_address.h"
#include "tools/args/arg_parser.h"
#include "tools/cutpoint/common_config.h"

namespace cutpoint::cli {

inline constexpr CommonDefaults kLocateDefaults = {
    .max_targets = 65536, .ttl_min = 1, .ttl_max = 32, .attempts = 2};

struct LocateConfig : CommonProbingConfig {
  uint16_t test_port = 0;
  std::vector<uint16_t> control_ports = {443};
  bool echo_control = true;
  std::vector<wire::IpAddress> control_hosts;
  targets::GroupPrefixes group_prefixes;
  int window = 8;
  int retries = probe::kMaxAttempts - 2;
  double false_accusation_rate = 0.001;
  double round_wait_s = 1;
  bool progress = false;  // --progress, or stderr a tty without -q
  bool screen = true;     // --sweep screen|all
  double screen_sample = 0.01;
  bool text = false;      // --format text, markdown or csv: no NDJSON records
  bool markdown = false;  // --format markdown
  bool csv = false;       // --format csv
  bool all_rows = false;  // --all
  std::string pcap_out;
  std::string from_pcap;
  friend bool operator==(const LocateConfig&, const LocateConfig&) = default;
};

// -p and the controls, the sweep options, the common options; --resume, --from-pcap and
// --pcap-out checked against each other.
absl::StatusOr<LocateConfig> ParseLocateConfig(const cmdline::ParsedArgs& args);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_LOCATE_CONFIG_H_
