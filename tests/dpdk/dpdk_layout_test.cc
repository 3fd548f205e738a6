// SPDX-License-Identifier: Apache-2.0
// The --tx dpdk thread layout rules and the EAL lcore-list checks (pure functions).
#include "capture/dpdk/dpdk_layout.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cutpoint::capture {
namespace {

using ::testing::HasSubstr;

TEST(DpdkLayout, SendersTakeWorkersInOrderAndCaptureTheNextWorker) {
  absl::StatusOr<DpdkThreadLayout> layout = PlanDpdkThreads({0, {1, 2, 3}}, 2, 4);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->main, 0u);
  EXPECT_EQ(layout->sender_lcores, (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(layout->capture_lcore, 3u);
  EXPECT_FALSE(layout->capture_shares_main);
}

TEST(DpdkLayout, OnTwoCoresTheCaptureSharesTheMainLcore) {
  absl::StatusOr<DpdkThreadLayout> layout = PlanDpdkThreads({0, {1}}, 1, 2);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->sender_lcores, (std::vector<unsigned>{1}));
  EXPECT_EQ(layout->capture_lcore, 0u);
  EXPECT_TRUE(layout->capture_shares_main);
}

TEST(DpdkLayout, ZeroSenderThreadsMeansOne) {
  absl::StatusOr<DpdkThreadLayout> layout = PlanDpdkThreads({4, {6}}, 0, 8);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->main, 4u);
  EXPECT_EQ(layout->sender_lcores, (std::vector<unsigned>{6}));
  EXPECT_EQ(layout->capture_lcore, 4u);
}

TEST(DpdkLayout, TooFewWorkersIsAClearError) {
  absl::StatusOr<DpdkThreadLayout> one = PlanDpdkThreads({0, {}}, 1, 2);
  ASSERT_EQ(one.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(one.status().message()),
              HasSubstr("1 sender thread(s) need 2 lcores, the EAL has 1 (lcores 0: main 0, "
                        "workers none)"));
  EXPECT_THAT(std::string(one.status().message()), HasSubstr("-l 0-1"));
  absl::StatusOr<DpdkThreadLayout> two = PlanDpdkThreads({0, {1}}, 2, 2);
  ASSERT_FALSE(two.ok());
  EXPECT_THAT(std::string(two.status().message()),
              HasSubstr("2 sender thread(s) need 3 lcores, the EAL has 2 (lcores 0-1"));
  EXPECT_THAT(std::string(two.status().message()),
              HasSubstr("only 2 usable CPU(s): pass --sender-threads 1"));
}

TEST(DpdkLayout, RequestedLcoresFromListsAndMasks) {
  EXPECT_EQ(*RequestedLcores("--no-huge -l 0-3,6 --vdev net_null0"),
            (std::vector<unsigned>{0, 1, 2, 3, 6}));
  EXPECT_EQ(*RequestedLcores("-l2,0"), (std::vector<unsigned>{0, 2}));
  EXPECT_EQ(*RequestedLcores("--lcores=1-2"), (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(*RequestedLcores("-c 0x5"), (std::vector<unsigned>{0, 2}));
  EXPECT_EQ(*RequestedLcores("-c f0"), (std::vector<unsigned>{4, 5, 6, 7}));
  EXPECT_TRUE(RequestedLcores("--no-huge --no-pci")->empty());
  EXPECT_TRUE(RequestedLcores("--lcores (0-1)@0")->empty());  // group syntax: the EAL's
}

TEST(DpdkLayout, MalformedLcoreListsAreRefused) {
  for (const char* bad : {"-l", "-l 3-1", "-l a", "-l 0,,1", "-l -1", "-l 99999", "-c 0xg",
                          "-c 0x"}) {
    absl::StatusOr<std::vector<unsigned>> parsed = RequestedLcores(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_THAT(std::string(RequestedLcores("-l 3-1").status().message()),
              HasSubstr("range 3-1 runs backwards"));
}

TEST(DpdkLayout, LcoresOnMissingCpusAreNamed) {
  EXPECT_TRUE(CheckLcoresExist({0, 1}, {0, 1}).ok());
  EXPECT_TRUE(CheckLcoresExist({}, {0}).ok());
  absl::Status missing = CheckLcoresExist({0, 1, 2, 3}, {0, 1});
  ASSERT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.message()),
              HasSubstr("asks for lcores 0-3, but CPU(s) 2-3 do not exist or are not usable by "
                        "this process (usable: 0-1)"));
}

TEST(DpdkLayout, CpuListsAreCompact) {
  EXPECT_EQ(FormatCpuList({}), "");
  EXPECT_EQ(FormatCpuList({3}), "3");
  EXPECT_EQ(FormatCpuList({0, 1, 2, 5, 7, 8, 2}), "0-2,5,7-8");
}

}  // namespace
}  // namespace cutpoint::capture
