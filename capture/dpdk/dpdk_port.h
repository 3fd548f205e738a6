// SPDX-License-Identifier: Apache-2.0
// A DPDK ethdev port (a NIC bound to a poll-mode driver, or a virtual device such as
// net_null / net_pcap / net_ring) set up for probing: one mbuf pool, N RX and N TX queues,
// started and promiscuous. Frames are Ethernet; the IPv4 and IPv6 probes go out behind a
// fixed Ethernet header per family (source MAC: the port's own unless given; destination:
// that family's next hop; EtherType 0x0800 or 0x86DD).
//
// The EAL is initialised on the first Create (see dpdk_eal.h). Ports can be created,
// destroyed and created again.
//
// RX hands out borrowed views: the frames of one ReceiveBurst() stay valid until the next
// ReceiveBurst() on that queue or the port's destruction, then their mbufs are freed.
// Not thread-safe: one thread per queue (TX through DpdkSender, RX through ReceiveBurst).
#ifndef CUTPOINT_CAPTURE_DPDK_DPDK_PORT_H_
#define CUTPOINT_CAPTURE_DPDK_DPDK_PORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capture/dpdk/dpdk_eal.h"
#include "engine/wire/ethernet.h"

struct rte_mempool;
struct rte_mbuf;

namespace cutpoint::capture {

inline constexpr uint16_t kDpdkMaxBurst = 512;

struct DpdkOptions {
  // EAL arguments, split on whitespace, e.g. "--no-huge --no-pci -m 512 --vdev net_null0".
  // A program name is prepended, and unless the arguments say otherwise --no-telemetry and
  // a private runtime (--in-memory with hugepages; --no-shconf and a per-process
  // --file-prefix with --no-huge) so that concurrent runs do not collide.
  std::string eal_args;
  std::string device;  // port by device name ("net_pcap0", "0000:03:00.0"); wins over port_id
  uint16_t port_id = 0;
  uint16_t rx_queues = 1;
  uint16_t tx_queues = 1;
  uint16_t rx_descriptors = 1024;  // adjusted to the device's limits
  uint16_t tx_descriptors = 1024;
  uint16_t burst_size = 32;                    // frames per rx/tx burst, 1..kDpdkMaxBurst
  uint32_t mempool_size = 8191;                // mbufs (2^n - 1 is optimal)
  uint32_t mempool_cache = 256;                // per-lcore cache
  std::optional<wire::MacAddress> source_mac;  // default: the port's own
  // The next hop (gateway) per family; every frame of a family goes to it. A family
  // without one is refused by the senders.
  wire::NextHopMacs destination_macs;
  bool promiscuous = true;
};

// Port counters (rte_eth_stats_get), since the port was created.
struct DpdkPortStats {
  uint64_t ipackets = 0;
  uint64_t opackets = 0;
  uint64_t ibytes = 0;
  uint64_t obytes = 0;
  uint64_t imissed = 0;  // dropped by the device: RX queues full
  uint64_t ierrors = 0;
  uint64_t oerrors = 0;
  uint64_t rx_nombuf = 0;  // RX mbuf allocation failures
};

// One received Ethernet frame, borrowed (see above).
struct DpdkFrame {
  const uint8_t* data = nullptr;
  size_t len = 0;       // contiguous bytes (the first segment of a chained mbuf)
  size_t wire_len = 0;  // whole frame
  int64_t time_us = 0;  // wall clock at receive (one stamp per burst)
};

class DpdkPort {
 public:
  // Initialises the EAL with options.eal_args if needed, then configures and starts the
  // port. Fails if the port does not exist (the error lists the ports there are) or is
  // in use by another DpdkPort.
  static absl::StatusOr<std::unique_ptr<DpdkPort>> Create(const DpdkOptions& options);
  ~DpdkPort();  // frees held RX mbufs, stops the port, frees the pool
  DpdkPort(const DpdkPort&) = delete;
  DpdkPort& operator=(const DpdkPort&) = delete;

  // Polls `queue` once (never blocks): up to min(frames.size(), burst_size) frames.
  // Frees the previous burst of this queue first.
  absl::StatusOr<int> ReceiveBurst(std::span<DpdkFrame> frames, uint16_t queue = 0);

  // Sends one whole Ethernet frame (at most one mbuf's room) on `queue`, outside any
  // DpdkSender: the ARP frames of the set-up and of the RX path. The caller owns `queue`
  // for the call (see dpdk_backend.cc for how queue 0 is shared). Returns whether the
  // driver took it; false also when the pool is empty or the frame too long.
  bool TransmitFrame(std::span<const uint8_t> frame, uint16_t queue = 0);

  // Replaces the next hop of each family. Only before any DpdkSender is made: senders copy
  // the framing when they are constructed.
  void SetDestinationMacs(const wire::NextHopMacs& destination_macs);

  absl::StatusOr<DpdkPortStats> Stats() const;
  absl::Status ResetStats();

  uint16_t port_id() const { return port_id_; }
  const std::string& device_name() const { return device_name_; }
  uint16_t rx_queues() const { return rx_queues_; }
  uint16_t tx_queues() const { return tx_queues_; }
  uint16_t burst_size() const { return burst_size_; }
  const wire::MacAddress& source_mac() const { return source_mac_; }
  // Per family: destination MAC, source MAC, EtherType.
  const wire::EthernetFraming& framing() const { return framing_; }
  // Largest IP packet one mbuf carries behind the Ethernet header (capped at the MTU).
  size_t max_packet_len() const { return max_packet_len_; }
  rte_mempool* mempool() const { return pool_; }
  uint32_t mbufs_available() const;  // free mbufs in the pool (incl. lcore caches)
  uint32_t mempool_size() const { return mempool_size_; }

 private:
  DpdkPort() = default;
  // Create's steps once the port is known: queues, pool, start; then the frame header.
  absl::Status ConfigureAndStart(const DpdkOptions& options);
  void SetFraming(const DpdkOptions& options);
  void FreeHeld(uint16_t queue);

  uint16_t port_id_ = 0;
  std::string device_name_;
  bool started_ = false;
  uint16_t rx_queues_ = 0;
  uint16_t tx_queues_ = 0;
  uint16_t burst_size_ = 0;
  uint32_t mempool_size_ = 0;
  rte_mempool* pool_ = nullptr;
  wire::MacAddress source_mac_{};
  wire::EthernetFraming framing_;
  size_t max_packet_len_ = 0;
  std::vector<std::vector<rte_mbuf*>> held_;  // per RX queue: the last burst
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_DPDK_DPDK_PORT_H_
