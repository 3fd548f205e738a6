// SPDX-License-Identifier: Apache-2.0
#include "engine/asn/asn_table.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/asn/range_flattener.h"
#include "gtest/gtest.h"

namespace cutpoint::asn {
namespace {

using wire::IpAddress;

IpAddress Addr(absl::string_view text) { return *wire::ParseIpAddress(text); }

// "ASN prefix" of the match, or "-" for none.
std::string Find(const AsnTable& table, absl::string_view address) {
  std::optional<AsnMatch> match = table.Lookup(Addr(address));
  if (!match) return "-";
  return AsnListText(match->asns) + " " + MatchPrefixText(*match);
}

void AddPrefix(AsnTableBuilder& builder, absl::string_view base, int len, uint32_t asn) {
  const uint32_t asns[] = {asn};
  builder.AddPrefix(Addr(base), len, asns, "", "");
}

TEST(AsnTableTest, EmptyTableMatchesNothing) {
  AsnTable table = AsnTableBuilder().Build();
  EXPECT_EQ(Find(table, "192.0.2.1"), "-");
  EXPECT_EQ(Find(table, "2001:db8::1"), "-");
}

TEST(AsnTableTest, LongestPrefixWinsAcrossNesting) {
  AsnTableBuilder builder;
  AddPrefix(builder, "0.0.0.0", 0, 1);
  AddPrefix(builder, "10.0.0.0", 8, 8);
  AddPrefix(builder, "10.1.0.0", 16, 16);
  AddPrefix(builder, "10.1.2.0", 24, 24);
  AddPrefix(builder, "10.1.2.3", 32, 32);
  AddPrefix(builder, "255.255.255.255", 32, 99);
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "10.1.2.3"), "32 10.1.2.3/32");
  EXPECT_EQ(Find(table, "10.1.2.4"), "24 10.1.2.0/24");
  EXPECT_EQ(Find(table, "10.1.2.2"), "24 10.1.2.0/24");
  EXPECT_EQ(Find(table, "10.1.3.0"), "16 10.1.0.0/16");
  EXPECT_EQ(Find(table, "10.255.255.255"), "8 10.0.0.0/8");
  EXPECT_EQ(Find(table, "11.0.0.0"), "1 0.0.0.0/0");
  EXPECT_EQ(Find(table, "0.0.0.0"), "1 0.0.0.0/0");
  EXPECT_EQ(Find(table, "255.255.255.254"), "1 0.0.0.0/0");
  EXPECT_EQ(Find(table, "255.255.255.255"), "99 255.255.255.255/32");
  // The IPv4 default route annotates no IPv6 address.
  EXPECT_EQ(Find(table, "2001:db8::1"), "-");
}

TEST(AsnTableTest, OrderOfInsertionDoesNotMatter) {
  AsnTableBuilder builder;
  AddPrefix(builder, "10.1.2.0", 24, 24);
  AddPrefix(builder, "10.0.0.0", 8, 8);
  AddPrefix(builder, "10.1.2.128", 25, 25);
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "10.1.2.127"), "24 10.1.2.0/24");
  EXPECT_EQ(Find(table, "10.1.2.128"), "25 10.1.2.128/25");
  EXPECT_EQ(Find(table, "10.1.1.255"), "8 10.0.0.0/8");
  EXPECT_EQ(Find(table, "10.1.3.0"), "8 10.0.0.0/8");
}

TEST(AsnTableTest, HostBitsOfABaseAreIgnored) {
  AsnTableBuilder builder;
  AddPrefix(builder, "192.0.2.77", 24, 64500);
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "192.0.2.0"), "64500 192.0.2.0/24");
}

TEST(AsnTableTest, Ipv6PrefixesFromDefaultToHost) {
  AsnTableBuilder builder;
  AddPrefix(builder, "::", 0, 1);
  AddPrefix(builder, "2001:db8::", 32, 32);
  AddPrefix(builder, "2001:db8::1", 128, 128);
  AddPrefix(builder, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128, 7);
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "2001:db8::1"), "128 2001:db8::1/128");
  EXPECT_EQ(Find(table, "2001:db8::2"), "32 2001:db8::/32");
  EXPECT_EQ(Find(table, "2001:db9::"), "1 ::/0");
  EXPECT_EQ(Find(table, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), "1 ::/0");
  EXPECT_EQ(Find(table, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            "7 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
  // ::/0 spans the IPv4-mapped block of the shared space, but IPv4 is a table of its own.
  EXPECT_EQ(Find(table, "192.0.2.1"), "-");
}

TEST(AsnTableTest, AdjacentRangesStayApart) {
  AsnTableBuilder builder;
  const uint32_t a[] = {1};
  const uint32_t b[] = {2};
  builder.AddRange(Addr("192.0.2.0"), Addr("192.0.2.9"), a, "A", "US");
  builder.AddRange(Addr("192.0.2.10"), Addr("192.0.2.200"), b, "B", "DE");
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "192.0.2.9"), "1 192.0.2.0-192.0.2.9");
  EXPECT_EQ(Find(table, "192.0.2.10"), "2 192.0.2.10-192.0.2.200");
  EXPECT_EQ(Find(table, "192.0.2.200"), "2 192.0.2.10-192.0.2.200");
  EXPECT_EQ(Find(table, "192.0.2.201"), "-");
  std::optional<AsnMatch> match = table.Lookup(Addr("192.0.2.10"));
  ASSERT_TRUE(match);
  EXPECT_EQ(match->as_name, "B");
  EXPECT_EQ(match->country, "DE");
  EXPECT_EQ(match->asn(), 2u);
}

TEST(AsnTableTest, RangeThatIsOneBlockReadsAsAPrefix) {
  AsnTableBuilder builder;
  const uint32_t a[] = {1};
  builder.AddRange(Addr("192.0.2.0"), Addr("192.0.2.255"), a, "", "");
  builder.AddRange(Addr("2001:db8::"), Addr("2001:db8::ffff"), a, "", "");
  builder.AddRange(Addr("198.51.100.1"), Addr("198.51.100.1"), a, "", "");
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "192.0.2.7"), "1 192.0.2.0/24");
  EXPECT_EQ(Find(table, "2001:db8::7"), "1 2001:db8::/112");
  EXPECT_EQ(Find(table, "198.51.100.1"), "1 198.51.100.1/32");
}

TEST(AsnTableTest, PartlyOverlappingRangesNarrowerWins) {
  AsnTableBuilder builder;
  const uint32_t wide[] = {1};
  const uint32_t narrow[] = {2};
  builder.AddRange(Addr("10.0.0.0"), Addr("10.0.0.99"), wide, "", "");
  builder.AddRange(Addr("10.0.0.50"), Addr("10.0.0.120"), narrow, "", "");
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "10.0.0.49"), "1 10.0.0.0-10.0.0.99");
  EXPECT_EQ(Find(table, "10.0.0.50"), "2 10.0.0.50-10.0.0.120");
  EXPECT_EQ(Find(table, "10.0.0.120"), "2 10.0.0.50-10.0.0.120");
  EXPECT_EQ(Find(table, "10.0.0.121"), "-");
}

TEST(AsnTableTest, SamePrefixTwiceFirstAddedWins) {
  AsnTableBuilder builder;
  AddPrefix(builder, "192.0.2.0", 24, 1);
  AddPrefix(builder, "192.0.2.0", 24, 2);
  AsnTable table = std::move(builder).Build();
  EXPECT_EQ(Find(table, "192.0.2.1"), "1 192.0.2.0/24");
  EXPECT_EQ(table.entry_count(), 2u);
}

TEST(AsnTableTest, MultiOriginKeepsEveryAsn) {
  AsnTableBuilder builder;
  const uint32_t asns[] = {64500, 64501, 64502};
  builder.AddPrefix(Addr("192.0.2.0"), 24, asns, "", "");
  AsnTable table = std::move(builder).Build();
  std::optional<AsnMatch> match = table.Lookup(Addr("192.0.2.1"));
  ASSERT_TRUE(match);
  EXPECT_EQ(std::vector<uint32_t>(match->asns.begin(), match->asns.end()),
            (std::vector<uint32_t>{64500, 64501, 64502}));
  EXPECT_EQ(AsnListText(match->asns), "64500_64501_64502");
}

// Against a brute-force longest match over random nested and overlapping prefixes, with
// enough of them that the index has many buckets.
TEST(AsnTableTest, AgreesWithBruteForceLongestMatch) {
  struct Prefix {
    uint32_t base;
    int len;
  };
  std::mt19937 random(15);
  std::vector<Prefix> prefixes;
  AsnTableBuilder builder;
  for (uint32_t i = 0; i < 5000; ++i) {
    const int len = 4 + static_cast<int>(random() % 29);  // /4 - /32
    const uint32_t mask = ~0u << (32 - len);
    // Bases crowd into 10.0.0.0/12 half the time, so prefixes nest and repeat.
    const uint32_t base = (random() % 2 == 0 ? (0x0A000000u | (random() & 0x000FFFFFu)) : random()) & mask;
    prefixes.push_back({base, len});
    const uint32_t asns[] = {i + 1};
    builder.AddPrefix(IpAddress::V4(base), len, asns, "", "");
  }
  AsnTable table = std::move(builder).Build();
  for (int probe = 0; probe < 20000; ++probe) {
    const Prefix& near = prefixes[random() % prefixes.size()];
    const uint32_t address = probe % 4 == 0 ? static_cast<uint32_t>(random())
                                            : near.base + static_cast<uint32_t>(random() % 512) - 256;
    uint32_t want = 0;
    int want_len = -1;
    for (uint32_t i = 0; i < prefixes.size(); ++i) {
      const uint32_t mask = ~0u << (32 - prefixes[i].len);
      if ((address & mask) == prefixes[i].base && prefixes[i].len > want_len) {
        want = i + 1;
        want_len = prefixes[i].len;
      }
    }
    std::optional<AsnMatch> match = table.Lookup(IpAddress::V4(address));
    ASSERT_EQ(match.has_value(), want != 0) << address;
    if (match) {
      ASSERT_EQ(match->asn(), want) << address;
      ASSERT_EQ(match->prefix_len, want_len);
    }
  }
}

TEST(FlattenRangesTest, MergesAdjacentEqualValuesAndSplitsAroundNested) {
  std::vector<ValueRange> flat = FlattenRanges({{0, 99, 0}, {10, 19, 1}, {100, 109, 0}});
  ASSERT_EQ(flat.size(), 3u);
  EXPECT_EQ(static_cast<uint64_t>(flat[0].last), 9u);
  EXPECT_EQ(flat[1].value, 1u);
  EXPECT_EQ(static_cast<uint64_t>(flat[2].first), 20u);
  EXPECT_EQ(static_cast<uint64_t>(flat[2].last), 109u);
}

TEST(RangeIndexTest, FindsAcrossBuckets) {
  // A range starting in one 16-bit bucket and ending in a later one.
  RangeIndex<uint32_t> index(FlattenRanges({{0x00010000, 0x0005ffff, 7}}));
  EXPECT_EQ(index.Find(0x0000ffff), RangeIndex<uint32_t>::kNone);
  EXPECT_EQ(index.Find(0x00010000), 7u);
  EXPECT_EQ(index.Find(0x00040000), 7u);
  EXPECT_EQ(index.Find(0x0005ffff), 7u);
  EXPECT_EQ(index.Find(0x00060000), RangeIndex<uint32_t>::kNone);
  EXPECT_EQ(index.Find(0xffffffff), RangeIndex<uint32_t>::kNone);
}

}  // namespace
}  // namespace cutpoint::asn
