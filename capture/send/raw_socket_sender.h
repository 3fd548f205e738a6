// Sends crafted IPv4 and IPv6 packets through raw sockets, batched with sendmmsg: one
// AF_INET socket and one AF_INET6 socket, each IPPROTO_RAW, which implies header-include
// on both families (IP_HDRINCL; on Linux inet6_create sets it for IPPROTO_RAW too, the
// same as IPV6_HDRINCL), so the bytes leave as crafted: the kernel routes and resolves the
// next hop. Only the families asked for are opened. Needs CAP_NET_RAW.
#ifndef CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_
#define CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "capture/send/packet_sender.h"

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
  // At least one family.
  static absl::StatusOr<std::unique_ptr<RawSocketSender>> Create(const std::string& interface,
                                                                 SendFamilies families = {});
  ~RawSocketSender() override;

  // Consecutive packets of one family go out in one sendmmsg (up to kMaxBurst): a burst
  // that alternates families costs one call per run. Packets of a family without a
  // socket, or whose destination is of the other family, count as failed.
  BurstResult SendBurst(std::span<const OutgoingPacket> packets) override;

 private:
  RawSocketSender() = default;
  bool Sendable(const OutgoingPacket& packet) const;
  // How many packets from the front of `packets` (all sendable, all IPv6 or all IPv4 as
  // `v6`) go into one sendmmsg: up to kMaxBurst.
  size_t RunLength(std::span<const OutgoingPacket> packets, bool v6) const;
  // sendmmsg of one run on that family's socket: its result, errno kept.
  int SendRun(std::span<const OutgoingPacket> run, bool v6);

  int fds_[2] = {-1, -1};  // [0] AF_INET, [1] AF_INET6
  SendLimits limits_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_
