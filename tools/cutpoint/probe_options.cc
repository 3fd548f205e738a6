// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/probe_options.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "capture/send/neighbor_lookup.h"
#include "engine/base/status_macros.h"

namespace cutpoint::cli {
namespace {

absl::StatusOr<int64_t> ParseInteger(absl::string_view option, absl::string_view text, int64_t min,
                                     int64_t max) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value '", text, "' for ", option, " (expected ", min, "..", max, ")"));
  }
  return value;
}

absl::StatusOr<double> ParseSeconds(absl::string_view option, absl::string_view text) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value) || value < 0 || value > 3600) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value '", text, "' for ", option, " (expected seconds, 0..3600)"));
  }
  return value;
}

}  // namespace

absl::StatusOr<double> ParseRate(absl::string_view text) {
  if (text == "max") return 0.0;
  double rate = 0;
  if (!absl::SimpleAtod(text, &rate) || !std::isfinite(rate) || rate <= 0 || rate > 1e9) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad rate '", text, "' (expected packets per second > 0, or 'max')"));
  }
  return rate;
}

absl::StatusOr<int64_t> IntegerOption(const cmdline::ParsedArgs& args, absl::string_view name,
                                      int64_t min, int64_t max, int64_t fallback) {
  std::optional<std::string> text = args.Get(name);
  if (!text) return fallback;
  return ParseInteger(absl::StrCat("--", name), *text, min, max);
}

absl::StatusOr<double> SecondsOption(const cmdline::ParsedArgs& args, absl::string_view name,
                                     double fallback) {
  std::optional<std::string> text = args.Get(name);
  if (!text) return fallback;
  return ParseSeconds(absl::StrCat("--", name), *text);
}

absl::StatusOr<capture::BackendOptions> ParseBackendOptions(const cmdline::ParsedArgs& args) {
  capture::BackendOptions options;
  if (auto text = args.Get("gateway-mac")) {
    ASSIGN_OR_RETURN(capture::MacAddress mac, capture::ParseMac(*text));
    options.gateway_macs.v4 = mac;
    options.gateway_macs.v6 = mac;
  }
  if (auto text = args.Get("gateway-mac6")) {
    ASSIGN_OR_RETURN(options.gateway_macs.v6, capture::ParseMac(*text));
  }
  if (auto text = args.Get("gateway-ip")) {  // checked by ParseCommonProbingConfig
    ASSIGN_OR_RETURN(options.gateway_ip, wire::ParseIpAddress(*text));
  }
  absl::StatusOr<capture::TxBackend> tx = capture::ParseTxBackend(args.Get("tx").value_or("raw"));
  if (!tx.ok()) return tx.status();
  options.tx = *tx;
  options.dpdk_eal_args = args.Get("dpdk-args").value_or("");
  options.dpdk_device = args.Get("dpdk-port").value_or("");
  ASSIGN_OR_RETURN(int64_t first_queue, IntegerOption(args, "xdp-queue", 0, kMaxXdpQueue, 0));
  options.xdp.first_queue = static_cast<uint32_t>(first_queue);
  options.xdp.zero_copy = args.Has("xdp-zero-copy");
  return options;
}

absl::StatusOr<capture::TxSetup> MakeTxSetup(const cmdline::ParsedArgs& args,
                                             const std::string& interface,
                                             const targets::TargetSet& targets,
                                             const wire::SourceAddresses& sources,
                                             int sender_threads) {
  ASSIGN_OR_RETURN(capture::BackendOptions options, ParseBackendOptions(args));
  options.interface = interface;
  options.first_targets = targets.FirstOfEachFamily();
  options.sources = sources;
  options.sender_threads = sender_threads;
  return capture::OpenBackend(options);
}

}  // namespace cutpoint::cli
