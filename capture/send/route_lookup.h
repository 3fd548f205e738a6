// Default source address and interface for reaching a destination, read from the
// kernel's routing decision. Sends nothing.
#ifndef CUTPOINT_CAPTURE_SEND_ROUTE_LOOKUP_H_
#define CUTPOINT_CAPTURE_SEND_ROUTE_LOOKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace cutpoint::capture {

struct Route {
  uint32_t source_address = 0;
  std::string interface;
};

// Connects a UDP socket (no packet leaves) and reads the address the kernel chose, then
// finds the interface that holds it.
absl::StatusOr<Route> LookupRoute(uint32_t destination);

// The interface that holds `address`, if any.
absl::StatusOr<std::string> InterfaceForAddress(uint32_t address);

// Fills what the user left out: a zero `*source_address` (and an empty `*interface`) from
// the route to `first_target`; given the source, the interface that holds it (when
// `need_interface`).
absl::Status ResolveSource(uint32_t first_target, bool need_interface, uint32_t* source_address,
                           std::string* interface);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_ROUTE_LOOKUP_H_
