// SPDX-License-Identifier: Apache-2.0
#include "engine/match/reply_record.h"

#include "gtest/gtest.h"

namespace cutpoint::match {
namespace {

TEST(ReplyKindTest, NamesRoundTrip) {
  const struct { ReplyKind kind; const char* name; } cases[] = {
      {ReplyKind::kSynAck, "syn_ack"},
      {ReplyKind::kRst, "rst"},
      {ReplyKind::kEchoReply, "echo_reply"},
      {ReplyKind::kTimeExceeded, "time_exceeded"},
      {ReplyKind::kDestUnreachable, "dest_unreachable"},
      {ReplyKind::kParamProblem, "param_problem"},
      {ReplyKind::kOther, "other"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ReplyKindName(c.kind), c.name);
    EXPECT_EQ(ParseReplyKind(c.name), c.kind);
  }
  EXPECT_FALSE(ParseReplyKind("").has_value());
  EXPECT_FALSE(ParseReplyKind("synack").has_value());
  EXPECT_FALSE(ParseReplyKind("SYN_ACK").has_value());
}

}  // namespace
}  // namespace cutpoint::match
