// Sends crafted IPv4 packets through a raw socket (IPPROTO_RAW implies IP_HDRINCL),
// batched with sendmmsg. Needs CAP_NET_RAW.
#ifndef CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_
#define CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "capture/send/packet_sender.h"

namespace cutpoint::capture {

class RawSocketSender final : public PacketSender {
 public:
  static constexpr size_t kMaxBurst = 64;

  // Binds to `interface` when non-empty so probes leave where replies are captured.
  static absl::StatusOr<std::unique_ptr<RawSocketSender>> Create(const std::string& interface);
  ~RawSocketSender() override;

  BurstResult SendBurst(std::span<const OutgoingPacket> packets) override;

 private:
  explicit RawSocketSender(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_RAW_SOCKET_SENDER_H_
