// The link-layer next hop for a destination: which neighbour (the gateway, or the
// destination itself when it is on-link) and its MAC address, read from the kernel's
// tables (/proc/net/route, /proc/net/arp). Sends nothing: an unresolved neighbour is an
// error that tells the user to pass the MAC explicitly, never an ARP request.
//
// The parsing is split from the file reading so it can be tested on sample texts.
#ifndef CUTPOINT_CAPTURE_SEND_NEIGHBOR_LOOKUP_H_
#define CUTPOINT_CAPTURE_SEND_NEIGHBOR_LOOKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {

using MacAddress = wire::MacAddress;

// Exactly "aa:bb:cc:dd:ee:ff": six two-digit hex groups (either case) joined by ':'.
absl::StatusOr<MacAddress> ParseMac(absl::string_view text);
// Lowercase "aa:bb:cc:dd:ee:ff".
std::string FormatMac(const MacAddress& mac);

struct NextHop {
  uint32_t address = 0;      // host order: the gateway, or the destination when on-link
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

// Both steps on the live tables of the current network namespace.
absl::StatusOr<NextHop> ResolveNextHop(uint32_t destination, const std::string& interface);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_NEIGHBOR_LOOKUP_H_
