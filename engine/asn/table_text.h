// SPDX-License-Identifier: Apache-2.0
// What the text formats (pfx2as, ip2asn) share: walking lines with their numbers, the
// error that names "SOURCE:LINE", addresses and ASN lists.
#ifndef CUTPOINT_ENGINE_ASN_TABLE_TEXT_H_
#define CUTPOINT_ENGINE_ASN_TABLE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::asn {

// Calls visit(line_number, fields) for every line that is neither blank nor a '#'
// comment, fields split on tabs ('\r' of CRLF files dropped). Stops at the first error.
template <typename Visit>
absl::Status ForEachDataLine(absl::string_view text, Visit visit) {
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t end = text.find('\n');
    absl::string_view line = text.substr(0, end);
    text = end == absl::string_view::npos ? absl::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> fields;
    for (size_t start = 0;;) {
      const size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab == absl::string_view::npos ? tab : tab - start));
      if (tab == absl::string_view::npos) break;
      start = tab + 1;
    }
    if (absl::Status status = visit(line_number, fields); !status.ok()) return status;
  }
  return absl::OkStatus();
}

// InvalidArgument "SOURCE:LINE: MESSAGE".
absl::Status LineError(absl::string_view source, size_t line_number, absl::string_view message);

// An address as the files write it: ParseIpAddress's forms, plus the IPv4-mapped
// "::ffff:a.b.c.d", which is read as the IPv4 address (the table is per family).
absl::StatusOr<wire::IpAddress> ParseTableAddress(absl::string_view text);

// "64500", multi-origin "64500_64501", AS set "64500,64501" (or "{64500,64501}"), and
// combinations: every ASN once, in order. Decimal 32-bit ASNs only.
absl::StatusOr<std::vector<uint32_t>> ParseAsnList(absl::string_view text);

}  // namespace cutpoint::asn

#endif  // CUTPOINT_ENGINE_ASN_TABLE_TEXT_H_
