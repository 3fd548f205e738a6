// SPDX-License-Identifier: Apache-2.0
// rtnetlink (NETLINK_ROUTE) messages for the IPv6 next hop and source: the RTM_GETROUTE
// request for one destination and its RTM_NEWROUTE answer (gateway, output interface,
// preferred source), and the RTM_GETNEIGH dump of the neighbour table. Pure functions
// on bytes, so they are tested on canned messages without root or a socket; the
// exchange itself is netlink_socket.h.
#ifndef CUTPOINT_CAPTURE_SEND_NETLINK_MESSAGES_H_
#define CUTPOINT_CAPTURE_SEND_NETLINK_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/wire/ethernet.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::capture {

// The kernel's route for one destination (the answer to RouteRequest).
struct NetlinkRoute {
  uint8_t type = 0;                        // RTN_UNICAST, RTN_UNREACHABLE, RTN_BLACKHOLE, ...
  std::optional<wire::IpAddress> gateway;  // none: the destination is on-link
  std::optional<wire::IpAddress> prefsrc;  // the source address the kernel would choose
  int oif = 0;                             // output interface index
};

// One entry of the neighbour table.
struct NetlinkNeighbor {
  wire::IpAddress address;
  int ifindex = 0;
  uint16_t state = 0;                      // NUD_* bits
  std::optional<wire::MacAddress> lladdr;  // only 6-byte (Ethernet) link addresses
};

// RTM_GETROUTE for `destination` (IPv6 or IPv4), constrained to output interface `oif`
// when non-zero (`ip route get DEST oif IF`).
std::vector<uint8_t> RouteRequest(const wire::IpAddress& destination, int oif, uint32_t seq);

// RTM_GETNEIGH dump of `family`'s table (AF_INET6 or AF_INET); entries of every interface
// come back (older kernels ignore a filter), the caller picks its own.
std::vector<uint8_t> NeighborDumpRequest(int family, uint32_t seq);

// The RTM_NEWROUTE in one reply datagram. A netlink error (NLMSG_ERROR with an errno, e.g.
// ENETUNREACH) is Unavailable with the errno's text; anything malformed is Internal.
absl::StatusOr<NetlinkRoute> ParseRouteReply(std::span<const uint8_t> datagram);

// Appends the RTM_NEWNEIGH entries of one dump datagram to `out`; sets `*done` at
// NLMSG_DONE. Errors as ParseRouteReply.
absl::Status ParseNeighborDump(std::span<const uint8_t> datagram, std::vector<NetlinkNeighbor>* out,
                               bool* done);

// NUD_VALID (REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP): the link address can be
// used, as the ARP table's ATF_COM says for IPv4.
bool NeighborUsable(uint16_t state);
// NUD_INCOMPLETE: the kernel is resolving it right now.
bool NeighborPending(uint16_t state);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_NETLINK_MESSAGES_H_
