// SPDX-License-Identifier: Apache-2.0
// The rtnetlink messages of the IPv6 next-hop lookup, on bytes a Linux 6.x kernel sent
// (captured once inside a throwaway namespace pair: v6a 2001:2::1/64, ifindex 2, a route
// 2001:2:0:1::/64 via 2001:2::2, that neighbour PERMANENT with 02:00:00:00:00:0b, and
// 2001:2::99 INCOMPLETE), and on messages cut or bent by hand.
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "capture/send/neighbor_lookup.h"
#include "capture/send/netlink_messages.h"
#include "capture/send/netlink_socket.h"
#include "gtest/gtest.h"

namespace cutpoint::capture {
namespace {

constexpr int kIfindex = 2;

// `ip -6 route get 2001:2:0:1::5 oif v6a`.
constexpr char kRouteViaGateway[] =
    "b000000018000000010000001b3600000a808000fe0300010000000008000f00fe0000001400010020010002"
    "0000000100000000000000051400020000000000000000000000000000000000140007002001000200000000"
    "0000000000000001080006000004000014000500200100020000000000000000000000020800040002000000"
    "24000c0002000000000000000000000000000000000000000000000000000000000000000500140000000000";
// `ip -6 route get 2001:2::7`: on-link, no gateway.
constexpr char kRouteOnLink[] =
    "9c00000018000000020000001b3600000a808000fe0200010000000008000f00fe0000001400010020010002"
    "0000000000000000000000071400020000000000000000000000000000000000140007002001000200000000"
    "00000000000000010800060000010000080004000200000024000c0002000000000000000000000000000000"
    "000000000000000000000000000000000500140000000000";
// `ip -6 route get 2001:db8::1`: no route, NLMSG_ERROR -ENETUNREACH.
constexpr char kRouteUnreachable[] =
    "4400000002000000030000001b3600009bffffff300000001a00010003000000000000000a80000000000000"
    "000000001400010020010db8000000000000000000000001";
// `ip -6 neigh show` as a dump: 2001:2::2 PERMANENT, ff02::16 NOARP (multicast link
// address), 2001:2::99 INCOMPLETE (no link address), then NLMSG_DONE.
constexpr char kNeighborDump[] =
    "580000001c000200040000001b3600000a000000020000008000000114000100200100020000000000000000"
    "000000020a00020002000000000b000008000400000000001400030014000000140000001400000000000000"
    "580000001c000200040000001b3600000a000000020000004000000514000100ff0200000000000000000000"
    "000000160a000200333300000016000008000400000000001400030085170000150000001500000000000000"
    "4c0000001c000200040000001b3600000a000000020000000100000114000100200100020000000000000000"
    "0000009908000400000000001400030084170000140000001400000000000000140000000300020004000000"
    "1b36000000000000";

std::vector<uint8_t> Bytes(absl::string_view hex) {
  std::string raw = absl::HexStringToBytes(hex);
  return std::vector<uint8_t>(raw.begin(), raw.end());
}

wire::IpAddress V6(const char* text) { return *wire::ParseIpAddress(text); }

std::vector<NetlinkNeighbor> DumpEntries() {
  std::vector<NetlinkNeighbor> entries;
  bool done = false;
  EXPECT_TRUE(ParseNeighborDump(Bytes(kNeighborDump), &entries, &done).ok());
  EXPECT_TRUE(done);
  return entries;
}

TEST(NetlinkRouteTest, GatewayOutputInterfaceAndPreferredSource) {
  absl::StatusOr<NetlinkRoute> route = ParseRouteReply(Bytes(kRouteViaGateway));
  ASSERT_TRUE(route.ok()) << route.status();
  EXPECT_EQ(route->type, RTN_UNICAST);
  EXPECT_EQ(route->oif, kIfindex);
  ASSERT_TRUE(route->gateway.has_value());
  EXPECT_EQ(*route->gateway, V6("2001:2::2"));
  ASSERT_TRUE(route->prefsrc.has_value());
  EXPECT_EQ(*route->prefsrc, V6("2001:2::1"));
}

TEST(NetlinkRouteTest, OnLinkRouteHasNoGateway) {
  absl::StatusOr<NetlinkRoute> route = ParseRouteReply(Bytes(kRouteOnLink));
  ASSERT_TRUE(route.ok()) << route.status();
  EXPECT_FALSE(route->gateway.has_value());
  EXPECT_EQ(route->oif, kIfindex);
  EXPECT_EQ(route->prefsrc, V6("2001:2::1"));
}

TEST(NetlinkRouteTest, KernelErrorIsUnavailableWithItsText) {
  absl::StatusOr<NetlinkRoute> route = ParseRouteReply(Bytes(kRouteUnreachable));
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(route.status().message(), "Network is unreachable");
}

TEST(NetlinkRouteTest, CutOrBentMessagesAreErrorsNeverReadsPastTheEnd) {
  std::vector<uint8_t> full = Bytes(kRouteViaGateway);
  for (size_t len = 0; len < full.size(); ++len) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(len));
    EXPECT_FALSE(ParseRouteReply(cut).ok()) << "cut at " << len;
  }
  std::vector<uint8_t> bent = full;
  bent[28] = 0xff;  // the first attribute claims more than the message holds
  EXPECT_EQ(ParseRouteReply(bent).status().code(), absl::StatusCode::kInternal);
  bent = full;
  bent[0] = 8;  // a message shorter than its own header
  EXPECT_EQ(ParseRouteReply(bent).status().code(), absl::StatusCode::kInternal);
}

TEST(NetlinkNeighborTest, DumpGivesEveryEntryWithStateAndLinkAddress) {
  std::vector<NetlinkNeighbor> entries = DumpEntries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].address, V6("2001:2::2"));
  EXPECT_EQ(entries[0].ifindex, kIfindex);
  EXPECT_EQ(entries[0].state, NUD_PERMANENT);
  EXPECT_EQ(entries[0].lladdr, (wire::MacAddress{0x02, 0, 0, 0, 0, 0x0b}));
  EXPECT_EQ(entries[1].address, V6("ff02::16"));
  EXPECT_EQ(entries[1].state, NUD_NOARP);
  EXPECT_EQ(entries[2].address, V6("2001:2::99"));
  EXPECT_EQ(entries[2].state, NUD_INCOMPLETE);
  EXPECT_FALSE(entries[2].lladdr.has_value());
  EXPECT_TRUE(NeighborUsable(entries[0].state));
  EXPECT_FALSE(NeighborUsable(entries[2].state));
  EXPECT_TRUE(NeighborPending(entries[2].state));
  EXPECT_FALSE(NeighborUsable(NUD_FAILED));
  EXPECT_TRUE(NeighborUsable(NUD_STALE));
}

TEST(NetlinkNeighborTest, DumpCutShortIsAnErrorAndNotDone) {
  std::vector<uint8_t> full = Bytes(kNeighborDump);
  std::vector<uint8_t> cut(full.begin(), full.begin() + 100);
  std::vector<NetlinkNeighbor> entries;
  bool done = false;
  EXPECT_FALSE(ParseNeighborDump(cut, &entries, &done).ok());
  EXPECT_FALSE(done);
  // A datagram of whole messages without NLMSG_DONE: more is to come.
  std::vector<uint8_t> first(full.begin(), full.begin() + 0x58);
  entries.clear();
  EXPECT_TRUE(ParseNeighborDump(first, &entries, &done).ok());
  EXPECT_FALSE(done);
  EXPECT_EQ(entries.size(), 1u);
}

TEST(NetlinkRequestTest, RouteRequestIsWhatTheKernelAnswered) {
  std::vector<uint8_t> request = RouteRequest(V6("2001:2:0:1::5"), kIfindex, 1);
  // header (16) + rtmsg (12) + RTA_DST (4 + 16) + RTA_OIF (4 + 4)
  ASSERT_EQ(request.size(), 56u);
  EXPECT_EQ(request[0], 56);
  EXPECT_EQ(request[4], RTM_GETROUTE);
  EXPECT_EQ(request[16], AF_INET6);
  EXPECT_EQ(request[17], 128);
  EXPECT_EQ(request[30], RTA_DST);
  EXPECT_EQ(absl::BytesToHexString(std::string(request.begin() + 32, request.begin() + 48)),
            "20010002000000010000000000000005");
  EXPECT_EQ(request[50], RTA_OIF);
  EXPECT_EQ(request[52], kIfindex);
  std::vector<uint8_t> v4 = RouteRequest(wire::IpAddress::V4(0xc6130101), 0, 7);
  ASSERT_EQ(v4.size(), 36u);
  EXPECT_EQ(v4[16], AF_INET);
  EXPECT_EQ(absl::BytesToHexString(std::string(v4.begin() + 32, v4.end())), "c6130101");
  std::vector<uint8_t> dump = NeighborDumpRequest(AF_INET6, 3);
  ASSERT_EQ(dump.size(), 28u);
  EXPECT_EQ(dump[4], RTM_GETNEIGH);
  EXPECT_EQ(dump[6], NLM_F_REQUEST | (NLM_F_DUMP & 0xff));
  EXPECT_EQ(dump[16], AF_INET6);
}

TEST(ResolveNextHopV6Test, GatewayRouteResolvesTheGatewaysMac) {
  absl::StatusOr<NextHop> hop =
      ResolveNextHopV6FromTables(*ParseRouteReply(Bytes(kRouteViaGateway)), DumpEntries(),
                                 V6("2001:2:0:1::5"), kIfindex, "v6a");
  ASSERT_TRUE(hop.ok()) << hop.status();
  EXPECT_TRUE(hop->via_gateway);
  EXPECT_EQ(hop->address, V6("2001:2::2"));
  EXPECT_EQ(hop->mac, (wire::MacAddress{0x02, 0, 0, 0, 0, 0x0b}));
  EXPECT_EQ(hop->interface, "v6a");
}

TEST(ResolveNextHopV6Test, MissingOrIncompleteNeighbourNamesAddressInterfaceAndGatewayMac) {
  NetlinkRoute on_link = *ParseRouteReply(Bytes(kRouteOnLink));
  std::vector<NetlinkNeighbor> table = DumpEntries();
  absl::StatusOr<NextHop> missing =
      ResolveNextHopV6FromTables(on_link, table, V6("2001:2::7"), kIfindex, "v6a");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  for (const char* part : {"2001:2::7", "v6a", "--gateway-mac", "not in the IPv6 neighbour"}) {
    EXPECT_NE(missing.status().message().find(part), absl::string_view::npos) << part;
  }
  absl::StatusOr<NextHop> incomplete =
      ResolveNextHopV6FromTables(on_link, table, V6("2001:2::99"), kIfindex, "v6a");
  ASSERT_FALSE(incomplete.ok());
  EXPECT_NE(incomplete.status().message().find("not resolved"), absl::string_view::npos);
  EXPECT_TRUE(NeighborBeingResolved(table, V6("2001:2::99"), kIfindex));
  EXPECT_FALSE(NeighborBeingResolved(table, V6("2001:2::99"), kIfindex + 1));
  EXPECT_FALSE(NeighborBeingResolved(table, V6("2001:2::7"), kIfindex));
}

TEST(ResolveNextHopV6Test, RouteThroughAnotherInterfaceOrNotUnicastIsNotFound) {
  NetlinkRoute route = *ParseRouteReply(Bytes(kRouteViaGateway));
  route.oif = kIfindex + 1;
  EXPECT_EQ(ResolveNextHopV6FromTables(route, DumpEntries(), V6("2001:2:0:1::5"), kIfindex, "v6a")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  route.oif = kIfindex;
  route.type = RTN_BLACKHOLE;
  EXPECT_EQ(ResolveNextHopV6FromTables(route, DumpEntries(), V6("2001:2:0:1::5"), kIfindex, "v6a")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

// Reads the kernel's tables (sends nothing): the route to ::1 is local, on loopback.
TEST(NetlinkSocketTest, LoopbackRouteFromTheLiveTable) {
  absl::StatusOr<NetlinkRoute> route = QueryRoute(V6("::1"), 0);
  if (!route.ok()) GTEST_SKIP() << "no IPv6 here: " << route.status();
  EXPECT_EQ(route->type, RTN_LOCAL);
  EXPECT_GT(route->oif, 0);
  absl::StatusOr<std::vector<NetlinkNeighbor>> neighbors = QueryNeighbors(AF_INET6);
  EXPECT_TRUE(neighbors.ok()) << neighbors.status();
}

}  // namespace
}  // namespace cutpoint::capture
