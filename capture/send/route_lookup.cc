#include "capture/send/route_lookup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/unique_fd.h"
#include "engine/base/status_macros.h"

namespace cutpoint::capture {

absl::StatusOr<std::string> InterfaceForAddress(uint32_t address) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return absl::UnavailableError(absl::StrCat("getifaddrs: ", strerror(errno)));
  }
  std::string name;
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    const auto* in = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
    if (ntohl(in->sin_addr.s_addr) == address) {
      name = entry->ifa_name;
      break;
    }
  }
  freeifaddrs(list);
  if (name.empty()) return absl::NotFoundError("no interface holds the source address");
  return name;
}

absl::StatusOr<Route> LookupRoute(uint32_t destination) {
  // A connected UDP socket: the kernel picks the route and source, nothing is sent.
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::UnavailableError(absl::StrCat("socket: ", strerror(errno)));
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(9);
  remote.sin_addr.s_addr = htonl(destination);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0) {
    return absl::UnavailableError(absl::StrCat("no route to the first target: ", strerror(errno)));
  }
  sockaddr_in local{};
  socklen_t local_len = sizeof(local);
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
    return absl::UnavailableError(absl::StrCat("getsockname: ", strerror(errno)));
  }
  Route route;
  route.source_address = ntohl(local.sin_addr.s_addr);
  ASSIGN_OR_RETURN(route.interface, InterfaceForAddress(route.source_address));
  return route;
}

absl::Status ResolveSource(uint32_t first_target, bool need_interface, uint32_t* source_address,
                           std::string* interface) {
  if (*source_address == 0) {
    ASSIGN_OR_RETURN(Route route, LookupRoute(first_target));
    *source_address = route.source_address;
    if (interface->empty()) *interface = route.interface;
  } else if (need_interface && interface->empty()) {
    absl::StatusOr<std::string> holder = InterfaceForAddress(*source_address);
    if (!holder.ok()) {
      return absl::InvalidArgumentError("no interface holds --source-ip; pass --interface");
    }
    *interface = *holder;
  }
  return absl::OkStatus();
}

}  // namespace cutpoint::capture
