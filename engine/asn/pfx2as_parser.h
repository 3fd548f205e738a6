// SPDX-License-Identifier: Apache-2.0
// CAIDA / RouteViews prefix-to-AS files: "PREFIX<TAB>LEN<TAB>ASN" per line, IPv4 or IPv6,
// ASN a single origin, a multi-origin "64500_64501" or an AS set "64500,64501".
#ifndef CUTPOINT_ENGINE_ASN_PFX2AS_PARSER_H_
#define CUTPOINT_ENGINE_ASN_PFX2AS_PARSER_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/asn/asn_table.h"

namespace cutpoint::asn {

// Adds every line of `text` to `builder`; returns how many. `source` names the text in
// errors ("SOURCE:LINE: ..."). A text with no entry is an error. On error the builder
// holds a part of the file: callers drop it.
absl::StatusOr<size_t> ParsePfx2as(absl::string_view text, absl::string_view source,
                                   AsnTableBuilder& builder);

}  // namespace cutpoint::asn

#endif  // CUTPOINT_ENGINE_ASN_PFX2AS_PARSER_H_
