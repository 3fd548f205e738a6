// SPDX-License-Identifier: Apache-2.0
// Sends crafted IPv4 and IPv6 packets through raw sockets, batched with sendmmsg: one
// AF_INET socket and one AF_INET6 socket, each IPPROTO_RAW, which implies header-include
// on both families (IP_HDRINCL; on Linux inet6_create sets it for IPPROTO_RAW too, the
// same as IPV6_HDRINCL), so the bytes leave as crafted: the kernel routes and resolves the
// next hop. Only the families asked for are opened. Needs CAP_NET_RAW.
#ifndef CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_
#define CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/send/packet_sender.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::capture {

// Which families a sender is set up for: a run opens only those it has targets of.
struct SendFamilies {
  bool v4 = true;
  bool v6 = false;
};

class RawSocketSender final : public PacketSender {
 public:
  static constexpr size_t kMaxBurst = 64;

  // Binds to `interface` when non-empty so probes leave where replies are captured.
  // At least one family. The IPv6 socket is also bound to `source6` when given and local:
  // an unbound raw IPv6 socket makes the kernel select a source address for every packet
  // (ipv6_dev_get_saddr, ~90 ns of the ~200 ns the IPv6 route lookup cost, bench/README
  // 2026-12-01) although the header it sends carries its own. A source the kernel does not
  // own (EADDRNOTAVAIL) leaves the socket unbound: same bytes, slower.
  static absl::StatusOr<std::unique_ptr<RawSocketSender>> Create(
      const std::string& interface, SendFamilies families = {},
      const std::optional<wire::IpAddress>& source6 = std::nullopt);
  ~RawSocketSender() override;

  // Consecutive packets of one family go out in one sendmmsg (up to kMaxBurst): a burst
  // that alternates families costs one call per run. Packets of a family without a
  // socket, or whose destination is of the other family, count as failed.
  BurstResult SendBurst(std::span<const OutgoingPacket> packets) override;

  // Whether the IPv6 socket is bound to its source address (tests).
  bool v6_source_bound() const { return v6_bound_; }

 private:
  RawSocketSender() = default;
  bool Sendable(const OutgoingPacket& packet) const;
  // How many packets from the front of `packets` (all sendable, all IPv6 or all IPv4 as
  // `v6`) go into one sendmmsg: up to kMaxBurst.
  size_t RunLength(std::span<const OutgoingPacket> packets, bool v6) const;
  // sendmmsg of one run on that family's socket: its result, errno kept.
  int SendRun(std::span<const OutgoingPacket> run, bool v6);

  int fds_[2] = {-1, -1};  // [0] AF_INET, [1] AF_INET6
  bool v6_bound_ = false;  // the AF_INET6 socket is bound to the IPv6 source
  SendLimits limits_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_
