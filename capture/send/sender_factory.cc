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
#include "engine/base/status_macros.h"

namespace cutpoint::capture {
namespace {

struct EthernetPath {
  std::string interface;
  wire::MacAddress destination_mac{};
};

// The interface and the one next-hop MAC every Ethernet frame goes to.
absl::StatusOr<EthernetPath> ResolveEthernetPath(TxBackend backend, const std::string& interface,
                                                 uint32_t first_destination,
                                                 std::optional<wire::MacAddress> gateway_mac) {
  EthernetPath path;
  path.interface = interface;
  if (path.interface.empty()) {
    ASSIGN_OR_RETURN(Route route, LookupRoute(first_destination));
    path.interface = route.interface;
  }
  if (gateway_mac.has_value()) {
    path.destination_mac = *gateway_mac;
    return path;
  }
  ASSIGN_OR_RETURN(NextHop hop, ResolveNextHop(first_destination, path.interface));
  if (!hop.via_gateway) {
    return absl::FailedPreconditionError(absl::StrCat("the targets are on-link on ", path.interface,
                                                      " (no gateway): the ", TxBackendName(backend),
                                                      " backend sends every frame to one MAC; pass "
                                                      "--gateway-mac to confirm that MAC (",
                                                      FormatMac(hop.mac),
                                                      " for the first target), or use --tx raw"));
  }
  path.destination_mac = hop.mac;
  return path;
}

absl::StatusOr<std::unique_ptr<PacketSender>> CreateEthernetSender(TxBackend backend,
                                                                   const EthernetPath& path,
                                                                   uint32_t sender_index) {
#ifdef CUTPOINT_HAVE_AFXDP
  if (backend == TxBackend::kAfXdp) {
    AfXdpOptions options;
    options.interface = path.interface;
    options.destination_mac = path.destination_mac;
    options.queue_id = sender_index;
    return AfXdpSender::Create(options);
  }
#else
  (void)backend;
  (void)sender_index;
#endif
  AfPacketOptions options;
  options.interface = path.interface;
  options.destination_mac = path.destination_mac;
  return AfPacketSender::Create(options);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PacketSender>> CreateSender(
    TxBackend backend, const std::string& interface, uint32_t first_destination,
    std::optional<wire::MacAddress> gateway_mac, uint32_t sender_index) {
  switch (backend) {
    case TxBackend::kRawSocket:
      return RawSocketSender::Create(interface);
    case TxBackend::kDpdk:
      return absl::InvalidArgumentError(
          "the dpdk backend is not a kernel sender: open it with OpenBackend");
    case TxBackend::kAfPacket:
    case TxBackend::kAfXdp:
      break;
  }
  ASSIGN_OR_RETURN(EthernetPath path,
                   ResolveEthernetPath(backend, interface, first_destination, gateway_mac));
  return CreateEthernetSender(backend, path, sender_index);
}

}  // namespace cutpoint::capture
