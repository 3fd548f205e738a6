// SPDX-License-Identifier: Apache-2.0
// Control groups: the sibling hosts that share a prefix with a target (locate's
// "another host in the same network" control, and the unit that sharding keeps whole).
// The prefix length is per family: a /24 for IPv4, and for IPv6 a /48 by default — hosts
// of an IPv6 hitlist rarely share a /64, while a /48 is the usual site assignment.
#ifndef CUTPOINT_ENGINE_TARGETS_GROUP_PREFIX_H_
#define CUTPOINT_ENGINE_TARGETS_GROUP_PREFIX_H_

#include "engine/wire/ip_address.h"

namespace cutpoint::targets {

struct GroupPrefixes {
  int v4 = 24;  // 0..32
  int v6 = 48;  // 1..128
  friend bool operator==(const GroupPrefixes&, const GroupPrefixes&) = default;
};

// Bits of the 128-bit space that name the group of `address`.
inline int GroupBits(const wire::IpAddress& address, const GroupPrefixes& prefixes) {
  return address.is_v4() ? 96 + prefixes.v4 : prefixes.v6;
}

// The first address of `address`'s group: a key that never collides across families.
inline wire::IpAddress GroupOf(const wire::IpAddress& address, const GroupPrefixes& prefixes) {
  const int host_bits = 128 - GroupBits(address, prefixes);
  if (host_bits == 0) return address;
  const wire::Uint128 host_mask = (wire::Uint128{1} << host_bits) - 1;
  return wire::IpAddress::FromValue(address.value() & ~host_mask);
}

// The last address of the group that starts at `group` (GroupOf's result).
inline wire::IpAddress GroupLast(const wire::IpAddress& group, const GroupPrefixes& prefixes) {
  const int host_bits = 128 - GroupBits(group, prefixes);
  if (host_bits == 0) return group;
  return wire::IpAddress::FromValue(group.value() | ((wire::Uint128{1} << host_bits) - 1));
}

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_GROUP_PREFIX_H_
