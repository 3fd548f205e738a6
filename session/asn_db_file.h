// SPDX-License-Identifier: Apache-2.0
// AS annotation databases read from files (--asn-db): the I/O half of engine/asn. Reads a
// file by path, tells its format from its content (MaxMind DB by the metadata marker
// "\xAB\xCD\xEFMaxMind.com"; pfx2as vs ip2asn text by the first data line's column
// count: 3 vs 5) and adds its entries to a table builder. MaxMind databases (GeoLite2-ASN,
// DB-IP ASN Lite: autonomous_system_number / autonomous_system_organization) are read
// through libmaxminddb by walking the whole search tree once.
#ifndef CUTPOINT_SESSION_ASN_DB_FILE_H_
#define CUTPOINT_SESSION_ASN_DB_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/asn/asn_table.h"

namespace cutpoint::session {

// What a meta record says about one database file.
struct AsnDbFileInfo {
  std::string path;
  std::string format;  // "pfx2as", "ip2asn" or "mmdb"
  uint64_t size = 0;   // bytes
  std::string mtime;   // modification time, RFC 3339 UTC ("2026-12-01T06:00:00Z")
  size_t entries = 0;  // prefixes or ranges added (ip2asn's AS 0 lines not counted)
};

// Adds the file's entries to `builder`. A missing, unreadable, empty, unrecognised or
// malformed file is InvalidArgument naming the path (and the line for text formats);
// then the builder may hold part of the file and should be dropped.
absl::StatusOr<AsnDbFileInfo> AddAsnDbFile(const std::string& path, asn::AsnTableBuilder& builder);

struct AsnDatabases {
  asn::AsnTable table;
  std::vector<AsnDbFileInfo> files;  // in the order given
};

// Every file into one table: the most specific entry across them wins; on the very same
// prefix the file given first wins.
absl::StatusOr<AsnDatabases> LoadAsnDatabases(absl::Span<const std::string> paths);

// The format by content: "mmdb", "pfx2as", "ip2asn", or an error saying what was seen.
absl::StatusOr<std::string> DetectAsnDbFormat(absl::string_view path, absl::string_view content);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_ASN_DB_FILE_H_
