// SPDX-License-Identifier: Apache-2.0
// The send side of every backend: bursts of complete IPv4 or IPv6 packets in, a count out.
// One virtual call per burst, never per packet. A backend with buffers of its own (DPDK
// mbufs) may also offer to build probes into them directly: see probe_burst_sender.h.
#ifndef CUTPOINT_CAPTURE_SEND_PACKET_SENDER_H_
#define CUTPOINT_CAPTURE_SEND_PACKET_SENDER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/wire/ip_address.h"
#include "engine/wire/protocol.h"

namespace cutpoint::capture {

class ProbeBurstSender;

struct OutgoingPacket {
  const uint8_t* data = nullptr;  // IPv4 or IPv6 header onwards
  uint16_t len = 0;
  wire::IpAddress destination;  // of the packet's own family (the raw socket's sendto)
};

struct BurstResult {
  size_t sent = 0;    // packets accepted by the backend, in order from the front
  size_t failed = 0;  // packets dropped with a hard error (counted, not retried)
};

// The longest packet a backend takes per family, indexed by wire::EthernetFraming::Slot
// (0: IPv4, 1: IPv6): what the frame and the MTU leave room for, or 0 when the backend
// is not set up for that family (no socket, no next hop) and refuses its packets.
struct SendLimits {
  size_t max_len[2] = {0, 0};
};

// What every backend checks before it sends a packet: IPv4 or IPv6 by the version nibble,
// at least that version's fixed header and at most its family's limit.
inline bool IsSendableIp(const OutgoingPacket& packet, const SendLimits& limits) {
  if (packet.data == nullptr || packet.len < wire::kIpv4MinHeaderLen) return false;
  uint8_t version = wire::IpVersion(packet.data);
  bool v6 = version == wire::kIpv6Version;
  size_t min_len = v6 ? wire::kIpv6HeaderLen : wire::kIpv4MinHeaderLen;
  return (v6 || version == wire::kIpv4Version) && packet.len >= min_len &&
         packet.len <= limits.max_len[v6];
}

class PacketSender {
 public:
  virtual ~PacketSender() = default;
  // Packets after sent + failed were not attempted (backend full); the caller retries them.
  virtual BurstResult SendBurst(std::span<const OutgoingPacket> packets) = 0;
  // The optional build-in-place capability; nullptr (the default): packets only.
  virtual ProbeBurstSender* AsProbeBurstSender() { return nullptr; }
  // Whether user space bounds this backend's packet rate (DPDK, AF_XDP zero-copy) rather
  // than the kernel's per-packet work (raw socket, AF_PACKET, AF_XDP copy mode, the
  // default): the session chooses how it builds probes by it (session::ProbeKernels).
  virtual bool UserSpaceBound() const { return false; }
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_PACKET_SENDER_H_
