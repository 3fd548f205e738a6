// SPDX-License-Identifier: Apache-2.0
#include "engine/report/verdict_csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/report/verdict_text.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::report {
namespace {

std::string Address(const wire::IpAddress& address) {
  return address == wire::IpAddress() ? "" : wire::IpAddressToString(address);
}

std::string Asn(const asn::AsnTable& table, const wire::IpAddress& address) {
  if (address == wire::IpAddress()) return "";
  std::optional<asn::AsnMatch> match = table.Lookup(address);
  return match ? asn::AsnListText(match->asns) : "";
}

}  // namespace

std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string FormatVerdictCsv(const std::vector<locate::Verdict>& verdicts,
                             const asn::AsnTable* asn_table) {
  std::vector<std::string> header = {"target",     "port",        "verdict",    "mechanism",
                                     "reason",     "after_ttl",   "after_addr", "before_ttl",
                                     "before_addr", "distance",   "scope",      "cut_prefix",
                                     "control_host", "evidence"};
  if (asn_table != nullptr) {
    for (const char* name : {"target_asn", "after_asn", "before_asn"}) header.push_back(name);
  }
  std::string out = absl::StrCat(absl::StrJoin(header, ","), "\r\n");
  for (const locate::Verdict& v : verdicts) {
    std::vector<std::string> row = {
        wire::IpAddressToString(v.target),
        absl::StrCat(v.port),
        std::string(locate::VerdictName(v.verdict)),
        std::string(locate::MechanismName(v.mechanism)),
        v.reason,
        v.has_location ? absl::StrCat(v.after_ttl) : "",
        v.has_location ? Address(v.after_addr) : "",
        v.has_location && v.before_ttl != 0 ? absl::StrCat(v.before_ttl) : "",
        v.has_location && v.before_ttl != 0 ? Address(v.before_addr) : "",
        v.distance != 0 ? absl::StrCat(v.distance) : "",
        std::string(locate::ScopeName(v.scope)),
        v.cut_prefix,
        v.control_host ? "true" : "false",
        TellingEvidence(v),
    };
    if (asn_table != nullptr) {
      row.push_back(Asn(*asn_table, v.target));
      row.push_back(v.has_location ? Asn(*asn_table, v.after_addr) : "");
      row.push_back(v.has_location && v.before_ttl != 0 ? Asn(*asn_table, v.before_addr) : "");
    }
    for (std::string& field : row) field = CsvField(field);
    absl::StrAppend(&out, absl::StrJoin(row, ","), "\r\n");
  }
  return out;
}

}  // namespace cutpoint::report
