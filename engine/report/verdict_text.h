// SPDX-License-Identifier: Apache-2.0
// The verdicts of a locate run for a reader (`locate --format text|markdown`): the
// targets that something accuses (blocking verdicts, then unreachable and inconclusive)
// with where it happened, the AS of the bounding hops and the target, and the one piece
// of evidence that says most; the rest counted on one line.
#ifndef CUTPOINT_ENGINE_REPORT_VERDICT_TEXT_H_
#define CUTPOINT_ENGINE_REPORT_VERDICT_TEXT_H_

#include <string>
#include <vector>

#include "engine/asn/asn_table.h"
#include "engine/locate/verdict.h"

namespace cutpoint::report {

struct VerdictTextOptions {
  bool all = false;       // a row for every verdict (control hosts too), no count line
  bool markdown = false;  // a GitHub-flavoured table instead of aligned columns
};

// `asn_table` may be null (no --asn-db): then no AS column and no AS in the locations.
std::string FormatVerdictText(const std::vector<locate::Verdict>& verdicts,
                              const asn::AsnTable* asn_table, const VerdictTextOptions& options);

// "after hop 2 (198.18.1.2, AS64500) – before hop 3 (198.18.2.2)"; "-" without a location.
std::string LocationText(const locate::Verdict& verdict, const asn::AsnTable* asn_table);

// The detail of the evidence item that best explains the verdict (a fixed preference
// by name, else the first item); empty when the verdict has none.
std::string TellingEvidence(const locate::Verdict& verdict);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_VERDICT_TEXT_H_
