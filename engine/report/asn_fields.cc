// SPDX-License-Identifier: Apache-2.0
#include "engine/report/asn_fields.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"

namespace cutpoint::report {
namespace {

// The keys of one address's fields, spelled out once: no key is built per record.
struct AsnKeys {
  absl::string_view asn;
  absl::string_view asns;
  absl::string_view as_name;
  absl::string_view prefix;
};
constexpr AsnKeys kFromKeys = {"from_asn", "from_asns", "from_as_name", "from_prefix"};
constexpr AsnKeys kTargetKeys = {"target_asn", "target_asns", "target_as_name", "target_prefix"};
constexpr AsnKeys kAfterKeys = {"after_asn", "after_asns", "after_as_name", "after_prefix"};
constexpr AsnKeys kBeforeKeys = {"before_asn", "before_asns", "before_as_name", "before_prefix"};

void AddFields(const asn::AsnTable& table, const AsnKeys& keys, const wire::IpAddress& address,
               bool with_prefix, JsonLine* line) {
  std::optional<asn::AsnMatch> match = table.Lookup(address);
  if (!match) return;
  line->AddUint(keys.asn, match->asn());
  if (match->asns.size() > 1) {
    line->AddUintArray(keys.asns,
                       std::span<const uint32_t>(match->asns.data(), match->asns.size()));
  }
  line->AddString(keys.as_name, match->as_name);
  if (with_prefix) line->AddString(keys.prefix, asn::MatchPrefixText(*match));
}

}  // namespace

void AddAsnFields(const asn::AsnTable& table, absl::string_view name,
                  const wire::IpAddress& address, bool with_prefix, JsonLine* line) {
  const std::string asn = absl::StrCat(name, "_asn");
  const std::string asns = absl::StrCat(name, "_asns");
  const std::string as_name = absl::StrCat(name, "_as_name");
  const std::string prefix = absl::StrCat(name, "_prefix");
  AddFields(table, {asn, asns, as_name, prefix}, address, with_prefix, line);
}

void AddVerdictAsnFields(const asn::AsnTable& table, const locate::Verdict& verdict,
                         JsonLine* line) {
  AddFields(table, kTargetKeys, verdict.target, /*with_prefix=*/true, line);
  if (!verdict.has_location) return;
  if (verdict.after_addr != wire::IpAddress()) {
    AddFields(table, kAfterKeys, verdict.after_addr, /*with_prefix=*/false, line);
  }
  if (verdict.before_ttl != 0) {
    AddFields(table, kBeforeKeys, verdict.before_addr, /*with_prefix=*/false, line);
  }
}

void AddCutAsnFields(const asn::AsnTable& table, const locate::Cut& cut, JsonLine* line) {
  AddVerdictAsnFields(table, *cut.verdict, line);
}

absl::string_view ReplyAsnFields(const asn::AsnTable& table, const wire::IpAddress& from,
                                 JsonLine* scratch) {
  scratch->Begin();
  AddFields(table, kFromKeys, from, /*with_prefix=*/true, scratch);
  absl::string_view text = scratch->Finish();
  return text.size() <= 3 ? absl::string_view() : text;  // "{}\n": no match
}

}  // namespace cutpoint::report
