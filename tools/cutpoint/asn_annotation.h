// SPDX-License-Identifier: Apache-2.0
// --asn-db for the probing commands: the databases loaded before anything is sent (a
// missing or malformed file is exit 2), and what the meta record says about them.
#ifndef CUTPOINT_TOOLS_CUTPOINT_ASN_ANNOTATION_H_
#define CUTPOINT_TOOLS_CUTPOINT_ASN_ANNOTATION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/asn/asn_table.h"
#include "engine/report/records.h"
#include "session/asn_db_file.h"

namespace cutpoint::cli {

// Every --asn-db file in one table; nullptr when none was given.
absl::StatusOr<std::unique_ptr<session::AsnDatabases>> LoadAsnDatabasesOption(
    const std::vector<std::string>& paths);

// The table to annotate with, or nullptr.
inline const asn::AsnTable* AsnTableOf(const std::unique_ptr<session::AsnDatabases>& databases) {
  return databases != nullptr ? &databases->table : nullptr;
}

// The meta record's "asn_dbs" (nothing without --asn-db).
void AddAsnDbsToMeta(const session::AsnDatabases* databases, report::MetaInfo* meta);

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_ASN_ANNOTATION_H_
