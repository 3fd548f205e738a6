// SPDX-License-Identifier: Apache-2.0
#include "engine/probe/probe_key.h"

#include "gtest/gtest.h"
#include "probe/probe_test_util.h"

namespace cutpoint::probe {
namespace {

TEST(ProbeKeyTest, HexRoundTrip) {
  ProbeKey key = testing_probe::FixedKey();
  EXPECT_EQ(ProbeKeyToHex(key), "000102030405060708090a0b0c0d0e0f");
  absl::StatusOr<ProbeKey> parsed = ProbeKeyFromHex("  000102030405060708090A0B0C0D0E0F\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->bytes, key.bytes);
}

TEST(ProbeKeyTest, RejectsBadText) {
  absl::StatusOr<ProbeKey> short_key = ProbeKeyFromHex("0001");
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.status().message().find("32 hex digits"), absl::string_view::npos)
      << short_key.status();
  EXPECT_FALSE(ProbeKeyFromHex("000102030405060708090a0b0c0d0e0f00").ok());
  absl::StatusOr<ProbeKey> non_hex = ProbeKeyFromHex("000102030405060708090a0b0c0d0e0g");
  ASSERT_FALSE(non_hex.ok());
  EXPECT_NE(non_hex.status().message().find("non-hex"), absl::string_view::npos);
  EXPECT_FALSE(ProbeKeyFromHex("0001020304050607 8090a0b0c0d0e0f").ok());
  EXPECT_FALSE(ProbeKeyFromHex("").ok());
}

TEST(ProbeKeyTest, FingerprintIsBlake2b64) {
  // hashlib.blake2b(bytes(range(16)), digest_size=8) and of 16 zero bytes.
  EXPECT_EQ(ProbeKeyFingerprint(testing_probe::FixedKey()), "f49644867b0897ea");
  EXPECT_EQ(ProbeKeyFingerprint(ProbeKey{}), "5250a507f994740e");
}

}  // namespace
}  // namespace cutpoint::probe
