// SPDX-License-Identifier: Apache-2.0
// Renders a ReportModel as one self-contained HTML page: the CSS, the script, the SVG and
// the data are all inline, so the file opens offline and requests nothing. The summary,
// provenance and cut overview are plain HTML (readable without script and in print); the
// per-target ladders and evidence are drawn by the script on demand from the embedded data.
#ifndef CUTPOINT_ENGINE_REPORT_HTML_REPORT_H_
#define CUTPOINT_ENGINE_REPORT_HTML_REPORT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/report/report_data.h"
#include "engine/report/report_model.h"

namespace cutpoint::report {

// Text made safe for HTML element content and quoted attribute values.
std::string HtmlEscape(absl::string_view text);

// JSON made safe inside <script type="application/json">: '<', '>' and '&' become \u
// escapes, so no "</script>" or "<!--" can end or confuse the element.
std::string ScriptSafeJson(absl::string_view json);

// The whole page. `title` names the report (e.g. the input files); ladders (the replies)
// are embedded for at most `max_ladder_targets` targets, blocked ones first.
std::string RenderHtmlReport(const ReportModel& model, absl::string_view title,
                             size_t max_ladder_targets = kDefaultMaxLadderTargets);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_HTML_REPORT_H_
