// SPDX-License-Identifier: Apache-2.0
// Sends crafted IPv4 and IPv6 packets as Ethernet frames through an AF_XDP socket (libxdp's
// xsk API): frames are written into a UMEM chunk behind the 14-byte Ethernet header of the
// packet's family (EtherType and next-hop MAC, see wire::EthernetFraming), posted on
// the socket's TX ring and handed to the kernel with sendto() only when the ring asks for
// a wakeup (XDP_USE_NEED_WAKEUP; copy mode always does) or completions stall, see
// xsk_kick.h; finished chunks come back on the completion ring and are reused. TX only: no XDP
// program is loaded (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD) and the socket has no RX ring, so the
// interface's receive path, and libpcap on it, are untouched.
//
// The socket binds to one queue of the interface; each sending thread needs its own
// queue (`queue_id`). Drivers without AF_XDP support in the kernel still accept copy
// mode (the generic path); zero-copy is requested only when asked, and a driver without
// it is an error naming the interface (no silent fall-back to copy). Needs CAP_NET_RAW
// (and CAP_NET_ADMIN on older kernels). Not thread-safe: one thread per instance.
#ifndef CUTPOINT_CAPTURE_SEND_AF_XDP_SENDER_H_
#define CUTPOINT_CAPTURE_SEND_AF_XDP_SENDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capture/send/packet_sender.h"
#include "capture/send/xsk_kick.h"
#include "engine/wire/ethernet.h"

struct xsk_umem;
struct xsk_socket;

namespace cutpoint::capture {

struct AfXdpOptions {
  std::string interface;                       // required, Ethernet
  uint32_t queue_id = 0;                       // the interface TX queue this socket owns
  wire::NextHopMacs destination_macs;          // per family; a family without one is refused
  std::optional<wire::MacAddress> source_mac;  // default: the interface's own
  uint32_t frame_count = 4096;                 // UMEM chunks (power of two), 2048 bytes each
  bool zero_copy = false;                      // XDP_ZEROCOPY instead of XDP_COPY
};

struct AfXdpCounters {
  uint64_t frames_queued = 0;  // descriptors posted on the TX ring
  uint64_t completed = 0;      // chunks the kernel returned on the completion ring
  uint64_t kicks = 0;          // sendto() calls
  uint64_t stall_kicks = 0;    // of which made because completions stalled (xsk_kick.h)
  uint64_t ring_full = 0;      // bursts cut short because no chunk or slot was free
  uint64_t rejected = 0;       // packets refused before queuing (length, not IP, no next hop)
  uint64_t send_errors = 0;    // sendto() failures other than EAGAIN/EBUSY/ENOBUFS/EINTR
  int last_send_errno = 0;
};

class AfXdpSender final : public PacketSender {
 public:
  static absl::StatusOr<std::unique_ptr<AfXdpSender>> Create(const AfXdpOptions& options);
  ~AfXdpSender() override;

  AfXdpSender(const AfXdpSender&) = delete;
  AfXdpSender& operator=(const AfXdpSender&) = delete;

  BurstResult SendBurst(std::span<const OutgoingPacket> packets) override;
  // Zero-copy: the driver sends from the UMEM. Copy mode: the kernel copies each frame
  // into an skb, which costs far more than user space does per frame.
  bool UserSpaceBound() const override { return zero_copy_; }

  // Kicks until every posted frame has completed or `timeout_ms` passes.
  bool Flush(int timeout_ms);

  const AfXdpCounters& counters() const { return counters_; }

 private:
  AfXdpSender() = default;
  // Maps the UMEM, registers it and binds the TX-only socket to options.queue_id.
  absl::Status OpenSocket(const AfXdpOptions& options);
  void ReapCompletions();
  bool Kick();
  // Kicks while the policy says so (the TX ring asks for a wakeup and still holds frames,
  // or completions stalled), reaping after each kick; a bounded number of times.
  void KickAsNeeded();
  XskTxState TxState();

  struct Rings;
  std::unique_ptr<Rings> rings_;
  xsk_umem* umem_ = nullptr;
  xsk_socket* socket_ = nullptr;
  uint8_t* buffer_ = nullptr;
  size_t buffer_bytes_ = 0;
  std::vector<uint64_t> free_chunks_;  // UMEM addresses ready to fill (a stack)
  uint32_t in_flight_ = 0;             // posted, not yet completed
  uint32_t reaped_ = 0;                // completions since the last kick decision
  XskKickPolicy kick_policy_;
  SendLimits limits_;  // per family: what a chunk and the MTU leave room for, 0 unframed
  wire::EthernetFraming framing_;
  AfXdpCounters counters_;
  bool zero_copy_ = false;  // bound with XDP_ZEROCOPY
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_AF_XDP_SENDER_H_
