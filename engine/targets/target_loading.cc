// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/target_loading.h"

#include <sys/stat.h>

#include <cerrno>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/targets/reserved_ranges.h"
#include "engine/targets/target_filter.h"

namespace cutpoint::targets {
namespace {

absl::StatusOr<TargetSet> ReadPrefixLists(const std::vector<std::string>& files,
                                          absl::string_view what) {
  // One list (the usual case) is the set itself: an allowlist may be a whole hitlist.
  if (files.size() == 1) return ReadPrefixList(files.front(), what);
  TargetSetBuilder builder;
  for (const std::string& file : files) {
    ASSIGN_OR_RETURN(TargetSet list, ReadPrefixList(file, what));
    builder.AddSet(list);
  }
  return std::move(builder).Build();
}

// The TARGET words and files; with an allowlist, it becomes the set when they name none
// (as in zmap) and a filter on them otherwise.
absl::StatusOr<TargetSet> ReadTargets(const TargetOptions& options,
                                      std::optional<TargetSet>* allowlist_filter,
                                      std::vector<DualStackPair>* dual_stack_pairs) {
  TargetSetBuilder builder;
  for (const std::string& spec : options.specs) RETURN_IF_ERROR(builder.AddSpec(spec));
  for (const std::string& file : options.files) RETURN_IF_ERROR(builder.AddFile(file));
  *dual_stack_pairs = builder.TakeDualStackPairs();
  TargetSet set = std::move(builder).Build();
  if (!options.allowlist_files.empty()) {
    ASSIGN_OR_RETURN(TargetSet allowlist, ReadPrefixLists(options.allowlist_files, "allowlist"));
    if (set.empty()) {
      set = std::move(allowlist);
    } else {
      *allowlist_filter = std::move(allowlist);
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
  return set;
}

std::vector<std::string> BlocklistFiles(const TargetOptions& options) {
  std::vector<std::string> files = options.blocklist_files;
  // An absent default list is normal; one that exists is an opt-out and must be read.
  const std::string& path = options.default_blocklist;
  struct stat info;
  if (!path.empty() && (stat(path.c_str(), &info) == 0 || (errno != ENOENT && errno != ENOTDIR))) {
    files.push_back(path);
  }
  return files;
}

}  // namespace

absl::StatusOr<TargetSet> LoadTargets(const TargetOptions& options, TargetingReport* report) {
  TargetFilter filter;
  filter.skip_reserved = options.skip_reserved;
  ASSIGN_OR_RETURN(filter.allowed_reserved, ParseAllowedReserved(options.allow_reserved));
  // With --skip-reserved the set must stay the one the probing run skipped to.
  if (options.sends_nothing && !options.skip_reserved) {
    filter.allowed_reserved = UnlockableReservedSet();
  }
  std::vector<DualStackPair> dual_stack_pairs;
  ASSIGN_OR_RETURN(TargetSet set, ReadTargets(options, &filter.allowlist, &dual_stack_pairs));
  std::vector<std::string> blocklist_files = BlocklistFiles(options);
  ASSIGN_OR_RETURN(filter.blocklist, ReadPrefixLists(blocklist_files, "blocklist"));
  ASSIGN_OR_RETURN(FilteredTargets filtered, FilterTargets(std::move(set), filter));
  const Uint128 size = filtered.targets.exact_size();
  // An IPv6 prefix can hold more addresses than a run can index (2^63, the permutation's
  // bound); IPv6 runs take hitlists, or prefixes small enough to confirm with --max-targets.
  constexpr Uint128 kMaxRunTargets = Uint128{1} << 63;
  if ((options.max_targets != 0 && size > options.max_targets) || size > kMaxRunTargets) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target set has ", FormatCount(size), " addresses, more than --max-targets ",
        options.max_targets,
        filtered.targets.CountV6() == 0
            ? "; raise --max-targets to confirm"
            : "; IPv6 prefixes are huge: list the hosts to probe (-f hitlist), or raise "
              "--max-targets to confirm a small prefix"));
  }
  if (report != nullptr) {
    report->blocklist_files = std::move(blocklist_files);
    report->allowed_reserved.clear();
    for (const IpRange range : filter.allowed_reserved.ranges()) {
      report->allowed_reserved.push_back(FormatRange(range));
    }
    report->skip_reserved = options.skip_reserved;
    report->blocklisted = filtered.blocklisted;
    report->reserved_skipped = filtered.reserved_skipped;
    // A pair loses its meaning with either address left out.
    std::erase_if(dual_stack_pairs, [&](const DualStackPair& pair) {
      return !filtered.targets.Contains(pair.v4) || !filtered.targets.Contains(pair.v6);
    });
    report->dual_stack_pairs = std::move(dual_stack_pairs);
  }
  return std::move(filtered.targets);
}

}  // namespace cutpoint::targets
