// SPDX-License-Identifier: Apache-2.0
// Reading locate's NDJSON back: good lines give their fields, every malformed line a clear
// error naming FILE:LINE, and runs of one file (--resume) supersede cut-short ones.
#include "engine/report/verdict_reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

constexpr char kMetaA[] = R"({"type":"meta","vantage":"A","schema":1,"command":"locate"})";
constexpr char kDrop[] =
    R"({"type":"verdict","target":"198.19.1.101","port":25,"verdict":"silent_drop",)"
    R"("after_ttl":2,"after_addr":"198.18.1.2","scope":"host","cut_prefix":"198.19.1.101/32",)"
    R"("evidence":[],"confidence":{"supporting":3,"contradicting":0}})";
constexpr char kStats[] = R"({"type":"stats","probes_sent":10,"interrupted":false})";

std::string Lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

std::string Error(const std::string& text) {
  absl::StatusOr<std::vector<locate::VantageVerdict>> verdicts =
      ReadVerdicts("b.ndjson", "b.ndjson", text);
  return verdicts.ok() ? "ok" : std::string(verdicts.status().message());
}

TEST(ParseReportLineTest, VerdictFields) {
  absl::StatusOr<ReportLine> line = ParseReportLine(kDrop);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->type, ReportLine::Type::kVerdict);
  EXPECT_TRUE(line->vantage.empty());
  const locate::VantageVerdict& v = line->verdict;
  EXPECT_EQ(v.target, Ip(198, 19, 1, 101));
  EXPECT_EQ(v.port, 25);
  EXPECT_EQ(v.verdict, locate::VerdictKind::kSilentDrop);
  EXPECT_EQ(v.after_ttl, 2);
  EXPECT_EQ(v.after_addr, Ip(198, 18, 1, 2));
  EXPECT_EQ(v.scope, "host");
  EXPECT_EQ(v.cut_prefix, "198.19.1.101/32");
  EXPECT_TRUE(v.reason.empty());
}

TEST(ParseReportLineTest, OtherRecordsAndTheirVantage) {
  absl::StatusOr<ReportLine> meta = ParseReportLine(kMetaA);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->type, ReportLine::Type::kMeta);
  EXPECT_EQ(meta->vantage, "A");
  absl::StatusOr<ReportLine> stats = ParseReportLine(R"({"type":"stats","interrupted":true})");
  ASSERT_TRUE(stats.ok());
  EXPECT_TRUE(stats->interrupted);
  absl::StatusOr<ReportLine> reply = ParseReportLine(R"({"type":"reply","target":"x"})");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->type, ReportLine::Type::kOther);
}

TEST(ParseReportLineTest, EveryMalformedLineNamesItsProblem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty line"},
      {"{\"type\":\"verdict\"", "not valid JSON"},
      {"not json", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"port":25})", "record without 'type'"},
      {R"({"type":7})", "'type' is not a string"},
      {R"({"type":"verdict","vantage":""})", "empty 'vantage'"},
      {R"({"type":"verdict","port":25,"verdict":"reachable"})", "verdict record without 'target'"},
      {R"({"type":"verdict","target":"198.19.1.1","verdict":"reachable"})",
       "verdict record without 'port'"},
      {R"({"type":"verdict","target":"198.19.1.1","port":25})", "verdict record without 'verdict'"},
      {R"({"type":"verdict","target":"198.19.1","port":25,"verdict":"reachable"})",
       "bad 'target' '198.19.1': not an IP address"},
      {R"({"type":"verdict","target":17,"port":25,"verdict":"reachable"})",
       "'target' is not a string"},
      {R"({"type":"verdict","target":"198.19.1.1","port":65536,"verdict":"reachable"})",
       "'port' is not an integer in 0..65535"},
      {R"({"type":"verdict","target":"198.19.1.1","port":"25","verdict":"reachable"})",
       "'port' is not an integer in 0..65535"},
      {R"({"type":"verdict","target":"198.19.1.1","port":25,"verdict":"blocked"})",
       "unknown verdict 'blocked'"},
      {R"({"type":"verdict","target":"198.19.1.1","port":25,"verdict":"silent_drop","after_ttl":-1})",
       "'after_ttl' is not an integer in 0..255"},
      {R"({"type":"verdict","target":"198.19.1.1","port":25,"verdict":"silent_drop","after_addr":"x"})",
       "bad 'after_addr' 'x': not an IP address"},
      {R"({"type":"stats","interrupted":"no"})", "'interrupted' is not a boolean"},
  };
  for (const auto& [line, message] : cases) {
    absl::StatusOr<ReportLine> parsed = ParseReportLine(line);
    ASSERT_FALSE(parsed.ok()) << line;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), message) << line;
  }
}

TEST(ReadVerdictsTest, VantageFromRecordThenMetaThenFileName) {
  const std::string tagged =
      R"({"type":"verdict","vantage":"C","target":"198.19.1.1","port":25,"verdict":"reachable"})";
  absl::StatusOr<std::vector<locate::VantageVerdict>> verdicts =
      ReadVerdicts("dir/a.ndjson", "a.ndjson", Lines({kMetaA, kDrop, tagged, kStats}));
  ASSERT_TRUE(verdicts.ok()) << verdicts.status();
  ASSERT_EQ(verdicts->size(), 2u);
  EXPECT_EQ((*verdicts)[0].vantage, "A");
  EXPECT_EQ((*verdicts)[0].source, "dir/a.ndjson:2");
  EXPECT_EQ((*verdicts)[1].vantage, "C");
  verdicts = ReadVerdicts("dir/a.ndjson", "a.ndjson", Lines({kDrop}));
  ASSERT_TRUE(verdicts.ok());
  EXPECT_EQ((*verdicts)[0].vantage, "a.ndjson");
}

TEST(ReadVerdictsTest, IPv6TargetsInCanonicalForm) {
  absl::StatusOr<std::vector<locate::VantageVerdict>> verdicts = ReadVerdicts(
      "a", "a",
      Lines(
          {R"({"type":"verdict","target":"2001:2:0:1:0:0:0:65","port":25,"verdict":"reachable"})"}));
  ASSERT_TRUE(verdicts.ok()) << verdicts.status();
  EXPECT_EQ(wire::IpAddressToString((*verdicts)[0].target), "2001:2:0:1::65");
}

TEST(ReadVerdictsTest, ErrorsNameFileAndLine) {
  EXPECT_EQ(Error(Lines({kMetaA, "{\"type\":\"verdict\",\"target\""})),
            "b.ndjson:2: not valid JSON");
  EXPECT_EQ(Error(Lines({kMetaA, kDrop}) + "{\"type\":\"stats\""),
            "b.ndjson:3: the last line is cut short (no newline): a run stopped while writing, or "
            "a truncated copy");
  EXPECT_EQ(Error(Lines({kMetaA, kDrop}).substr(0, Lines({kMetaA, kDrop}).size() - 1)),
            "b.ndjson:2: the last line is cut short (no newline): a run stopped while writing, or "
            "a truncated copy");
  EXPECT_EQ(Error(Lines({kMetaA, "", kDrop})), "b.ndjson:2: empty line");
  EXPECT_EQ(Error(Lines({kMetaA, kStats})),
            "b.ndjson: no verdict records (is it the NDJSON output of 'cutpoint locate'?)");
  EXPECT_EQ(Error(""),
            "b.ndjson: no verdict records (is it the NDJSON output of 'cutpoint locate'?)");
}

TEST(ReadVerdictsTest, AResumedRunSupersedesTheInterruptedOne) {
  const std::string interrupted_verdict =
      R"({"type":"verdict","target":"198.19.1.101","port":25,"verdict":"inconclusive","reason":"interrupted"})";
  const std::string interrupted_stats = R"({"type":"stats","interrupted":true})";
  absl::StatusOr<std::vector<locate::VantageVerdict>> verdicts = ReadVerdicts(
      "a", "a", Lines({kMetaA, interrupted_verdict, interrupted_stats, kMetaA, kDrop, kStats}));
  ASSERT_TRUE(verdicts.ok()) << verdicts.status();
  ASSERT_EQ(verdicts->size(), 1u);
  EXPECT_EQ((*verdicts)[0].verdict, locate::VerdictKind::kSilentDrop);
  EXPECT_EQ((*verdicts)[0].source, "a:5");
  // Two complete runs in one file both count: the comparison checks that they agree.
  verdicts = ReadVerdicts("a", "a", Lines({kMetaA, kDrop, kStats, kMetaA, kDrop, kStats}));
  ASSERT_TRUE(verdicts.ok());
  EXPECT_EQ(verdicts->size(), 2u);
}

}  // namespace
}  // namespace cutpoint::report
