// SPDX-License-Identifier: Apache-2.0
#include "engine/base/status_macros.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace cutpoint {
namespace {

absl::StatusOr<int> Half(int value) {
  if (value % 2 != 0) return absl::InvalidArgumentError("odd");
  return value / 2;
}

absl::Status Check(int value, int* calls) {
  ++*calls;
  if (value < 0) return absl::OutOfRangeError("negative");
  return absl::OkStatus();
}

absl::StatusOr<int> Quarter(int value, int* after) {
  ASSIGN_OR_RETURN(int half, Half(value));
  ASSIGN_OR_RETURN(half, Half(half));  // an existing variable
  ++*after;
  return half;
}

absl::Status CheckBoth(int a, int b, int* calls) {
  RETURN_IF_ERROR(Check(a, calls));
  RETURN_IF_ERROR(Check(b, calls));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<std::string>> MakeText(bool ok) {
  if (!ok) return absl::NotFoundError("none");
  return std::make_unique<std::string>("text");
}

absl::StatusOr<size_t> TextLength(bool ok) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> text, MakeText(ok));  // move-only
  return text->size();
}

TEST(StatusMacrosTest, AssignOrReturnAssignsOnSuccess) {
  int after = 0;
  absl::StatusOr<int> quarter = Quarter(12, &after);
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(*quarter, 3);
  EXPECT_EQ(after, 1);
}

TEST(StatusMacrosTest, AssignOrReturnReturnsTheFirstErrorAndStops) {
  int after = 0;
  absl::StatusOr<int> quarter = Quarter(6, &after);  // 6 -> 3 -> odd
  EXPECT_EQ(quarter.status(), absl::InvalidArgumentError("odd"));
  EXPECT_EQ(after, 0);
}

TEST(StatusMacrosTest, ReturnIfErrorStopsAtTheFirstError) {
  int calls = 0;
  EXPECT_EQ(CheckBoth(-1, 5, &calls), absl::OutOfRangeError("negative"));
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_TRUE(CheckBoth(1, 5, &calls).ok());
  EXPECT_EQ(calls, 2);
}

TEST(StatusMacrosTest, AssignOrReturnMovesMoveOnlyValues) {
  EXPECT_EQ(*TextLength(true), 4u);
  EXPECT_EQ(TextLength(false).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cutpoint
