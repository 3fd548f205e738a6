// SPDX-License-Identifier: Apache-2.0
// Sends crafted IPv4 and IPv6 packets as Ethernet frames through a Linux AF_PACKET TX ring
// (TPACKET_V2, PACKET_TX_RING + mmap): each packet is copied behind a 14-byte Ethernet
// header into a free ring frame and the whole burst is handed to the kernel with one
// send() call, bypassing the qdisc layer by default (PACKET_QDISC_BYPASS). Needs
// CAP_NET_RAW and an Ethernet interface; the destination MAC is the next hop's (the
// gateway's) of the packet's family, resolved by the caller (see neighbor_lookup.h) --
// every frame of a family goes to it, with EtherType 0x0800 or 0x86DD.
//
// Differences from RawSocketSender worth knowing:
//  * the kernel routes nothing and fills nothing: the IP bytes leave exactly as given;
//  * with qdisc bypass, outgoing frames do not pass the interface's packet taps, so a
//    capture on the sending interface does not see them (captures elsewhere do);
//  * frames the kernel cannot send are skipped (PACKET_LOSS), never stall the ring.
// Not thread-safe: one sending thread per instance.
#ifndef CUTPOINT_CAPTURE_SEND_AF_PACKET_SENDER_H_
#define CUTPOINT_CAPTURE_SEND_AF_PACKET_SENDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/send/packet_sender.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {

struct AfPacketOptions {
  std::string interface;                       // required, Ethernet (ARPHRD_ETHER)
  wire::NextHopMacs destination_macs;          // per family; a family without one is refused
  std::optional<wire::MacAddress> source_mac;  // default: the interface's own
  // Ring geometry: frame_size is a multiple of 16 in [128, 2048]; frame_count is rounded
  // up to fill whole blocks (one page per block, or one frame when frames are larger).
  uint32_t frame_size = 2048;
  uint32_t frame_count = 256;
  bool qdisc_bypass = true;
  // Virtio-net header per frame so the kernel builds linear skbs (see Create).
  bool linear_frames = true;
};

struct AfPacketCounters {
  uint64_t frames_queued = 0;  // frames handed to the kernel (TP_STATUS_SEND_REQUEST)
  uint64_t kicks = 0;          // send() calls
  uint64_t ring_full = 0;      // bursts cut short because no frame was free
  uint64_t rejected = 0;       // packets refused before queuing (length, not IP, no next hop)
  uint64_t wrong_format = 0;   // frames the kernel returned as TP_STATUS_WRONG_FORMAT
  uint64_t send_errors = 0;    // send() failures other than EAGAIN/ENOBUFS/EINTR
  int last_send_errno = 0;
};

class AfPacketSender final : public PacketSender {
 public:
  static absl::StatusOr<std::unique_ptr<AfPacketSender>> Create(const AfPacketOptions& options);
  ~AfPacketSender() override;  // flushes pending frames (bounded wait), unmaps the ring
  AfPacketSender(const AfPacketSender&) = delete;
  AfPacketSender& operator=(const AfPacketSender&) = delete;

  // Queues as many packets as there are free frames, then one send(). Packets longer
  // than the interface MTU or the frame, not IPv4 or IPv6, or of a family without a next
  // hop, count as failed.
  BurstResult SendBurst(std::span<const OutgoingPacket> packets) override;

  // Waits up to `timeout_ms` until the kernel has released every queued frame. Returns
  // true when the ring is empty.
  bool Flush(int timeout_ms);

  const AfPacketCounters& counters() const { return counters_; }
  uint32_t frame_count() const { return frame_count_; }
  uint32_t frame_size() const { return frame_size_; }
  size_t max_packet_len() const { return max_packet_len_; }
  const wire::MacAddress& source_mac() const { return source_mac_; }
  const wire::EthernetFraming& framing() const { return framing_; }

 private:
  AfPacketSender() = default;
  uint8_t* Frame(uint32_t index) const { return ring_ + size_t{index} * frame_size_; }
  // send(fd, NULL, 0, MSG_DONTWAIT); false on a hard error.
  bool Kick();

  int fd_ = -1;
  uint8_t* ring_ = nullptr;
  size_t ring_bytes_ = 0;
  uint32_t frame_size_ = 0;
  uint32_t frame_count_ = 0;
  uint32_t cursor_ = 0;         // next frame to fill
  size_t max_packet_len_ = 0;   // IP bytes per frame: min(MTU, frame room)
  SendLimits limits_;           // max_packet_len_ for each family with a next hop
  size_t vnet_header_len_ = 0;  // virtio_net_hdr before each frame, 0 when not enabled
  wire::EthernetFraming framing_;
  wire::MacAddress source_mac_{};
  AfPacketCounters counters_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_AF_PACKET_SENDER_H_
