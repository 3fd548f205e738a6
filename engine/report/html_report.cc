// SPDX-License-Identifier: Apache-2.0
#include "engine/report/html_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "engine/report/report_assets.h"  // generated from tools/report_assets/ at build time
#include "engine/report/report_data.h"

namespace cutpoint::report {
namespace {

// Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), and a
// glyph per verdict so that neither colour nor shape alone carries the meaning.
struct VerdictStyle {
  const char* name;
  const char* colour;
  const char* glyph;
};
constexpr VerdictStyle kStyles[] = {
    {"silent_drop", "#D55E00", "\u2715"},   {"partial_drop", "#E69F00", "\u25D0"},
    {"rst_injection", "#CC79A7", "\u25AE"}, {"icmp_prohibited", "#0072B2", "\u2298"},
    {"blackholed", "#000000", "\u25A0"},    {"unreachable", "#999999", "\u25BD"},
    {"inconclusive", "#B8A000", "?"},       {"closed", "#56B4E9", "\u25CB"},
    {"reachable", "#009E73", "\u25CF"},
};

VerdictStyle StyleOf(absl::string_view verdict) {
  for (const VerdictStyle& style : kStyles) {
    if (verdict == style.name) return style;
  }
  return {"other", "#666666", "\u00B7"};
}

std::string Words(absl::string_view name) {
  std::string text(name);
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

// A capture time (microseconds since the epoch) as RFC 3339 UTC text, to the second.
std::string UtcTime(int64_t time_us) {
  const int64_t seconds = time_us / 1000000;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(seconds),
                          absl::UTCTimeZone());
}

void AppendHeader(const ReportModel& model, std::string* out) {
  absl::StrAppend(out, "<section id=\"provenance\"><h2>Provenance</h2>");
  if (model.runs.empty()) absl::StrAppend(out, "<p>No meta record: the input names no run.</p>");
  absl::StrAppend(out,
                  "<table class=\"runs\"><thead><tr><th>file</th><th>command</th><th>version</th>"
                  "<th>key</th><th>vantage</th><th>source</th><th>started</th><th>duration</th>"
                  "<th>command line</th></tr></thead><tbody>");
  for (const ReportRun& run : model.runs) {
    absl::StrAppend(out, "<tr><td>", HtmlEscape(run.file), ":", run.line, "</td><td>",
                    HtmlEscape(run.command), "</td><td>", HtmlEscape(run.version),
                    "</td><td><code class=\"key\">", HtmlEscape(run.key_fingerprint),
                    "</code></td><td>",
                    HtmlEscape(run.vantage.empty() ? "(untagged)" : run.vantage), "</td><td>",
                    HtmlEscape(run.source), "</td><td>", HtmlEscape(run.start_time), "</td><td>",
                    run.has_stats ? absl::StrFormat("%.1f s", run.duration_s) : "unfinished",
                    "</td><td><code>", HtmlEscape(absl::StrJoin(run.argv, " ")), "</code>");
    if (run.merged_shards > 0) {
      absl::StrAppend(out, "<div class=\"shards\">", run.merged_shards,
                      " shards merged (cutpoint merge)</div>");
    } else if (run.shards > 1) {
      absl::StrAppend(out, "<div class=\"shards\">shard ", run.shard, " of ", run.shards,
                      " only</div>");
    }
    if (!run.asn_dbs.empty()) {
      absl::StrAppend(out, "<div class=\"asn-dbs\">AS annotation: ",
                      HtmlEscape(absl::StrJoin(run.asn_dbs, ", ")), "</div>");
    }
    absl::StrAppend(out, "</td></tr>");
  }
  absl::StrAppend(out, "</tbody></table>");
  if (model.first_time_us > 0) {
    absl::StrAppend(out, "<p class=\"span\">Replies captured from ", UtcTime(model.first_time_us),
                    " to ", UtcTime(model.last_time_us), ".</p>");
  }
  absl::StrAppend(out, "</section>");
}

void AppendCounts(const ReportModel& model, std::string* out) {
  absl::StrAppend(out, "<section id=\"summary\"><h2>Summary</h2>");
  if (model.verdicts.empty()) {
    std::set<std::string> targets;
    for (const ReportReply& reply : model.replies) targets.insert(reply.target);
    absl::StrAppend(
        out, "<p id=\"trace-summary\">Trace output: <span class=\"count\" id=\"trace-targets\">",
        targets.size(), "</span> targets answered with <span class=\"count\" id=\"trace-replies\">",
        model.replies.size(), "</span> replies; no verdicts.</p>");
  }
  const std::map<std::string, int> counts = CountVerdicts(model);
  if (!counts.empty()) {
    absl::StrAppend(out,
                    "<table id=\"summary-counts\"><thead><tr><th>verdict</th><th>targets</th>"
                    "</tr></thead><tbody>");
    for (const VerdictStyle& style : kStyles) {  // blocking verdicts first
      auto it = counts.find(style.name);
      if (it == counts.end()) continue;
      absl::StrAppend(out, "<tr data-verdict=\"", style.name,
                      "\"><td><span class=\"glyph\" style=\"color:", style.colour, "\">",
                      style.glyph, "</span> ", Words(style.name), "</td><td class=\"count\">",
                      it->second, "</td></tr>");
    }
    for (const auto& [name, count] : counts) {
      if (StyleOf(name).name != std::string("other")) continue;
      absl::StrAppend(out, "<tr data-verdict=\"", HtmlEscape(name), "\"><td>",
                      HtmlEscape(Words(name)), "</td><td class=\"count\">", count, "</td></tr>");
    }
    absl::StrAppend(out,
                    "<tr class=\"total\"><td>total</td><td class=\"count\" id=\"total-count\">",
                    model.verdicts.size(), "</td></tr></tbody></table>");
  }
  absl::StrAppend(out, "</section>");
}

std::string Interval(const CutGroup& group) {
  const std::string after = group.after_ttl ? absl::StrCat(*group.after_ttl) : "?";
  if (group.before_ttl) return absl::StrCat("between hop ", after, " and ", *group.before_ttl);
  return absl::StrCat("after hop ", after);
}

void AppendCutGroups(const std::vector<CutGroup>& groups, std::string* out) {
  if (groups.empty()) return;
  absl::StrAppend(out,
                  "<section id=\"cuts\"><h2>Where paths are cut</h2>"
                  "<table id=\"cut-groups\" class=\"sortable\"><thead><tr>"
                  "<th data-sort=\"text\">where</th><th data-sort=\"num\">targets</th>"
                  "<th data-sort=\"text\">verdict</th><th data-sort=\"num\">port</th>"
                  "<th data-sort=\"num\">after hop</th><th data-sort=\"num\">before hop</th>"
                  "<th data-sort=\"text\">finding</th></tr></thead><tbody>");
  for (const CutGroup& group : groups) {
    const VerdictStyle style = StyleOf(group.verdict);
    std::string verdict_text = Words(group.verdict);
    if (!group.mechanism.empty()) absl::StrAppend(&verdict_text, " (", Words(group.mechanism), ")");
    const std::string sentence = absl::StrCat(group.where, ": ", group.targets,
                                              group.targets == 1 ? " target, " : " targets, ",
                                              verdict_text, " ", Interval(group));
    absl::StrAppend(out, "<tr data-where=\"", HtmlEscape(group.where), "\"><td>",
                    HtmlEscape(group.where), "</td><td>", group.targets,
                    "</td><td><span class=\"glyph\" style=\"color:", style.colour, "\">",
                    style.glyph, "</span> ", HtmlEscape(verdict_text), "</td><td>", group.port,
                    "</td><td>", group.after_ttl ? absl::StrCat(*group.after_ttl) : "", "</td><td>",
                    group.before_ttl ? absl::StrCat(*group.before_ttl) : "", "</td><td>",
                    HtmlEscape(sentence), "</td></tr>");
  }
  absl::StrAppend(out, "</tbody></table></section>");
}

// The overview: one lane per cut group from the vantage along the path to the hop where
// the cut sits, the AS path written over the hops where the AS changes (replies with
// from_asn); lane width grows with the group's targets.
void AppendOverview(const ReportModel& model, const std::vector<CutGroup>& groups,
                    std::string* out) {
  if (groups.empty()) return;
  constexpr int kMaxLanes = 40, kColumn = 90, kLeft = 120, kLane = 44, kTop = 30;
  const size_t lanes = std::min<size_t>(groups.size(), kMaxLanes);
  int max_ttl = 1;
  int max_targets = 1;
  for (size_t i = 0; i < lanes; ++i) {
    max_ttl =
        std::max({max_ttl, groups[i].after_ttl.value_or(0) + 1, groups[i].before_ttl.value_or(0)});
    max_targets = std::max(max_targets, groups[i].targets);
  }
  const int width = kLeft + (max_ttl + 1) * kColumn + 220;
  const int height = kTop + static_cast<int>(lanes) * kLane + 20;
  // The lanes start at the prober: its vantage name, else its address.
  std::string vantage = model.runs.empty() ? "" : model.runs.front().vantage;
  if (vantage.empty() && !model.runs.empty()) vantage = model.runs.front().source;
  if (vantage.empty()) vantage = "vantage";
  absl::StrAppend(out, "<section id=\"overview\"><h2>Cuts on the path</h2>",
                  "<svg id=\"overview-svg\" role=\"img\" aria-label=\"cuts by hop\" width=\"",
                  width, "\" height=\"", height, "\" viewBox=\"0 0 ", width, " ", height, "\">");
  for (int ttl = 1; ttl <= max_ttl; ++ttl) {
    absl::StrAppend(out, "<text class=\"axis\" x=\"", kLeft + ttl * kColumn, "\" y=\"14\">hop ",
                    ttl, "</text>");
  }
  for (size_t i = 0; i < lanes; ++i) {
    const CutGroup& group = groups[i];
    const VerdictStyle style = StyleOf(group.verdict);
    const int y = kTop + static_cast<int>(i) * kLane + kLane / 2;
    const int after = group.after_ttl.value_or(0);
    const int cut_x = kLeft + after * kColumn + kColumn / 2;
    const double stroke = 2.0 + 10.0 * group.targets / max_targets;
    std::string as_path;
    int64_t previous_as = -1;  // ASNs are never negative
    for (const std::optional<int64_t>& asn : group.hop_asns) {
      if (!asn || *asn == previous_as) continue;
      absl::StrAppend(&as_path, as_path.empty() ? "" : " ", "AS", *asn);
      previous_as = *asn;
    }
    absl::StrAppend(out, "<g class=\"lane\" data-verdict=\"", style.name, "\" data-as-path=\"",
                    as_path, "\"><text x=\"4\" y=\"", y + 4, "\">", HtmlEscape(vantage),
                    "</text>");
    absl::StrAppend(out, "<line x1=\"", kLeft, "\" y1=\"", y, "\" x2=\"", cut_x - 12, "\" y2=\"", y,
                    "\" stroke=\"#555\" stroke-width=\"", absl::StrFormat("%.1f", stroke),
                    "\"><title>", group.targets, " targets</title></line>");
    previous_as = -1;
    for (int ttl = 1; ttl <= after; ++ttl) {
      absl::StrAppend(out, "<circle cx=\"", kLeft + ttl * kColumn, "\" cy=\"", y,
                      "\" r=\"5\" fill=\"#fff\" stroke=\"#333\"/>");
      const size_t index = static_cast<size_t>(ttl - 1);
      const std::optional<int64_t> asn =
          index < group.hop_asns.size() ? group.hop_asns[index] : std::nullopt;
      if (asn && *asn != previous_as && ttl < after) {  // the cut's own hop is labelled below
        absl::StrAppend(out, "<text class=\"as\" x=\"", kLeft + ttl * kColumn - 20, "\" y=\"",
                        y + 20, "\">AS", *asn, "</text>");
      }
      if (asn) previous_as = *asn;
    }
    absl::StrAppend(out, "<text class=\"hop\" x=\"", kLeft + after * kColumn - 30, "\" y=\"",
                    y - 10, "\">", HtmlEscape(group.where), "</text>");
    absl::StrAppend(out, "<text class=\"cut-glyph\" x=\"", cut_x - 7, "\" y=\"", y + 7,
                    "\" fill=\"", style.colour, "\" font-size=\"20\">", style.glyph, "</text>");
    absl::StrAppend(out, "<text x=\"", cut_x + 18, "\" y=\"", y + 5, "\">", group.targets,
                    " \u00D7 ", HtmlEscape(Words(group.verdict)), " port ", group.port,
                    "</text></g>");
  }
  absl::StrAppend(out, "</svg>");
  if (groups.size() > lanes) {
    absl::StrAppend(out, "<p>", groups.size() - lanes,
                    " smaller cut groups are listed in the table only.</p>");
  }
  absl::StrAppend(out, "</section>");
}

void AppendLegend(std::string* out) {
  absl::StrAppend(out, "<p class=\"legend\">");
  for (const VerdictStyle& style : kStyles) {
    absl::StrAppend(out, "<span><span class=\"glyph\" style=\"color:", style.colour, "\">",
                    style.glyph, "</span> ", Words(style.name), "</span> ");
  }
  absl::StrAppend(out, "</p>");
}

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ScriptSafeJson(absl::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderHtmlReport(const ReportModel& model, absl::string_view title,
                             size_t max_ladder_targets) {
  const std::vector<CutGroup> groups = GroupCuts(model);
  std::string out;
  absl::StrAppend(&out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
                  // Nothing may load from anywhere: inline styles and scripts only.
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
                  "<title>cutpoint report: ", HtmlEscape(title), "</title><style>", kReportCss,
                  "</style></head><body><header><h1>cutpoint report</h1><p class=\"inputs\">",
                  HtmlEscape(title), "</p></header>");
  AppendHeader(model, &out);
  AppendCounts(model, &out);
  AppendLegend(&out);
  AppendCutGroups(groups, &out);
  AppendOverview(model, groups, &out);
  absl::StrAppend(&out,
                  "<section id=\"targets\"><h2>Targets</h2>"
                  "<noscript><p>The per-target ladders and evidence need JavaScript.</p></noscript>"
                  "<div id=\"controls\"></div><div id=\"target-list\"></div></section>",
                  "<script id=\"report-data\" type=\"application/json\">",
                  ScriptSafeJson(ReportDataJson(model, max_ladder_targets)), "</script><script>",
                  kReportJs, "</script></body></html>\n");
  return out;
}

}  // namespace cutpoint::report
