// SPDX-License-Identifier: Apache-2.0
#include "engine/match/port_outcomes.h"

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::match {
namespace {

using testutil::Ip;

ReplyRecord Reply(ReplyKind kind, uint16_t port = 25, uint8_t last_octet = 101) {
  ReplyRecord r;
  r.target = Ip(198, 19, 1, last_octet);
  r.port = port;
  r.kind = kind;
  return r;
}

// The injector's RST first, then the server's SYN-ACK: the SYN-ACK is the conflict; a
// retransmitted SYN-ACK and a second injected RST conflict again; the port counts once.
TEST(PortOutcomesTest, RstThenSynAckConflicts) {
  PortOutcomes outcomes;
  EXPECT_FALSE(outcomes.Contradicts(Reply(ReplyKind::kRst)));
  EXPECT_TRUE(outcomes.Contradicts(Reply(ReplyKind::kSynAck)));
  EXPECT_TRUE(outcomes.Contradicts(Reply(ReplyKind::kSynAck)));
  EXPECT_TRUE(outcomes.Contradicts(Reply(ReplyKind::kRst)));
  EXPECT_EQ(outcomes.conflicted_ports(), 1u);
}

TEST(PortOutcomesTest, HalfOpenAckCountsAsOpen) {
  PortOutcomes outcomes;
  EXPECT_FALSE(outcomes.Contradicts(Reply(ReplyKind::kHalfOpenAck)));
  EXPECT_TRUE(outcomes.Contradicts(Reply(ReplyKind::kRst)));
}

// Repeats of one outcome, other ports, other hosts and non-TCP outcomes never conflict.
TEST(PortOutcomesTest, AgreeingRepliesAndOtherPortsDoNot) {
  PortOutcomes outcomes;
  EXPECT_FALSE(outcomes.Contradicts(Reply(ReplyKind::kSynAck)));
  EXPECT_FALSE(outcomes.Contradicts(Reply(ReplyKind::kSynAck)));
  EXPECT_FALSE(outcomes.Contradicts(Reply(ReplyKind::kRst, 443)));
  EXPECT_FALSE(outcomes.Contradicts(Reply(ReplyKind::kRst, 25, 102)));
  EXPECT_FALSE(outcomes.Contradicts(Reply(ReplyKind::kTimeExceeded)));
  EXPECT_FALSE(outcomes.Contradicts(Reply(ReplyKind::kDestUnreachable)));
  ReplyRecord echo = Reply(ReplyKind::kEchoReply, 0);
  echo.probe_type = probe::ProbeType::kIcmpEcho;
  EXPECT_FALSE(outcomes.Contradicts(echo));
  EXPECT_EQ(outcomes.conflicted_ports(), 0u);
}

}  // namespace
}  // namespace cutpoint::match
