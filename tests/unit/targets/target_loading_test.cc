// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/target_loading.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::targets {
namespace {

using testutil::Ip;

class LoadTargetsTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& contents) {
    std::string path =
        ::testing::TempDir() + "/cutpoint_load_" + name + "_" + std::to_string(getpid());
    std::ofstream(path) << contents;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const std::string& path : paths_) std::remove(path.c_str());
  }
  std::vector<std::string> paths_;
};

TEST_F(LoadTargetsTest, AllowlistIsTheSetWithoutTargetsAndAFilterWithThem) {
  TargetOptions options;
  options.allowlist_files = {Write("allow", "8.8.8.0/30\n")};
  absl::StatusOr<TargetSet> alone = LoadTargets(options);
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_EQ(alone->size(), 4u);
  options.specs = {"8.8.8.2", "9.9.9.9"};
  absl::StatusOr<TargetSet> filtered = LoadTargets(options);
  ASSERT_TRUE(filtered.ok()) << filtered.status();
  EXPECT_EQ(filtered->size(), 1u);
  EXPECT_TRUE(filtered->Contains(Ip(8, 8, 8, 2)));
}

TEST_F(LoadTargetsTest, NoTargetsNamesTheOldAllowReservedSyntax) {
  TargetOptions options;
  EXPECT_EQ(LoadTargets(options).status().message(),
            "no targets given (TARGET arguments or --targets-file)");
  options.allow_reserved = {"198.18.0.1"};
  EXPECT_NE(LoadTargets(options).status().message().find("is '198.18.0.1' meant as a target too?"),
            absl::string_view::npos);
}

TEST_F(LoadTargetsTest, DefaultBlocklistReadWhenPresentAndReported) {
  TargetOptions options;
  options.specs = {"8.8.8.0/30"};
  options.default_blocklist = ::testing::TempDir() + "/cutpoint_no_such_optout.conf";
  TargetingReport report;
  ASSERT_TRUE(LoadTargets(options, &report).ok());
  EXPECT_TRUE(report.blocklist_files.empty());  // absent: normal, not an error
  options.default_blocklist = Write("optout", "8.8.8.1\n");
  options.blocklist_files = {Write("block", "8.8.8.2\n")};
  absl::StatusOr<TargetSet> set = LoadTargets(options, &report);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->size(), 2u);
  EXPECT_EQ(report.blocklisted, 2u);
  EXPECT_EQ(report.blocklist_files,
            (std::vector<std::string>{options.blocklist_files[0], options.default_blocklist}));
}

TEST_F(LoadTargetsTest, ReservedAndMaxTargets) {
  TargetOptions options;
  options.specs = {"198.18.0.0/30", "8.8.8.8"};
  EXPECT_EQ(LoadTargets(options).status().code(), absl::StatusCode::kPermissionDenied);
  options.skip_reserved = true;
  TargetingReport report;
  absl::StatusOr<TargetSet> skipped = LoadTargets(options, &report);
  ASSERT_TRUE(skipped.ok()) << skipped.status();
  EXPECT_EQ(skipped->size(), 1u);
  EXPECT_EQ(report.reserved_skipped, 4u);
  options.skip_reserved = false;
  options.allow_reserved = {"198.18.0.0/15"};
  options.max_targets = 4;
  EXPECT_EQ(
      LoadTargets(options, &report).status().message(),
      "target set has 5 addresses, more than --max-targets 4; raise --max-targets to confirm");
  options.max_targets = 5;
  ASSERT_TRUE(LoadTargets(options, &report).ok());
  EXPECT_EQ(report.allowed_reserved, std::vector<std::string>{"198.18.0.0/15"});
}

}  // namespace
}  // namespace cutpoint::targets
