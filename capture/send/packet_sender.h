// The send side of every backend: bursts of complete IPv4 packets in, a count out.
// One virtual call per burst, never per packet. A backend with buffers of its own (DPDK
// mbufs) may also offer to build probes into them directly: see probe_burst_sender.h.
#ifndef CUTPOINT_CAPTURE_SEND_PACKET_SENDER_H_
#define CUTPOINT_CAPTURE_SEND_PACKET_SENDER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/wire/protocol.h"

namespace cutpoint::capture {

class ProbeBurstSender;

struct OutgoingPacket {
  const uint8_t* data = nullptr;  // IPv4 header onwards
  uint16_t len = 0;
  uint32_t destination = 0;  // host order
};

struct BurstResult {
  size_t sent = 0;    // packets accepted by the backend, in order from the front
  size_t failed = 0;  // packets dropped with a hard error (counted, not retried)
};

// What the framing backends check before they copy a packet into a frame: IPv4 bytes, at
// least an IPv4 header and at most `max_len` (what the frame and the MTU leave room for).
inline bool IsSendableIpv4(const OutgoingPacket& packet, size_t max_len) {
  return packet.data != nullptr && packet.len >= wire::kIpv4MinHeaderLen && packet.len <= max_len &&
         wire::IpVersion(packet.data) == wire::kIpv4Version;
}

class PacketSender {
 public:
  virtual ~PacketSender() = default;
  // Packets after sent + failed were not attempted (backend full); the caller retries them.
  virtual BurstResult SendBurst(std::span<const OutgoingPacket> packets) = 0;
  // The optional build-in-place capability; nullptr (the default): packets only.
  virtual ProbeBurstSender* AsProbeBurstSender() { return nullptr; }
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_PACKET_SENDER_H_
