// SPDX-License-Identifier: Apache-2.0
// The HTML report's model: records of trace and locate outputs read into runs, replies,
// verdicts and cuts; bad lines are errors naming FILE:LINE; counts and cut groups.
#include "engine/report/report_model.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace cutpoint::report {
namespace {

constexpr char kMeta[] =
    R"({"type":"meta","schema":1,"tool":"cutpoint","version":"0.9","command":"locate",)"
    R"("argv":["cutpoint","locate","-p","25"],"key_fingerprint":"0123456789abcdef",)"
    R"("vantage":"lab","start_time":"2026-12-01T12:00:00.000000Z","source":"198.18.0.2",)"
    R"("asn_dbs":["ip2asn.tsv"]})";
constexpr char kReply[] =
    R"({"type":"reply","target":"198.19.1.101","probe":"tcp-syn","port":443,"ttl":2,)"
    R"("attempt":0,"kind":"time_exceeded","from":"198.18.1.2","reply_ttl":63,"ipid":7,)"
    R"("rtt_us":120,"rtt_exact":true,"time_us":1700000000000000,"ip_version":4,)"
    R"("icmp_type":11,"icmp_code":0,"quoted_ttl":1,"from_asn":64500})";
constexpr char kDrop[] =
    R"({"type":"verdict","target":"198.19.1.101","port":25,"verdict":"silent_drop",)"
    R"("after_ttl":2,"after_addr":"198.18.1.2","before_ttl":3,"scope":"host",)"
    R"("evidence":[{"name":"test_silent_beyond","detail":"hops 3-5"}],)"
    R"("confidence":{"supporting":3,"contradicting":0}})";
constexpr char kDrop2[] =
    R"({"type":"verdict","target":"198.19.1.102","port":25,"verdict":"silent_drop",)"
    R"("after_ttl":2,"after_addr":"198.18.1.2","before_ttl":3,"evidence":[],"confidence":{}})";
constexpr char kOpen[] =
    R"({"type":"verdict","target":"198.19.1.1","port":25,"verdict":"reachable","evidence":[],)"
    R"("confidence":{}})";
constexpr char kCut[] =
    R"({"type":"cut","prefix":"198.19.1.101/32","targets":1,"port":25,"verdict":"silent_drop",)"
    R"("after_ttl":2,"after_addr":"198.18.1.2","scope":"host","evidence":["test_silent_beyond"]})";
constexpr char kStats[] = R"({"type":"stats","probes_sent":10,"duration_s":2.5})";

std::string Lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

std::string Error(const std::string& text) {
  ReportModel model;
  absl::Status status = AddNdjson("in.ndjson", text, &model);
  return status.ok() ? "ok" : std::string(status.message());
}

TEST(ReportModelTest, ReadsEveryRecordType) {
  ReportModel model;
  ASSERT_TRUE(
      AddNdjson("a.ndjson", Lines({kMeta, kReply, kDrop, kOpen, kCut, kStats}), &model).ok());
  ASSERT_EQ(model.runs.size(), 1u);
  EXPECT_EQ(model.runs[0].file, "a.ndjson");
  EXPECT_EQ(model.runs[0].line, 1);
  EXPECT_EQ(model.runs[0].key_fingerprint, "0123456789abcdef");
  EXPECT_EQ(model.runs[0].argv.size(), 4u);
  EXPECT_EQ(model.runs[0].asn_dbs, std::vector<std::string>{"ip2asn.tsv"});
  EXPECT_TRUE(model.runs[0].has_stats);
  EXPECT_DOUBLE_EQ(model.runs[0].duration_s, 2.5);
  ASSERT_EQ(model.replies.size(), 1u);
  EXPECT_EQ(model.replies[0].from, "198.18.1.2");
  EXPECT_EQ(model.replies[0].port, 443);
  EXPECT_EQ(model.replies[0].ipid, 7);
  EXPECT_EQ(model.replies[0].from_asn, 64500);
  EXPECT_EQ(model.replies[0].quoted_ttl, 1);
  ASSERT_EQ(model.verdicts.size(), 2u);
  EXPECT_EQ(model.verdicts[0].vantage, "lab");  // inherited from the meta
  EXPECT_EQ(model.verdicts[0].after_ttl, 2);
  EXPECT_EQ(model.verdicts[0].before_ttl, 3);
  ASSERT_EQ(model.verdicts[0].evidence.size(), 1u);
  EXPECT_EQ(model.verdicts[0].evidence[0].detail, "hops 3-5");
  EXPECT_EQ(model.verdicts[0].confidence_json, R"({"contradicting":0,"supporting":3})");
  ASSERT_EQ(model.cuts.size(), 1u);
  EXPECT_EQ(model.cuts[0].prefix, "198.19.1.101/32");
  EXPECT_EQ(model.first_time_us, 1700000000000000);
}

TEST(ReportModelTest, ToleratesUnknownTypesFieldsAndBlankLines) {
  ReportModel model;
  ASSERT_TRUE(AddNdjson("a",
                        Lines({kMeta, "", R"({"type":"probe","index":0})",
                               R"({"type":"future_thing","x":[1]})", kOpen}),
                        &model)
                  .ok());
  EXPECT_EQ(model.verdicts.size(), 1u);
}

TEST(ReportModelTest, BadInputNamesFileAndLine) {
  EXPECT_EQ(Error(Lines({kMeta, "{not json"})), "in.ndjson:2: not valid JSON");
  EXPECT_EQ(Error(Lines({kMeta, "[1,2]"})), "in.ndjson:2: not a JSON object");
  EXPECT_EQ(Error(Lines({kMeta, R"({"x":1})"})), "in.ndjson:2: record without a string 'type'");
  EXPECT_EQ(Error(Lines({kOpen})), "in.ndjson:1: 'verdict' record before any meta record");
  EXPECT_EQ(Error(std::string(kMeta) + "\n" + kOpen),
            "in.ndjson:2: the last line is cut short (no newline): a run stopped while writing");
  EXPECT_EQ(Error(Lines({kMeta, kOpen, R"({"type":"verdict","target":"198.19.1.2","port":25})"})),
            "in.ndjson:3: verdict record without 'verdict'");
  EXPECT_EQ(Error(Lines({kMeta, R"({"type":"reply","target":"a","probe":"icmp-echo","kind":"x",)"
                                R"("from":"b","ttl":"3"})"})),
            "in.ndjson:2: 'ttl' is not an integer");
  EXPECT_EQ(Error(Lines({kMeta, R"({"type":"verdict","target":1,"port":25,"verdict":"x"})"})),
            "in.ndjson:2: 'target' is not a string");
}

TEST(ReportModelTest, ResumedRunReplacesInterruptedVerdictsAndCuts) {
  const std::string interrupted =
      R"({"type":"verdict","target":"198.19.1.101","port":25,"verdict":"inconclusive",)"
      R"("reason":"interrupted","evidence":[],"confidence":{}})";
  ReportModel model;
  ASSERT_TRUE(
      AddNdjson("a", Lines({kMeta, interrupted, kOpen, kCut, kMeta, kDrop, kCut, kStats}), &model)
          .ok());
  ASSERT_EQ(model.verdicts.size(), 2u);
  EXPECT_EQ(model.verdicts[0].verdict, "silent_drop");
  EXPECT_EQ(model.verdicts[0].run, 1);
  EXPECT_EQ(model.verdicts[1].verdict, "reachable");
  ASSERT_EQ(model.cuts.size(), 1u);
  EXPECT_EQ(model.cuts[0].run, 1);
  // Another file's verdict on the same target is another vantage's: both stay.
  ASSERT_TRUE(AddNdjson("b", Lines({kMeta, interrupted}), &model).ok());
  EXPECT_EQ(model.verdicts.size(), 3u);
  EXPECT_EQ(model.cuts.size(), 1u);
}

TEST(ReportModelTest, CountsVerdictsAndGroupsCuts) {
  ReportModel model;
  ASSERT_TRUE(AddNdjson("a", Lines({kMeta, kDrop, kDrop2, kOpen}), &model).ok());
  const std::map<std::string, int> counts = CountVerdicts(model);
  EXPECT_EQ(counts.at("silent_drop"), 2);
  EXPECT_EQ(counts.at("reachable"), 1);
  const std::vector<CutGroup> groups = GroupCuts(model);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].where, "198.18.1.2");
  EXPECT_EQ(groups[0].targets, 2);
  EXPECT_EQ(groups[0].after_ttl, 2);
  EXPECT_EQ(groups[0].before_ttl, 3);
}

TEST(ReportModelTest, GroupsByAsnWhenVerdictsCarryIt) {
  std::string drop = kDrop;
  drop.insert(drop.size() - 1, R"(,"after_asn":64500)");
  ReportModel model;
  ASSERT_TRUE(AddNdjson("a", Lines({kMeta, drop}), &model).ok());
  const std::vector<CutGroup> groups = GroupCuts(model);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].where, "AS64500");
}

TEST(ReportModelTest, CutGroupsCarryTheAsPathOfTheirTargetsHops) {
  // Hop 1 of .101 in AS64496 (twice) and AS64999 (once: the majority wins); hop 2 in
  // AS64500 (kReply); hop 3 lies beyond the cut and does not count.
  auto hop = [](int ttl, const char* from, int asn) {
    return absl::StrCat(R"({"type":"reply","target":"198.19.1.101","probe":"tcp-syn","port":443,)",
                        R"("ttl":)", ttl, R"(,"attempt":0,"kind":"time_exceeded","from":")", from,
                        R"(","from_asn":)", asn, "}");
  };
  ReportModel model;
  ASSERT_TRUE(AddNdjson("a",
                        Lines({kMeta, hop(1, "198.18.0.1", 64496), hop(1, "198.18.0.1", 64496),
                               hop(1, "198.18.0.9", 64999), kReply, hop(3, "198.18.2.2", 64777),
                               kDrop}),
                        &model)
                  .ok());
  const std::vector<CutGroup> groups = GroupCuts(model);
  ASSERT_EQ(groups.size(), 1u);
  ASSERT_EQ(groups[0].hop_asns.size(), 2u);
  EXPECT_EQ(groups[0].hop_asns[0], 64496);
  EXPECT_EQ(groups[0].hop_asns[1], 64500);
}

}  // namespace
}  // namespace cutpoint::report
