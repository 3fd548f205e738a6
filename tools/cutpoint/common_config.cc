// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/common_config.h"

#include <cstdint>
#include <cstdlib>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "capture/send/route_lookup.h"
#include "engine/base/status_macros.h"
#include "engine/probe/probe4_kernel.h"
#include "engine/probe/probe_codec.h"
#include "engine/targets/plan_text.h"
#include "engine/wire/ip_address.h"
#include "session/key_file.h"
#include "session/probe_kernels.h"
#include "tools/cutpoint/probe_options.h"

namespace cutpoint::cli {
namespace {

absl::Status ParseTtlOption(const cmdline::ParsedArgs& args, const CommonDefaults& defaults,
                            CommonProbingConfig* config) {
  config->ttl_min = defaults.ttl_min;
  config->ttl_max = defaults.ttl_max;
  std::optional<std::string> text = args.Get("ttl");
  if (!text) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::tie(config->ttl_min, config->ttl_max), targets::ParseTtlRange(*text));
  if (defaults.one_ttl && config->ttl_min != config->ttl_max) {
    return absl::InvalidArgumentError("scan probes at one TTL (--ttl N); use trace for a range");
  }
  return absl::OkStatus();
}

// --shards N --shard I: I < N, and N > 1 only with an explicit --seed (shard boundaries
// must not depend on a per-run key).
absl::Status ParseShardOptions(const cmdline::ParsedArgs& args, CommonProbingConfig* config) {
  ASSIGN_OR_RETURN(config->shard_count, IntegerOption(args, "shards", 1, 1 << 20, 1));
  ASSIGN_OR_RETURN(config->shard_index, IntegerOption(args, "shard", 0, (1 << 20) - 1, 0));
  if (config->shard_index >= config->shard_count) {
    return absl::InvalidArgumentError(absl::StrCat("--shard ", config->shard_index,
                                                   " is not below --shards ", config->shard_count));
  }
  if (config->shard_count > 1 && !args.Has("seed")) {
    return absl::InvalidArgumentError(
        "--shards needs an explicit --seed, the same for every shard");
  }
  return absl::OkStatus();
}

absl::Status ParseSourceOption(const cmdline::ParsedArgs& args, CommonProbingConfig* config) {
  std::optional<std::string> text = args.Get("source-ip");
  if (!text) return absl::OkStatus();
  ASSIGN_OR_RETURN(config->sources, ParseSourceAddresses(*text));
  return absl::OkStatus();
}

// --gateway-ip: an IPv4 address, only for --tx dpdk, and not next to --gateway-mac (which
// would name the same next hop twice).
absl::Status CheckGatewayIpOption(const cmdline::ParsedArgs& args) {
  std::optional<std::string> text = args.Get("gateway-ip");
  if (!text) return absl::OkStatus();
  if (args.Get("tx").value_or("raw") != "dpdk") {
    return absl::InvalidArgumentError(
        "--gateway-ip is for --tx dpdk (the kernel backends use the kernel's neighbour table)");
  }
  if (args.Has("gateway-mac")) {
    return absl::InvalidArgumentError(
        "--gateway-ip and --gateway-mac both name the IPv4 next hop: pass one");
  }
  ASSIGN_OR_RETURN(wire::IpAddress gateway, ParseAddressOption("--gateway-ip", *text, *text));
  if (!gateway.is_v4()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad --gateway-ip '", *text,
        "': IPv4 only (the DPDK port resolves next hops by ARP, not NDP); pass --gateway-mac6 "
        "for IPv6"));
  }
  return absl::OkStatus();
}

// --xdp-queue N and --xdp-zero-copy choose how the AF_XDP socket binds: meaningless to the
// other backends, so refused there rather than silently ignored.
absl::Status CheckXdpOptions(const cmdline::ParsedArgs& args) {
  bool afxdp = args.Get("tx").value_or("raw") == "afxdp";
  for (absl::string_view flag : {"xdp-queue", "xdp-zero-copy"}) {
    if (args.Has(flag) && !afxdp) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, " is for --tx afxdp (it chooses how the AF_XDP socket binds)"));
    }
  }
  return IntegerOption(args, "xdp-queue", 0, kMaxXdpQueue, 0).status();
}

// --probe-kernels: avx512 is refused where the CPU lacks the kernels rather than quietly
// built scalar, so a benchmark measures what it names.
absl::Status ParseProbeKernelsOption(const cmdline::ParsedArgs& args, CommonProbingConfig* config) {
  std::optional<std::string> text = args.Get("probe-kernels");
  if (!text) return absl::OkStatus();
  ASSIGN_OR_RETURN(config->probe_kernels, session::ParseProbeKernels(*text));
  if (config->probe_kernels == session::ProbeKernels::kAvx512 && !probe::Probe4KernelSupported()) {
    return absl::InvalidArgumentError(
        "--probe-kernels avx512: this CPU lacks the kernels' instructions (AVX-512 F, DQ, BW, VL, "
        "VBMI2 and VAES); use auto or scalar");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckVantageName(absl::string_view name) {
  bool valid = !name.empty() && name.size() <= kMaxVantageLength;
  for (char c : name) {
    valid = valid && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                      c == '-');
  }
  if (valid) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "bad --vantage '", name, "' (1 to ", kMaxVantageLength, " characters of A-Z a-z 0-9 . _ -)"));
}

absl::StatusOr<wire::SourceAddresses> ParseSourceAddresses(absl::string_view text) {
  wire::SourceAddresses sources;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    ASSIGN_OR_RETURN(wire::IpAddress address, ParseAddressOption("--source-ip", text, item));
    if (address == wire::IpAddress::V4(0) || address == wire::IpAddress()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --source-ip '", text, "': the unspecified address"));
    }
    std::optional<wire::IpAddress>& slot = sources.For(address.family());
    if (slot) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --source-ip '", text, "': one source address per family (IPv4, IPv6)"));
    }
    slot = address;
  }
  return sources;
}

absl::StatusOr<wire::IpAddress> ParseAddressOption(absl::string_view flag, absl::string_view value,
                                                   absl::string_view item) {
  absl::StatusOr<wire::IpAddress> address = wire::ParseIpAddress(item);
  if (address.ok()) return address;
  if (address.status().message() == wire::kNotAnAddress) {
    return absl::InvalidArgumentError(absl::StrCat("bad ", flag, " '", value, "'"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("bad ", flag, " '", value, "': ", address.status().message()));
}

namespace {

// The operator's opt-out list: /etc/cutpoint/blocklist.conf, or $CUTPOINT_DEFAULT_BLOCKLIST
// when that is set (tests, packagers; empty: none).
std::string DefaultBlocklistPath() {
  const char* path = std::getenv("CUTPOINT_DEFAULT_BLOCKLIST");
  return path != nullptr ? path : "/etc/cutpoint/blocklist.conf";
}

}  // namespace

std::vector<cmdline::OptionSpec> WithCommonProbingOptions(
    std::span<const cmdline::OptionSpec> own, std::span<const cmdline::OptionOverride> overrides) {
  std::vector<cmdline::OptionSpec> all(own.begin(), own.end());
  all.insert(all.end(), std::begin(kCommonProbingOptions), std::end(kCommonProbingOptions));
  return cmdline::WithOverrides(all, overrides);
}

absl::Status ParseCommonProbingConfig(const cmdline::ParsedArgs& args,
                                      const CommonDefaults& defaults, CommonProbingConfig* config) {
  RETURN_IF_ERROR(ParseTtlOption(args, defaults, config));
  if (std::optional<std::string> text = args.Get("rate")) {
    ASSIGN_OR_RETURN(config->rate_pps, ParseRate(*text));
  }
  ASSIGN_OR_RETURN(config->attempts,
                   IntegerOption(args, "attempts", 1, probe::kMaxAttempts, defaults.attempts));
  ASSIGN_OR_RETURN(config->cooldown_s, SecondsOption(args, "cooldown", config->cooldown_s));
  if (args.Has("seed")) {
    ASSIGN_OR_RETURN(config->seed, IntegerOption(args, "seed", 0, INT64_MAX, 0));
  }
  RETURN_IF_ERROR(ParseShardOptions(args, config));
  RETURN_IF_ERROR(ParseSourceOption(args, config));
  if (std::optional<std::string> vantage = args.Get("vantage")) {
    RETURN_IF_ERROR(CheckVantageName(*vantage));
    config->vantage = *vantage;
  }
  config->asn_db_paths = args.GetAll("asn-db");  // read by LoadAsnDatabasesOption
  RETURN_IF_ERROR(CheckGatewayIpOption(args));
  RETURN_IF_ERROR(CheckXdpOptions(args));
  RETURN_IF_ERROR(ParseProbeKernelsOption(args, config));
  config->interface = args.Get("interface").value_or("");
  config->tx_dpdk = args.Get("tx").value_or("raw") == "dpdk";
  config->output = args.Get("output").value_or("-");
  config->key_file = args.Get("key-file").value_or("");
  config->resume_path = args.Get("resume").value_or("");
  config->run_as_user = args.Get("user").value_or("");
  config->keep_root = args.Has("keep-root");
  config->quiet = args.Has("quiet");
  return absl::OkStatus();
}

absl::StatusOr<targets::TargetOptions> ParseTargetOptions(const cmdline::ParsedArgs& args,
                                                          const CommonDefaults& defaults) {
  targets::TargetOptions options;
  options.specs = args.positional();
  options.files = args.GetAll("targets-file");
  options.blocklist_files = args.GetAll("blocklist-file");
  options.allowlist_files = args.GetAll("allowlist-file");
  options.allow_reserved = args.GetAll("allow-reserved");
  options.skip_reserved = args.Has("skip-reserved");
  if (!args.Has("no-default-blocklist")) options.default_blocklist = DefaultBlocklistPath();
  ASSIGN_OR_RETURN(options.max_targets, IntegerOption(args, "max-targets", 1, int64_t{1} << 32,
                                                      static_cast<int64_t>(defaults.max_targets)));
  return options;
}

absl::StatusOr<probe::ProbeKey> KeyForRun(const CommonProbingConfig& config) {
  return config.key_file.empty() ? session::GenerateProbeKey()
                                 : session::ReadOrCreateProbeKey(config.key_file);
}

absl::Status ResolveRoute(const targets::TargetSet& targets, bool need_interface,
                          CommonProbingConfig* config) {
  if (config->tx_dpdk && config->interface.empty()) {
    capture::FamilyAddresses first = targets.FirstOfEachFamily();
    for (wire::IpFamily family : capture::kBothFamilies) {
      if (first.of(family) && !config->sources.For(family)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--tx dpdk without --interface needs --source-ip (-S) for the IPv",
                         static_cast<int>(family),
                         " targets: the DPDK port is not the kernel's, so no route names one"));
      }
    }
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(capture::ResolveSources(targets.FirstOfEachFamily(), need_interface,
                                          &config->sources, &config->interface));
  return absl::OkStatus();
}

session::SessionConfig SessionConfigFor(const CommonProbingConfig& config,
                                        const capture::TxSetup& tx) {
  session::SessionConfig session;
  session.backend = tx;
  session.run_as_user = config.run_as_user;
  session.keep_root = config.keep_root;
  session.sources = config.sources;
  session.interface = config.interface;
  session.rate_pps = config.rate_pps;
  session.probe_kernels = config.probe_kernels;
  session.matcher.source_v4 = config.sources.v4;
  session.matcher.source_v6 = config.sources.v6;
  session.matcher.ttl_min = config.ttl_min;
  session.matcher.ttl_max = config.ttl_max;
  return session;
}

}  // namespace cutpoint::cli
