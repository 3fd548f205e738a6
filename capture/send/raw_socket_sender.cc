#include "capture/send/raw_socket_sender.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/unique_fd.h"

namespace cutpoint::capture {

absl::StatusOr<std::unique_ptr<RawSocketSender>> RawSocketSender::Create(
    const std::string& interface) {
  UniqueFd fd(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW));
  if (fd.get() < 0) {
    int error = errno;
    if (error == EPERM || error == EACCES) {
      return absl::PermissionDeniedError(
          "raw socket: permission denied (run as root or grant CAP_NET_RAW: "
          "setcap cap_net_raw+ep cutpoint)");
    }
    return absl::UnavailableError(absl::StrCat("raw socket: ", strerror(error)));
  }
  if (!interface.empty() && setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                                       static_cast<socklen_t>(interface.size())) != 0) {
    int error = errno;
    if (error == ENODEV) {
      return absl::InvalidArgumentError(absl::StrCat("unknown interface '", interface, "'"));
    }
    return absl::UnavailableError(
        absl::StrCat("bind raw socket to ", interface, ": ", strerror(error)));
  }
  int sndbuf = 4 << 20;
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  return std::unique_ptr<RawSocketSender>(new RawSocketSender(fd.release()));
}

RawSocketSender::~RawSocketSender() { close(fd_); }

BurstResult RawSocketSender::SendBurst(std::span<const OutgoingPacket> packets) {
  BurstResult result;
  while (result.sent + result.failed < packets.size()) {
    size_t offset = result.sent + result.failed;
    size_t count = std::min(kMaxBurst, packets.size() - offset);
    mmsghdr messages[kMaxBurst];
    iovec vectors[kMaxBurst];
    sockaddr_in addresses[kMaxBurst];
    for (size_t i = 0; i < count; ++i) {
      const OutgoingPacket& packet = packets[offset + i];
      vectors[i].iov_base = const_cast<uint8_t*>(packet.data);
      vectors[i].iov_len = packet.len;
      addresses[i] = sockaddr_in{};
      addresses[i].sin_family = AF_INET;
      addresses[i].sin_addr.s_addr = htonl(packet.destination);
      messages[i] = mmsghdr{};
      messages[i].msg_hdr.msg_name = &addresses[i];
      messages[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    int sent = sendmmsg(fd_, messages, static_cast<unsigned>(count), 0);
    if (sent > 0) {
      result.sent += static_cast<size_t>(sent);
      continue;
    }
    if (errno == EINTR) continue;
    // Full queue: let the caller retry later. Any other error drops the packet at the
    // front so one bad packet cannot stall the scan.
    if (errno == ENOBUFS || errno == EAGAIN) break;
    ++result.failed;
  }
  return result;
}

}  // namespace cutpoint::capture
