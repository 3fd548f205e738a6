// SPDX-License-Identifier: Apache-2.0
// The frame every command runs in: usage errors, --help, and error statuses mapped to
// the documented exit codes.
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tools/cutpoint/exit_codes.h"

namespace cutpoint::cli {
namespace {

constexpr cmdline::OptionSpec kOptions[] = {{"rate", 'r', "PPS", "rate"}, {"help", 'h', "", "help"}};

int RunTest(const std::vector<std::string>& words, absl::StatusOr<int> outcome, bool* helped,
            bool* ran) {
  return RunCommand(
      "test", kOptions, words, [&] { *helped = true; },
      [&](const cmdline::ParsedArgs&) {
        *ran = true;
        return outcome;
      });
}

TEST(RunCommandTest, UsageErrorHelpAndStatuses) {
  bool helped = false, ran = false;
  EXPECT_EQ(RunTest({"--bogus"}, 0, &helped, &ran), kExitBadInput);
  EXPECT_FALSE(helped || ran);
  EXPECT_EQ(RunTest({"-h", "--bogus"}, 0, &helped, &ran), kExitBadInput);  // usage checked first
  EXPECT_EQ(RunTest({"-r", "5", "--help"}, 0, &helped, &ran), kExitOk);
  EXPECT_TRUE(helped);
  EXPECT_FALSE(ran);
  EXPECT_EQ(RunTest({}, kExitInterrupted, &helped, &ran), kExitInterrupted);
  EXPECT_TRUE(ran);
  EXPECT_EQ(RunTest({}, absl::InvalidArgumentError("x"), &helped, &ran), kExitBadInput);
  EXPECT_EQ(RunTest({}, absl::PermissionDeniedError("x"), &helped, &ran), kExitPrivilege);
  EXPECT_EQ(RunTest({}, absl::UnavailableError("x"), &helped, &ran), kExitRuntime);
  EXPECT_EQ(RunTest({}, absl::CancelledError("x"), &helped, &ran), kExitInterrupted);
  EXPECT_EQ(RunTest({}, absl::InternalError("x"), &helped, &ran), kExitInternal);
}

}  // namespace
}  // namespace cutpoint::cli
