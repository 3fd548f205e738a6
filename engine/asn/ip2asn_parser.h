// SPDX-License-Identifier: Apache-2.0
// iptoasn.com files (ip2asn-v4.tsv, ip2asn-v6.tsv, ip2asn-combined.tsv): per line
// "range_start<TAB>range_end<TAB>AS_number<TAB>country_code<TAB>AS_description". Ranges
// need not be CIDR blocks and are kept as ranges (a match reports "a-b", or "a/len" when
// the range is exactly one block). AS 0 ("Not routed") annotates nothing.
#ifndef CUTPOINT_ENGINE_ASN_IP2ASN_PARSER_H_
#define CUTPOINT_ENGINE_ASN_IP2ASN_PARSER_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/asn/asn_table.h"

namespace cutpoint::asn {

// Adds every routed range of `text` to `builder`; returns how many. A text with no data
// line is an error; one whose lines are all AS 0 is valid and adds nothing. `source`
// names the text in errors ("SOURCE:LINE: ..."). On error the builder holds a part of
// the file: callers drop it.
absl::StatusOr<size_t> ParseIp2asn(absl::string_view text, absl::string_view source,
                                   AsnTableBuilder& builder);

}  // namespace cutpoint::asn

#endif  // CUTPOINT_ENGINE_ASN_IP2ASN_PARSER_H_
