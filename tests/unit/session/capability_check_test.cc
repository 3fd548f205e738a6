// SPDX-License-Identifier: Apache-2.0
// The capability check's decision: which capabilities a live run needs per backend, and
// the refusal's text (missing capability, the setcap line with the binary's path, root).
#include "session/capability_check.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

namespace cutpoint::session {
namespace {

bool Has(const absl::Status& status, absl::string_view text) {
  return status.message().find(text) != absl::string_view::npos;
}

constexpr uint64_t kNetRaw = uint64_t{1} << CAP_NET_RAW;

TEST(NeededCapabilities, KernelBackendsNeedNetRawDpdkNothingCertain) {
  std::vector<NeededCapability> kernel = NeededCapabilities(/*tx_dpdk=*/false);
  ASSERT_EQ(kernel.size(), 1u);
  EXPECT_EQ(kernel[0].number, CAP_NET_RAW);
  EXPECT_STREQ(kernel[0].name, "CAP_NET_RAW");
  EXPECT_TRUE(NeededCapabilities(/*tx_dpdk=*/true).empty());
}

TEST(CheckCapabilities, HeldCapabilityPasses) {
  ProcessPrivilege process{kNetRaw, false, "/usr/bin/cutpoint"};
  EXPECT_TRUE(CheckCapabilities("trace", NeededCapabilities(false), process).ok());
}

TEST(CheckCapabilities, RootWithEveryCapabilityPasses) {
  ProcessPrivilege process{~uint64_t{0}, true, "/usr/bin/cutpoint"};
  EXPECT_TRUE(CheckCapabilities("scan", NeededCapabilities(false), process).ok());
}

TEST(CheckCapabilities, MissingNetRawNamesItAndTheSetcapLine) {
  ProcessPrivilege process{0, false, "/opt/cp/bin/cutpoint"};
  absl::Status status = CheckCapabilities("locate", NeededCapabilities(false), process);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Has(status, "locate needs CAP_NET_RAW")) << status;
  EXPECT_TRUE(Has(status, "sudo setcap cap_net_raw+ep /opt/cp/bin/cutpoint")) << status;
  EXPECT_TRUE(Has(status, "or run as root")) << status;
  EXPECT_TRUE(Has(status, "--dry-run needs no privilege")) << status;
}

TEST(CheckCapabilities, OtherCapabilitiesDoNotCount) {
  ProcessPrivilege process{~kNetRaw, false, "/usr/bin/cutpoint"};
  EXPECT_EQ(CheckCapabilities("trace", NeededCapabilities(false), process).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CheckCapabilities, RootWithoutTheCapabilitySaysItWasDropped) {
  ProcessPrivilege process{0, true, "/usr/bin/cutpoint"};
  absl::Status status = CheckCapabilities("trace", NeededCapabilities(false), process);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Has(status, "runs as root")) << status;
  EXPECT_FALSE(Has(status, "or run as root"));
  EXPECT_TRUE(Has(status, "setcap cap_net_raw+ep /usr/bin/cutpoint")) << status;
}

TEST(CheckCapabilities, UnknownPathFallsBackToTheName) {
  ProcessPrivilege process{0, false, ""};
  EXPECT_TRUE(Has(CheckCapabilities("trace", NeededCapabilities(false), process),
                  "sudo setcap cap_net_raw+ep cutpoint"));
}

TEST(CheckCapabilities, DpdkNeedsNothingUpFront) {
  ProcessPrivilege process{0, false, "/usr/bin/cutpoint"};
  EXPECT_TRUE(CheckCapabilities("trace", NeededCapabilities(true), process).ok());
}

}  // namespace
}  // namespace cutpoint::session
