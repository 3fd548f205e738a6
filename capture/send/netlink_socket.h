// SPDX-License-Identifier: Apache-2.0
// One rtnetlink exchange: a request on a fresh NETLINK_ROUTE socket and its reply
// datagrams. Reads the kernel's tables only (no privilege needed); sends nothing on any
// link.
#ifndef CUTPOINT_CAPTURE_SEND_NETLINK_SOCKET_H_
#define CUTPOINT_CAPTURE_SEND_NETLINK_SOCKET_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capture/send/netlink_messages.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::capture {

// Sends `request`, then hands each reply datagram to `on_datagram` until it returns true
// (the answer is complete) or an error. A reply that takes longer than a second is
// Unavailable.
absl::Status NetlinkExchange(
    std::span<const uint8_t> request,
    const std::function<absl::StatusOr<bool>(std::span<const uint8_t>)>& on_datagram);

// The kernel's route to `destination` (through interface `oif` when non-zero).
absl::StatusOr<NetlinkRoute> QueryRoute(const wire::IpAddress& destination, int oif);

// The whole neighbour table of `family` (AF_INET6, AF_INET).
absl::StatusOr<std::vector<NetlinkNeighbor>> QueryNeighbors(int family);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_NETLINK_SOCKET_H_
