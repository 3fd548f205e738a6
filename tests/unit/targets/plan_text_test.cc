// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/plan_text.h"

#include "gtest/gtest.h"

namespace cutpoint::targets {
namespace {

TEST(PlanTextTest, PortListsKeepOrderAndDropDuplicates) {
  absl::StatusOr<std::vector<uint16_t>> ports = ParsePortList("443,25,20-22,25");
  ASSERT_TRUE(ports.ok()) << ports.status();
  EXPECT_EQ(*ports, (std::vector<uint16_t>{443, 25, 20, 21, 22}));
}

TEST(PlanTextTest, BadPortListsNameTheBadPart) {
  EXPECT_EQ(ParsePortList("0").status().message(), "bad port '0' (expected 1..65535)");
  EXPECT_EQ(ParsePortList("25,65536").status().message(), "bad port '65536' (expected 1..65535)");
  EXPECT_EQ(ParsePortList("30-20").status().message(), "bad port range '30-20'");
  EXPECT_EQ(ParsePortList("25,").status().message(), "bad port '' (expected 1..65535)");
  EXPECT_EQ(ParsePortList("+25").status().message(), "bad port '+25' (expected 1..65535)");
}

TEST(PlanTextTest, TtlRanges) {
  EXPECT_EQ(*ParseTtlRange("7"), std::make_pair(uint8_t{7}, uint8_t{7}));
  EXPECT_EQ(*ParseTtlRange("1-32"), std::make_pair(uint8_t{1}, uint8_t{32}));
  EXPECT_EQ(ParseTtlRange("0-3").status().message(), "bad TTL '0' (expected 1..255)");
  EXPECT_EQ(ParseTtlRange("9-3").status().message(), "bad TTL range '9-3' (MIN > MAX)");
  EXPECT_EQ(ParseTtlRange("1-256").status().message(), "bad TTL '256' (expected 1..255)");
}

TEST(PlanTextTest, ProbeTypes) {
  absl::StatusOr<std::vector<probe::ProbeType>> types =
      ParseProbeTypes("icmp-echo,tcp-syn,icmp-echo");
  ASSERT_TRUE(types.ok()) << types.status();
  EXPECT_EQ(*types, (std::vector<probe::ProbeType>{probe::ProbeType::kIcmpEcho,
                                                   probe::ProbeType::kTcpSyn}));
  EXPECT_EQ(ParseProbeTypes("udp").status().message(),
            "unknown probe type 'udp' (expected tcp-syn, icmp-echo)");
}

}  // namespace
}  // namespace cutpoint::targets
