// SPDX-License-Identifier: Apache-2.0
#include "engine/report/path_dot.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

TraceReply Reply(int ttl, wire::IpAddress from) {
  TraceReply reply;
  reply.target = Ip(198, 19, 1, 2);
  reply.port = 25;
  reply.probe_ttl = ttl;
  reply.from = from;
  return reply;
}

TEST(PathDotTest, HopsEdgesAsnLabelsAndFilterEdge) {
  std::vector<TraceReply> replies = {Reply(1, Ip(198, 18, 0, 2)), Reply(3, Ip(198, 18, 2, 2)),
                                     Reply(4, Ip(198, 19, 1, 2)), Reply(5, Ip(198, 19, 1, 2))};
  replies[1].from_asn = 64503;
  locate::Verdict v;
  v.target = Ip(198, 19, 1, 2);
  v.port = 25;
  v.verdict = locate::VerdictKind::kSilentDrop;
  v.has_location = true;
  v.after_ttl = 1;
  v.after_addr = Ip(198, 18, 0, 2);
  v.before_ttl = 3;
  v.before_addr = Ip(198, 18, 2, 2);
  asn::AsnTableBuilder builder;
  const uint32_t asn[] = {64500};
  builder.AddPrefix(Ip(198, 18, 0, 0), 24, asn, "LAB \"A\"", "");
  const asn::AsnTable table = std::move(builder).Build();
  EXPECT_EQ(FormatPathDot(replies, {v}, &table),
            "digraph paths {\n"
            "  rankdir=LR;\n"
            "  node [shape=box];\n"
            "  \"prober\" [shape=ellipse];\n"
            "  \"198.18.0.2\" [label=\"198.18.0.2\\nAS64500 LAB \\\"A\\\"\"];\n"
            "  \"198.18.2.2\" [label=\"198.18.2.2\\nAS64503\"];\n"
            "  \"198.19.1.2\" [label=\"198.19.1.2\", shape=doubleoctagon];\n"
            "  \"198.18.0.2\" -> \"198.18.2.2\" [style=dashed];\n"
            "  \"198.18.2.2\" -> \"198.19.1.2\";\n"
            "  \"prober\" -> \"198.18.0.2\";\n"
            "  \"198.18.0.2\" -> \"198.18.2.2\" [color=red, fontcolor=red, "
            "label=\"silent_drop TCP 25 (1 target)\"];\n"
            "}\n");
}

TEST(PathDotTest, Quoting) { EXPECT_EQ(DotQuoted("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\""); }

}  // namespace
}  // namespace cutpoint::report
