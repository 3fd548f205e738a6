// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/locate_config.h"

#include <unistd.h>

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/targets/plan_text.h"
#include "tools/cutpoint/probe_options.h"

namespace cutpoint::cli {
namespace {

// -p, --control-port, --no-echo-control, --control-host.
absl::Status ParseTestAndControls(const cmdline::ParsedArgs& args, LocateConfig* config) {
  std::optional<std::string> port = args.Get("port");
  if (!port) return absl::InvalidArgumentError("locate needs the test port: -p PORT");
  ASSIGN_OR_RETURN(std::vector<uint16_t> test_ports, targets::ParsePortList(*port));
  if (test_ports.size() != 1) {
    return absl::InvalidArgumentError("locate judges one test port per run (-p PORT)");
  }
  config->test_port = test_ports.front();
  if (std::optional<std::string> text = args.Get("control-port")) {
    ASSIGN_OR_RETURN(config->control_ports, targets::ParsePortList(*text));
  }
  for (uint16_t control : config->control_ports) {
    if (control == config->test_port) {
      return absl::InvalidArgumentError(
          absl::StrCat("control port ", control, " is the test port; pick another"));
    }
  }
  config->echo_control = !args.Has("no-echo-control");
  for (const std::string& text : args.GetAll("control-host")) {
    ASSIGN_OR_RETURN(wire::IpAddress host, ParseAddressOption("--control-host", text, text));
    config->control_hosts.push_back(host);
  }
  return absl::OkStatus();
}

// --group-prefix, --window, --retries, --false-accusation-rate, --round-wait, --format.
absl::Status ParseSweepOptions(const cmdline::ParsedArgs& args, LocateConfig* config) {
  ASSIGN_OR_RETURN(config->group_prefixes.v4, IntegerOption(args, "group-prefix", 0, 32, 24));
  ASSIGN_OR_RETURN(config->group_prefixes.v6, IntegerOption(args, "group-prefix6", 1, 128, 48));
  ASSIGN_OR_RETURN(config->window, IntegerOption(args, "window", 1, 255, 8));
  ASSIGN_OR_RETURN(config->retries,
                   IntegerOption(args, "retries", 0, probe::kMaxAttempts - 1, config->retries));
  if (std::optional<std::string> text = args.Get("false-accusation-rate")) {
    double alpha = 0;
    if (!absl::SimpleAtod(*text, &alpha) || !(alpha > 0 && alpha < 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --false-accusation-rate '", *text, "' (a probability, 0 < ALPHA < 1)"));
    }
    config->false_accusation_rate = alpha;
  }
  ASSIGN_OR_RETURN(config->round_wait_s, SecondsOption(args, "round-wait", config->round_wait_s));
  config->progress = args.Has("progress") || (isatty(STDERR_FILENO) && !args.Has("quiet"));
  if (std::optional<std::string> mode = args.Get("sweep")) {
    if (*mode != "screen" && *mode != "all") {
      return absl::InvalidArgumentError(absl::StrCat("bad --sweep '", *mode, "' (screen, all)"));
    }
    config->screen = *mode == "screen";
  }
  if (std::optional<std::string> text = args.Get("screen-sample")) {
    double rate = 0;
    if (!absl::SimpleAtod(*text, &rate) || !(rate >= 0 && rate <= 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --screen-sample '", *text, "' (a share, 0 to 1)"));
    }
    config->screen_sample = rate;
  }
  if (std::optional<std::string> text = args.Get("format")) {
    if (*text != "ndjson" && *text != "text" && *text != "markdown" && *text != "csv") {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --format '", *text, "' (ndjson, text, markdown, csv)"));
    }
    config->text = *text != "ndjson";
    config->markdown = *text == "markdown";
    config->csv = *text == "csv";
  }
  config->all_rows = args.Has("all");
  if (config->all_rows && (!config->text || config->csv)) {
    return absl::InvalidArgumentError("--all needs --format text or markdown");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LocateConfig> ParseLocateConfig(const cmdline::ParsedArgs& args) {
  LocateConfig config;
  RETURN_IF_ERROR(ParseTestAndControls(args, &config));
  RETURN_IF_ERROR(ParseSweepOptions(args, &config));
  RETURN_IF_ERROR(ParseCommonProbingConfig(args, kLocateDefaults, &config));
  // At most kMaxAttempts probes per cell in all; retries fill up to it by default.
  if (!args.Has("retries") || config.attempts + config.retries > probe::kMaxAttempts) {
    config.retries = probe::kMaxAttempts - config.attempts;
  }
  config.pcap_out = args.Get("pcap-out").value_or("");
  config.from_pcap = args.Get("from-pcap").value_or("");
  if (!config.resume_path.empty() && (config.key_file.empty() || !config.from_pcap.empty())) {
    return absl::InvalidArgumentError(
        "--resume needs --key-file (the resumed run must probe with the same key), and no "
        "--from-pcap");
  }
  if (!config.from_pcap.empty() && config.key_file.empty()) {
    return absl::InvalidArgumentError("--from-pcap needs the scan's --key-file");
  }
  if (!config.from_pcap.empty() && !config.pcap_out.empty()) {
    return absl::InvalidArgumentError("--from-pcap and --pcap-out exclude each other");
  }
  return config;
}

}  // namespace cutpoint::cli
