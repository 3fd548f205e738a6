#include "engine/report/asn_fields.h"

#include <optional>

#include "absl/strings/str_cat.h"

namespace cutpoint::report {

void AddAsnFields(const asn::AsnTable& table, absl::string_view name,
                  const wire::IpAddress& address, bool with_prefix, JsonLine* line) {
  std::optional<asn::AsnMatch> match = table.Lookup(address);
  if (!match) return;
  line->AddUint(absl::StrCat(name, "_asn"), match->asn());
  if (match->asns.size() > 1) {
    line->AddUintArray(absl::StrCat(name, "_asns"),
                       std::span<const uint32_t>(match->asns.data(), match->asns.size()));
  }
  line->AddString(absl::StrCat(name, "_as_name"), match->as_name);
  if (with_prefix) line->AddString(absl::StrCat(name, "_prefix"), asn::MatchPrefixText(*match));
}

void AddVerdictAsnFields(const asn::AsnTable& table, const locate::Verdict& verdict,
                         JsonLine* line) {
  AddAsnFields(table, "target", verdict.target, /*with_prefix=*/true, line);
  if (!verdict.has_location) return;
  if (verdict.after_addr != wire::IpAddress()) {
    AddAsnFields(table, "after", verdict.after_addr, /*with_prefix=*/false, line);
  }
  if (verdict.before_ttl != 0) {
    AddAsnFields(table, "before", verdict.before_addr, /*with_prefix=*/false, line);
  }
}

void AddCutAsnFields(const asn::AsnTable& table, const locate::Cut& cut, JsonLine* line) {
  AddVerdictAsnFields(table, *cut.verdict, line);
}

absl::string_view ReplyAsnFields(const asn::AsnTable& table, const wire::IpAddress& from,
                                 JsonLine* scratch) {
  scratch->Begin();
  AddAsnFields(table, "from", from, /*with_prefix=*/true, scratch);
  absl::string_view text = scratch->Finish();
  return text.size() <= 3 ? absl::string_view() : text;  // "{}\n": no match
}

}  // namespace cutpoint::report
