#include "tools/cutpoint/probe_options.h"

#include <sodium.h>

#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "capture/send/neighbor_lookup.h"
#include "capture/send/route_lookup.h"
#include "capture/send/sender_factory.h"
#include "engine/targets/reserved_ranges.h"
#include "engine/targets/target_filter.h"

namespace cutpoint::cli {
namespace {

bool AllDigits(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
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

}  // namespace

std::vector<OptionSpec> WithCommonProbingOptions(std::span<const OptionSpec> own) {
  std::vector<OptionSpec> all(own.begin(), own.end());
  all.insert(all.end(), std::begin(kCommonProbingOptions), std::end(kCommonProbingOptions));
  return all;
}

absl::StatusOr<ShardChoice> ParseShardOptions(const ParsedArgs& args) {
  ShardChoice choice;
  if (auto text = args.Get("shards")) {
    absl::StatusOr<int64_t> shards = ParseInteger("--shards", *text, 1, 1 << 20);
    if (!shards.ok()) return shards.status();
    choice.count = static_cast<uint32_t>(*shards);
  }
  if (auto text = args.Get("shard")) {
    absl::StatusOr<int64_t> shard = ParseInteger("--shard", *text, 0, (1 << 20) - 1);
    if (!shard.ok()) return shard.status();
    choice.index = static_cast<uint32_t>(*shard);
  }
  if (choice.index >= choice.count) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shard ", choice.index, " is not below --shards ", choice.count));
  }
  if (choice.count > 1 && !args.Has("seed")) {
    return absl::InvalidArgumentError("--shards needs an explicit --seed, the same for every shard");
  }
  return choice;
}

absl::StatusOr<std::vector<uint16_t>> ParsePortList(absl::string_view text) {
  std::vector<uint16_t> ports;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    std::pair<absl::string_view, absl::string_view> bounds = absl::StrSplit(item, absl::MaxSplits('-', 1));
    absl::StatusOr<uint32_t> first = ParseBounded("port", bounds.first, 1, 65535);
    if (!first.ok()) return first.status();
    uint32_t last = *first;
    if (item.find('-') != absl::string_view::npos) {
      absl::StatusOr<uint32_t> parsed_last = ParseBounded("port", bounds.second, 1, 65535);
      if (!parsed_last.ok()) return parsed_last.status();
      last = *parsed_last;
      if (last < *first) {
        return absl::InvalidArgumentError(absl::StrCat("bad port range '", item, "'"));
      }
    }
    for (uint32_t port = *first; port <= last; ++port) {
      if (std::find(ports.begin(), ports.end(), port) == ports.end()) {
        ports.push_back(static_cast<uint16_t>(port));
      }
    }
  }
  return ports;
}

absl::StatusOr<std::pair<uint8_t, uint8_t>> ParseTtlRange(absl::string_view text) {
  std::pair<absl::string_view, absl::string_view> bounds = absl::StrSplit(text, absl::MaxSplits('-', 1));
  absl::StatusOr<uint32_t> first = ParseBounded("TTL", bounds.first, 1, 255);
  if (!first.ok()) return first.status();
  uint32_t last = *first;
  if (text.find('-') != absl::string_view::npos) {
    absl::StatusOr<uint32_t> parsed_last = ParseBounded("TTL", bounds.second, 1, 255);
    if (!parsed_last.ok()) return parsed_last.status();
    last = *parsed_last;
  }
  if (last < *first) {
    return absl::InvalidArgumentError(absl::StrCat("bad TTL range '", text, "' (MIN > MAX)"));
  }
  return std::make_pair(static_cast<uint8_t>(*first), static_cast<uint8_t>(last));
}

absl::StatusOr<double> ParseRate(absl::string_view text) {
  if (text == "max") return 0.0;
  double rate = 0;
  if (!absl::SimpleAtod(text, &rate) || !std::isfinite(rate) || rate <= 0 || rate > 1e9) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad rate '", text, "' (expected packets per second > 0, or 'max')"));
  }
  return rate;
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

TargetOptions TargetOptionsFromArgs(const ParsedArgs& args) {
  TargetOptions options;
  options.specs = args.positional();
  options.files = args.GetAll("targets-file");
  options.blocklist_files = args.GetAll("blocklist-file");
  options.allowlist_files = args.GetAll("allowlist-file");
  options.allow_reserved = args.GetAll("allow-reserved");
  options.skip_reserved = args.Has("skip-reserved");
  options.default_blocklist = !args.Has("no-default-blocklist");
  return options;
}

std::string DefaultBlocklistPath() {
  const char* path = std::getenv("CUTPOINT_DEFAULT_BLOCKLIST");
  return path != nullptr ? path : "/etc/cutpoint/blocklist.conf";
}

namespace {

absl::StatusOr<targets::TargetSet> ReadPrefixLists(const std::vector<std::string>& files,
                                                   absl::string_view what) {
  std::vector<targets::Ipv4Range> ranges;
  for (const std::string& file : files) {
    absl::StatusOr<targets::TargetSet> list = targets::ReadPrefixList(file, what);
    if (!list.ok()) return list.status();
    ranges.insert(ranges.end(), list->ranges().begin(), list->ranges().end());
  }
  return targets::TargetSet::FromRanges(std::move(ranges));
}

}  // namespace

absl::StatusOr<targets::TargetSet> LoadTargets(const TargetOptions& options,
                                               TargetingReport* report) {
  targets::TargetFilter filter;
  filter.skip_reserved = options.skip_reserved;
  absl::StatusOr<targets::TargetSet> allowed = targets::ParseAllowedReserved(options.allow_reserved);
  if (!allowed.ok()) return allowed.status();
  filter.allowed_reserved = *std::move(allowed);

  targets::TargetSetBuilder builder;
  for (const std::string& spec : options.specs) {
    absl::Status status = builder.AddSpec(spec);
    if (!status.ok()) return status;
  }
  for (const std::string& file : options.files) {
    absl::Status status = builder.AddFile(file);
    if (!status.ok()) return status;
  }
  targets::TargetSet set = std::move(builder).Build();
  if (!options.allowlist_files.empty()) {
    absl::StatusOr<targets::TargetSet> allowlist =
        ReadPrefixLists(options.allowlist_files, "allowlist");
    if (!allowlist.ok()) return allowlist.status();
    // As in zmap: with no targets given, the allowlist is the scan.
    if (set.empty()) {
      set = *std::move(allowlist);
    } else {
      filter.allowlist = *std::move(allowlist);
    }
  }
  if (set.empty()) {
    std::string message = "no targets given (TARGET arguments or --targets-file)";
    // "--allow-reserved 198.18.0.1" in the old flag-only syntax ate the target.
    if (!options.allow_reserved.empty()) {
      absl::StrAppend(&message, "; --allow-reserved takes the prefixes to unlock: is '",
                      options.allow_reserved.back(), "' meant as a target too?");
    }
    return absl::InvalidArgumentError(message);
  }

  std::vector<std::string> blocklist_files = options.blocklist_files;
  if (options.default_blocklist) {
    // An absent default list is normal; one that exists is an opt-out and must be read.
    std::string path = DefaultBlocklistPath();
    struct stat info;
    if (!path.empty() && (stat(path.c_str(), &info) == 0 || (errno != ENOENT && errno != ENOTDIR))) {
      blocklist_files.push_back(path);
    }
  }
  absl::StatusOr<targets::TargetSet> blocklist = ReadPrefixLists(blocklist_files, "blocklist");
  if (!blocklist.ok()) return blocklist.status();
  filter.blocklist = *std::move(blocklist);

  absl::StatusOr<targets::FilteredTargets> filtered =
      targets::FilterTargets(std::move(set), filter);
  if (!filtered.ok()) return filtered.status();
  if (options.max_targets != 0 && filtered->targets.size() > options.max_targets) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target set has ", filtered->targets.size(), " addresses, more than --max-targets ",
        options.max_targets, "; raise --max-targets to confirm"));
  }
  if (report != nullptr) {
    report->blocklist_files = std::move(blocklist_files);
    report->allowed_reserved.clear();
    for (const targets::Ipv4Range& range : filter.allowed_reserved.ranges()) {
      report->allowed_reserved.push_back(targets::FormatRange(range));
    }
    report->skip_reserved = options.skip_reserved;
    report->blocklisted = filtered->blocklisted;
    report->reserved_skipped = filtered->reserved_skipped;
  }
  return std::move(filtered->targets);
}

void AddTargetingToMeta(const TargetingReport& report, report::MetaInfo* meta) {
  meta->blocklists = report.blocklist_files;
  meta->blocklisted = report.blocklisted;
  meta->allowed_reserved = report.allowed_reserved;
  meta->skip_reserved = report.skip_reserved;
  meta->reserved_skipped = report.reserved_skipped;
}

void NoteLeftOutTargets(const TargetingReport& report, uint64_t target_count) {
  if (report.blocklisted == 0 && report.reserved_skipped == 0) return;
  std::fprintf(stderr,
               "cutpoint: left out %llu blocklisted and %llu reserved addresses; %llu targets\n",
               static_cast<unsigned long long>(report.blocklisted),
               static_cast<unsigned long long>(report.reserved_skipped),
               static_cast<unsigned long long>(target_count));
}

absl::StatusOr<capture::TxSetup> MakeTxSetup(const ParsedArgs& args, const std::string& interface,
                                             uint32_t first_target, int sender_threads) {
  capture::BackendOptions options;
  if (auto text = args.Get("gateway-mac")) {
    absl::StatusOr<capture::MacAddress> parsed = capture::ParseMac(*text);
    if (!parsed.ok()) return parsed.status();
    options.gateway_mac = *parsed;
  }
  absl::StatusOr<capture::TxBackend> tx = capture::ParseTxBackend(args.Get("tx").value_or("raw"));
  if (!tx.ok()) return tx.status();
  options.tx = *tx;
  options.dpdk_eal_args = args.Get("dpdk-args").value_or("");
  options.dpdk_device = args.Get("dpdk-port").value_or("");
  options.interface = interface;
  options.first_target = first_target;
  options.sender_threads = sender_threads;
  return capture::OpenBackend(options);
}

uint64_t SeedFromKey(const probe::ProbeKey& key) {
  // One-way, under its own label: the seed is written to resume files and may be shown;
  // it must reveal nothing of the key (nor equal any probe subkey).
  static constexpr char kLabel[] = "cutpoint permutation seed v1";
  uint8_t digest[8];
  crypto_generichash(digest, sizeof(digest), reinterpret_cast<const uint8_t*>(kLabel),
                     sizeof(kLabel) - 1, key.bytes.data(), key.bytes.size());
  uint64_t seed = 0;
  for (int i = 7; i >= 0; --i) seed = (seed << 8) | digest[i];
  return seed;
}

absl::Status ResolveSourceAndInterface(uint32_t first_target, uint32_t* source_address,
                                       std::string* interface) {
  if (*source_address != 0) {
    if (!interface->empty()) return absl::OkStatus();
    absl::StatusOr<std::string> holder = capture::InterfaceForAddress(*source_address);
    if (!holder.ok()) {
      return absl::InvalidArgumentError("no interface holds --source-ip; pass --interface");
    }
    *interface = *holder;
    return absl::OkStatus();
  }
  absl::StatusOr<capture::Route> route = capture::LookupRoute(first_target);
  if (!route.ok()) return route.status();
  *source_address = route->source_address;
  if (interface->empty()) *interface = route->interface;
  return absl::OkStatus();
}

std::string CurrentTimeRfc3339() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc;
  gmtime_r(&now.tv_sec, &utc);
  char text[40];
  size_t len = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  return absl::StrCat(absl::string_view(text, len), ".",
                      absl::Dec(now.tv_nsec / 1000, absl::kZeroPad6), "Z");
}

}  // namespace cutpoint::cli
