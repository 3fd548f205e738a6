// SPDX-License-Identifier: Apache-2.0
// What a probing run sends and captures with: factories for the send side (one sender per
// sending thread) and the receive side, chosen by --tx. The session sees only these.
#ifndef CUTPOINT_CAPTURE_BACKEND_H_
#define CUTPOINT_CAPTURE_BACKEND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/frame_source.h"
#include "capture/send/family_addresses.h"
#include "capture/send/packet_sender.h"
#include "capture/send/sender_factory.h"
#include "capture/send/tx_backend.h"
#include "capture/thread_placement.h"
#include "engine/report/records.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {

using SenderFactory = std::function<absl::StatusOr<std::unique_ptr<PacketSender>>()>;
// Opens the receive side given the BPF filter that passes only our replies.
using CaptureFactory =
    std::function<absl::StatusOr<std::unique_ptr<FrameSource>>(const std::string& filter)>;
// Adds the send backend's own counters to the run's stats (--tx dpdk: the port's).
using BackendStatsHook = std::function<void(report::ScanStats* stats)>;

struct TxSetup {
  SenderFactory make_sender;
  CaptureFactory make_capture;  // empty: libpcap on the interface
  BackendStatsHook add_stats;   // empty: the backend has no counters of its own
  // Where the sender and capture threads run (dpdk: one lcore each); empty: anywhere.
  std::shared_ptr<ThreadPlacement> placement;
};

// Dual stack: every field that depends on the IP family is per family. A family is set up
// (a raw socket of it, a next hop for it) only when `first_targets` has a target of it;
// packets of another family are refused by the senders (counted as send errors).
struct BackendOptions {
  TxBackend tx = TxBackend::kRawSocket;
  // The first target of each family the run has: where that family's next hop (and the
  // interface, when none is given) is looked up. A dual-stack run sets both.
  FamilyAddresses first_targets;
  // The next-hop MAC of each family (--gateway-mac); a family without one: the kernel's
  // neighbour table (ARP for IPv4, the IPv6 neighbour table over rtnetlink). The Ethernet
  // backends frame IPv4 packets with EtherType 0x0800 to `v4` and IPv6 packets with
  // 0x86DD to `v6` (wire::EthernetFraming: both headers made once, one compare a packet).
  wire::NextHopMacs gateway_macs;
  // dpdk: the IPv4 next hop whose MAC the port asks for itself by ARP before anything is
  // sent (--gateway-ip; from sources.v4), instead of gateway_macs.v4 or the kernel's table.
  std::optional<wire::IpAddress> gateway_ip;
  // The run's source address of each family. raw: the IPv6 socket is bound to the IPv6
  // one, which spares the kernel a source-address selection per packet (see
  // RawSocketSender::Create); the packets' bytes do not depend on it.
  FamilyAddresses sources;
  // dpdk: the EAL's arguments, e.g. "--no-huge --no-pci -m 512 --vdev net_af_packet0,iface=eth0",
  // and the port by device name (empty: port 0).
  std::string dpdk_eal_args;
  std::string dpdk_device;
  // Empty with dpdk: no kernel interface serves the port, so every family needs its MAC
  // given (gateway_macs) or, IPv4, resolved (gateway_ip).
  std::string interface;
  int sender_threads = 1;
  // afxdp: sender thread i binds TX queue xdp.first_queue + i (--xdp-queue); XDP_ZEROCOPY
  // when xdp.zero_copy (--xdp-zero-copy).
  XdpSocketChoice xdp;
};

// The send and receive backends: factories that open one sender per sender thread on
// `interface`, framing each family for its next hop (towards that family's first
// target), and (dpdk) the receive side on the same port. The kernel backends open their senders
// when asked; dpdk opens its port here. FailedPrecondition for a backend this build does not have.
absl::StatusOr<TxSetup> OpenBackend(const BackendOptions& options);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_BACKEND_H_
