// One address per IP family, either one optional: a run's first target of each family
// (where the next hop and the source of that family are looked up; none: the run has no
// target of that family and sets nothing up for it), or its source address per family.
#ifndef CUTPOINT_CAPTURE_SEND_FAMILY_ADDRESSES_H_
#define CUTPOINT_CAPTURE_SEND_FAMILY_ADDRESSES_H_

#include <optional>

#include "engine/wire/ip_address.h"

namespace cutpoint::capture {

struct FamilyAddresses {
  std::optional<wire::IpAddress> v4;
  std::optional<wire::IpAddress> v6;

  std::optional<wire::IpAddress>& of(wire::IpFamily family) {
    return family == wire::IpFamily::kV4 ? v4 : v6;
  }
  const std::optional<wire::IpAddress>& of(wire::IpFamily family) const {
    return family == wire::IpFamily::kV4 ? v4 : v6;
  }
  // Keeps `address` as its family's entry unless that one is set (the first target).
  void AddFirst(const wire::IpAddress& address) {
    std::optional<wire::IpAddress>& slot = of(address.family());
    if (!slot) slot = address;
  }
  bool empty() const { return !v4 && !v6; }
};

inline constexpr wire::IpFamily kBothFamilies[] = {wire::IpFamily::kV4, wire::IpFamily::kV6};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_FAMILY_ADDRESSES_H_
