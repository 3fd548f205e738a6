// A run's own source addresses, one per family: a dual-stack run sends IPv4 probes from
// the IPv4 source and IPv6 probes from the IPv6 one, and replies must come back to them.
#ifndef CUTPOINT_ENGINE_WIRE_SOURCE_ADDRESSES_H_
#define CUTPOINT_ENGINE_WIRE_SOURCE_ADDRESSES_H_

#include <optional>

#include "engine/wire/ip_address.h"

namespace cutpoint::wire {

struct SourceAddresses {
  std::optional<IpAddress> v4;
  std::optional<IpAddress> v6;

  const std::optional<IpAddress>& For(IpFamily family) const {
    return family == IpFamily::kV4 ? v4 : v6;
  }
  std::optional<IpAddress>& For(IpFamily family) { return family == IpFamily::kV4 ? v4 : v6; }
  bool empty() const { return !v4 && !v6; }
  friend bool operator==(const SourceAddresses&, const SourceAddresses&) = default;
};

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_SOURCE_ADDRESSES_H_
