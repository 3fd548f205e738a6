// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/ipv4_address.h"

#include <cstring>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::wire {
namespace {

using testutil::Ip;

TEST(ParseIpv4Test, AcceptsDottedQuads) {
  EXPECT_EQ(ParseIpv4("198.18.0.1"), Ip(198, 18, 0, 1));
  EXPECT_EQ(ParseIpv4("0.0.0.0"), 0u);
  EXPECT_EQ(ParseIpv4("255.255.255.255"), 0xffffffffu);
  EXPECT_EQ(ParseIpv4("1.2.3.4"), Ip(1, 2, 3, 4));
  EXPECT_EQ(ParseIpv4("10.0.10.100"), Ip(10, 0, 10, 100));
  EXPECT_EQ(ParseIpv4("185.70.40.101"), Ip(185, 70, 40, 101));
}

TEST(ParseIpv4Test, AcceptsNonNulTerminatedView) {
  const char text[] = "1.2.3.45";
  EXPECT_EQ(ParseIpv4(absl::string_view(text, 7)), Ip(1, 2, 3, 4));
}

TEST(ParseIpv4Test, Rejects) {
  const char* bad[] = {
      "",            "1",           "1.2",          "1.2.3",        "1.2.3.",
      "1.2.3.4.",    "1.2.3.4.5",   ".1.2.3.4",     "1..2.3",       "256.1.1.1",
      "1.256.1.1",   "1.1.1.256",   "999.1.1.1",    "1000.1.1.1",   "1.2.3.1000",
      "01.2.3.4",    "1.02.3.4",    "1.2.3.04",     "00.0.0.0",     "1.2.3.00",
      "1.2.3.4 ",    " 1.2.3.4",    "1.2.3.4x",     "1.2.3.4/24",   "1.2.3.4\n",
      "+1.2.3.4",    "-1.2.3.4",    "1.2.3.-4",     "1.2.+3.4",     "a.b.c.d",
      "0x1.2.3.4",   "1,2,3,4",     "1.2.3.4:80",   "::1",
      "4294967295",  "1 .2.3.4",    "1.2.3.4567",
  };
  for (const char* text : bad) {
    EXPECT_FALSE(ParseIpv4(text).has_value()) << "'" << text << "'";
  }
  // Embedded NUL with a trailing character.
  EXPECT_FALSE(ParseIpv4(absl::string_view("1.2.3.4\0", 8)).has_value());
}

TEST(FormatIpv4Test, EdgeValues) {
  struct Case { uint32_t address; const char* text; };
  const Case cases[] = {
      {0, "0.0.0.0"},
      {0xffffffffu, "255.255.255.255"},
      {Ip(1, 2, 3, 4), "1.2.3.4"},
      {Ip(10, 100, 0, 9), "10.100.0.9"},
      {Ip(100, 10, 1, 0), "100.10.1.0"},
      {Ip(199, 99, 9, 200), "199.99.9.200"},
      {Ip(128, 0, 0, 1), "128.0.0.1"},
  };
  for (const Case& c : cases) {
    char buf[kIpv4TextMax];
    std::memset(buf, 'x', sizeof(buf));
    size_t len = FormatIpv4(c.address, buf);
    EXPECT_EQ(std::string(buf, len), c.text);
    EXPECT_EQ(len, std::strlen(c.text));
    EXPECT_EQ(buf[len], '\0');
    EXPECT_EQ(Ipv4ToString(c.address), c.text);
    EXPECT_EQ(ParseIpv4(c.text), c.address);
  }
  char buf[kIpv4TextMax];
  EXPECT_EQ(FormatIpv4(0xffffffffu, buf), kIpv4TextMax - 1);
}

TEST(FormatIpv4Test, RoundTripsEveryOctetValueAndRandomAddresses) {
  for (uint32_t v = 0; v < 256; ++v) {
    uint32_t address = v << 24 | (255 - v) << 16 | v << 8 | ((v * 7) & 0xff);
    ASSERT_EQ(ParseIpv4(Ipv4ToString(address)), address) << Ipv4ToString(address);
  }
  std::mt19937 rng(4);
  for (int i = 0; i < 10000; ++i) {
    uint32_t address = static_cast<uint32_t>(rng());
    ASSERT_EQ(ParseIpv4(Ipv4ToString(address)), address) << Ipv4ToString(address);
  }
}

}  // namespace
}  // namespace cutpoint::wire
