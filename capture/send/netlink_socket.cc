// SPDX-License-Identifier: Apache-2.0
#include "capture/send/netlink_socket.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "absl/strings/str_cat.h"
#include "capture/send/unique_fd.h"
#include "engine/base/status_macros.h"

namespace cutpoint::capture {
namespace {

constexpr int kReplyTimeoutMs = 1000;
// Dumps come in datagrams of up to a page or so; 32 KiB holds any of them.
constexpr size_t kReceiveBuffer = 32 * 1024;

absl::Status Errno(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat("netlink ", what, ": ", strerror(errno)));
}

}  // namespace

absl::Status NetlinkExchange(
    std::span<const uint8_t> request,
    const std::function<absl::StatusOr<bool>(std::span<const uint8_t>)>& on_datagram) {
  UniqueFd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (fd.get() < 0) return Errno("socket");
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd.get(), request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
             sizeof(kernel)) < 0) {
    return Errno("send");
  }
  std::vector<uint8_t> buffer(kReceiveBuffer);
  while (true) {
    pollfd ready{fd.get(), POLLIN, 0};
    int polled = poll(&ready, 1, kReplyTimeoutMs);
    if (polled < 0 && errno == EINTR) continue;
    if (polled < 0) return Errno("poll");
    if (polled == 0) return absl::UnavailableError("netlink: no reply from the kernel");
    ssize_t got = recv(fd.get(), buffer.data(), buffer.size(), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Errno("recv");
    ASSIGN_OR_RETURN(bool complete,
                     on_datagram(std::span<const uint8_t>(buffer.data(), size_t(got))));
    if (complete) return absl::OkStatus();
  }
}

absl::StatusOr<NetlinkRoute> QueryRoute(const wire::IpAddress& destination, int oif) {
  NetlinkRoute route;
  std::vector<uint8_t> request = RouteRequest(destination, oif, 1);
  RETURN_IF_ERROR(
      NetlinkExchange(request, [&](std::span<const uint8_t> datagram) -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(route, ParseRouteReply(datagram));
        return true;
      }));
  return route;
}

absl::StatusOr<std::vector<NetlinkNeighbor>> QueryNeighbors(int family) {
  std::vector<NetlinkNeighbor> neighbors;
  std::vector<uint8_t> request = NeighborDumpRequest(family, 1);
  RETURN_IF_ERROR(
      NetlinkExchange(request, [&](std::span<const uint8_t> datagram) -> absl::StatusOr<bool> {
        bool done = false;
        RETURN_IF_ERROR(ParseNeighborDump(datagram, &neighbors, &done));
        return done;
      }));
  return neighbors;
}

}  // namespace cutpoint::capture
