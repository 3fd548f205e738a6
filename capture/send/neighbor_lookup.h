// SPDX-License-Identifier: Apache-2.0
// The link-layer next hop for a destination: which neighbour (the gateway, or the
// destination itself when it is on-link) and its MAC address, read from the kernel's
// tables: IPv4 from /proc/net/route and /proc/net/arp, IPv6 over rtnetlink (the kernel's
// route to the destination through the interface, RTM_GETROUTE, and the neighbour table,
// RTM_GETNEIGH). Sends nothing: an unresolved neighbour is an error that tells the user to
// pass the MAC explicitly, never an ARP request or a neighbour solicitation (the IPv6
// lookup only waits a moment for an entry the kernel is resolving already).
//
// The parsing is split from the reading so it can be tested on sample texts and canned
// netlink messages.
#ifndef CUTPOINT_CAPTURE_SEND_NEIGHBOR_LOOKUP_H_
#define CUTPOINT_CAPTURE_SEND_NEIGHBOR_LOOKUP_H_

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "capture/send/netlink_messages.h"
#include "engine/wire/ethernet.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::capture {

using MacAddress = wire::MacAddress;

// Exactly "aa:bb:cc:dd:ee:ff": six two-digit hex groups (either case) joined by ':'.
absl::StatusOr<MacAddress> ParseMac(absl::string_view text);
// Lowercase "aa:bb:cc:dd:ee:ff".
std::string FormatMac(const MacAddress& mac);

struct NextHop {
  wire::IpAddress address;   // the gateway, or the destination when on-link
  bool via_gateway = false;  // false: the destination is on-link
  MacAddress mac{};
  std::string interface;
};

// From the text of /proc/net/route: the next-hop address for `destination` (host order)
// over `interface`, using the most specific (longest mask, then lowest metric) route of
// that interface that is up and not a reject route. `via_gateway` is set when the route
// has a gateway. NotFound when no route on the interface covers the destination.
struct RouteChoice {
  uint32_t next_hop = 0;
  bool via_gateway = false;
  int prefix_len = 0;
};
absl::StatusOr<RouteChoice> NextHopFromRouteTable(absl::string_view route_table,
                                                  uint32_t destination,
                                                  const std::string& interface);

// From the text of /proc/net/arp: the MAC of `address` on `interface`, if the entry is
// complete (flag ATF_COM). FailedPrecondition, naming --gateway-mac, otherwise.
absl::StatusOr<MacAddress> MacFromArpTable(absl::string_view arp_table, uint32_t address,
                                           const std::string& interface);

// Both steps on the given texts.
absl::StatusOr<NextHop> ResolveNextHopFromTables(absl::string_view route_table,
                                                 absl::string_view arp_table, uint32_t destination,
                                                 const std::string& interface);

// IPv6, from the kernel's route to `destination` through interface `ifindex` (named
// `interface`) and the neighbour table: the next hop (the route's gateway, or the
// destination when on-link) and its MAC when the entry is usable (NeighborUsable).
// NotFound when the route is not a unicast route through that interface;
// FailedPrecondition naming the address, the interface and --gateway-mac when the MAC is
// not known (UnresolvedNeighborError).
absl::StatusOr<NextHop> ResolveNextHopV6FromTables(const NetlinkRoute& route,
                                                   std::span<const NetlinkNeighbor> neighbors,
                                                   const wire::IpAddress& destination, int ifindex,
                                                   const std::string& interface);

// True when the table has `address` on `ifindex` in NUD_INCOMPLETE: worth waiting for.
bool NeighborBeingResolved(std::span<const NetlinkNeighbor> neighbors,
                           const wire::IpAddress& address, int ifindex);

// How long the live IPv6 lookup waits for an entry the kernel is resolving (incomplete).
struct NeighborWait {
  int timeout_ms = 1000;
  int poll_ms = 50;
};

// Both steps on the live tables of the current network namespace (the destination's
// family picks the IPv4 or the IPv6 way).
absl::StatusOr<NextHop> ResolveNextHop(const wire::IpAddress& destination,
                                       const std::string& interface, NeighborWait wait = {});

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_NEIGHBOR_LOOKUP_H_
