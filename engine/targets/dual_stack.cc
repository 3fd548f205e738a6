// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/dual_stack.h"

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/base/status_macros.h"

namespace cutpoint::targets {
namespace {

constexpr absl::string_view kSeparators = ", \t";
constexpr absl::string_view kPairForm =
    "a dual-stack host is one IPv4 and one IPv6 address, as in '198.51.100.7 2001:db8::7'";

}  // namespace

bool IsDualStackEntry(absl::string_view entry) {
  return absl::StripAsciiWhitespace(entry).find_first_of(kSeparators) != absl::string_view::npos;
}

absl::StatusOr<DualStackPair> ParseDualStackPair(absl::string_view entry) {
  std::vector<absl::string_view> words =
      absl::StrSplit(entry, absl::ByAnyChar(kSeparators), absl::SkipEmpty());
  if (words.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", entry, "' holds ", words.size(), " words; ", kPairForm));
  }
  std::optional<wire::IpAddress> v4, v6;
  for (absl::string_view word : words) {
    absl::StatusOr<wire::IpAddress> address = wire::ParseIpAddress(word);
    if (!address.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", word, "': ", address.status().message(), "; ", kPairForm));
    }
    std::optional<wire::IpAddress>& slot = address->is_v4() ? v4 : v6;
    if (slot.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", entry, "' names two addresses of one family; ", kPairForm));
    }
    slot = *address;
  }
  return DualStackPair{*v4, *v6};
}

}  // namespace cutpoint::targets
