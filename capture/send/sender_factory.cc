#include "capture/send/sender_factory.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/af_packet_sender.h"
#ifdef CUTPOINT_HAVE_AFXDP
#include "capture/send/af_xdp_sender.h"
#endif
#include "capture/send/neighbor_lookup.h"
#include "capture/send/raw_socket_sender.h"
#include "capture/send/route_lookup.h"

namespace cutpoint::capture {

absl::StatusOr<TxBackend> ParseTxBackend(absl::string_view name) {
  if (name == "raw") return TxBackend::kRawSocket;
  if (name == "afpacket") return TxBackend::kAfPacket;
  if (name == "afxdp") {
#ifdef CUTPOINT_HAVE_AFXDP
    return TxBackend::kAfXdp;
#else
    return absl::FailedPreconditionError(
        "this build has no AF_XDP support (libxdp not found); use --tx afpacket");
#endif
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown TX backend '", name, "' (expected raw, afpacket, afxdp or dpdk)"));
}

absl::string_view TxBackendName(TxBackend backend) {
  switch (backend) {
    case TxBackend::kAfPacket:
      return "afpacket";
    case TxBackend::kAfXdp:
      return "afxdp";
    case TxBackend::kRawSocket:
      break;
  }
  return "raw";
}

namespace {

struct EthernetPath {
  std::string interface;
  std::array<uint8_t, 6> destination_mac{};
};

// The interface and the one next-hop MAC every Ethernet frame goes to.
absl::StatusOr<EthernetPath> ResolveEthernetPath(TxBackend backend, const std::string& interface,
                                                 uint32_t first_destination,
                                                 std::optional<std::array<uint8_t, 6>> gateway_mac) {
  EthernetPath path;
  path.interface = interface;
  if (path.interface.empty()) {
    absl::StatusOr<Route> route = LookupRoute(first_destination);
    if (!route.ok()) return route.status();
    path.interface = route->interface;
  }
  if (gateway_mac.has_value()) {
    path.destination_mac = *gateway_mac;
    return path;
  }
  absl::StatusOr<NextHop> hop = ResolveNextHop(first_destination, path.interface);
  if (!hop.ok()) return hop.status();
  if (!hop->via_gateway) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the targets are on-link on ", path.interface, " (no gateway): the ",
        TxBackendName(backend), " backend sends every frame to one MAC; pass "
        "--gateway-mac to confirm that MAC (", FormatMac(hop->mac),
        " for the first target), or use --tx raw"));
  }
  path.destination_mac = hop->mac;
  return path;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PacketSender>> CreateSender(
    TxBackend backend, const std::string& interface, uint32_t first_destination,
    std::optional<std::array<uint8_t, 6>> gateway_mac, uint32_t sender_index) {
  if (backend == TxBackend::kRawSocket) {
    absl::StatusOr<std::unique_ptr<RawSocketSender>> raw = RawSocketSender::Create(interface);
    if (!raw.ok()) return raw.status();
    return std::unique_ptr<PacketSender>(std::move(*raw));
  }
  absl::StatusOr<EthernetPath> path =
      ResolveEthernetPath(backend, interface, first_destination, gateway_mac);
  if (!path.ok()) return path.status();
#ifdef CUTPOINT_HAVE_AFXDP
  if (backend == TxBackend::kAfXdp) {
    AfXdpOptions options;
    options.interface = path->interface;
    options.destination_mac = path->destination_mac;
    options.queue_id = sender_index;
    absl::StatusOr<std::unique_ptr<AfXdpSender>> sender = AfXdpSender::Create(options);
    if (!sender.ok()) return sender.status();
    return std::unique_ptr<PacketSender>(std::move(*sender));
  }
#endif
  AfPacketOptions options;
  options.interface = path->interface;
  options.destination_mac = path->destination_mac;
  absl::StatusOr<std::unique_ptr<AfPacketSender>> sender = AfPacketSender::Create(options);
  if (!sender.ok()) return sender.status();
  return std::unique_ptr<PacketSender>(std::move(*sender));
}

}  // namespace cutpoint::capture
