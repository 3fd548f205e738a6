// SPDX-License-Identifier: Apache-2.0
// The page's data: valid JSON whatever the strings hold, replies grouped per target with
// their fields in the documented order, and trace targets listed when there are no verdicts.
#include "engine/report/report_data.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace cutpoint::report {
namespace {

using Json = nlohmann::json;

ReportReply Reply(const std::string& target, int ttl, const std::string& from) {
  ReportReply reply;
  reply.target = target;
  reply.probe = "tcp-syn";
  reply.port = 25;
  reply.ttl = ttl;
  reply.kind = "time_exceeded";
  reply.from = from;
  reply.icmp_code = 0;
  return reply;
}

TEST(ReportDataTest, TraceRepliesGroupedPerTarget) {
  ReportModel model;
  model.runs.resize(1);
  model.replies = {Reply("198.19.1.1", 1, "198.18.0.1"), Reply("198.19.1.2", 1, "198.18.0.1"),
                   Reply("198.19.1.1", 2, "a\"b\\c\n\x01\xc3\xa9")};
  model.replies[2].from_asn = 64500;
  const Json data = Json::parse(ReportDataJson(model), nullptr, false);
  ASSERT_FALSE(data.is_discarded());
  ASSERT_EQ(data["targets"].size(), 2u);
  EXPECT_EQ(data["targets"][0]["t"], "198.19.1.1");
  EXPECT_EQ(data["targets"][0]["v"], "");
  const Json& first = data["replies"]["0 198.19.1.1"];
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[1][2], 2);                        // ttl
  EXPECT_EQ(first[1][5], "a\"b\\c\n\x01\xc3\xa9");  // from, every byte back
  EXPECT_EQ(first[1][10], 0);                       // icmp_code
  EXPECT_EQ(first[1][11], 64500);                   // from_asn
  EXPECT_TRUE(first[1][12].is_null());              // quoted_ttl absent
}

TEST(ReportDataTest, LaddersOfBlockedTargetsKeptPastTheLimit) {
  ReportModel model;
  model.runs.resize(1);
  for (const char* target : {"198.19.1.1", "198.19.1.2", "198.19.1.3"}) {
    ReportVerdict verdict;
    verdict.target = target;
    verdict.port = 25;
    verdict.verdict = std::string(target) == "198.19.1.3" ? "silent_drop" : "reachable";
    verdict.confidence_json = "{}";
    model.verdicts.push_back(verdict);
    model.replies.push_back(Reply(target, 1, "198.18.0.1"));
  }
  const Json data = Json::parse(ReportDataJson(model, 2), nullptr, false);
  ASSERT_FALSE(data.is_discarded());
  EXPECT_EQ(data["omitted"], 1);
  EXPECT_EQ(data["targets"].size(), 3u);                  // every verdict stays
  EXPECT_TRUE(data["replies"].contains("0 198.19.1.3"));  // blocked: always
  EXPECT_TRUE(data["replies"].contains("0 198.19.1.1"));  // then the first others
  EXPECT_FALSE(data["replies"].contains("0 198.19.1.2"));
  EXPECT_EQ(Json::parse(ReportDataJson(model), nullptr, false)["omitted"], 0);
}

TEST(ReportDataTest, VerdictsBecomeTargets) {
  ReportModel model;
  model.runs.resize(2);
  model.runs[0].file = "a.ndjson";
  model.runs[1].file = "b.ndjson";
  ReportVerdict verdict;
  verdict.run = 1;
  verdict.target = "198.19.1.5";
  verdict.port = 25;
  verdict.verdict = "icmp_prohibited";
  verdict.after_ttl = 3;
  verdict.icmp_code = 13;
  verdict.evidence = {{"icmp_admin_prohibited", "code 13 from 198.18.3.2"}};
  verdict.confidence_json = R"({"supporting":2})";
  model.verdicts = {verdict};
  model.replies = {Reply("198.19.1.5", 3, "198.18.3.2")};
  model.replies[0].run = 1;
  const Json data = Json::parse(ReportDataJson(model), nullptr, false);
  ASSERT_FALSE(data.is_discarded());
  ASSERT_EQ(data["targets"].size(), 1u);  // the verdict, no extra trace entry
  EXPECT_EQ(data["targets"][0]["f"], 1);  // b.ndjson, the second file
  EXPECT_EQ(data["replies"]["1 198.19.1.5"].size(), 1u);
  EXPECT_EQ(data["targets"][0]["a"], 3);
  EXPECT_EQ(data["targets"][0]["ic"], 13);
  EXPECT_EQ(data["targets"][0]["ev"][0][0], "icmp_admin_prohibited");
  EXPECT_EQ(data["targets"][0]["cf"]["supporting"], 2);
}

}  // namespace
}  // namespace cutpoint::report
