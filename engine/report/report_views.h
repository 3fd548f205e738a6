// SPDX-License-Identifier: Apache-2.0
// The non-HTML views of `cutpoint report` over outputs read into a ReportModel: the
// verdict table a person reads (text, markdown), CSV, the paths as Graphviz DOT, RIPE
// Atlas traceroute results, and the mtr-like hop table of a trace's targets. Pure: the
// model in, text out; each view itself lives in its own file (verdict_text.h, …).
#ifndef CUTPOINT_ENGINE_REPORT_REPORT_VIEWS_H_
#define CUTPOINT_ENGINE_REPORT_REPORT_VIEWS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "engine/asn/asn_table.h"
#include "engine/locate/verdict.h"
#include "engine/report/report_model.h"
#include "engine/report/trace_reply.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::report {

enum class ReportView { kText, kMarkdown, kCsv, kDot, kAtlas };

// "text", "markdown", "csv", "dot", "atlas"; nullopt for anything else.
std::optional<ReportView> ParseReportView(absl::string_view name);

struct ReportViewOptions {
  ReportView view = ReportView::kText;
  bool all = false;                       // text/markdown verdicts: every row
  std::optional<wire::IpAddress> target;  // only this target's verdicts and hops
  const asn::AsnTable* asn_table = nullptr;  // --asn-db; may be null
};

// Text and markdown: the verdicts of each vantage (blocked first, the rest counted),
// followed by the hop table of the target when `target` is set; a model without verdicts
// (trace output) gets one hop table per target. CSV needs verdicts; DOT draws replies and
// verdicts; Atlas needs replies. InvalidArgument when the model lacks what the view needs
// or `target` is in none of it.
absl::StatusOr<std::string> RenderReportView(const ReportModel& model,
                                             const ReportViewOptions& options);

// How many vantages the model's verdicts come from (a verdict's tag, else its file).
size_t VantageCount(const ReportModel& model);

// A verdict or reply of the model back in the engine's own types. InvalidArgument for an
// address, verdict, mechanism, scope or probe name the engine does not know.
absl::StatusOr<locate::Verdict> VerdictFromReport(const ReportVerdict& verdict);
absl::StatusOr<TraceReply> TraceReplyFromReport(const ReportReply& reply);

// Fills the AS fields the records lack (outputs written without --asn-db) from `table`:
// replies' from_asn, verdicts' after_asn and target_asn, cuts' after_asn. Fields the
// records carry are kept: they say what the run itself looked up.
void AnnotateReportModel(const asn::AsnTable& table, ReportModel* model);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_REPORT_VIEWS_H_
