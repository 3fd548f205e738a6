// Builds the send backends the kernel serves: the raw IPv4 socket (the kernel routes and
// resolves the next hop), the AF_PACKET TX ring or an AF_XDP socket (both: Ethernet
// frames to one next-hop MAC, taken from the caller or from the kernel's neighbour table).
#ifndef CUTPOINT_CAPTURE_SEND_SENDER_FACTORY_H_
#define CUTPOINT_CAPTURE_SEND_SENDER_FACTORY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/send/packet_sender.h"
#include "capture/send/tx_backend.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {

// kRawSocket: RawSocketSender bound to `interface` (when non-empty).
// kAfPacket: AfPacketSender on `interface` (default: the interface of the route to
// `first_destination`), with `gateway_mac` as the destination MAC, or else the MAC of the
// next hop towards `first_destination` from the kernel's tables. Every frame goes to that
// one MAC, so when the destination is on-link (no gateway) and no MAC is given this is a
// FailedPrecondition: other on-link targets would need other MACs.
// kAfXdp: AfXdpSender, same interface and MAC rules as kAfPacket, on TX queue
// `sender_index` (one queue per sending thread).
// kDpdk: InvalidArgument; a DPDK port is opened by OpenBackend (capture/backend.h).
absl::StatusOr<std::unique_ptr<PacketSender>> CreateSender(
    TxBackend backend, const std::string& interface, uint32_t first_destination,
    std::optional<wire::MacAddress> gateway_mac, uint32_t sender_index = 0);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_SENDER_FACTORY_H_
