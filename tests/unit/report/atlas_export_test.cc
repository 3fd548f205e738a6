// SPDX-License-Identifier: Apache-2.0
#include "engine/report/atlas_export.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

TraceReply Reply(int ttl, int attempt, wire::IpAddress from, const char* kind) {
  TraceReply reply;
  reply.target = Ip(198, 19, 1, 2);
  reply.probe_type = probe::ProbeType::kIcmpEcho;
  reply.probe_ttl = ttl;
  reply.attempt = attempt;
  reply.from = from;
  reply.kind = kind;
  reply.reply_ttl = 250;
  reply.rtt_us = 1500;
  reply.time_us = 2'000'000;
  return reply;
}

TEST(AtlasExportTest, StopsAtTheDestinationAndMarksSilentAttempts) {
  std::vector<TraceReply> replies = {Reply(2, 1, Ip(198, 18, 1, 2), "time_exceeded"),
                                     Reply(3, 0, Ip(198, 19, 1, 2), "echo_reply"),
                                     Reply(4, 0, Ip(198, 19, 1, 2), "echo_reply")};
  AtlasExportOptions options;
  options.src_addr_v4 = Ip(198, 18, 0, 1);
  options.attempts = 2;
  options.probe_size = 48;
  std::vector<std::string> results = ExportAtlasTraceroutes(replies, options);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0],
            "{\"af\":4,\"dst_addr\":\"198.19.1.2\",\"dst_name\":\"198.19.1.2\",\"endtime\":2,"
            "\"from\":\"198.18.0.1\",\"fw\":5020,\"msm_id\":0,\"paris_id\":1,\"prb_id\":0,"
            "\"proto\":\"ICMP\",\"result\":["
            "{\"hop\":1,\"result\":[{\"x\":\"*\"},{\"x\":\"*\"}]},"
            "{\"hop\":2,\"result\":[{\"x\":\"*\"},{\"from\":\"198.18.1.2\",\"rtt\":1.5,\"ttl\":250}]},"
            "{\"hop\":3,\"result\":[{\"from\":\"198.19.1.2\",\"rtt\":1.5,\"ttl\":250},{\"x\":\"*\"}]}],"
            "\"size\":48,\"src_addr\":\"198.18.0.1\",\"timestamp\":1,\"type\":\"traceroute\"}\n");
}

TEST(AtlasExportTest, UnreachableLettersAndTcpFlags) {
  TraceReply prohibited = Reply(2, 0, Ip(198, 18, 1, 2), "dest_unreachable");
  prohibited.probe_type = probe::ProbeType::kTcpSyn;
  prohibited.port = 25;
  prohibited.icmp_type = 3;
  prohibited.icmp_code = 13;
  TraceReply reset = Reply(3, 0, Ip(198, 19, 1, 2), "rst");
  reset.probe_type = probe::ProbeType::kTcpSyn;
  reset.port = 25;
  reset.tcp_flags = "RA";
  std::vector<TraceReply> replies = {prohibited, reset};
  std::vector<std::string> results = ExportAtlasTraceroutes(replies, {});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_NE(results[0].find("\"err\":\"A\""), std::string::npos) << results[0];
  EXPECT_NE(results[0].find("\"flags\":\"RA\""), std::string::npos) << results[0];
  EXPECT_NE(results[0].find("\"proto\":\"TCP\""), std::string::npos) << results[0];
  EXPECT_NE(results[0].find("\"dst_port\":25"), std::string::npos) << results[0];
}

TEST(AtlasExportTest, OneResultPerPort) {
  TraceReply a = Reply(1, 0, Ip(198, 18, 0, 2), "time_exceeded");
  a.probe_type = probe::ProbeType::kTcpSyn;
  a.port = 25;
  TraceReply b = a;
  b.port = 443;
  std::vector<TraceReply> replies = {a, b};
  EXPECT_EQ(ExportAtlasTraceroutes(replies, {}).size(), 2u);
}

}  // namespace
}  // namespace cutpoint::report
