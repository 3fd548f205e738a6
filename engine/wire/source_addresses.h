// SPDX-License-Identifier: Apache-2.0
// One address per IP family, either one optional: a run's own source addresses (a
// dual-stack run sends IPv4 probes from the IPv4 source and IPv6 probes from the IPv6 one,
// and replies must come back to them), or its first target of each family (where the next
// hop and source of that family are looked up; none: nothing is set up for that family).
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
  // capture/'s spelling of For.
  const std::optional<IpAddress>& of(IpFamily family) const { return For(family); }
  std::optional<IpAddress>& of(IpFamily family) { return For(family); }
  // Keeps `address` as its family's entry unless that one is set (a run's first target).
  void AddFirst(const IpAddress& address) {
    std::optional<IpAddress>& slot = For(address.family());
    if (!slot) slot = address;
  }
  bool empty() const { return !v4 && !v6; }
  friend bool operator==(const SourceAddresses&, const SourceAddresses&) = default;
};

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_SOURCE_ADDRESSES_H_
