// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/target_set.h"

#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "v4_ranges.h"
#include "test_util.h"

namespace cutpoint::targets {
namespace {

using testutil::Ip;

bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

TEST(ParseTargetSpecTest, SingleAddressesAndPrefixes) {
  absl::StatusOr<IpRange> one = ParseTargetSpec("198.18.0.1");
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(*one, (IpRange{Ip(198, 18, 0, 1), Ip(198, 18, 0, 1)}));
  EXPECT_EQ(one->size(), 1u);

  absl::StatusOr<IpRange> net = ParseTargetSpec("198.18.0.0/24");
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(*net, (IpRange{Ip(198, 18, 0, 0), Ip(198, 18, 0, 255)}));
  EXPECT_EQ(net->size(), 256u);

  absl::StatusOr<IpRange> all = ParseTargetSpec("0.0.0.0/0");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->first, testutil::V4(0u));
  EXPECT_EQ(all->last, testutil::V4(0xffffffffu));
  EXPECT_EQ(all->size(), uint64_t{1} << 32);

  absl::StatusOr<IpRange> host = ParseTargetSpec("185.70.40.101/32");
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->size(), 1u);
  absl::StatusOr<IpRange> slash31 = ParseTargetSpec("185.70.40.101/31");
  ASSERT_TRUE(slash31.ok());
  EXPECT_EQ(*slash31, (IpRange{Ip(185, 70, 40, 100), Ip(185, 70, 40, 101)}));
  absl::StatusOr<IpRange> slash1 = ParseTargetSpec("200.1.1.1/1");
  ASSERT_TRUE(slash1.ok());
  EXPECT_EQ(*slash1, IpRange::V4(0x80000000u, 0xffffffffu));
}

TEST(ParseTargetSpecTest, HostBitsAreMasked) {
  absl::StatusOr<IpRange> r = ParseTargetSpec("198.18.0.7/24");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (IpRange{Ip(198, 18, 0, 0), Ip(198, 18, 0, 255)}));
  absl::StatusOr<IpRange> r16 = ParseTargetSpec("10.20.30.40/12");
  ASSERT_TRUE(r16.ok());
  EXPECT_EQ(*r16, (IpRange{Ip(10, 16, 0, 0), Ip(10, 31, 255, 255)}));
}

TEST(ParseTargetSpecTest, Rejects) {
  struct Case { const char* spec; const char* message; };
  const Case cases[] = {
      {"", "bad target"},
      {"1.2.3", "bad target"},
      {"1.2.3.256", "bad target"},
      {"01.2.3.4", "bad target"},
      {"example.com", "bad target"},
      {"1.2.3.4/33", "bad prefix length"},
      {"1.2.3.4/-1", "bad prefix length"},
      {"1.2.3.4/", "bad prefix length"},
      {"1.2.3.4/+8", "bad prefix length"},
      {"1.2.3.4/ 8", "bad prefix length"},
      {"1.2.3.4/008", "bad prefix length"},
      {"1.2.3.4/100", "bad prefix length"},
      {"1.2.3.4/24/8", "bad prefix length"},
      {"/24", "bad target"},
      {"2001:db8::1/129", "bad prefix length"},
      {"2001:db8::1/", "bad prefix length"},
      {"fe80::1%eth0", "zone"},
      {"fe80::1%eth0/64", "zone"},
      {"::ffff:198.18.0.1", "IPv4-mapped"},
      {"::ffff:198.18.0.0/120", "IPv4-mapped"},
      {"::/0", "whole IPv6 space"},
      {"::/64", "IPv4-mapped"},
      {"[2001:db8::1]", "bad target"},
      {"2001:db8::1::2", "bad target"},
      {"2001:db8:::1", "bad target"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<IpRange> r = ParseTargetSpec(c.spec);
    ASSERT_FALSE(r.ok()) << "'" << c.spec << "'";
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(r.status().message(), c.message))
        << "'" << c.spec << "': " << r.status().message();
    EXPECT_TRUE(Contains(r.status().message(), c.spec)) << r.status().message();
  }
}

TEST(ParseTargetSpecTest, Ipv6AddressesAndPrefixes) {
  absl::StatusOr<IpRange> one = ParseTargetSpec("2001:2::1");
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->first, wire::IpAddress::V6(0x2001000200000000ull, 1));
  EXPECT_EQ(one->size(), 1u);
  absl::StatusOr<IpRange> net = ParseTargetSpec("2001:2:0:ff00::17/120");
  ASSERT_TRUE(net.ok()) << net.status();
  EXPECT_EQ(FormatRange(*net), "2001:2:0:ff00::/120");
  EXPECT_EQ(net->size(), 256u);
  absl::StatusOr<IpRange> wide = ParseTargetSpec("2001:2::/48");
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->size(), wire::Uint128{1} << 80);
  // Mixed with IPv4 in one set: both families, ordered, no overlap.
  TargetSet set = TargetSet::FromRanges({*net, IpRange::V4(Ip(198, 18, 0, 0), Ip(198, 18, 0, 3))});
  EXPECT_EQ(set.size(), 260u);
  EXPECT_EQ(set.CountV4(), 4u);
  EXPECT_EQ(set.CountV6(), 256u);
  EXPECT_EQ(set.At(0), testutil::V4(Ip(198, 18, 0, 0)));
  EXPECT_EQ(wire::IpAddressToString(set.At(4)), "2001:2:0:ff00::");
  EXPECT_EQ(set.IndexOf(wire::ParseIpAddress("2001:2:0:ff00::ff").value()), 259);
  EXPECT_EQ(set.IndexOf(wire::ParseIpAddress("2001:2:0:ff00::100").value()), -1);
  // Where a run looks up each family's route: the lowest target of that family.
  wire::SourceAddresses first = set.FirstOfEachFamily();
  EXPECT_EQ(first.v4, testutil::V4(Ip(198, 18, 0, 0)));
  ASSERT_TRUE(first.v6.has_value());
  EXPECT_EQ(wire::IpAddressToString(*first.v6), "2001:2:0:ff00::");
  EXPECT_FALSE(TargetSet::FromRanges({*net}).FirstOfEachFamily().v4.has_value());
  EXPECT_EQ(TargetSet::FromRanges({*net}).FirstOfEachFamily().v6, set.At(4));
  EXPECT_FALSE(testutil::V4Set({{1, 2}}).FirstOfEachFamily().v6.has_value());
  // A hand-built range across the IPv4 block yields both families' first addresses.
  const IpRange across{wire::IpAddress::V6(0, 5), wire::IpAddress::V6(1, 0)};
  wire::SourceAddresses both = TargetSet::FromRanges({across}).FirstOfEachFamily();
  EXPECT_EQ(both.v4, testutil::V4(0));
  EXPECT_EQ(both.v6, wire::IpAddress::V6(0, 5));
  // FirstOverlap searches without copying: the lowest common address, or none.
  EXPECT_EQ(set.FirstOverlap(testutil::V4Set({{Ip(198, 18, 0, 2), Ip(198, 18, 0, 9)}})),
            testutil::V4(Ip(198, 18, 0, 2)));
  EXPECT_EQ(set.FirstOverlap(TargetSet::FromRanges({*wide})), set.At(4));
  EXPECT_FALSE(set.FirstOverlap(testutil::V4Set({{Ip(198, 18, 0, 4), Ip(198, 18, 1, 0)}})));
  EXPECT_FALSE(set.FirstOverlap(TargetSet()).has_value());
  // A set too big to index saturates instead of wrapping.
  EXPECT_EQ(TargetSet::FromRanges({*wide}).size(), UINT64_MAX);
}

TEST(FormatRangeTest, PrefixesAndSpans) {
  EXPECT_EQ(FormatRange({Ip(198, 18, 0, 0), Ip(198, 18, 0, 255)}), "198.18.0.0/24");
  EXPECT_EQ(FormatRange({Ip(1, 2, 3, 4), Ip(1, 2, 3, 4)}), "1.2.3.4/32");
  EXPECT_EQ(FormatRange(IpRange::V4(0, 0xffffffffu)), "0.0.0.0/0");
  EXPECT_EQ(FormatRange({Ip(1, 2, 3, 4), Ip(1, 2, 3, 9)}), "1.2.3.4-1.2.3.9");
  EXPECT_EQ(FormatRange({Ip(1, 2, 3, 1), Ip(1, 2, 3, 2)}), "1.2.3.1-1.2.3.2");  // unaligned
}

TEST(TargetSetTest, MergesOverlapsAndAdjacentRanges) {
  TargetSet set = TargetSet::FromRanges({
      {Ip(10, 0, 0, 10), Ip(10, 0, 0, 20)},
      {Ip(10, 0, 0, 0), Ip(10, 0, 0, 9)},     // adjacent below
      {Ip(10, 0, 0, 15), Ip(10, 0, 0, 30)},   // overlapping
      {Ip(10, 0, 0, 12), Ip(10, 0, 0, 13)},   // contained
      {Ip(10, 0, 1, 0), Ip(10, 0, 1, 0)},     // separate
      {Ip(10, 0, 0, 31), Ip(10, 0, 0, 31)},   // adjacent above
      {Ip(10, 0, 1, 0), Ip(10, 0, 1, 0)},     // duplicate
  });
  ASSERT_EQ(set.ranges().size(), 2u);
  EXPECT_EQ(set.ranges().ToVector()[0], (IpRange{Ip(10, 0, 0, 0), Ip(10, 0, 0, 31)}));
  EXPECT_EQ(set.ranges().ToVector()[1], (IpRange{Ip(10, 0, 1, 0), Ip(10, 0, 1, 0)}));
  EXPECT_EQ(set.size(), 33u);
  EXPECT_FALSE(set.empty());
  EXPECT_TRUE(TargetSet().empty());
  EXPECT_TRUE(TargetSet::FromRanges({}).empty());
}

TEST(TargetSetTest, EdgesOfTheAddressSpace) {
  TargetSet set = testutil::V4Set({{0xfffffff0u, 0xffffffffu}, {0, 3}, {4, 4}});
  ASSERT_EQ(set.ranges().size(), 2u);
  EXPECT_EQ(set.size(), 5u + 16u);
  EXPECT_EQ(set.At(0), testutil::V4(0u));
  EXPECT_EQ(set.At(4), testutil::V4(4u));
  EXPECT_EQ(set.At(5), testutil::V4(0xfffffff0u));
  EXPECT_EQ(set.At(20), testutil::V4(0xffffffffu));
  EXPECT_TRUE(set.Contains(testutil::V4(0xffffffffu)));
  EXPECT_FALSE(set.Contains(testutil::V4(5)));
  TargetSet everything = testutil::V4Set({{0, 0xffffffffu}, {5, 6}});
  EXPECT_EQ(everything.size(), uint64_t{1} << 32);
  EXPECT_EQ(everything.At((uint64_t{1} << 32) - 1), testutil::V4(0xffffffffu));
}

TEST(TargetSetTest, AtAndContainsAreConsistent) {
  std::mt19937 rng(5);
  std::vector<IpRange> ranges;
  std::set<uint32_t> expected;
  for (int i = 0; i < 40; ++i) {
    uint32_t first = Ip(100, 0, 0, 0) + rng() % 3000;
    uint32_t last = first + rng() % 40;
    ranges.push_back(IpRange::V4(first, last));
    for (uint32_t a = first; a <= last; ++a) expected.insert(a);
  }
  TargetSet set = TargetSet::FromRanges(ranges);
  ASSERT_EQ(set.size(), expected.size());
  uint64_t index = 0;
  for (uint32_t address : expected) {
    ASSERT_EQ(set.At(index), testutil::V4(address)) << index;
    ++index;
  }
  for (uint32_t a = Ip(100, 0, 0, 0) - 5; a < Ip(100, 0, 0, 0) + 3100; ++a) {
    ASSERT_EQ(set.Contains(testutil::V4(a)), expected.count(a) == 1) << a;
  }
  // Ranges are sorted, disjoint and non-adjacent.
  const std::vector<IpRange> runs = set.ranges().ToVector();
  for (size_t i = 1; i < runs.size(); ++i) {
    EXPECT_GT(runs[i].first.value(), runs[i - 1].last.value() + 1);
  }
}

TEST(TargetSetBuilderTest, AddTextWithCommentsAndBlankLines) {
  TargetSetBuilder builder;
  absl::Status status = builder.AddText(
      "# probe list\n"
      "\n"
      "185.70.40.101\n"
      "   198.51.100.0/30   # trailing comment\n"
      "\t\r\n"
      "# 1.1.1.1\n"
      "185.70.40.100\r\n",
      "list.txt");
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_TRUE(builder.AddSpec("203.0.113.5").ok());
  TargetSet set = std::move(builder).Build();
  EXPECT_EQ(set.size(), 2u + 4u + 1u);
  EXPECT_TRUE(set.Contains(Ip(185, 70, 40, 100)));
  EXPECT_TRUE(set.Contains(Ip(185, 70, 40, 101)));
  EXPECT_TRUE(set.Contains(Ip(198, 51, 100, 3)));
  EXPECT_TRUE(set.Contains(Ip(203, 0, 113, 5)));
  EXPECT_FALSE(set.Contains(Ip(1, 1, 1, 1)));
}

TEST(TargetSetBuilderTest, ErrorsNameOriginAndLine) {
  TargetSetBuilder builder;
  absl::Status status = builder.AddText("1.2.3.4\n# ok\n\n1.2.3.4/40\n5.6.7.8\n", "targets.txt");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(status.message(), "targets.txt:4: ")) << status.message();
  EXPECT_TRUE(Contains(status.message(), "1.2.3.4/40")) << status.message();
  absl::Status bad = builder.AddText("\n\nnot-an-address", "cli");
  EXPECT_TRUE(Contains(bad.message(), "cli:3: ")) << bad.message();
  absl::Status spec = builder.AddSpec("1.2.3.4/33");
  EXPECT_FALSE(spec.ok());
}

class TargetFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& contents) {
    std::string path = ::testing::TempDir() + "/cutpoint_targets_" + name;
    std::ofstream(path) << contents;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const std::string& p : paths_) std::remove(p.c_str());
  }
  std::vector<std::string> paths_;
};

TEST_F(TargetFileTest, AddFile) {
  std::string path = Write("good.txt", "# list\n185.70.40.101\n198.51.100.0/31\n");
  TargetSetBuilder builder;
  absl::Status status = builder.AddFile(path);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(std::move(builder).Build().size(), 3u);
}

TEST_F(TargetFileTest, MissingFile) {
  TargetSetBuilder builder;
  std::string path = ::testing::TempDir() + "/cutpoint_no_such_file.txt";
  absl::Status status = builder.AddFile(path);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(Contains(status.message(), path)) << status.message();
}

TEST_F(TargetFileTest, EmptyOrCommentOnlyFile) {
  for (const std::string& contents : {std::string(""), std::string("# nothing\n\n   # here\n")}) {
    std::string path = Write("empty.txt", contents);
    TargetSetBuilder builder;
    absl::Status status = builder.AddFile(path);
    ASSERT_FALSE(status.ok());
    EXPECT_TRUE(Contains(status.message(), "no targets")) << status.message();
    EXPECT_TRUE(Contains(status.message(), path)) << status.message();
  }
}

TEST_F(TargetFileTest, BadLineInFileNamesPathAndLine) {
  std::string path = Write("bad.txt", "185.70.40.101\n\n# c\n::ffff:1.2.3.4\n");
  TargetSetBuilder builder;
  absl::Status status = builder.AddFile(path);
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(Contains(status.message(), path + ":4: ")) << status.message();
  EXPECT_TRUE(Contains(status.message(), "IPv4-mapped")) << status.message();
}

TEST(TargetFixtureTest, CommittedFixtureParses) {
  TargetSetBuilder builder;
  absl::Status status = builder.AddFile(std::string(CUTPOINT_TEST_FIXTURES) + "/targets.txt");
  ASSERT_TRUE(status.ok()) << status;
  TargetSet set = std::move(builder).Build();
  EXPECT_EQ(set.size(), 1u + 256u + 2u);
  EXPECT_TRUE(set.Contains(Ip(185, 70, 40, 101)));
}

}  // namespace
}  // namespace cutpoint::targets

namespace cutpoint::targets {
namespace {

using testutil::Ip;

TargetSet Set(std::vector<IpRange> ranges) { return TargetSet::FromRanges(std::move(ranges)); }

// Reference model over a small window of the space: a bitmap of addresses.
std::vector<bool> Bitmap(const TargetSet& set, uint32_t base, uint32_t width) {
  std::vector<bool> bits(width);
  for (uint32_t i = 0; i < width; ++i) bits[i] = set.Contains(testutil::V4(base + i));
  return bits;
}

TEST(SubtractTest, AdjacentRangesLeaveTheRangeWhole) {
  TargetSet base = Set({{Ip(10, 0, 0, 10), Ip(10, 0, 0, 20)}});
  TargetSet cut = Set({{Ip(10, 0, 0, 0), Ip(10, 0, 0, 9)}, {Ip(10, 0, 0, 21), Ip(10, 0, 0, 30)}});
  TargetSet out = base.Subtract(cut);
  ASSERT_EQ(out.ranges().size(), 1u);
  EXPECT_EQ(out.ranges().ToVector()[0], (IpRange{Ip(10, 0, 0, 10), Ip(10, 0, 0, 20)}));
}

TEST(SubtractTest, OverlappingCutsTrimBothEnds) {
  TargetSet out = Set({{Ip(10, 0, 0, 10), Ip(10, 0, 0, 20)}})
                      .Subtract(Set({{Ip(10, 0, 0, 5), Ip(10, 0, 0, 12)},
                                     {Ip(10, 0, 0, 18), Ip(10, 0, 0, 40)}}));
  ASSERT_EQ(out.ranges().size(), 1u);
  EXPECT_EQ(out.ranges().ToVector()[0], (IpRange{Ip(10, 0, 0, 13), Ip(10, 0, 0, 17)}));
  EXPECT_EQ(out.size(), 5u);
}

TEST(SubtractTest, NestedCutsSplitAndOverlappingCutListsAllApply) {
  // The cut list itself overlaps and nests (as zmap's blocklist.conf lines may): every
  // line applies, not only the first that touches the target.
  TargetSet cut = Set({{Ip(10, 0, 0, 0), Ip(10, 255, 255, 255)},    // 10/8
                       {Ip(10, 1, 0, 0), Ip(10, 1, 255, 255)},      // nested in it
                       {Ip(11, 0, 0, 0), Ip(11, 0, 0, 255)},
                       {Ip(11, 0, 0, 128), Ip(11, 0, 1, 127)},      // overlaps the previous
                       {Ip(12, 0, 0, 7), Ip(12, 0, 0, 7)}});
  TargetSet out = Set({{Ip(9, 0, 0, 0), Ip(12, 255, 255, 255)}}).Subtract(cut);
  std::vector<IpRange> expected = {{Ip(9, 0, 0, 0), Ip(9, 255, 255, 255)},
                                     {Ip(11, 0, 1, 128), Ip(12, 0, 0, 6)},
                                     {Ip(12, 0, 0, 8), Ip(12, 255, 255, 255)}};
  EXPECT_EQ(out.ranges().ToVector(), expected);
  // A cut nested inside one target range splits it.
  TargetSet split = Set({{Ip(10, 0, 0, 0), Ip(10, 0, 0, 255)}})
                        .Subtract(Set({{Ip(10, 0, 0, 64), Ip(10, 0, 0, 127)}}));
  EXPECT_EQ(split.ranges().ToVector(),
            (std::vector<IpRange>{{Ip(10, 0, 0, 0), Ip(10, 0, 0, 63)},
                                  {Ip(10, 0, 0, 128), Ip(10, 0, 0, 255)}}));
}

TEST(SubtractTest, WholeSpaceAndItsEdges) {
  TargetSet all = testutil::V4Set({{0, 0xffffffffu}});
  EXPECT_TRUE(all.Subtract(all).empty());
  EXPECT_TRUE(Set({{Ip(1, 2, 3, 0), Ip(1, 2, 3, 255)}}).Subtract(all).empty());
  TargetSet ends = all.Subtract(testutil::V4Set({{0, 0}, {0xffffffffu, 0xffffffffu}}));
  EXPECT_EQ(ends.ranges().ToVector(), testutil::V4Ranges({{1, 0xfffffffeu}}));
  EXPECT_EQ(ends.size(), (uint64_t{1} << 32) - 2);
  EXPECT_EQ(all.Subtract(TargetSet()).size(), uint64_t{1} << 32);
  EXPECT_TRUE(TargetSet().Subtract(all).empty());
  // Halves: what is left of the space is exactly the other half.
  TargetSet upper = all.Subtract(testutil::V4Set({{0, 0x7fffffffu}}));
  EXPECT_EQ(upper.ranges().ToVector(), testutil::V4Ranges({{0x80000000u, 0xffffffffu}}));
}

TEST(SubtractTest, SingleAddresses) {
  std::vector<IpRange> holes;
  for (uint32_t a = Ip(192, 0, 2, 0); a <= Ip(192, 0, 2, 255); a += 2) holes.push_back(IpRange::V4(a, a));
  TargetSet out = Set({{Ip(192, 0, 2, 0), Ip(192, 0, 2, 255)}}).Subtract(Set(holes));
  EXPECT_EQ(out.size(), 128u);
  EXPECT_EQ(out.ranges().size(), 128u);  // every odd address, none adjacent to another
  EXPECT_FALSE(out.Contains(Ip(192, 0, 2, 0)));
  EXPECT_TRUE(out.Contains(Ip(192, 0, 2, 255)));
  // A /32 removed from a /32.
  EXPECT_TRUE(Set({{Ip(8, 8, 8, 8), Ip(8, 8, 8, 8)}})
                  .Subtract(Set({{Ip(8, 8, 8, 8), Ip(8, 8, 8, 8)}}))
                  .empty());
}

TEST(SubtractTest, UnsortedInputMatchesTheBitmapModel) {
  std::mt19937 rng(11);
  const uint32_t base = Ip(100, 0, 0, 0), width = 4096;
  for (int round = 0; round < 50; ++round) {
    auto random_ranges = [&](int n) {
      std::vector<IpRange> ranges;  // deliberately unsorted, overlapping, repeated
      for (int i = 0; i < n; ++i) {
        uint32_t first = base + rng() % width;
        uint32_t len = rng() % 3 == 0 ? 0 : rng() % 300;
        ranges.push_back(IpRange::V4(first, std::min(first + len, base + width - 1)));
      }
      return ranges;
    };
    TargetSet a = Set(random_ranges(30)), b = Set(random_ranges(30));
    std::vector<bool> bits_a = Bitmap(a, base, width), bits_b = Bitmap(b, base, width);
    std::vector<bool> got = Bitmap(a.Subtract(b), base, width);
    uint64_t expected_size = 0;
    for (uint32_t i = 0; i < width; ++i) {
      ASSERT_EQ(got[i], bits_a[i] && !bits_b[i]) << "round " << round << " offset " << i;
      expected_size += bits_a[i] && !bits_b[i];
    }
    EXPECT_EQ(a.Subtract(b).size(), expected_size);
  }
}

}  // namespace
}  // namespace cutpoint::targets

// Sets of lone hosts and ranges together, against a naive model: a std::set of addresses.
namespace cutpoint::targets {
namespace {

using testutil::Ip;
using wire::Uint128;

using Model = std::set<Uint128>;

IpAddress A(Uint128 value) { return IpAddress::FromValue(value); }
const Uint128 kV4First = IpAddress::V4(0).value();
const Uint128 kV4Last = IpAddress::V4(0xffffffffu).value();

// The model's maximal runs of consecutive addresses.
std::vector<IpRange> RunsOf(const Model& model) {
  std::vector<IpRange> runs;
  for (Uint128 value : model) {
    if (!runs.empty() && runs.back().last.value() + 1 == value) {
      runs.back().last = A(value);
    } else {
      runs.push_back({A(value), A(value)});
    }
  }
  return runs;
}

// Every index and address of `set` against the model, both ways, and the views built on them.
void ExpectMatchesModel(const TargetSet& set, const Model& model) {
  ASSERT_EQ(set.size(), model.size());
  EXPECT_EQ(set.empty(), model.empty());
  uint64_t index = 0;
  uint64_t v4 = 0;
  for (Uint128 value : model) {
    ASSERT_EQ(set.At(index), A(value)) << "index " << index;
    ASSERT_EQ(set.IndexOf(A(value)), static_cast<int64_t>(index)) << FormatCount(value);
    ASSERT_TRUE(set.Contains(A(value)));
    for (Uint128 neighbour : {value - 1, value + 1}) {
      if (model.count(neighbour) == 0) {
        ASSERT_FALSE(set.Contains(A(neighbour))) << FormatCount(neighbour);
        ASSERT_EQ(set.IndexOf(A(neighbour)), -1) << FormatCount(neighbour);
        ASSERT_FALSE(set.RangeHolding(A(neighbour)).has_value());
      }
    }
    v4 += kV4First <= value && value <= kV4Last;
    ++index;
  }
  EXPECT_EQ(set.CountV4(), v4);
  const std::vector<IpRange> runs = RunsOf(model);
  EXPECT_EQ(set.ranges().ToVector(), runs);
  EXPECT_EQ(set.ranges().size(), runs.size());
  for (const IpRange& run : runs) {
    EXPECT_EQ(set.RangeHolding(run.first), run);
    EXPECT_EQ(set.RangeHolding(run.last), run);
  }
  // Each family's lowest address, wherever IPv6 lies around the IPv4 block.
  wire::SourceAddresses first;
  for (Uint128 value : model) first.AddFirst(A(value));
  EXPECT_EQ(set.FirstOfEachFamily(), first);
}

// Random hosts and ranges (repeated, adjacent, nested) in three windows: IPv6 below the
// IPv4 block, IPv4, IPv6 above it.
struct MixedInput {
  std::vector<IpAddress> hosts;
  std::vector<IpRange> ranges;
  Model model;
};

MixedInput RandomMixed(std::mt19937& rng, int hosts, int ranges) {
  const Uint128 bases[] = {0x1000, IpAddress::V4(Ip(100, 0, 0, 0)).value(),
                           IpAddress::V6(0x2001000200000000ull, 0xff00).value()};
  constexpr uint32_t kWidth = 600;
  MixedInput input;
  auto start = [&] { return bases[rng() % 3] + rng() % kWidth; };
  for (int i = 0; i < hosts; ++i) {
    const Uint128 value = start();
    input.hosts.push_back(A(value));
    input.model.insert(value);
    if (rng() % 4 == 0) input.hosts.push_back(A(value));  // a duplicate
  }
  for (int i = 0; i < ranges; ++i) {
    const Uint128 first = start();
    const Uint128 last = first + rng() % 30;  // a one-address range now and then
    input.ranges.push_back({A(first), A(last)});
    for (Uint128 value = first; value <= last; ++value) input.model.insert(value);
  }
  return input;
}

TEST(MixedTargetSetTest, HostsMergeWithEachOtherAndWithRanges) {
  const Uint128 base = IpAddress::V6(0x2001000200000000ull, 0x100).value();
  TargetSet set = TargetSet::FromHostsAndRanges(
      {A(base + 1), A(base), A(base + 1),  // adjacent hosts and a duplicate: one range
       A(base + 10),                       // adjacent to the range below
       A(base + 15),                       // inside the range below
       A(base + 30),                       // alone
       A(base + 40), A(base + 40)},        // alone, twice
      {{A(base + 11), A(base + 20)}, {A(base + 32), A(base + 32)}});
  EXPECT_EQ(set.ranges().ToVector(), (std::vector<IpRange>{{A(base), A(base + 1)},
                                                           {A(base + 10), A(base + 20)},
                                                           {A(base + 30), A(base + 30)},
                                                           {A(base + 32), A(base + 32)},
                                                           {A(base + 40), A(base + 40)}}));
  EXPECT_EQ(set.size(), 2u + 11u + 3u);
  EXPECT_EQ(set.At(2), A(base + 10));
  EXPECT_EQ(set.At(13), A(base + 30));
  EXPECT_EQ(set.At(15), A(base + 40));
  EXPECT_EQ(set.IndexOf(A(base + 32)), 14);
  EXPECT_EQ(set.IndexOf(A(base + 31)), -1);
  EXPECT_EQ(set.RangeHolding(A(base + 15)), (IpRange{A(base + 10), A(base + 20)}));
  EXPECT_EQ(set.RangeHolding(A(base + 40)), (IpRange{A(base + 40), A(base + 40)}));
  // The same addresses as ranges only: the same set.
  std::vector<IpRange> as_ranges = {{A(base + 11), A(base + 20)}, {A(base + 32), A(base + 32)}};
  for (Uint128 offset : {1, 0, 1, 10, 15, 30, 40, 40})
    as_ranges.push_back({A(base + offset), A(base + offset)});
  EXPECT_EQ(TargetSet::FromRanges(as_ranges).ranges().ToVector(), set.ranges().ToVector());
}

TEST(MixedTargetSetTest, FirstIpv6TargetAboveTheIpv4BlockIsAHost) {
  // IPv4 targets and lone IPv6 hosts above the block: the first IPv6 target is the lowest
  // IPv6 host, not ::1:0:0:0 (the first address past the block).
  TargetSetBuilder builder;
  ASSERT_TRUE(builder.AddText("198.18.0.7\n2001:2::9\n198.18.0.0/30\n2001:2::5\n", "t").ok());
  TargetSet set = std::move(builder).Build();
  wire::SourceAddresses first = set.FirstOfEachFamily();
  EXPECT_EQ(first.v4, testutil::V4(Ip(198, 18, 0, 0)));
  ASSERT_TRUE(first.v6.has_value());
  EXPECT_EQ(wire::IpAddressToString(*first.v6), "2001:2::5");
  // IPv6 below the block comes first; IPv4 hosts alone have no IPv6 entry.
  EXPECT_EQ(TargetSet::FromHostsAndRanges({A(5), set.At(0), A(0x10000000000ull)}, {})
                .FirstOfEachFamily()
                .v6,
            A(5));
  EXPECT_FALSE(TargetSet::FromHostsAndRanges({set.At(0)}, {}).FirstOfEachFamily().v6);
  EXPECT_FALSE(TargetSet::FromHostsAndRanges({*first.v6}, {}).FirstOfEachFamily().v4);
}

TEST(MixedTargetSetTest, EveryIndexRoundTripsAgainstTheModel) {
  std::mt19937 rng(17);
  for (int round = 0; round < 40; ++round) {
    MixedInput input = RandomMixed(rng, 1 + round * 10, round % 7);
    ExpectMatchesModel(TargetSet::FromHostsAndRanges(input.hosts, input.ranges), input.model);
    // The same input as ranges only (the old representation's path): the same set.
    std::vector<IpRange> all = input.ranges;
    for (const IpAddress& host : input.hosts) all.push_back({host, host});
    ExpectMatchesModel(TargetSet::FromRanges(all), input.model);
    if (HasFailure()) return;
  }
}

TEST(MixedTargetSetTest, BuilderSplitsHostsAndPrefixes) {
  TargetSetBuilder builder;
  ASSERT_TRUE(builder
                  .AddText("2001:2::ff00:3\n2001:2::ff00:0/127\n198.18.0.5\n198.18.0.4/32\n"
                           "198.18.0.6\n2001:2::ff00:7/128\n",
                           "t")
                  .ok());
  Model model;
  for (int i : {0, 1, 3, 7})
    model.insert(IpAddress::V6(0x2001000200000000ull, 0xff000000 + i).value());
  for (uint32_t a = Ip(198, 18, 0, 4); a <= Ip(198, 18, 0, 6); ++a)
    model.insert(IpAddress::V4(a).value());
  TargetSet set = std::move(builder).Build();
  ExpectMatchesModel(set, model);
  // AddSet keeps every address of a set.
  TargetSetBuilder again;
  again.AddSet(set);
  again.AddSet(TargetSet::FromHostsAndRanges({A(5)}, {}));
  model.insert(5);
  ExpectMatchesModel(std::move(again).Build(), model);
}

TEST(MixedTargetSetTest, SubtractAndIntersectMatchTheModel) {
  std::mt19937 rng(23);
  for (int round = 0; round < 60; ++round) {
    MixedInput a = RandomMixed(rng, 20 + round * 3, round % 5);
    MixedInput b = RandomMixed(rng, 10 + round * 2, round % 4);
    TargetSet set_a = TargetSet::FromHostsAndRanges(a.hosts, a.ranges);
    TargetSet set_b = TargetSet::FromHostsAndRanges(b.hosts, b.ranges);
    Model difference, intersection;
    for (Uint128 value : a.model) (b.model.count(value) ? intersection : difference).insert(value);
    ExpectMatchesModel(set_a.Subtract(set_b), difference);
    ExpectMatchesModel(set_a.Intersect(set_b), intersection);
    ExpectMatchesModel(set_b.Intersect(set_a), intersection);
    ExpectMatchesModel(set_a.Subtract(TargetSet()), a.model);
    EXPECT_TRUE(set_a.Subtract(set_a).empty());
    const std::optional<IpAddress> overlap = set_a.FirstOverlap(set_b);
    if (intersection.empty()) {
      EXPECT_FALSE(overlap.has_value());
    } else {
      EXPECT_EQ(overlap, A(*intersection.begin()));
    }
    if (HasFailure()) return;
  }
}

TEST(MixedTargetSetTest, ARangeCutIntoLoneHosts) {
  // Every other address removed from an IPv6 /120: 128 lone hosts, indexed in order.
  const Uint128 base = IpAddress::V6(0x2001000200000000ull, 0xff00).value();
  std::vector<IpAddress> holes;
  Model model;
  for (Uint128 offset = 0; offset < 256; ++offset) {
    if (offset % 2 == 0) {
      holes.push_back(A(base + offset));
    } else {
      model.insert(base + offset);
    }
  }
  TargetSet set = TargetSet::FromRanges({{A(base), A(base + 255)}})
                      .Subtract(TargetSet::FromHostsAndRanges(holes, {}));
  ExpectMatchesModel(set, model);
  // Filling the holes back in makes one range again.
  TargetSetBuilder builder;
  builder.AddSet(set);
  builder.AddSet(TargetSet::FromHostsAndRanges(holes, {}));
  EXPECT_EQ(std::move(builder).Build().ranges().ToVector(),
            (std::vector<IpRange>{{A(base), A(base + 255)}}));
}

}  // namespace
}  // namespace cutpoint::targets
