// SPDX-License-Identifier: Apache-2.0
#include "engine/asn/pfx2as_parser.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/asn/table_text.h"

namespace cutpoint::asn {

absl::StatusOr<size_t> ParsePfx2as(absl::string_view text, absl::string_view source,
                                   AsnTableBuilder& builder) {
  size_t entries = 0;
  absl::Status status = ForEachDataLine(
      text, [&](size_t line, const std::vector<absl::string_view>& fields) -> absl::Status {
        if (fields.size() != 3) {
          return LineError(source, line,
                           absl::StrCat("expected PREFIX<TAB>LEN<TAB>ASN, got ", fields.size(),
                                        " tab-separated field(s)"));
        }
        absl::StatusOr<wire::IpAddress> base = ParseTableAddress(fields[0]);
        if (!base.ok()) {
          return LineError(source, line,
                           absl::StrCat("bad prefix '", fields[0], "': ", base.status().message()));
        }
        int len = -1;
        // A mapped "::ffff:a.b.c.d" prefix counts its length in the IPv6 space.
        const int offset = base->is_v4() && fields[0].find(':') != absl::string_view::npos ? 96 : 0;
        const int bits = base->is_v4() ? 32 : 128;
        if (!absl::SimpleAtoi(fields[1], &len) || len - offset < 0 || len - offset > bits) {
          return LineError(source, line,
                           absl::StrCat("bad prefix length '", fields[1], "' for ", fields[0],
                                        " (", offset, "-", bits + offset, ")"));
        }
        absl::StatusOr<std::vector<uint32_t>> asns = ParseAsnList(fields[2]);
        if (!asns.ok()) return LineError(source, line, asns.status().message());
        builder.AddPrefix(*base, len - offset, *asns, "", "");
        ++entries;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (entries == 0) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no pfx2as entries"));
  }
  return entries;
}

}  // namespace cutpoint::asn
