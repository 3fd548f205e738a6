// SPDX-License-Identifier: Apache-2.0
// The verdicts of a locate run as CSV (RFC 4180) for spreadsheets: one row per verdict,
// a header first, the AS columns only with an AS table.
#ifndef CUTPOINT_ENGINE_REPORT_VERDICT_CSV_H_
#define CUTPOINT_ENGINE_REPORT_VERDICT_CSV_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/asn/asn_table.h"
#include "engine/locate/verdict.h"

namespace cutpoint::report {

// Lines end in CRLF as RFC 4180 asks; fields with a comma, quote or line break are quoted.
// Unknown values are empty fields. `asn_table` may be null.
std::string FormatVerdictCsv(const std::vector<locate::Verdict>& verdicts,
                             const asn::AsnTable* asn_table);

// One CSV field.
std::string CsvField(absl::string_view text);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_VERDICT_CSV_H_
