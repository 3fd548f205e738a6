// SPDX-License-Identifier: Apache-2.0
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/asn/asn_table.h"
#include "engine/asn/ip2asn_parser.h"
#include "engine/asn/pfx2as_parser.h"
#include "engine/asn/table_text.h"
#include "gtest/gtest.h"

namespace cutpoint::asn {
namespace {

std::optional<AsnMatch> Find(const AsnTable& table, absl::string_view address) {
  return table.Lookup(*wire::ParseIpAddress(address));
}

std::vector<uint32_t> Asns(const std::optional<AsnMatch>& match) {
  if (!match) return {};
  return {match->asns.begin(), match->asns.end()};
}

TEST(Pfx2asTest, ReadsIpv4AndIpv6WithEveryOriginSyntax) {
  AsnTableBuilder builder;
  absl::StatusOr<size_t> count = ParsePfx2as(
      "# comment\n"
      "1.0.0.0\t24\t13335\n"
      "\n"
      "1.0.4.0\t22\t38803_56203\r\n"
      "1.0.8.0\t22\t64500,64501\n"
      "1.0.12.0\t22\t64500_64501,64502\n"
      "1.0.16.0\t22\t{64510,64511}\n"
      "2001:db8::\t32\t64496\n",
      "routeviews-rv2.pfx2as", builder);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 6u);
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Asns(Find(table, "1.0.0.1")), (std::vector<uint32_t>{13335}));
  EXPECT_EQ(Asns(Find(table, "1.0.5.1")), (std::vector<uint32_t>{38803, 56203}));
  EXPECT_EQ(Asns(Find(table, "1.0.9.1")), (std::vector<uint32_t>{64500, 64501}));
  EXPECT_EQ(Asns(Find(table, "1.0.13.1")), (std::vector<uint32_t>{64500, 64501, 64502}));
  EXPECT_EQ(Asns(Find(table, "1.0.17.1")), (std::vector<uint32_t>{64510, 64511}));
  EXPECT_EQ(Asns(Find(table, "2001:db8:1::1")), (std::vector<uint32_t>{64496}));
  EXPECT_EQ(MatchPrefixText(*Find(table, "1.0.5.1")), "1.0.4.0/22");
  EXPECT_EQ(Find(table, "1.0.5.1")->as_name, "");
  EXPECT_FALSE(Find(table, "1.0.1.0"));
}

TEST(Pfx2asTest, Ipv4MappedPrefixIsIpv4) {
  AsnTableBuilder builder;
  ASSERT_TRUE(ParsePfx2as("::ffff:192.0.2.0\t120\t64500\n", "f", builder).ok());
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(MatchPrefixText(*Find(table, "192.0.2.9")), "192.0.2.0/24");
}

TEST(Pfx2asTest, BadLinesNameFileAndLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"1.0.0.0\t24\t13335\ngarbage here\n", "f.pfx2as:2: expected PREFIX<TAB>LEN<TAB>ASN"},
      {"1.0.0.0\t33\t13335\n", "f.pfx2as:1: bad prefix length '33'"},
      {"2001:db8::\t129\t1\n", "f.pfx2as:1: bad prefix length '129'"},
      {"1.0.0.0\t-1\t1\n", "f.pfx2as:1: bad prefix length '-1'"},
      {"1.0.0.0\t24\tAS13335\n", "f.pfx2as:1: bad ASN 'AS13335'"},
      {"1.0.0.0\t24\t64500_\n", "f.pfx2as:1: bad ASN '64500_'"},
      {"1.0.0.0\t24\t4294967296\n", "f.pfx2as:1: bad ASN"},
      {"1.0.0.256\t24\t1\n", "f.pfx2as:1: bad prefix '1.0.0.256'"},
      {"", "f.pfx2as: no pfx2as entries"},
      {"# only a comment\n", "f.pfx2as: no pfx2as entries"},
  };
  for (const Case& c : cases) {
    AsnTableBuilder builder;
    absl::StatusOr<size_t> count = ParsePfx2as(c.text, "f.pfx2as", builder);
    ASSERT_FALSE(count.ok()) << c.text;
    EXPECT_EQ(count.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(count.status().message().find(c.message), absl::string_view::npos)
        << count.status().message() << " vs " << c.message;
  }
}

TEST(Ip2asnTest, ReadsRangesNamesAndCountriesSkipsNotRouted) {
  AsnTableBuilder builder;
  absl::StatusOr<size_t> count = ParseIp2asn(
      "1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n"
      "1.0.1.0\t1.0.3.255\t0\tNone\tNot routed\n"
      "1.0.4.0\t1.0.4.77\t38803\tAU\tGTELECOM-AUSTRALIA Gtelecom\n"
      "1.0.4.78\t1.0.7.255\t38803\tAU\tGTELECOM-AUSTRALIA Gtelecom\n"
      "2001:db8::\t2001:db8::ffff:ffff\t64496\tDE\tEXAMPLE-NET\n",
      "ip2asn-combined.tsv", builder);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 4u);
  AsnTable table = std::move(builder).Build();
  std::optional<AsnMatch> match = Find(table, "1.0.0.9");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->asn(), 13335u);
  EXPECT_EQ(match->as_name, "CLOUDFLARENET");
  EXPECT_EQ(match->country, "US");
  EXPECT_EQ(MatchPrefixText(*match), "1.0.0.0/24");
  EXPECT_FALSE(Find(table, "1.0.2.0"));  // AS 0
  EXPECT_EQ(MatchPrefixText(*Find(table, "1.0.4.77")), "1.0.4.0-1.0.4.77");
  EXPECT_EQ(MatchPrefixText(*Find(table, "1.0.4.78")), "1.0.4.78-1.0.7.255");
  EXPECT_EQ(Find(table, "2001:db8::1:2")->as_name, "EXAMPLE-NET");
  EXPECT_EQ(MatchPrefixText(*Find(table, "2001:db8::1:2")), "2001:db8::/96");
}

TEST(Ip2asnTest, BadLinesNameFileAndLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"1.0.0.0\t1.0.0.255\t13335\tUS\tX\nrubbish\n", "v4.tsv:2: expected range_start"},
      {"1.0.0.0\t1.0.0.x\t1\tUS\tX\n", "v4.tsv:1: bad range end '1.0.0.x'"},
      {"1.0.0.9\t1.0.0.1\t1\tUS\tX\n", "v4.tsv:1: bad range 1.0.0.9 - 1.0.0.1"},
      {"1.0.0.0\t2001:db8::\t1\tUS\tX\n", "v4.tsv:1: bad range"},
      {"1.0.0.0\t1.0.0.255\tAS1\tUS\tX\n", "v4.tsv:1: bad ASN 'AS1'"},
      {"", "v4.tsv: no ip2asn entries"},
  };
  for (const Case& c : cases) {
    AsnTableBuilder builder;
    absl::StatusOr<size_t> count = ParseIp2asn(c.text, "v4.tsv", builder);
    ASSERT_FALSE(count.ok()) << c.text;
    EXPECT_NE(count.status().message().find(c.message), absl::string_view::npos)
        << count.status().message() << " vs " << c.message;
  }
}

TEST(Ip2asnTest, MostSpecificAcrossSourcesWins) {
  AsnTableBuilder builder;
  ASSERT_TRUE(ParsePfx2as("10.0.0.0\t8\t64500\n", "a", builder).ok());
  ASSERT_TRUE(ParseIp2asn("10.1.0.0\t10.1.0.255\t64501\tNL\tNARROW\n", "b", builder).ok());
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "10.1.0.1")->as_name, "NARROW");
  EXPECT_EQ(Find(table, "10.2.0.1")->asn(), 64500u);
}

TEST(ParseAsnListTest, Spellings) {
  EXPECT_EQ(*ParseAsnList("4294967295"), (std::vector<uint32_t>{4294967295u}));
  EXPECT_EQ(*ParseAsnList("1_1,2"), (std::vector<uint32_t>{1, 2}));
  EXPECT_FALSE(ParseAsnList("").ok());
  EXPECT_FALSE(ParseAsnList("1__2").ok());
  EXPECT_FALSE(ParseAsnList("+1").ok());
}

}  // namespace
}  // namespace cutpoint::asn
