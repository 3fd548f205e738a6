// SPDX-License-Identifier: Apache-2.0
// Sends IPv4 and IPv6 probes as Ethernet frames from a DPDK port's TX queue: per burst,
// mbufs are allocated in bulk, filled (the port's Ethernet header of the packet's family +
// the IP bytes) and handed to the driver with one rte_eth_tx_burst(); mbufs the driver
// did not take are freed and their packets left to the caller to retry.
//
// SendProbes() is the fast path (the ProbeBurstSender capability, used by the CLI's
// ProbeSession): probes are built by a probe::ProbeBuilder straight into the mbufs, no
// intermediate copy. Its bytes are exactly those SendBurst() sends for the same
// ProbeBuilder output (tests/dpdk checks both against the raw-socket backend's).
// Not thread-safe: one sender per TX queue, one thread per sender.
#ifndef CUTPOINT_CAPTURE_DPDK_DPDK_SENDER_H_
#define CUTPOINT_CAPTURE_DPDK_DPDK_SENDER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "capture/dpdk/dpdk_port.h"
#include "capture/send/packet_sender.h"
#include "capture/send/probe_burst_sender.h"
#include "engine/probe/probe_builder.h"
#include "engine/probe/probe_codec.h"

namespace cutpoint::capture {

struct DpdkSenderCounters {
  uint64_t frames_sent = 0;     // taken by rte_eth_tx_burst
  uint64_t bursts = 0;          // rte_eth_tx_burst calls
  uint64_t tx_full = 0;         // frames the driver did not take (TX ring full), freed
  uint64_t alloc_failures = 0;  // bursts cut short: mempool empty
  uint64_t rejected = 0;        // refused before queuing (length, not IP, no next hop)
};

class DpdkSender final : public PacketSender, public ProbeBurstSender {
 public:
  // `port` must outlive the sender.
  explicit DpdkSender(DpdkPort& port, uint16_t queue = 0);

  // Sends in chunks of the port's burst size until the driver stops taking frames.
  // Packets shorter than their IP header, neither IPv4 nor IPv6, of a family without a
  // next hop or longer than max_packet_len() count as failed; packets after sent + failed
  // were not attempted (TX ring or pool full).
  BurstResult SendBurst(std::span<const OutgoingPacket> packets) override;

  // Builds specs[i] sent at `send_us` into mbufs and sends them (one rte_eth_tx_burst per
  // chunk of burst size), each behind its family's header (by the spec's target). Returns how many
  // were sent, from the front. A probe of a family the port has no next hop for is dropped
  // (counters().rejected) and counted as consumed. The port must carry probe::kMaxProbeLen bytes
  // (OpenDpdkBackend checks).
  size_t SendProbes(const probe::ProbeBuilder& builder, std::span<const probe::ProbeSpec> specs,
                    int64_t send_us) override;
  ProbeBurstSender* AsProbeBurstSender() override { return this; }
  bool UserSpaceBound() const override { return true; }  // no kernel on the send path

  const DpdkSenderCounters& counters() const { return counters_; }
  uint16_t queue() const { return queue_; }

 private:
  // Transmits mbufs[0..n), frees what the driver did not take; returns how many it took.
  uint16_t Transmit(rte_mbuf** mbufs, uint16_t n);
  // The same in bursts of burst_: after a burst the driver took only part of, the rest of
  // mbufs[0..n) is freed unsent.
  uint16_t TransmitBursts(rte_mbuf** mbufs, uint16_t n);
  // Frees the mbufs of mbufs[0..n) whose spec's family has no next hop, keeping the
  // others at the front; origin[k]: the spec index of kept mbuf k, origin[kept] = n.
  // Returns how many were kept.
  uint16_t DropUnframed(rte_mbuf** mbufs, const probe::ProbeSpec* specs, uint16_t n,
                        uint16_t* origin);

  DpdkPort& port_;
  uint16_t queue_;
  uint16_t burst_;
  SendLimits limits_;
  // From an mbuf of the port's pool to its frame (data_off = RTE_PKTMBUF_HEADROOM).
  size_t frame_offset_;
  bool framed_[2];
  DpdkSenderCounters counters_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_DPDK_DPDK_SENDER_H_
