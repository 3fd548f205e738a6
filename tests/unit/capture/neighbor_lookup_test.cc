// SPDX-License-Identifier: Apache-2.0
#include "capture/send/neighbor_lookup.h"

#include <arpa/inet.h>

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace cutpoint::capture {
namespace {

constexpr uint32_t Ip(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

// One /proc/net/route value: the big-endian word printed as a native integer.
std::string RouteHex(uint32_t host_order) {
  char text[9];
  std::snprintf(text, sizeof(text), "%08X", htonl(host_order));
  return text;
}

std::string RouteLine(const std::string& interface, uint32_t destination, uint32_t gateway,
                      uint32_t flags, uint32_t metric, uint32_t mask) {
  char flag_text[8];
  std::snprintf(flag_text, sizeof(flag_text), "%04X", flags);
  return absl::StrCat(interface, "\t", RouteHex(destination), "\t", RouteHex(gateway), "\t",
                      flag_text, "\t0\t0\t", metric, "\t", RouteHex(mask),
                      "\t0\t0\t0                                                                            \n");
}

const char kRouteHeader[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT"
    "                                                       \n";

const char kArpHeader[] =
    "IP address       HW type     Flags       HW address            Mask     Device\n";

std::string ArpLine(const std::string& address, const std::string& flags,
                    const std::string& mac, const std::string& device) {
  char line[160];
  std::snprintf(line, sizeof(line), "%-16s 0x%-10s%-12s%-17s     *        %s\n",
                address.c_str(), "1", flags.c_str(), mac.c_str(), device.c_str());
  return line;
}

// ---- MAC addresses

TEST(ParseMacTest, AcceptsColonSeparatedHexInEitherCase) {
  absl::StatusOr<MacAddress> mac = ParseMac("02:1a:bC:de:F0:09");
  ASSERT_TRUE(mac.ok()) << mac.status();
  EXPECT_EQ(*mac, (MacAddress{0x02, 0x1a, 0xbc, 0xde, 0xf0, 0x09}));
  EXPECT_EQ(FormatMac(*mac), "02:1a:bc:de:f0:09");
}

TEST(ParseMacTest, FormatRoundTrips) {
  MacAddress mac{0xff, 0x00, 0x10, 0xa0, 0x0b, 0x7e};
  absl::StatusOr<MacAddress> parsed = ParseMac(FormatMac(mac));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, mac);
}

TEST(ParseMacTest, RejectsAnythingElse) {
  for (const char* bad : {"", "02:1a:bc:de:f0", "02:1a:bc:de:f0:09:", "02:1a:bc:de:f0:9",
                          "2:1a:bc:de:f0:09", "02-1a-bc-de-f0-09", "021a.bcde.f009",
                          "02:1a:bc:de:f0:0g", " 02:1a:bc:de:f0:09", "02:1a:bc:de:f0:09 ",
                          "02:1a:bc:de:f0::9", "021a:bc:de:f0:09:1", "+2:1a:bc:de:f0:09"}) {
    absl::StatusOr<MacAddress> mac = ParseMac(bad);
    EXPECT_FALSE(mac.ok()) << "'" << bad << "'";
    if (!mac.ok()) {
      EXPECT_EQ(mac.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

// ---- /proc/net/route

TEST(RouteTableTest, DefaultRouteGivesTheGateway) {
  std::string table = kRouteHeader +
                      RouteLine("eth0", 0, Ip(192, 0, 2, 1), 0x0003, 0, 0) +
                      RouteLine("eth0", Ip(192, 0, 2, 0), 0, 0x0001, 0, Ip(255, 255, 255, 0));
  absl::StatusOr<RouteChoice> choice = NextHopFromRouteTable(table, Ip(198, 19, 1, 7), "eth0");
  ASSERT_TRUE(choice.ok()) << choice.status();
  EXPECT_EQ(choice->next_hop, Ip(192, 0, 2, 1));
  EXPECT_TRUE(choice->via_gateway);
  EXPECT_EQ(choice->prefix_len, 0);
}

TEST(RouteTableTest, MoreSpecificRouteWinsWhateverItsPosition) {
  std::string table = kRouteHeader +
                      RouteLine("eth0", Ip(198, 19, 1, 0), Ip(192, 0, 2, 9), 0x0003, 0,
                                Ip(255, 255, 255, 0)) +
                      RouteLine("eth0", 0, Ip(192, 0, 2, 1), 0x0003, 0, 0) +
                      RouteLine("eth0", Ip(198, 19, 0, 0), Ip(192, 0, 2, 5), 0x0003, 0,
                                Ip(255, 255, 0, 0));
  absl::StatusOr<RouteChoice> inside = NextHopFromRouteTable(table, Ip(198, 19, 1, 200), "eth0");
  ASSERT_TRUE(inside.ok()) << inside.status();
  EXPECT_EQ(inside->next_hop, Ip(192, 0, 2, 9));
  EXPECT_EQ(inside->prefix_len, 24);
  absl::StatusOr<RouteChoice> sixteen = NextHopFromRouteTable(table, Ip(198, 19, 7, 1), "eth0");
  ASSERT_TRUE(sixteen.ok());
  EXPECT_EQ(sixteen->next_hop, Ip(192, 0, 2, 5));
  absl::StatusOr<RouteChoice> other = NextHopFromRouteTable(table, Ip(203, 0, 113, 1), "eth0");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->next_hop, Ip(192, 0, 2, 1));
}

TEST(RouteTableTest, LowerMetricBreaksTies) {
  std::string table = kRouteHeader + RouteLine("eth0", 0, Ip(192, 0, 2, 1), 0x0003, 600, 0) +
                      RouteLine("eth0", 0, Ip(192, 0, 2, 2), 0x0003, 100, 0) +
                      RouteLine("eth0", 0, Ip(192, 0, 2, 3), 0x0003, 100, 0);
  absl::StatusOr<RouteChoice> choice = NextHopFromRouteTable(table, Ip(198, 19, 1, 1), "eth0");
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->next_hop, Ip(192, 0, 2, 2));
}

TEST(RouteTableTest, OnLinkRouteMakesTheDestinationTheNextHop) {
  std::string table = kRouteHeader + RouteLine("eth0", 0, Ip(192, 0, 2, 1), 0x0003, 0, 0) +
                      RouteLine("eth0", Ip(198, 18, 0, 0), 0, 0x0001, 0, Ip(255, 255, 255, 0));
  absl::StatusOr<RouteChoice> choice = NextHopFromRouteTable(table, Ip(198, 18, 0, 2), "eth0");
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->next_hop, Ip(198, 18, 0, 2));
  EXPECT_FALSE(choice->via_gateway);
  EXPECT_EQ(choice->prefix_len, 24);
}

TEST(RouteTableTest, OnlyRoutesOfTheInterfaceThatAreUpAndNotRejectCount) {
  std::string table = kRouteHeader +
                      RouteLine("eth1", Ip(198, 19, 1, 0), Ip(10, 0, 0, 1), 0x0003, 0,
                                Ip(255, 255, 255, 0)) +
                      RouteLine("eth0", Ip(198, 19, 1, 0), Ip(192, 0, 2, 7), 0x0002, 0,
                                Ip(255, 255, 255, 0)) +  // not up
                      RouteLine("eth0", Ip(198, 19, 1, 0), 0, 0x0201, 0,
                                Ip(255, 255, 255, 128)) +  // reject
                      RouteLine("eth0", 0, Ip(192, 0, 2, 1), 0x0003, 0, 0);
  absl::StatusOr<RouteChoice> choice = NextHopFromRouteTable(table, Ip(198, 19, 1, 5), "eth0");
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->next_hop, Ip(192, 0, 2, 1));
}

TEST(RouteTableTest, NoRouteOnTheInterfaceIsNotFound) {
  std::string table = kRouteHeader + RouteLine("eth1", 0, Ip(10, 0, 0, 1), 0x0003, 0, 0) +
                      RouteLine("eth0", Ip(192, 0, 2, 0), 0, 0x0001, 0, Ip(255, 255, 255, 0));
  absl::StatusOr<RouteChoice> choice = NextHopFromRouteTable(table, Ip(198, 19, 1, 5), "eth0");
  ASSERT_FALSE(choice.ok());
  EXPECT_EQ(choice.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(NextHopFromRouteTable("", Ip(198, 19, 1, 5), "eth0").ok());
  EXPECT_FALSE(NextHopFromRouteTable("garbage\n\n", Ip(198, 19, 1, 5), "eth0").ok());
}

// ---- /proc/net/arp

TEST(ArpTableTest, FindsCompleteEntryOnTheInterface) {
  std::string table = std::string(kArpHeader) +
                      ArpLine("192.0.2.1", "0x2", "aa:bb:cc:00:00:01", "eth1") +
                      ArpLine("192.0.2.1", "0x2", "02:00:5e:10:20:30", "eth0") +
                      ArpLine("192.0.2.9", "0x6", "02:00:5e:99:99:99", "eth0");
  absl::StatusOr<MacAddress> mac = MacFromArpTable(table, Ip(192, 0, 2, 1), "eth0");
  ASSERT_TRUE(mac.ok()) << mac.status();
  EXPECT_EQ(FormatMac(*mac), "02:00:5e:10:20:30");
  absl::StatusOr<MacAddress> permanent = MacFromArpTable(table, Ip(192, 0, 2, 9), "eth0");
  ASSERT_TRUE(permanent.ok());
  EXPECT_EQ(FormatMac(*permanent), "02:00:5e:99:99:99");
}

TEST(ArpTableTest, IncompleteEntryIsAnErrorNamingGatewayMac) {
  std::string table = std::string(kArpHeader) +
                      ArpLine("192.0.2.1", "0x0", "00:00:00:00:00:00", "eth0");
  absl::StatusOr<MacAddress> mac = MacFromArpTable(table, Ip(192, 0, 2, 1), "eth0");
  ASSERT_FALSE(mac.ok());
  EXPECT_EQ(mac.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(mac.status().message().find("--gateway-mac"), absl::string_view::npos)
      << mac.status();
  EXPECT_NE(mac.status().message().find("192.0.2.1"), absl::string_view::npos);
  EXPECT_NE(mac.status().message().find("incomplete"), absl::string_view::npos);
}

TEST(ArpTableTest, MissingEntryIsAnErrorNamingGatewayMac) {
  std::string table = std::string(kArpHeader) +
                      ArpLine("192.0.2.1", "0x2", "02:00:5e:10:20:30", "eth1");
  absl::StatusOr<MacAddress> mac = MacFromArpTable(table, Ip(192, 0, 2, 1), "eth0");
  ASSERT_FALSE(mac.ok());
  EXPECT_EQ(mac.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(mac.status().message().find("--gateway-mac"), absl::string_view::npos);
}

// ---- both tables

TEST(ResolveNextHopTest, GatewayRouteResolvesTheGatewaysMac) {
  std::string routes = kRouteHeader + RouteLine("lnk0", 0, Ip(198, 18, 0, 2), 0x0003, 0, 0) +
                       RouteLine("lnk0", Ip(198, 18, 0, 0), 0, 0x0001, 0, Ip(255, 255, 255, 0));
  std::string arp = std::string(kArpHeader) +
                    ArpLine("198.19.1.1", "0x2", "02:00:00:00:00:99", "lnk0") +
                    ArpLine("198.18.0.2", "0x2", "06:5a:01:02:03:04", "lnk0");
  absl::StatusOr<NextHop> hop = ResolveNextHopFromTables(routes, arp, Ip(198, 19, 1, 1), "lnk0");
  ASSERT_TRUE(hop.ok()) << hop.status();
  EXPECT_EQ(hop->address, wire::IpAddress::V4(Ip(198, 18, 0, 2)));
  EXPECT_TRUE(hop->via_gateway);
  EXPECT_EQ(FormatMac(hop->mac), "06:5a:01:02:03:04");
  EXPECT_EQ(hop->interface, "lnk0");
}

TEST(ResolveNextHopTest, OnLinkDestinationResolvesItsOwnMac) {
  std::string routes = kRouteHeader + RouteLine("lnk0", 0, Ip(198, 18, 0, 2), 0x0003, 0, 0) +
                       RouteLine("lnk0", Ip(198, 18, 0, 0), 0, 0x0001, 0, Ip(255, 255, 255, 0));
  std::string arp = std::string(kArpHeader) +
                    ArpLine("198.18.0.2", "0x2", "06:5a:01:02:03:04", "lnk0") +
                    ArpLine("198.18.0.77", "0x2", "06:5a:01:02:03:77", "lnk0");
  absl::StatusOr<NextHop> hop =
      ResolveNextHopFromTables(routes, arp, Ip(198, 18, 0, 77), "lnk0");
  ASSERT_TRUE(hop.ok()) << hop.status();
  EXPECT_EQ(hop->address, wire::IpAddress::V4(Ip(198, 18, 0, 77)));
  EXPECT_FALSE(hop->via_gateway);
  EXPECT_EQ(FormatMac(hop->mac), "06:5a:01:02:03:77");
}

TEST(ResolveNextHopTest, UnresolvedGatewayTellsToPassGatewayMac) {
  std::string routes = kRouteHeader + RouteLine("lnk0", 0, Ip(198, 18, 0, 2), 0x0003, 0, 0);
  std::string arp = std::string(kArpHeader) +
                    ArpLine("198.18.0.2", "0x0", "00:00:00:00:00:00", "lnk0");
  absl::StatusOr<NextHop> hop = ResolveNextHopFromTables(routes, arp, Ip(198, 19, 1, 1), "lnk0");
  ASSERT_FALSE(hop.ok());
  EXPECT_EQ(hop.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(hop.status().message().find("--gateway-mac"), absl::string_view::npos);
}

TEST(ResolveNextHopTest, ParsesARealLookingSnapshot) {
  // As printed on a little-endian host; skip elsewhere.
  if (htonl(1) == 1) GTEST_SKIP() << "big-endian host";
  const char routes[] =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "ens3\t00000000\t0102000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
      "ens3\t0002000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
      "ens3\t000013C6\t0202000A\t0003\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
  const char arp[] =
      "IP address       HW type     Flags       HW address            Mask     Device\n"
      "10.0.2.2         0x1         0x2         52:55:0a:00:02:02     *        ens3\n"
      "10.0.2.1         0x1         0x2         52:55:0a:00:02:01     *        ens3\n";
  absl::StatusOr<NextHop> to_lab = ResolveNextHopFromTables(routes, arp, Ip(198, 19, 1, 1), "ens3");
  ASSERT_TRUE(to_lab.ok()) << to_lab.status();
  EXPECT_EQ(to_lab->address, wire::IpAddress::V4(Ip(10, 0, 2, 2)));
  EXPECT_EQ(FormatMac(to_lab->mac), "52:55:0a:00:02:02");
  absl::StatusOr<NextHop> elsewhere = ResolveNextHopFromTables(routes, arp, Ip(8, 8, 8, 8), "ens3");
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_EQ(elsewhere->address, wire::IpAddress::V4(Ip(10, 0, 2, 1)));
}

}  // namespace
}  // namespace cutpoint::capture
