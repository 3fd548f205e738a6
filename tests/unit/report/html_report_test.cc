// SPDX-License-Identifier: Apache-2.0
// The HTML page: self-contained (no URL that would make a request), summary counts in plain
// HTML, and hostile strings from the NDJSON never become markup or end the data script.
#include "engine/report/html_report.h"

#include <string>

#include "engine/report/report_model.h"
#include "gtest/gtest.h"

namespace cutpoint::report {
namespace {

constexpr char kMeta[] =
    R"({"type":"meta","command":"locate","version":"1","argv":["cutpoint","<b>x</b>"],)"
    R"("vantage":"lab","key_fingerprint":"00ff"})";

ReportModel Model(const std::string& text) {
  ReportModel model;
  absl::Status status = AddNdjson("in.ndjson", text, &model);
  EXPECT_TRUE(status.ok()) << status;
  return model;
}

TEST(HtmlEscapeTest, EscapesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x" onclick='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(ScriptSafeJson(R"({"a":"</script><!--&"})"),
            R"({"a":"\u003c/script\u003e\u003c!--\u0026"})");
}

TEST(HtmlReportTest, HostileStringsStayText) {
  const std::string hostile = R"(</script><script>alert(1)</script><img src=x onerror=alert(2)>)";
  const std::string text =
      std::string(kMeta) + "\n" +
      R"({"type":"verdict","target":"198.19.1.5","port":25,"verdict":"silent_drop","after_ttl":2,)"
      R"("after_addr":")" +
      std::string("\\u003c/script\\u003e<script>alert(1)</script><img src=x onerror=alert(2)>") +
      R"(","evidence":[{"name":"x","detail":")" +
      std::string("</script><script>alert(3)</script>") + R"("}],"confidence":{}})" + "\n";
  const std::string page = RenderHtmlReport(Model(text), hostile);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  // Exactly the page's own two scripts: the data and the code.
  size_t scripts = 0;
  for (size_t at = page.find("</script>"); at != std::string::npos;
       at = page.find("</script>", at + 1)) {
    ++scripts;
  }
  EXPECT_EQ(scripts, 2u);
}

TEST(HtmlReportTest, SelfContainedWithSummaryCounts) {
  const std::string text =
      std::string(kMeta) + "\n" +
      R"({"type":"verdict","target":"198.19.1.5","port":25,"verdict":"silent_drop","after_ttl":2,"evidence":[],"confidence":{}})"
      "\n"
      R"({"type":"verdict","target":"198.19.1.6","port":25,"verdict":"silent_drop","after_ttl":2,"evidence":[],"confidence":{}})"
      "\n"
      R"({"type":"verdict","target":"198.19.1.7","port":25,"verdict":"reachable","evidence":[],"confidence":{}})"
      "\n";
  const std::string page = RenderHtmlReport(Model(text), "in.ndjson");
  EXPECT_NE(page.find(R"(<tr data-verdict="silent_drop">)"), std::string::npos);
  EXPECT_NE(page.find(R"(<td class="count">2</td>)"), std::string::npos);
  EXPECT_NE(page.find(R"(<td class="count" id="total-count">3</td>)"), std::string::npos);
  EXPECT_NE(page.find("<svg id=\"overview-svg\""), std::string::npos);
  EXPECT_NE(page.find("hop 2: 2 targets, silent drop after hop 2"), std::string::npos);
  // Nothing that would load a resource: no src/href attributes and no url(...) in the CSS.
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find(" href="), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
}

TEST(HtmlReportTest, TraceOutputHasNoVerdictTable) {
  const std::string text =
      R"({"type":"meta","command":"trace"})"
      "\n"
      R"({"type":"reply","target":"198.19.1.9","probe":"icmp-echo","ttl":1,"kind":"time_exceeded","from":"198.18.0.1"})"
      "\n";
  const std::string page = RenderHtmlReport(Model(text), "trace.ndjson");
  EXPECT_NE(page.find(R"(<span class="count" id="trace-targets">1</span>)"), std::string::npos);
  EXPECT_EQ(page.find("summary-counts"), std::string::npos);
}

TEST(HtmlReportTest, ProvenanceSaysWhichShardsARunHolds) {
  const std::string merged =
      R"({"type":"meta","command":"scan","seed":7,"shards":4,"merged_shards":4})" "\n";
  EXPECT_NE(RenderHtmlReport(Model(merged), "m").find("4 shards merged (cutpoint merge)"),
            std::string::npos);
  const std::string one = R"({"type":"meta","command":"scan","seed":7,"shards":4,"shard":2})" "\n";
  EXPECT_NE(RenderHtmlReport(Model(one), "s").find("shard 2 of 4 only"), std::string::npos);
  EXPECT_EQ(RenderHtmlReport(Model(std::string(kMeta) + "\n"), "u").find("class=\"shards\""),
            std::string::npos);
}

}  // namespace
}  // namespace cutpoint::report
