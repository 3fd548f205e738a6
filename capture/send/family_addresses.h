// SPDX-License-Identifier: Apache-2.0
// One address per IP family (engine/wire/source_addresses.h), as capture/ names it.
#ifndef CUTPOINT_CAPTURE_SEND_FAMILY_ADDRESSES_H_
#define CUTPOINT_CAPTURE_SEND_FAMILY_ADDRESSES_H_

#include <optional>

#include "engine/wire/ip_address.h"
#include "engine/wire/source_addresses.h"

namespace cutpoint::capture {

using FamilyAddresses = wire::SourceAddresses;

inline constexpr wire::IpFamily kBothFamilies[] = {wire::IpFamily::kV4, wire::IpFamily::kV6};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_FAMILY_ADDRESSES_H_
