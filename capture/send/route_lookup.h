// SPDX-License-Identifier: Apache-2.0
// Default source address and interface for reaching a destination, read from the
// kernel's routing decision. Sends nothing.
#ifndef CUTPOINT_CAPTURE_SEND_ROUTE_LOOKUP_H_
#define CUTPOINT_CAPTURE_SEND_ROUTE_LOOKUP_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/send/family_addresses.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::capture {

struct Route {
  wire::IpAddress source_address;  // of the destination's family
  std::string interface;
};

// IPv4: connects a UDP socket (no packet leaves) and reads the address the kernel chose,
// then finds the interface that holds it. IPv6: asks the kernel for its route
// (RTM_GETROUTE: output interface and preferred source; without one, the UDP socket's).
absl::StatusOr<Route> LookupRoute(const wire::IpAddress& destination);

// The interface that holds `address`, if any.
absl::StatusOr<std::string> InterfaceForAddress(const wire::IpAddress& address);

// Fills what the user left out for one family: an empty `*source_address` (and an empty
// `*interface`) from the route to `first_target`; given the source, the interface that
// holds it (when `need_interface`). A source of the other family than the target is
// InvalidArgument.
absl::Status ResolveSource(const wire::IpAddress& first_target, bool need_interface,
                           std::optional<wire::IpAddress>* source_address, std::string* interface);

// The same per family for a dual-stack run: one source for each family `first_targets`
// has (a given source of a family without targets is left alone). When the interface is
// looked up and the two families' routes leave by different interfaces, InvalidArgument
// naming both: one capture and one set of senders serve the run, pass --interface.
absl::Status ResolveSources(const FamilyAddresses& first_targets, bool need_interface,
                            FamilyAddresses* sources, std::string* interface);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_ROUTE_LOOKUP_H_
