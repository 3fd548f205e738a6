#include "engine/targets/reserved_ranges.h"

#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::targets {
namespace {

using testutil::Ip;

TargetSet One(uint32_t address) { return TargetSet::FromRanges({{address, address}}); }

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
    absl::StatusOr<Ipv4Range> range = ParseTargetSpec(c.address);
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
    EXPECT_TRUE(status.ok()) << FormatRange({a, a}) << ": " << status;
  }
  EXPECT_TRUE(CheckNoReservedTargets(TargetSet()).ok());
}

TEST(ReservedRangesTest, RangeOverlappingReservedIsRefused) {
  // 9.0.0.0-10.0.0.0 touches 10.0.0.0/8 with its last address.
  absl::Status status =
      CheckNoReservedTargets(TargetSet::FromRanges({{Ip(9, 0, 0, 0), Ip(10, 0, 0, 0)}}));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("10.0.0.0/8"), absl::string_view::npos) << status.message();
  EXPECT_NE(status.message().find("9.0.0.0-10.0.0.0"), absl::string_view::npos) << status.message();
  // A public /0 overlaps everything.
  EXPECT_FALSE(CheckNoReservedTargets(TargetSet::FromRanges({{0, 0xffffffffu}})).ok());
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

}  // namespace
}  // namespace cutpoint::targets
