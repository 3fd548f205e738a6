// Parsing and validation of the probing options shared by the probing commands.
#ifndef CUTPOINT_TOOLS_CUTPOINT_PROBE_OPTIONS_H_
#define CUTPOINT_TOOLS_CUTPOINT_PROBE_OPTIONS_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <span>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/cutpoint/arg_parser.h"
#include "capture/backend.h"
#include "session/probe_session.h"
#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_key.h"
#include "engine/report/records.h"
#include "engine/targets/target_set.h"

namespace cutpoint::cli {

// Options every probing command (trace, scan, locate) takes, listed after its own.
inline constexpr OptionSpec kCommonProbingOptions[] = {
    {"interface", 'i', "IFACE", "interface to send and capture on (default: from the route)"},
    {"source-ip", 'S', "ADDR", "source address (default: from the route to the first target)"},
    {"rate", 'r', "PPS", "probes per second, or 'max' (default 1000)"},
    {"cooldown", 0, "SECONDS", "keep capturing this long after the last probe (default 2)"},
    {"tx", 0, "BACKEND", "raw (default), afpacket (TX ring, qdisc bypass), afxdp (AF_XDP socket) or dpdk"},
    {"gateway-mac", 0, "MAC", "next-hop MAC for --tx afpacket/afxdp (default: the neighbour table)"},
    {"dpdk-args", 0, "ARGS", "EAL arguments for --tx dpdk, e.g. \"--no-huge --no-pci --vdev ...\""},
    {"dpdk-port", 0, "NAME", "DPDK port by device name (default: port 0)"},
    {"user", 0, "NAME", "started as root: run as NAME once sockets are open (default nobody)"},
    {"keep-root", 0, "", "started as root: stay uid 0 (still without capabilities), no --user"},
    {"targets-file", 'f', "FILE", "read targets from FILE, one address or prefix per line"},
    {"blocklist-file", 'b', "FILE", "never probe the prefixes in FILE (zmap blocklist.conf format)"},
    {"no-default-blocklist", 0, "", "ignore the opt-out list /etc/cutpoint/blocklist.conf"},
    {"allowlist-file", 'w', "FILE", "probe only addresses in FILE (zmap format)"},
    {"seed", 0, "N", "permutation seed (default: derived from the key)"},
    {"allow-reserved", 0, "PREFIX[,PREFIX...]",
     "unlock these reserved prefixes, e.g. 198.18.0.0/15 (never 0/8, 127/8, multicast, class E, "
     "broadcast)"},
    {"skip-reserved", 0, "", "leave reserved ranges out of the targets instead of refusing the run"},
    {"quiet", 'q', "", "no summary on standard error"},
    {"help", 'h', "", "show this help"},
};

// A command's own options followed by the common ones.
std::vector<OptionSpec> WithCommonProbingOptions(std::span<const OptionSpec> own);

// --shards N --shard I, validated: I < N, and N > 1 only with an explicit --seed (shard
// boundaries must not depend on a per-run key).
struct ShardChoice {
  uint32_t count = 1;
  uint32_t index = 0;
};
absl::StatusOr<ShardChoice> ParseShardOptions(const ParsedArgs& args);

// "25", "25,443", "8000-8010,25". Ports 1..65535; duplicates removed, order kept.
absl::StatusOr<std::vector<uint16_t>> ParsePortList(absl::string_view text);
// "1-32" or "7". TTLs 1..255.
absl::StatusOr<std::pair<uint8_t, uint8_t>> ParseTtlRange(absl::string_view text);
// Packets per second > 0, or "max" (returned as 0).
absl::StatusOr<double> ParseRate(absl::string_view text);
absl::StatusOr<std::vector<probe::ProbeType>> ParseProbeTypes(absl::string_view text);
absl::StatusOr<int64_t> ParseInteger(absl::string_view option, absl::string_view text, int64_t min,
                                     int64_t max);
absl::StatusOr<double> ParseSeconds(absl::string_view option, absl::string_view text);

struct TargetOptions {
  std::vector<std::string> specs;  // positional TARGET words
  std::vector<std::string> files;  // --targets-file
  std::vector<std::string> blocklist_files;  // zmap-compatible: these are never probed
  std::vector<std::string> allowlist_files;  // zmap-compatible: only these are probed
  std::vector<std::string> allow_reserved;  // --allow-reserved values
  bool skip_reserved = false;
  bool default_blocklist = true;  // read DefaultBlocklistPath() when it exists
  uint64_t max_targets = 0;  // 0: no limit
};

// The target words and the targeting flags above (all but max_targets).
TargetOptions TargetOptionsFromArgs(const ParsedArgs& args);

// The opt-out list read when present: /etc/cutpoint/blocklist.conf, or
// $CUTPOINT_DEFAULT_BLOCKLIST when that is set (tests, packagers; empty: none).
std::string DefaultBlocklistPath();

// What LoadTargets left out and why, for the meta record and a note on stderr.
struct TargetingReport {
  std::vector<std::string> blocklist_files;   // applied, the default list included
  std::vector<std::string> allowed_reserved;  // normalized --allow-reserved prefixes
  bool skip_reserved = false;
  uint64_t blocklisted = 0;       // addresses removed by the blocklists
  uint64_t reserved_skipped = 0;  // reserved addresses removed by --skip-reserved
};

// Builds the target set: allowlist, blocklists (the default one included), then the
// reserved ranges (refused unless allowed, or subtracted with --skip-reserved); refuses
// sets larger than max_targets.
absl::StatusOr<targets::TargetSet> LoadTargets(const TargetOptions& options,
                                               TargetingReport* report = nullptr);
void AddTargetingToMeta(const TargetingReport& report, report::MetaInfo* meta);
// "cutpoint: left out ..." on stderr when anything was left out.
void NoteLeftOutTargets(const TargetingReport& report, uint64_t target_count);

std::string CurrentTimeRfc3339();

// The permutation seed when --seed is not given: derived from the probe key, so the same
// key file reproduces the same send order (needed by --resume).
uint64_t SeedFromKey(const probe::ProbeKey& key);

// Fills a missing source address and/or interface from the kernel's route to
// `first_target` (or, given a source, the interface that holds it).
absl::Status ResolveSourceAndInterface(uint32_t first_target, uint32_t* source_address,
                                       std::string* interface);

// The send and receive backends chosen by --tx (raw, afpacket, afxdp, dpdk), --gateway-mac,
// --dpdk-args and --dpdk-port: factories that open one sender per sender thread on
// `interface`, framing for the next hop towards `first_target`, and (dpdk) the receive
// side on the same port.
absl::StatusOr<capture::TxSetup> MakeTxSetup(const ParsedArgs& args, const std::string& interface,
                                    uint32_t first_target, int sender_threads);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_PROBE_OPTIONS_H_
