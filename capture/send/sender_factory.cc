#include "capture/send/sender_factory.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/af_packet_sender.h"
#include "capture/send/neighbor_lookup.h"
#include "capture/send/raw_socket_sender.h"
#include "capture/send/route_lookup.h"

namespace cutpoint::capture {

absl::StatusOr<TxBackend> ParseTxBackend(absl::string_view name) {
  if (name == "raw") return TxBackend::kRawSocket;
  if (name == "afpacket") return TxBackend::kAfPacket;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown TX backend '", name, "' (expected raw or afpacket)"));
}

absl::string_view TxBackendName(TxBackend backend) {
  return backend == TxBackend::kAfPacket ? "afpacket" : "raw";
}

absl::StatusOr<std::unique_ptr<PacketSender>> CreateSender(
    TxBackend backend, const std::string& interface, uint32_t first_destination,
    std::optional<std::array<uint8_t, 6>> gateway_mac) {
  if (backend == TxBackend::kRawSocket) {
    absl::StatusOr<std::unique_ptr<RawSocketSender>> raw = RawSocketSender::Create(interface);
    if (!raw.ok()) return raw.status();
    return std::unique_ptr<PacketSender>(std::move(*raw));
  }

  AfPacketOptions options;
  options.interface = interface;
  if (options.interface.empty()) {
    absl::StatusOr<Route> route = LookupRoute(first_destination);
    if (!route.ok()) return route.status();
    options.interface = route->interface;
  }
  if (gateway_mac.has_value()) {
    options.destination_mac = *gateway_mac;
  } else {
    absl::StatusOr<NextHop> hop = ResolveNextHop(first_destination, options.interface);
    if (!hop.ok()) return hop.status();
    if (!hop->via_gateway) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the targets are on-link on ", options.interface,
          " (no gateway): the afpacket backend sends every frame to one MAC; pass "
          "--gateway-mac to confirm that MAC (", FormatMac(hop->mac),
          " for the first target), or use --tx raw"));
    }
    options.destination_mac = hop->mac;
  }
  absl::StatusOr<std::unique_ptr<AfPacketSender>> sender = AfPacketSender::Create(options);
  if (!sender.ok()) return sender.status();
  return std::unique_ptr<PacketSender>(std::move(*sender));
}

}  // namespace cutpoint::capture
