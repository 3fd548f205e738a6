// SPDX-License-Identifier: Apache-2.0
// Builds the send backends the kernel serves: raw IPv4 and IPv6 sockets (the kernel routes
// and resolves the next hop), the AF_PACKET TX ring or an AF_XDP socket (both: Ethernet
// frames to one next-hop MAC per IP family, taken from the caller or from the kernel's
// neighbour tables).
#ifndef CUTPOINT_CAPTURE_SEND_SENDER_FACTORY_H_
#define CUTPOINT_CAPTURE_SEND_SENDER_FACTORY_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "capture/send/family_addresses.h"
#include "capture/send/packet_sender.h"
#include "capture/send/tx_backend.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {

// The families a sender is set up for are those `first_targets` has (a run with no
// target at all: IPv4, as before dual stack). Per family:
// kRawSocket: a raw socket of that family, bound to `interface` (when non-empty); the
// IPv6 one also to `sources.v6` when that is a local address (RawSocketSender::Create).
// kAfPacket: AfPacketSender on `interface` (default: the interface of the route to the
// first target; IPv4's when both families have one, and both routes must agree), framing
// each family's packets for `gateway_macs` of that family, or else the MAC of the next
// hop towards that family's first target from the kernel's tables. Every frame of a
// family goes to that one MAC, so when a family's first target is on-link (no gateway)
// and no MAC is given this is a FailedPrecondition: other on-link targets would need
// other MACs.
// kAfXdp: AfXdpSender, same interface and MAC rules as kAfPacket, on TX queue
// `xdp.first_queue + sender_index` (one queue per sending thread), in zero-copy mode when
// `xdp.zero_copy`.
// kDpdk: InvalidArgument; a DPDK port is opened by OpenBackend (capture/backend.h).
// --tx afxdp's socket choices (--xdp-queue, --xdp-zero-copy); the other backends ignore them.
struct XdpSocketChoice {
  uint32_t first_queue = 0;  // sender thread i binds TX queue first_queue + i
  bool zero_copy = false;    // XDP_ZEROCOPY; refused where the driver has none
};

absl::StatusOr<std::unique_ptr<PacketSender>> CreateSender(
    TxBackend backend, const std::string& interface, const FamilyAddresses& first_targets,
    const wire::NextHopMacs& gateway_macs, uint32_t sender_index = 0,
    const FamilyAddresses& sources = {}, const XdpSocketChoice& xdp = {});

// The Ethernet backends' set-up, shared with dpdk: the interface (given, or the route's)
// and the next-hop MAC of each family `first_targets` has, by the rules above. `backend`
// names the backend in errors.
struct EthernetPath {
  std::string interface;
  wire::NextHopMacs next_hops;
};
absl::StatusOr<EthernetPath> ResolveEthernetPath(absl::string_view backend,
                                                 const std::string& interface,
                                                 const FamilyAddresses& first_targets,
                                                 const wire::NextHopMacs& gateway_macs);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_SENDER_FACTORY_H_
