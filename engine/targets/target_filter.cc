// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/target_filter.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/targets/reserved_ranges.h"

namespace cutpoint::targets {

absl::StatusOr<TargetSet> ReadPrefixList(const std::string& path, absl::string_view what) {
  std::ifstream in(path);
  std::stringstream contents;
  if (in) contents << in.rdbuf();
  if (!in || in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", what, " '", path, "': ", std::strerror(errno)));
  }
  TargetSetBuilder builder(TargetSetBuilder::Pairs::kRefused);
  absl::Status status = builder.AddText(contents.str(), path);
  if (!status.ok()) return absl::InvalidArgumentError(absl::StrCat(what, " ", status.message()));
  return std::move(builder).Build();
}

absl::StatusOr<FilteredTargets> FilterTargets(TargetSet targets, const TargetFilter& filter) {
  FilteredTargets out;
  if (filter.allowlist.has_value()) targets = targets.Intersect(*filter.allowlist);
  const uint64_t before_blocklist = targets.size();
  // Set algebra copies the set; a hitlist of millions is copied only when a list applies.
  if (!filter.blocklist.empty()) targets = targets.Subtract(filter.blocklist);
  out.blocklisted = before_blocklist - targets.size();
  if (filter.skip_reserved) {
    // The unlockable part of `allowed_reserved` survives; never-probed ranges never do.
    const uint64_t before_reserved = targets.size();
    targets = targets.Subtract(ReservedSet().Subtract(filter.allowed_reserved));
    out.reserved_skipped = before_reserved - targets.size();
  }
  if (targets.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no targets left after the allow- and blocklists",
        filter.skip_reserved ? absl::StrCat(" and --skip-reserved (", out.reserved_skipped,
                                            " reserved addresses left out)")
                             : ""));
  }
  RETURN_IF_ERROR(CheckReservedTargets(targets, filter.allowed_reserved));
  out.targets = std::move(targets);
  return out;
}

}  // namespace cutpoint::targets
