// SPDX-License-Identifier: Apache-2.0
#include "capture/send/ethernet_interface.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/unique_fd.h"

namespace cutpoint::capture {
namespace {

absl::Status IoctlError(absl::string_view what, const std::string& name, int error) {
  if (error == ENODEV || error == ENXIO) {
    return absl::InvalidArgumentError(absl::StrCat("unknown interface '", name, "'"));
  }
  return absl::UnavailableError(absl::StrCat(what, " on '", name, "': ", strerror(error)));
}

}  // namespace

absl::StatusOr<EthernetInterface> QueryEthernetInterface(const std::string& name,
                                                         absl::string_view backend) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError(absl::StrCat("invalid interface name '", name, "'"));
  }
  UniqueFd socket_fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (socket_fd.get() < 0) return IoctlError("socket", name, errno);
  ifreq request{};
  memcpy(request.ifr_name, name.c_str(), name.size() + 1);
  EthernetInterface facts;
  if (ioctl(socket_fd.get(), SIOCGIFINDEX, &request) != 0) {
    return IoctlError("SIOCGIFINDEX", name, errno);
  }
  facts.ifindex = request.ifr_ifindex;
  if (ioctl(socket_fd.get(), SIOCGIFHWADDR, &request) != 0) {
    return IoctlError("SIOCGIFHWADDR", name, errno);
  }
  if (request.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
    return absl::InvalidArgumentError(
        absl::StrCat("interface '", name, "' is not an Ethernet interface (ARPHRD ",
                     request.ifr_hwaddr.sa_family, "); the ", backend,
                     " backend writes Ethernet frames, use the raw backend instead"));
  }
  memcpy(facts.mac.data(), request.ifr_hwaddr.sa_data, facts.mac.size());
  if (ioctl(socket_fd.get(), SIOCGIFMTU, &request) != 0)
    return IoctlError("SIOCGIFMTU", name, errno);
  facts.mtu = request.ifr_mtu;
  if (ioctl(socket_fd.get(), SIOCGIFFLAGS, &request) != 0) {
    return IoctlError("SIOCGIFFLAGS", name, errno);
  }
  facts.up = (request.ifr_flags & IFF_UP) != 0;
  return facts;
}

}  // namespace cutpoint::capture
