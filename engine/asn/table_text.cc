// SPDX-License-Identifier: Apache-2.0
#include "engine/asn/table_text.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cutpoint::asn {

absl::Status LineError(absl::string_view source, size_t line_number, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", message));
}

absl::StatusOr<wire::IpAddress> ParseTableAddress(absl::string_view text) {
  constexpr absl::string_view kMapped = "::ffff:";
  if (text.size() > kMapped.size() && absl::StartsWithIgnoreCase(text, kMapped) &&
      text.find('.') != absl::string_view::npos) {
    absl::StatusOr<wire::IpAddress> v4 = wire::ParseIpAddress(text.substr(kMapped.size()));
    if (v4.ok() && v4->is_v4()) return *v4;
  }
  return wire::ParseIpAddress(text);
}

absl::StatusOr<std::vector<uint32_t>> ParseAsnList(absl::string_view text) {
  absl::string_view body = text;
  if (body.size() >= 2 && body.front() == '{' && body.back() == '}') {
    body = body.substr(1, body.size() - 2);
  }
  std::vector<uint32_t> asns;
  for (absl::string_view part : absl::StrSplit(body, absl::ByAnyChar("_,"))) {
    uint32_t asn = 0;
    const bool digits = !part.empty() && std::all_of(part.begin(), part.end(), absl::ascii_isdigit);
    if (!digits || !absl::SimpleAtoi(part, &asn)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad ASN '", text, "' (a decimal 32-bit number, '_' or ',' between origins)"));
    }
    if (std::find(asns.begin(), asns.end(), asn) == asns.end()) asns.push_back(asn);
  }
  return asns;
}

}  // namespace cutpoint::asn
