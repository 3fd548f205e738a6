// SPDX-License-Identifier: Apache-2.0
#include "engine/asn/ip2asn_parser.h"

#include <cstdint>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/asn/table_text.h"

namespace cutpoint::asn {

absl::StatusOr<size_t> ParseIp2asn(absl::string_view text, absl::string_view source,
                                   AsnTableBuilder& builder) {
  size_t lines = 0;
  size_t entries = 0;
  absl::Status status = ForEachDataLine(
      text, [&](size_t line, const std::vector<absl::string_view>& fields) -> absl::Status {
        ++lines;
        // The description may be missing on unrouted lines; it never holds a tab.
        if (fields.size() != 5 && fields.size() != 4) {
          return LineError(source, line,
                           absl::StrCat("expected range_start<TAB>range_end<TAB>AS_number<TAB>"
                                        "country_code<TAB>AS_description, got ",
                                        fields.size(), " tab-separated field(s)"));
        }
        absl::StatusOr<wire::IpAddress> first = ParseTableAddress(fields[0]);
        absl::StatusOr<wire::IpAddress> last = ParseTableAddress(fields[1]);
        if (!first.ok() || !last.ok()) {
          const bool first_bad = !first.ok();
          return LineError(source, line,
                           absl::StrCat("bad range ", first_bad ? "start" : "end", " '",
                                        fields[first_bad ? 0 : 1], "': ",
                                        (first_bad ? first : last).status().message()));
        }
        if (first->is_v4() != last->is_v4() || *last < *first) {
          return LineError(source, line,
                           absl::StrCat("bad range ", fields[0], " - ", fields[1],
                                        " (end before start, or two address families)"));
        }
        uint32_t asn = 0;
        if (!absl::SimpleAtoi(fields[2], &asn)) {
          return LineError(source, line,
                           absl::StrCat("bad ASN '", fields[2], "' (a decimal 32-bit number)"));
        }
        if (asn == 0) return absl::OkStatus();  // "Not routed"
        const absl::string_view country = fields[3].size() == 2 ? fields[3] : "";
        const absl::string_view name = fields.size() == 5 ? fields[4] : "";
        const uint32_t asns[] = {asn};
        builder.AddRange(*first, *last, asns, name, country);
        ++entries;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (lines == 0) return absl::InvalidArgumentError(absl::StrCat(source, ": no ip2asn entries"));
  return entries;
}

}  // namespace cutpoint::asn
