// SPDX-License-Identifier: Apache-2.0
#include "capture/send/route_lookup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/netlink_socket.h"
#include "capture/send/unique_fd.h"
#include "engine/base/status_macros.h"

namespace cutpoint::capture {
namespace {

bool HoldsAddress(const ifaddrs& entry, const wire::IpAddress& address) {
  if (entry.ifa_addr == nullptr) return false;
  if (entry.ifa_addr->sa_family == AF_INET && address.is_v4()) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(entry.ifa_addr);
    return ntohl(in->sin_addr.s_addr) == address.v4();
  }
  if (entry.ifa_addr->sa_family == AF_INET6 && !address.is_v4()) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(entry.ifa_addr);
    return wire::IpAddress::FromV6Bytes(in6->sin6_addr.s6_addr) == address;
  }
  return false;
}

// A connected UDP socket: the kernel picks the route and source, nothing is sent.
absl::StatusOr<wire::IpAddress> SourceFromUdpConnect(const wire::IpAddress& destination) {
  bool v6 = !destination.is_v4();
  UniqueFd fd(socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::UnavailableError(absl::StrCat("socket: ", strerror(errno)));
  sockaddr_storage remote{};
  socklen_t remote_len;
  if (v6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&remote);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(9);
    destination.ToV6Bytes(in6->sin6_addr.s6_addr);
    remote_len = sizeof(sockaddr_in6);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&remote);
    in->sin_family = AF_INET;
    in->sin_port = htons(9);
    in->sin_addr.s_addr = htonl(destination.v4());
    remote_len = sizeof(sockaddr_in);
  }
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&remote), remote_len) != 0) {
    return absl::UnavailableError(absl::StrCat("no route to the first target ",
                                               wire::IpAddressToString(destination), ": ",
                                               strerror(errno)));
  }
  sockaddr_storage local{};
  socklen_t local_len = sizeof(local);
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
    return absl::UnavailableError(absl::StrCat("getsockname: ", strerror(errno)));
  }
  if (v6) {
    return wire::IpAddress::FromV6Bytes(reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr.s6_addr);
  }
  return wire::IpAddress::V4(ntohl(reinterpret_cast<sockaddr_in*>(&local)->sin_addr.s_addr));
}

// IPv6: the kernel's route names the output interface itself (the source may be held by
// another interface, as the weak host model allows).
absl::StatusOr<Route> LookupRouteV6(const wire::IpAddress& destination) {
  absl::StatusOr<NetlinkRoute> found = QueryRoute(destination, 0);
  std::string target = wire::IpAddressToString(destination);
  if (!found.ok()) {
    return absl::UnavailableError(
        absl::StrCat("no route to the first target ", target, ": ", found.status().message()));
  }
  if (found->type != RTN_UNICAST && found->type != RTN_LOCAL) {
    return absl::UnavailableError(
        absl::StrCat("no route to the first target ", target, " (route type ", found->type, ")"));
  }
  char name[IF_NAMESIZE] = {0};
  if (found->oif <= 0 || if_indextoname(static_cast<unsigned>(found->oif), name) == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("the route to ", target, " names no output interface"));
  }
  Route route;
  route.interface = name;
  if (found->prefsrc && !found->prefsrc->is_v4()) {
    route.source_address = *found->prefsrc;
  } else {
    ASSIGN_OR_RETURN(route.source_address, SourceFromUdpConnect(destination));
  }
  return route;
}

}  // namespace

absl::StatusOr<std::string> InterfaceForAddress(const wire::IpAddress& address) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return absl::UnavailableError(absl::StrCat("getifaddrs: ", strerror(errno)));
  }
  std::string name;
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (HoldsAddress(*entry, address)) {
      name = entry->ifa_name;
      break;
    }
  }
  freeifaddrs(list);
  if (name.empty()) return absl::NotFoundError("no interface holds the source address");
  return name;
}

absl::StatusOr<Route> LookupRoute(const wire::IpAddress& destination) {
  if (!destination.is_v4()) return LookupRouteV6(destination);
  Route route;
  ASSIGN_OR_RETURN(route.source_address, SourceFromUdpConnect(destination));
  ASSIGN_OR_RETURN(route.interface, InterfaceForAddress(route.source_address));
  return route;
}

absl::Status ResolveSource(const wire::IpAddress& first_target, bool need_interface,
                           std::optional<wire::IpAddress>* source_address, std::string* interface) {
  if (*source_address && (*source_address)->family() != first_target.family()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the source address ", wire::IpAddressToString(**source_address), " is IPv",
        static_cast<int>((*source_address)->family()), " but the target ",
        wire::IpAddressToString(first_target), " is IPv", static_cast<int>(first_target.family())));
  }
  if (!*source_address) {
    ASSIGN_OR_RETURN(Route route, LookupRoute(first_target));
    *source_address = route.source_address;
    if (interface->empty()) *interface = route.interface;
  } else if (need_interface && interface->empty()) {
    absl::StatusOr<std::string> holder = InterfaceForAddress(**source_address);
    if (!holder.ok()) {
      return absl::InvalidArgumentError("no interface holds --source-ip; pass --interface");
    }
    *interface = *holder;
  }
  return absl::OkStatus();
}

absl::Status ResolveSources(const FamilyAddresses& first_targets, bool need_interface,
                            FamilyAddresses* sources, std::string* interface) {
  const bool given = !interface->empty();
  std::string chosen;
  for (wire::IpFamily family : kBothFamilies) {
    const std::optional<wire::IpAddress>& first = first_targets.of(family);
    if (!first) continue;
    std::string found = *interface;
    RETURN_IF_ERROR(ResolveSource(*first, need_interface, &sources->of(family), &found));
    if (given || found.empty()) continue;
    if (chosen.empty()) {
      chosen = found;
    } else if (found != chosen) {
      return absl::InvalidArgumentError(
          absl::StrCat("the IPv4 targets leave by ", chosen, " and the IPv6 targets by ", found,
                       ": one interface captures the replies, pass --interface"));
    }
  }
  if (!given) *interface = chosen;
  return absl::OkStatus();
}

}  // namespace cutpoint::capture
