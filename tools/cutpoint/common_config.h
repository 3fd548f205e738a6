// SPDX-License-Identifier: Apache-2.0
// The options trace, scan and locate share, defined and parsed once: their option rows
// and help, the probing configuration, the targeting options, and what follows from them
// (the key, the route, the session's base configuration). Each command adds its own
// options on top and passes the defaults that differ between the commands.
#ifndef CUTPOINT_TOOLS_CUTPOINT_COMMON_CONFIG_H_
#define CUTPOINT_TOOLS_CUTPOINT_COMMON_CONFIG_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capture/backend.h"
#include "engine/probe/probe_key.h"
#include "engine/targets/target_loading.h"
#include "engine/wire/source_addresses.h"
#include "session/probe_session.h"
#include "tools/args/arg_parser.h"

namespace cutpoint::cli {

// The defaults that differ between the probing commands.
struct CommonDefaults {
  uint64_t max_targets = 0;
  uint8_t ttl_min = 1;
  uint8_t ttl_max = 32;
  int attempts = 1;
  bool one_ttl = false;  // scan: probes at one TTL (--ttl N), never a range
};

struct CommonProbingConfig {
  uint8_t ttl_min = 1;
  uint8_t ttl_max = 32;
  int attempts = 1;
  double rate_pps = 1000;  // 0: as fast as the backend goes ("max")
  double cooldown_s = 2;
  std::optional<uint64_t> seed;  // nullopt: SeedFromKey
  uint32_t shard_count = 1;
  uint32_t shard_index = 0;
  wire::SourceAddresses sources;  // unset families: from the route (ResolveRoute)
  std::string interface;          // empty: from the route (--tx dpdk: none, see ResolveRoute)
  bool tx_dpdk = false;           // --tx dpdk
  session::ProbeKernels probe_kernels = session::ProbeKernels::kAuto;
  std::string output = "-";
  std::string key_file;  // empty: a fresh key, not saved
  std::string resume_path;
  std::string run_as_user;
  std::string vantage;  // --vantage: tags the run's records; empty: untagged
  std::vector<std::string> asn_db_paths;  // --asn-db, in the order given
  bool keep_root = false;
  bool quiet = false;
  friend bool operator==(const CommonProbingConfig&, const CommonProbingConfig&) = default;
};

// Listed after a command's own options. The rows whose default differs between the
// commands (ttl, attempts, max-targets) get it from each command's overrides
// (WithCommonProbingOptions). --shards, --shard and --resume are parsed here too, but each
// command words their rows: what a shard holds and what a resumed run keeps differ.
inline constexpr cmdline::OptionSpec kCommonProbingOptions[] = {
    {"ttl", 0, "MIN-MAX", "probe TTL range"},
    {"attempts", 0, "N", "probes per (target, kind, TTL), 1-4"},
    {"rate", 'r', "PPS", "probes per second, or 'max'", "1000"},
    {"cooldown", 0, "SECONDS", "keep capturing this long after the last probe", "2"},
    {"output", 'o', "FILE", "write the output here ('-': standard output)", "-"},
    {"key-file", 0, "FILE",
     "probe key: read it, or create it if missing (needed to re-match captures)"},
    {"interface", 'i', "IFACE",
     "interface to send and capture on (default: from the route; --tx dpdk needs none)"},
    {"source-ip", 'S', "ADDR[,ADDR]",
     "source address, one per family (default: from the route to the first target; required "
     "with --tx dpdk without -i)"},
    {"tx", 0, "BACKEND",
     "send backend: raw (raw socket), afpacket (TX ring, qdisc bypass), afxdp (AF_XDP socket) "
     "or dpdk",
     "raw", "raw afpacket afxdp dpdk"},
    {"xdp-queue", 0, "N", "--tx afxdp: first TX queue; sender thread i binds queue N+i", "0"},
    {"xdp-zero-copy", 0, "",
     "--tx afxdp: AF_XDP zero-copy (XDP_ZEROCOPY); an error where the driver has none (veth)"},
    {"gateway-mac", 0, "MAC",
     "next-hop MAC for --tx afpacket/afxdp/dpdk, both families (default: the neighbour table)"},
    {"gateway-mac6", 0, "MAC",
     "next-hop MAC for IPv6 probes when it differs (default: --gateway-mac)"},
    {"gateway-ip", 0, "ADDR",
     "--tx dpdk: the IPv4 next hop, its MAC asked by ARP on the DPDK port itself (3 requests "
     "over 3 s; instead of --gateway-mac). Without -i the port also answers ARP for -S"},
    {"probe-kernels", 0, "MODE",
     "build IPv4 probes with the AVX-512 kernels (avx512), without (scalar), or auto: the "
     "kernels for dpdk and AF_XDP zero-copy, scalar where the kernel bounds the rate",
     "auto", "auto avx512 scalar"},
    {"dpdk-args", 0, "ARGS", "EAL arguments for --tx dpdk, e.g. \"--no-huge --no-pci --vdev ...\""},
    {"dpdk-port", 0, "NAME", "DPDK port by device name (default: port 0)"},
    {"user", 0, "NAME", "started as root: run as NAME once sockets are open (default: nobody)"},
    {"keep-root", 0, "", "started as root: stay uid 0 (still without capabilities), no --user"},
    {"targets-file", 'f', "FILE", "read targets from FILE, one address or prefix per line"},
    {"max-targets", 0, "N", "refuse target sets larger than N addresses"},
    {"blocklist-file", 'b', "FILE",
     "never probe the prefixes in FILE (zmap blocklist.conf format)"},
    {"no-default-blocklist", 0, "", "ignore the opt-out list /etc/cutpoint/blocklist.conf"},
    {"allowlist-file", 'w', "FILE", "probe only addresses in FILE (zmap format)"},
    {"seed", 0, "N", "permutation seed (default: derived from the key)"},
    {"allow-reserved", 0, "PREFIX[,PREFIX...]",
     "unlock these reserved prefixes, e.g. 198.18.0.0/15 (never 0/8, 127/8, multicast, class E, "
     "broadcast)"},
    {"skip-reserved", 0, "",
     "leave reserved ranges out of the targets instead of refusing the run"},
    {"vantage", 0, "NAME",
     "where this run probes from: tags its meta, verdict, cut and stats records (1-64 of "
     "A-Z a-z 0-9 . _ -); 'cutpoint report' compares runs of several vantages"},
    {"asn-db", 0, "FILE",
     "annotate replies and verdicts with AS numbers from FILE: CAIDA pfx2as, iptoasn "
     "ip2asn-*.tsv or a MaxMind ASN .mmdb (repeatable; the most specific entry wins)"},
    {"quiet", 'q', "", "no summary on standard error"},
    {"help", 'h', "", "show this help"},
};

// A command's own options followed by the common ones, with the command's `overrides`
// (its defaults of the shared rows, e.g. --ttl, --attempts, --max-targets) applied.
std::vector<cmdline::OptionSpec> WithCommonProbingOptions(
    std::span<const cmdline::OptionSpec> own,
    std::span<const cmdline::OptionOverride> overrides = {});

// The common options, checked in this order: --ttl, --rate, --attempts, --cooldown,
// --seed, --shards/--shard, --source-ip, --vantage, --gateway-ip (IPv4, with --tx dpdk,
// not with --gateway-mac), --xdp-queue and --xdp-zero-copy (with --tx afxdp),
// --probe-kernels (avx512 only where the CPU has the kernels). Fills the
// common part of a command's config.
absl::Status ParseCommonProbingConfig(const cmdline::ParsedArgs& args,
                                      const CommonDefaults& defaults, CommonProbingConfig* config);
// The TARGET words, the targeting flags and --max-targets.
absl::StatusOr<targets::TargetOptions> ParseTargetOptions(const cmdline::ParsedArgs& args,
                                                          const CommonDefaults& defaults);

// The run's probe key: read from (or created at) --key-file, or a fresh one.
absl::StatusOr<probe::ProbeKey> KeyForRun(const CommonProbingConfig& config);
// One address of option `flag` (`item`, a part of `value`): errors name the flag and value,
// and why, unless the text is simply not an address.
absl::StatusOr<wire::IpAddress> ParseAddressOption(absl::string_view flag, absl::string_view value,
                                                   absl::string_view item);
// A --vantage name: 1 to kMaxVantageLength characters of A-Z a-z 0-9 . _ -, so it is safe
// in a file name, a JSON string and a report line alike.
inline constexpr size_t kMaxVantageLength = 64;
absl::Status CheckVantageName(absl::string_view name);
// "ADDR[,ADDR]": at most one source address per family (--source-ip).
absl::StatusOr<wire::SourceAddresses> ParseSourceAddresses(absl::string_view text);
// Fills, for each family `targets` holds, a missing source address (and the interface)
// from the kernel's route to the family's first target, or, given the source, the
// interface that holds it (if `need_interface`). --tx dpdk without --interface asks the
// kernel nothing: the port is not the kernel's, so each family needs its --source-ip.
absl::Status ResolveRoute(const targets::TargetSet& targets, bool need_interface,
                          CommonProbingConfig* config);
// What every live probing session is given: backend, privileges, addresses, rate, and
// the matcher's source and TTL range.
session::SessionConfig SessionConfigFor(const CommonProbingConfig& config,
                                        const capture::TxSetup& tx);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_COMMON_CONFIG_H_
