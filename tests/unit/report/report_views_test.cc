// SPDX-License-Identifier: Apache-2.0
#include "engine/report/report_views.h"

#include <string>
#include <vector>

#include "engine/asn/asn_table.h"
#include "engine/report/json_line.h"
#include "engine/report/records.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

constexpr char kMeta[] =
    R"j({"type":"meta","command":"locate","source":"198.18.0.2","ttl_min":1,"attempts":2,)j"
    R"j("probes":["tcp-syn:25 (test)","icmp-echo"]})j"
    "\n";

std::string Reply(int last_octet, int ttl, const std::string& from, const std::string& kind) {
  return absl::StrCat(R"({"type":"reply","target":"198.19.1.)", last_octet,
                      R"(","probe":"tcp-syn","port":25,"ttl":)", ttl,
                      R"(,"attempt":0,"kind":")", kind, R"(","from":")", from,
                      R"(","reply_ttl":60,"ipid":1,"rtt_us":2000,"time_us":1700000000000000})",
                      "\n");
}

std::string Verdict(int last_octet, const std::string& verdict, const std::string& location) {
  return absl::StrCat(R"({"type":"verdict","target":"198.19.1.)", last_octet,
                      R"(","port":25,"verdict":")", verdict, "\"", location,
                      R"(,"evidence":[{"name":"why","detail":"the evidence"}]})", "\n");
}

ReportModel Model(const std::string& text) {
  ReportModel model;
  absl::Status status = AddNdjson("run.ndjson", text, &model);
  EXPECT_TRUE(status.ok()) << status;
  return model;
}

const std::string kLocate =
    std::string(kMeta) + Reply(2, 1, "198.18.1.1", "time_exceeded") +
    Reply(2, 2, "198.18.1.2", "time_exceeded") + Reply(3, 4, "198.19.1.3", "syn_ack") +
    Verdict(2, "silent_drop",
            R"(,"after_ttl":2,"after_addr":"198.18.1.2","before_ttl":3,"before_addr":"198.18.2.2")") +
    Verdict(3, "reachable", R"(,"distance":4)");

TEST(ReportViewsTest, TextListsTheBlockedTargetWithItsIntervalAndCountsTheRest) {
  absl::StatusOr<std::string> text = RenderReportView(Model(kLocate), {});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find("198.19.1.2    25  silent_drop  after hop 2 (198.18.1.2) – before hop 3 "
                       "(198.18.2.2)  why: the evidence"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("1 more target reachable"), std::string::npos) << *text;
  EXPECT_EQ(text->find("198.19.1.3 "), std::string::npos) << *text;
}

TEST(ReportViewsTest, TargetAddsItsHopTable) {
  ReportViewOptions options;
  options.target = Ip(198, 19, 1, 2);
  absl::StatusOr<std::string> text = RenderReportView(Model(kLocate), options);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find("silent_drop"), std::string::npos) << *text;
  // Two probes per TTL (2 attempts, but 2 probe kinds: 4), the meta says so.
  EXPECT_NE(text->find("  2  198.18.1.2       1/4    25%"), std::string::npos) << *text;
  EXPECT_EQ(text->find("198.19.1.3"), std::string::npos) << *text;

  options.target = Ip(198, 19, 1, 99);
  absl::StatusOr<std::string> missing = RenderReportView(Model(kLocate), options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "--target 198.19.1.99: the input has no record of it");
}

TEST(ReportViewsTest, TraceOutputGetsOneHopTablePerTarget) {
  const std::string trace = std::string(kMeta) + Reply(2, 1, "198.18.1.1", "time_exceeded") +
                            Reply(3, 1, "198.18.1.1", "time_exceeded") +
                            Reply(3, 2, "198.19.1.3", "syn_ack");
  absl::StatusOr<std::string> text = RenderReportView(Model(trace), {});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find("198.19.1.2 (locate run.ndjson)\nTTL  RESPONDER"), std::string::npos)
      << *text;
  EXPECT_NE(text->find("\n\n198.19.1.3 (locate run.ndjson)\nTTL"), std::string::npos) << *text;
  ReportViewOptions csv;
  csv.view = ReportView::kCsv;
  absl::StatusOr<std::string> refused = RenderReportView(Model(trace), csv);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(),
            "--format csv lists locate verdicts, and the input has none");
}

TEST(ReportViewsTest, MarkdownHeadsEachVantage) {
  ReportModel model = Model(kLocate);
  ASSERT_TRUE(AddNdjson("b.ndjson",
                        std::string(R"({"type":"meta","vantage":"B"})") + "\n" +
                            Verdict(2, "reachable", ""),
                        &model)
                  .ok());
  ReportViewOptions options;
  options.view = ReportView::kMarkdown;
  absl::StatusOr<std::string> text = RenderReportView(model, options);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find("### vantage run.ndjson\n\n| TARGET"), std::string::npos) << *text;
  EXPECT_NE(text->find("### vantage B\n\n"), std::string::npos) << *text;
}

TEST(ReportViewsTest, VerdictSurvivesTheRoundTripThroughNdjson) {
  locate::Verdict verdict;
  verdict.target = Ip(198, 19, 1, 7);
  verdict.port = 25;
  verdict.verdict = locate::VerdictKind::kRstInjection;
  verdict.mechanism = locate::Mechanism::kOnPath;
  verdict.has_location = true;
  verdict.after_ttl = 2;
  verdict.after_addr = Ip(198, 18, 1, 2);
  verdict.before_ttl = 3;
  verdict.before_addr = Ip(198, 18, 2, 2);
  verdict.has_icmp = true;
  verdict.icmp_from = Ip(198, 18, 2, 2);
  verdict.icmp_code = 13;
  verdict.distance = 5;
  verdict.scope = locate::Scope::kPort;
  verdict.cut_prefix = "198.19.1.7/32";
  verdict.control_host = true;
  verdict.evidence = {{"rst_ttl", "RST reply TTL 58 vs SYN-ACK 52"}};
  JsonLine line;
  FormatVerdict(verdict, &line);
  ReportModel model = Model(std::string(kMeta) + std::string(line.Finish()));
  ASSERT_EQ(model.verdicts.size(), 1u);
  absl::StatusOr<locate::Verdict> back = VerdictFromReport(model.verdicts[0]);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->target, verdict.target);
  EXPECT_EQ(back->verdict, verdict.verdict);
  EXPECT_EQ(back->mechanism, verdict.mechanism);
  EXPECT_EQ(back->after_addr, verdict.after_addr);
  EXPECT_EQ(back->before_ttl, 3);
  EXPECT_EQ(back->before_addr, verdict.before_addr);
  EXPECT_TRUE(back->has_icmp);
  EXPECT_EQ(back->icmp_code, 13);
  EXPECT_EQ(back->distance, 5);
  EXPECT_EQ(back->scope, locate::Scope::kPort);
  EXPECT_EQ(back->cut_prefix, "198.19.1.7/32");
  EXPECT_TRUE(back->control_host);
  ASSERT_EQ(back->evidence.size(), 1u);
  EXPECT_EQ(back->evidence[0].detail, "RST reply TTL 58 vs SYN-ACK 52");

  model.verdicts[0].mechanism = "sideways";
  EXPECT_FALSE(VerdictFromReport(model.verdicts[0]).ok());
}

TEST(ReportViewsTest, AnnotationFillsOnlyWhatTheRecordsLack) {
  asn::AsnTableBuilder builder;
  const uint32_t hops[] = {64501};
  const uint32_t targets[] = {64510};
  builder.AddPrefix(Ip(198, 18, 1, 0), 24, hops, "", "");
  builder.AddPrefix(Ip(198, 19, 1, 0), 24, targets, "", "");
  const asn::AsnTable table = std::move(builder).Build();
  ReportModel model = Model(kLocate);
  model.replies[0].from_asn = 7;  // the run's own lookup stays
  AnnotateReportModel(table, &model);
  EXPECT_EQ(model.replies[0].from_asn, 7);
  EXPECT_EQ(model.replies[1].from_asn, 64501);
  EXPECT_EQ(model.verdicts[0].after_asn, 64501);
  EXPECT_EQ(model.verdicts[0].target_asn, 64510);
  ReportViewOptions options;
  options.asn_table = &table;
  absl::StatusOr<std::string> text = RenderReportView(model, options);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find("(198.18.1.2, AS64501)"), std::string::npos) << *text;
}

TEST(ReportViewsTest, AtlasTakesTheSourceFromTheMeta) {
  ReportViewOptions options;
  options.view = ReportView::kAtlas;
  absl::StatusOr<std::string> text = RenderReportView(Model(kLocate), options);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_NE(text->find(R"("src_addr":"198.18.0.2")"), std::string::npos) << *text;
  EXPECT_NE(text->find(R"("dst_addr":"198.19.1.2")"), std::string::npos) << *text;
  EXPECT_FALSE(RenderReportView(Model(std::string(kMeta)), options).ok());
}

TEST(ReportViewsTest, DotDrawsTheCut) {
  ReportViewOptions options;
  options.view = ReportView::kDot;
  absl::StatusOr<std::string> text = RenderReportView(Model(kLocate), options);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->rfind("digraph", 0), 0u) << *text;
  EXPECT_NE(text->find("\"198.18.1.2\""), std::string::npos) << *text;
}

}  // namespace
}  // namespace cutpoint::report
