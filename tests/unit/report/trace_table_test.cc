// SPDX-License-Identifier: Apache-2.0
#include "engine/report/trace_table.h"

#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

TraceReply Reply(int ttl, int attempt, wire::IpAddress from, const char* kind, int64_t rtt_us) {
  TraceReply reply;
  reply.target = Ip(198, 19, 1, 2);
  reply.port = 25;
  reply.probe_ttl = ttl;
  reply.attempt = attempt;
  reply.from = from;
  reply.kind = kind;
  reply.rtt_us = rtt_us;
  return reply;
}

TEST(TraceTableTest, RowsPerTtlAndResponderWithSilentTtls) {
  std::vector<TraceReply> replies = {
      Reply(1, 0, Ip(198, 18, 0, 1), "time_exceeded", 1000),
      Reply(1, 1, Ip(198, 18, 0, 1), "time_exceeded", 3000),
      Reply(3, 0, Ip(198, 19, 1, 2), "syn_ack", 5000),
      Reply(3, 0, Ip(198, 19, 1, 2), "rst", 4000),
      Reply(3, 1, Ip(198, 18, 2, 9), "time_exceeded", 2500),
  };
  EXPECT_EQ(FormatTraceTable(replies, TraceTableOptions{.probes_per_ttl = 2, .markdown = false}),
            "TTL  RESPONDER   ANSWERED  SHARE  MIN MS  AVG MS  MAX MS  REPLIES\n"
            "  1  198.18.0.1       2/2   100%     1.0     2.0     3.0  time_exceeded x2\n"
            "  2  *                0/2     0%\n"
            "  3  198.19.1.2       1/2    50%     4.0     4.5     5.0  syn_ack, rst\n"
            "     198.18.2.9       1/2    50%     2.5     2.5     2.5  time_exceeded\n");
}

TEST(TraceTableTest, AsnColumnOnlyWhenAnnotatedAndMarkdown) {
  TraceReply hop = Reply(1, 0, Ip(198, 18, 0, 1), "time_exceeded", 1000);
  hop.from_asn = 64500;
  std::vector<TraceReply> replies = {hop};
  EXPECT_EQ(FormatTraceTable(replies, TraceTableOptions{.probes_per_ttl = 0, .markdown = true}),
            "| TTL | RESPONDER | AS | ANSWERED | SHARE | MIN MS | AVG MS | MAX MS | REPLIES |\n"
            "|---:|---|---|---:|---:|---:|---:|---:|---|\n"
            "| 1 | 198.18.0.1 | AS64500 | 1/1 | 100% | 1.0 | 1.0 | 1.0 | time_exceeded |\n");
}

TEST(TraceTableTest, OtherTargetsIgnored) {
  TraceReply other = Reply(2, 0, Ip(198, 18, 0, 7), "time_exceeded", 1000);
  other.target = Ip(198, 19, 1, 3);
  std::vector<TraceReply> replies = {Reply(1, 0, Ip(198, 18, 0, 1), "time_exceeded", 1000), other};
  EXPECT_EQ(FormatTraceTable(replies, {}).find("198.18.0.7"), std::string::npos);
}

TEST(TraceReplyTest, ParsesReplyLinesAndSkipsOthers) {
  auto meta = ParseTraceReplyLine(R"({"type":"meta","schema":1})");
  ASSERT_TRUE(meta.ok());
  EXPECT_FALSE(meta->has_value());
  auto reply = ParseTraceReplyLine(
      R"({"type":"reply","target":"198.19.1.2","probe":"tcp-syn","port":25,"ttl":3,)"
      R"("attempt":1,"kind":"time_exceeded","from":"198.18.2.2","reply_ttl":62,"ipid":1,)"
      R"("rtt_us":2500,"rtt_exact":true,"time_us":1700000000000000,"ip_version":4,)"
      R"("from_asn":64501})");
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_TRUE(reply->has_value());
  EXPECT_EQ((*reply)->probe_ttl, 3);
  EXPECT_EQ((*reply)->port, 25);
  EXPECT_EQ((*reply)->reply_ttl, 62);
  EXPECT_EQ((*reply)->from, Ip(198, 18, 2, 2));
  EXPECT_EQ((*reply)->from_asn, 64501u);
  EXPECT_FALSE(ParseTraceReplyLine(R"({"type":"reply","target":"x"})").ok());
  EXPECT_FALSE(ParseTraceReplyLine("not json").ok());
}

}  // namespace
}  // namespace cutpoint::report
