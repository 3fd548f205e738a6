// SPDX-License-Identifier: Apache-2.0
#include "capture/send/raw_socket_sender.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/unique_fd.h"
#include "engine/base/status_macros.h"

namespace cutpoint::capture {
namespace {

#ifndef IPV6_HDRINCL
constexpr int IPV6_HDRINCL = 36;  // linux/in6.h, Linux 4.5
#endif
// The kernel refuses what does not fit the route's MTU (EMSGSIZE, a failed packet).
constexpr size_t kMaxRawLen = 65535;

union SocketAddress {
  sockaddr_in v4;
  sockaddr_in6 v6;
};

absl::StatusOr<UniqueFd> OpenRawSocket(int family, const std::string& interface) {
  absl::string_view name = family == AF_INET6 ? "raw IPv6 socket" : "raw socket";
  UniqueFd fd(socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW));
  if (fd.get() < 0) {
    int error = errno;
    if (error == EPERM || error == EACCES) {
      return absl::PermissionDeniedError(
          absl::StrCat(name,
                       ": permission denied (run as root or grant CAP_NET_RAW: "
                       "setcap cap_net_raw+ep cutpoint)"));
    }
    return absl::UnavailableError(absl::StrCat(name, ": ", strerror(error)));
  }
  if (family == AF_INET6) {
    // Already implied by IPPROTO_RAW; said explicitly for the reader.
    int on = 1;
    setsockopt(fd.get(), IPPROTO_IPV6, IPV6_HDRINCL, &on, sizeof(on));
  }
  if (!interface.empty() && setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                                       static_cast<socklen_t>(interface.size())) != 0) {
    int error = errno;
    if (error == ENODEV) {
      return absl::InvalidArgumentError(absl::StrCat("unknown interface '", interface, "'"));
    }
    return absl::UnavailableError(
        absl::StrCat("bind ", name, " to ", interface, ": ", strerror(error)));
  }
  int sndbuf = 4 << 20;
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  return fd;
}

// Binds a raw IPv6 socket to `source` so rawv6_sendmsg takes the flow's source from the
// socket instead of selecting one per packet; IPv4 needs no bind (its route lookup takes
// the cached preferred source, while a bound source adds a local-address check per
// packet). False when the kernel refuses (a source it does not own): sending still works.
bool BindV6Source(int fd, const wire::IpAddress& source) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  source.ToV6Bytes(address.sin6_addr.s6_addr);
  return bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
}

inline void StoreBe64(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof(v));
}

void FillAddress(const wire::IpAddress& destination, bool v6, SocketAddress* out) {
  if (v6) {
    out->v6 = sockaddr_in6{};
    out->v6.sin6_family = AF_INET6;
    // Two 64-bit stores: IpAddress::ToV6Bytes' byte loop cost ~9 ns a probe here (perf).
    StoreBe64(out->v6.sin6_addr.s6_addr, destination.high());
    StoreBe64(out->v6.sin6_addr.s6_addr + 8, destination.low());
  } else {
    out->v4 = sockaddr_in{};
    out->v4.sin_family = AF_INET;
    out->v4.sin_addr.s_addr = htonl(destination.v4());
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<RawSocketSender>> RawSocketSender::Create(
    const std::string& interface, SendFamilies families,
    const std::optional<wire::IpAddress>& source6) {
  if (!families.v4 && !families.v6) {
    return absl::InvalidArgumentError("raw socket sender: no address family to send");
  }
  std::unique_ptr<RawSocketSender> sender(new RawSocketSender());
  const bool wanted[2] = {families.v4, families.v6};
  for (int slot = 0; slot < 2; ++slot) {
    if (!wanted[slot]) continue;
    ASSIGN_OR_RETURN(UniqueFd fd, OpenRawSocket(slot == 0 ? AF_INET : AF_INET6, interface));
    sender->fds_[slot] = fd.release();
    sender->limits_.max_len[slot] = kMaxRawLen;
  }
  if (sender->fds_[1] >= 0 && source6 && !source6->is_v4()) {
    sender->v6_bound_ = BindV6Source(sender->fds_[1], *source6);
  }
  return sender;
}

RawSocketSender::~RawSocketSender() {
  for (int fd : fds_) {
    if (fd >= 0) close(fd);
  }
}

bool RawSocketSender::Sendable(const OutgoingPacket& packet) const {
  // The version nibble picks the socket; the destination must be of the same family.
  return IsSendableIp(packet, limits_) &&
         packet.destination.is_v4() != (wire::IpVersion(packet.data) == wire::kIpv6Version);
}

size_t RawSocketSender::RunLength(std::span<const OutgoingPacket> packets, bool v6) const {
  size_t limit = std::min(kMaxBurst, packets.size());
  size_t count = 1;
  while (count < limit && Sendable(packets[count]) &&
         (wire::IpVersion(packets[count].data) == wire::kIpv6Version) == v6) {
    ++count;
  }
  return count;
}

int RawSocketSender::SendRun(std::span<const OutgoingPacket> run, bool v6) {
  mmsghdr messages[kMaxBurst];
  iovec vectors[kMaxBurst];
  SocketAddress addresses[kMaxBurst];
  socklen_t address_len = v6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  for (size_t i = 0; i < run.size(); ++i) {
    vectors[i].iov_base = const_cast<uint8_t*>(run[i].data);
    vectors[i].iov_len = run[i].len;
    FillAddress(run[i].destination, v6, &addresses[i]);
    messages[i] = mmsghdr{};
    messages[i].msg_hdr.msg_name = &addresses[i];
    messages[i].msg_hdr.msg_namelen = address_len;
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  return sendmmsg(fds_[v6], messages, static_cast<unsigned>(run.size()), 0);
}

BurstResult RawSocketSender::SendBurst(std::span<const OutgoingPacket> packets) {
  BurstResult result;
  while (result.sent + result.failed < packets.size()) {
    std::span<const OutgoingPacket> rest = packets.subspan(result.sent + result.failed);
    if (!Sendable(rest.front())) {
      ++result.failed;
      continue;
    }
    bool v6 = wire::IpVersion(rest.front().data) == wire::kIpv6Version;
    int sent = SendRun(rest.first(RunLength(rest, v6)), v6);
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
