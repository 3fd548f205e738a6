// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/asn_annotation.h"

#include <utility>

#include "engine/base/status_macros.h"

namespace cutpoint::cli {

absl::StatusOr<std::unique_ptr<session::AsnDatabases>> LoadAsnDatabasesOption(
    const std::vector<std::string>& paths) {
  if (paths.empty()) return nullptr;
  ASSIGN_OR_RETURN(session::AsnDatabases databases, session::LoadAsnDatabases(paths));
  return std::make_unique<session::AsnDatabases>(std::move(databases));
}

void AddAsnDbsToMeta(const session::AsnDatabases* databases, report::MetaInfo* meta) {
  if (databases == nullptr) return;
  for (const session::AsnDbFileInfo& file : databases->files) {
    meta->asn_dbs.push_back({file.path, file.format, file.size, file.mtime, file.entries});
  }
}

}  // namespace cutpoint::cli
