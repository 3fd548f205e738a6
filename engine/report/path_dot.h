// SPDX-License-Identifier: Apache-2.0
// The paths of a trace or locate run as a Graphviz digraph: the prober, every responder
// (labelled with its AS when known) and the edges between responders of consecutive
// answered TTLs of each flow; blocking verdicts add a red edge over the hop interval
// where the filter sits. `dot -Tsvg` draws it.
#ifndef CUTPOINT_ENGINE_REPORT_PATH_DOT_H_
#define CUTPOINT_ENGINE_REPORT_PATH_DOT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/asn/asn_table.h"
#include "engine/locate/verdict.h"
#include "engine/report/trace_reply.h"

namespace cutpoint::report {

// Edges skipping TTLs nobody answered are dashed. A responder's AS comes from
// `asn_table` (may be null), else from the reply's from_asn. Output is deterministic:
// nodes and edges sorted.
std::string FormatPathDot(absl::Span<const TraceReply> replies,
                          const std::vector<locate::Verdict>& verdicts,
                          const asn::AsnTable* asn_table);

// `text` as a DOT double-quoted string, quotes included.
std::string DotQuoted(absl::string_view text);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_PATH_DOT_H_
