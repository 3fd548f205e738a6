// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/ip_address.h"

#include <arpa/inet.h>

#include <random>
#include <string>

#include "gtest/gtest.h"

namespace cutpoint::wire {
namespace {

std::string Canonical(absl::string_view text) {
  absl::StatusOr<IpAddress> address = ParseIpAddress(text);
  if (!address.ok()) return "error: " + std::string(address.status().message());
  return IpAddressToString(*address);
}

TEST(IpAddressTest, Ipv4LivesInTheMappedBlock) {
  IpAddress a = IpAddress::V4(0xC6120001u);
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.family(), IpFamily::kV4);
  EXPECT_EQ(a.v4(), 0xC6120001u);
  EXPECT_EQ(a.high(), 0u);
  EXPECT_EQ(a.low(), 0x0000ffffC6120001ull);
  EXPECT_EQ(IpAddressToString(a), "198.18.0.1");
  EXPECT_LT(IpAddress::V4(1), IpAddress::V4(2));
  EXPECT_FALSE(IpAddress::V6(0x20010002ull << 32, 1).is_v4());
}

TEST(IpAddressTest, Rfc5952CanonicalText) {
  EXPECT_EQ(Canonical("2001:2::1"), "2001:2::1");
  EXPECT_EQ(Canonical("2001:0002:0000:0000:0000:0000:0000:0001"), "2001:2::1");
  EXPECT_EQ(Canonical("2001:DB8::A"), "2001:db8::a");
  EXPECT_EQ(Canonical("::"), "::");
  EXPECT_EQ(Canonical("::1"), "::1");
  EXPECT_EQ(Canonical("1::"), "1::");
  // A single zero group is not compressed (RFC 5952 4.2.2).
  EXPECT_EQ(Canonical("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  // The longest run wins; the first on a tie (4.2.3).
  EXPECT_EQ(Canonical("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
  EXPECT_EQ(Canonical("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  EXPECT_EQ(Canonical("1:2:3:4:5:6:7:8"), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(Canonical("2001:2::c612:1"), "2001:2::c612:1");
  EXPECT_EQ(Canonical("64:ff9b::198.18.0.1"), "64:ff9b::c612:1");
}

TEST(IpAddressTest, RefusesWithAReason) {
  EXPECT_NE(Canonical("fe80::1%eth0").find("zone"), std::string::npos);
  EXPECT_NE(Canonical("::ffff:198.18.0.1").find("IPv4-mapped"), std::string::npos);
  EXPECT_NE(Canonical("::ffff:198.18.0.1").find("198.18.0.1"), std::string::npos);
  for (const char* bad : {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "2001:db8::1::2", "[::1]",
                          " ::1", "::1 ", "g::1", "12345::", "2001:db8::/32", "1.2.3",
                          "01.2.3.4", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4"}) {
    EXPECT_EQ(Canonical(bad).rfind("error: ", 0), 0u) << bad;
  }
}

// Round trip against the C library on random addresses with zero runs.
TEST(IpAddressTest, RoundTripsAgainstInetPton) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 20000; ++i) {
    uint64_t high = random(), low = random();
    uint64_t zero_mask = random();
    for (int g = 0; g < 4; ++g) {
      if (zero_mask >> g & 1) high &= ~(0xffffull << (16 * g));
      if (zero_mask >> (g + 4) & 1) low &= ~(0xffffull << (16 * g));
    }
    IpAddress address = IpAddress::V6(high, low);
    if (address.is_v4()) continue;
    std::string text = IpAddressToString(address);
    uint8_t bytes[16], mine[16];
    ASSERT_EQ(inet_pton(AF_INET6, text.c_str(), bytes), 1) << text;
    address.ToV6Bytes(mine);
    ASSERT_EQ(0, memcmp(bytes, mine, 16)) << text;
    ASSERT_EQ(ParseIpAddress(text).value(), address) << text;
  }
}

}  // namespace
}  // namespace cutpoint::wire
