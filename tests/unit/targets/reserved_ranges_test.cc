// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/reserved_ranges.h"

#include "gtest/gtest.h"
#include "v4_ranges.h"
#include "test_util.h"

namespace cutpoint::targets {
namespace {

using testutil::Ip;

TargetSet One(uint32_t address) { return testutil::V4Set({{address, address}}); }

TEST(ReservedRangesTest, RefusesEachReservedRangeNamingIt) {
  struct Case { const char* address; const char* range; const char* name; };
  const Case cases[] = {
      {"0.1.2.3", "0.0.0.0/8", "this network"},
      {"10.1.2.3", "10.0.0.0/8", "RFC 1918"},
      {"100.64.0.1", "100.64.0.0/10", "RFC 6598"},
      {"127.0.0.1", "127.0.0.0/8", "loopback"},
      {"169.254.1.1", "169.254.0.0/16", "link-local"},
      {"172.31.255.255", "172.16.0.0/12", "RFC 1918"},
      {"192.0.0.8", "192.0.0.0/24", "RFC 6890"},
      {"192.0.2.1", "192.0.2.0/24", "TEST-NET-1"},
      {"192.31.196.1", "192.31.196.0/24", "AS112"},
      {"192.52.193.1", "192.52.193.0/24", "AMT"},
      {"192.88.99.1", "192.88.99.0/24", "6to4"},
      {"192.168.1.1", "192.168.0.0/16", "RFC 1918"},
      {"192.175.48.1", "192.175.48.0/24", "AS112"},
      {"198.18.0.1", "198.18.0.0/15", "benchmarking"},
      {"198.19.255.255", "198.18.0.0/15", "benchmarking"},
      {"198.51.100.1", "198.51.100.0/24", "TEST-NET-2"},
      {"203.0.113.1", "203.0.113.0/24", "TEST-NET-3"},
      {"224.0.0.1", "224.0.0.0/4", "multicast"},
      {"239.255.255.250", "224.0.0.0/4", "multicast"},
      {"240.0.0.1", "240.0.0.0/4", "reserved"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<IpRange> range = ParseTargetSpec(c.address);
    ASSERT_TRUE(range.ok());
    absl::Status status = CheckNoReservedTargets(TargetSet::FromRanges({*range}));
    ASSERT_FALSE(status.ok()) << c.address;
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_NE(status.message().find(c.range), absl::string_view::npos)
        << c.address << ": " << status.message();
    EXPECT_NE(status.message().find(c.name), absl::string_view::npos)
        << c.address << ": " << status.message();
    EXPECT_NE(status.message().find(c.address), absl::string_view::npos) << status.message();
  }
}

TEST(ReservedRangesTest, LimitedBroadcast) {
  absl::Status status = CheckNoReservedTargets(One(0xffffffffu));
  ASSERT_FALSE(status.ok());
  // 255.255.255.255 also lies in 240.0.0.0/4; either name is acceptable, but it is refused.
  EXPECT_TRUE(status.message().find("240.0.0.0/4") != absl::string_view::npos ||
              status.message().find("255.255.255.255/32") != absl::string_view::npos)
      << status.message();
}

TEST(ReservedRangesTest, AcceptsPublicAddresses) {
  for (uint32_t a : {Ip(185, 70, 40, 101), Ip(1, 1, 1, 1), Ip(8, 8, 8, 8), Ip(9, 255, 255, 255),
                     Ip(11, 0, 0, 0), Ip(100, 63, 255, 255), Ip(100, 128, 0, 0),
                     Ip(172, 15, 255, 255), Ip(172, 32, 0, 0), Ip(198, 17, 255, 255),
                     Ip(198, 20, 0, 0), Ip(223, 255, 255, 255)}) {
    absl::Status status = CheckNoReservedTargets(One(a));
    EXPECT_TRUE(status.ok()) << FormatRange(IpRange::V4(a, a)) << ": " << status;
  }
  EXPECT_TRUE(CheckNoReservedTargets(TargetSet()).ok());
}

TEST(ReservedRangesTest, RangeOverlappingReservedIsRefused) {
  // 9.0.0.0-10.0.0.0 touches 10.0.0.0/8 with its last address.
  absl::Status status =
      CheckNoReservedTargets(testutil::V4Set({{Ip(9, 0, 0, 0), Ip(10, 0, 0, 0)}}));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("10.0.0.0/8"), absl::string_view::npos) << status.message();
  EXPECT_NE(status.message().find("9.0.0.0-10.0.0.0"), absl::string_view::npos) << status.message();
  // A public /0 overlaps everything.
  EXPECT_FALSE(CheckNoReservedTargets(testutil::V4Set({{0, 0xffffffffu}})).ok());
}

TEST(ReservedRangesTest, TableIsWellFormed) {
  auto ranges = ReservedRanges();
  EXPECT_GE(ranges.size(), 19u);
  for (const ReservedRange& r : ranges) {
    EXPECT_LE(r.range.first, r.range.last);
    EXPECT_FALSE(r.name.empty());
    // Every entry is one CIDR prefix.
    EXPECT_EQ(FormatRange(r.range).find('-'), std::string::npos) << FormatRange(r.range);
  }
}


absl::StatusOr<TargetSet> Allow(std::vector<std::string> values) {
  return ParseAllowedReserved(values);
}
TargetSet Spec(const char* spec) {
  absl::StatusOr<IpRange> range = ParseTargetSpec(spec);
  EXPECT_TRUE(range.ok()) << spec;
  return TargetSet::FromRanges({*range});
}
bool Has(const absl::Status& status, absl::string_view text) {
  return status.message().find(text) != absl::string_view::npos;
}

TEST(ReservedRangesTest, NeverUnlockableRangesAreMarked) {
  std::vector<std::string> never;
  for (const ReservedRange& r : ReservedRanges()) {
    if (!r.unlockable) never.push_back(FormatRange(r.range));
  }
  EXPECT_EQ(never, (std::vector<std::string>{"0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/4",
                                             "240.0.0.0/4", "255.255.255.255/32", "::/128",
                                             "::1/128", "ff00::/8"}));
}

TEST(ReservedRangesTest, ReservedSetIsTheUnion) {
  // 2^32 minus this is what a --skip-reserved /0 keeps; the CLI test recomputes it with
  // Python's ipaddress from the RFC list independently.
  uint64_t expected = 0;
  for (const char* prefix : {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
                             "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
                             "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
                             "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15",
                             "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3"}) {
    expected += Spec(prefix).size();  // 224.0.0.0/3 = multicast + class E (+ broadcast)
  }
  EXPECT_EQ(ReservedSet().CountV4(), expected);
  EXPECT_TRUE(ReservedSet().Contains(testutil::V4(0xffffffffu)));
}

TEST(AllowReservedTest, ParsesCommaListsAndRepeats) {
  absl::StatusOr<TargetSet> allowed = Allow({"198.18.0.0/15", "10.1.0.0/16,192.0.2.7"});
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ(allowed->size(), (uint64_t{1} << 17) + 65536 + 1);
  EXPECT_TRUE(allowed->Contains(Ip(198, 19, 255, 255)));
  EXPECT_TRUE(allowed->Contains(Ip(192, 0, 2, 7)));
  EXPECT_FALSE(allowed->Contains(Ip(10, 2, 0, 0)));
  absl::StatusOr<TargetSet> none = Allow({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(AllowReservedTest, NeverUnlocksTheNeverRanges) {
  struct Case { const char* value; const char* range; };
  for (const Case& c : {Case{"224.0.0.0/4", "224.0.0.0/4 (multicast"},
                        Case{"239.255.255.250", "224.0.0.0/4 (multicast"},
                        Case{"127.0.0.1", "127.0.0.0/8 (loopback"},
                        Case{"0.0.0.0/8", "0.0.0.0/8 (this network"},
                        Case{"240.0.0.0/4", "240.0.0.0/4 (reserved"},
                        Case{"255.255.255.255/32", "is never probed"},
                        Case{"0.0.0.0/0", "0.0.0.0/8 (this network"},
                        Case{"198.18.0.0/15,224.0.0.1", "224.0.0.0/4"}}) {
    absl::StatusOr<TargetSet> allowed = Allow({c.value});
    ASSERT_FALSE(allowed.ok()) << c.value;
    EXPECT_EQ(allowed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Has(allowed.status(), c.range)) << c.value << ": " << allowed.status();
    EXPECT_TRUE(Has(allowed.status(), "cannot unlock")) << allowed.status();
  }
}

TEST(AllowReservedTest, RefusesPrefixesThatAreNotInsideOneReservedRange) {
  absl::StatusOr<TargetSet> wide = Allow({"198.0.0.0/8"});
  ASSERT_FALSE(wide.ok());
  EXPECT_TRUE(Has(wide.status(), "reaches beyond reserved range 198.18.0.0/15")) << wide.status();
  absl::StatusOr<TargetSet> wider = Allow({"198.18.0.0/14"});
  EXPECT_FALSE(wider.ok());
  absl::StatusOr<TargetSet> pub = Allow({"8.8.8.0/24"});
  ASSERT_FALSE(pub.ok());
  EXPECT_TRUE(Has(pub.status(), "not a reserved range")) << pub.status();
  for (const char* bad : {"", "--ttl", "-o"}) {
    absl::StatusOr<TargetSet> flag = Allow({bad});
    ASSERT_FALSE(flag.ok()) << bad;
    EXPECT_TRUE(Has(flag.status(), "e.g. --allow-reserved 198.18.0.0/15")) << flag.status();
  }
  absl::StatusOr<TargetSet> typo = Allow({"198.18.0.0/33"});
  ASSERT_FALSE(typo.ok());
  EXPECT_TRUE(Has(typo.status(), "bad prefix length")) << typo.status();
  EXPECT_FALSE(Allow({"198.18.0.0/15,"}).ok());
}

TEST(CheckReservedTest, AllowedPrefixUnlocksOnlyItself) {
  absl::StatusOr<TargetSet> allowed = Allow({"198.18.0.0/15"});
  ASSERT_TRUE(allowed.ok());
  EXPECT_TRUE(CheckReservedTargets(Spec("198.19.1.0/24"), *allowed).ok());
  // 198.16.0.0/14 holds public space around the allowed /15: fine.
  EXPECT_TRUE(CheckReservedTargets(Spec("198.16.0.0/14"), *allowed).ok());

  absl::Status other = CheckReservedTargets(Spec("10.0.0.1"), *allowed);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(other.message(),
            "target range 10.0.0.1/32 overlaps reserved range 10.0.0.0/8 (private, RFC 1918); "
            "pass --allow-reserved 10.0.0.0/8 (or a prefix inside it) to probe it "
            "deliberately, or --skip-reserved to leave it out");

  // Part of a reserved range allowed, the target reaching past it: refused.
  absl::StatusOr<TargetSet> part = Allow({"10.1.0.0/16"});
  ASSERT_TRUE(part.ok());
  EXPECT_TRUE(CheckReservedTargets(Spec("10.1.2.0/24"), *part).ok());
  absl::Status past = CheckReservedTargets(Spec("10.0.0.0/15"), *part);
  ASSERT_FALSE(past.ok());
  EXPECT_TRUE(Has(past, "10.0.0.0/8")) << past;
}

TEST(CheckReservedTest, NeverRangesAreRefusedEvenWhenAllowed) {
  absl::StatusOr<TargetSet> allowed = Allow({"198.18.0.0/15"});
  ASSERT_TRUE(allowed.ok());
  absl::Status multicast = CheckReservedTargets(Spec("224.0.0.1"), *allowed);
  ASSERT_FALSE(multicast.ok());
  EXPECT_EQ(multicast.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(multicast.message(),
            "target range 224.0.0.1/32 overlaps reserved range 224.0.0.0/4 (multicast, RFC "
            "5771; never probed); --allow-reserved cannot unlock it: pass --skip-reserved to "
            "leave it out");
  // Even a hand-built allowed set covering them (the parser refuses one) unlocks nothing.
  TargetSet everything = testutil::V4Set({{0, 0xffffffffu}});
  for (const char* never : {"0.1.2.3", "127.0.0.1", "239.1.1.1", "250.0.0.1", "255.255.255.255"}) {
    absl::Status status = CheckReservedTargets(Spec(never), everything);
    EXPECT_FALSE(status.ok()) << never;
    EXPECT_TRUE(Has(status, "never probed")) << status;
  }
  EXPECT_TRUE(CheckReservedTargets(Spec("10.9.9.9"), everything).ok());
}

TEST(CheckReservedTest, NamesEveryOverlappingRangeAtOnce) {
  // zmap's blocklist.conf (2013) lacks AS112-v4, AMT and AS112 direct delegation: all
  // three are named in one run, not one per run.
  TargetSet targets = testutil::V4Set({{Ip(192, 0, 3, 0), Ip(192, 88, 98, 255)},
                                             {Ip(192, 169, 0, 0), Ip(198, 17, 255, 255)}});
  absl::Status status = CheckNoReservedTargets(targets);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(),
            "target range 192.0.3.0-192.88.98.255 overlaps reserved ranges 192.31.196.0/24 "
            "(AS112-v4, RFC 7535), 192.52.193.0/24 (AMT, RFC 7450); target range "
            "192.169.0.0-198.17.255.255 overlaps reserved range 192.175.48.0/24 (direct "
            "delegation AS112, RFC 7534); pass --skip-reserved to leave them out, or "
            "--allow-reserved PREFIX[,PREFIX...] to probe them deliberately");
  absl::Status all = CheckNoReservedTargets(Spec("0.0.0.0/0"));
  ASSERT_FALSE(all.ok());
  for (const ReservedRange& r : ReservedRanges()) {
    if (!r.range.first.is_v4()) continue;
    EXPECT_TRUE(Has(all, FormatRange(r.range))) << FormatRange(r.range);
  }
  EXPECT_TRUE(Has(all, "(except those never probed)")) << all;
}

}  // namespace
}  // namespace cutpoint::targets
