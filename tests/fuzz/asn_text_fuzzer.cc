// SPDX-License-Identifier: Apache-2.0
// Fuzzes the AS database text parsers (engine/asn: pfx2as and ip2asn) and the table they
// fill. The first byte picks the parser; the rest is the file. For a text that parses,
// every address named in its first two columns, and its neighbours, is looked up: a match
// must hold the address, in the address's family, with at least one ASN.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "engine/asn/asn_table.h"
#include "engine/asn/ip2asn_parser.h"
#include "engine/asn/pfx2as_parser.h"
#include "engine/asn/table_text.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

using cutpoint::asn::AsnMatch;
using cutpoint::asn::AsnTable;
using cutpoint::asn::AsnTableBuilder;
using cutpoint::wire::IpAddress;

void CheckLookup(const AsnTable& table, const IpAddress& address) {
  std::optional<AsnMatch> match = table.Lookup(address);
  if (!match) return;
  FUZZ_CHECK(!match->asns.empty());
  FUZZ_CHECK(match->first <= address && address <= match->last);
  FUZZ_CHECK(match->first.is_v4() == address.is_v4());
  FUZZ_CHECK(!cutpoint::asn::MatchPrefixText(*match).empty());
}

void CheckAround(const AsnTable& table, const IpAddress& address) {
  CheckLookup(table, address);
  const cutpoint::wire::Uint128 value = address.value();
  CheckLookup(table, IpAddress::FromValue(value + 1));
  CheckLookup(table, IpAddress::FromValue(value - 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool ip2asn = (data[0] & 1) != 0;
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  AsnTableBuilder builder;
  const auto parsed = ip2asn ? cutpoint::asn::ParseIp2asn(text, "fuzz", builder)
                             : cutpoint::asn::ParsePfx2as(text, "fuzz", builder);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().message().find("fuzz") == 0);
    return 0;
  }
  FUZZ_CHECK(*parsed == builder.entry_count());
  const AsnTable table = std::move(builder).Build();
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    for (size_t i = 0; i < fields.size() && i < 2; ++i) {
      absl::string_view field = fields[i];
      if (!field.empty() && field.back() == '\r') field.remove_suffix(1);
      auto address = cutpoint::asn::ParseTableAddress(field);
      if (address.ok()) CheckAround(table, *address);
    }
  }
  CheckAround(table, IpAddress::V4(0));
  CheckAround(table, IpAddress());
  return 0;
}
