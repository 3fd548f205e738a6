// SPDX-License-Identifier: Apache-2.0
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

std::optional<wire::MacAddress>& MacOf(wire::NextHopMacs& macs, wire::IpFamily family) {
  return family == wire::IpFamily::kV4 ? macs.v4 : macs.v6;
}

// The interface the routes to the first targets leave by; both families must agree.
absl::StatusOr<std::string> RouteInterface(const FamilyAddresses& first_targets) {
  std::string chosen;
  for (wire::IpFamily family : kBothFamilies) {
    const std::optional<wire::IpAddress>& first = first_targets.of(family);
    if (!first) continue;
    ASSIGN_OR_RETURN(Route route, LookupRoute(*first));
    if (chosen.empty()) {
      chosen = route.interface;
    } else if (route.interface != chosen) {
      return absl::InvalidArgumentError(
          absl::StrCat("the IPv4 targets leave by ", chosen, " and the IPv6 targets by ",
                       route.interface, ": one interface sends every frame, pass --interface"));
    }
  }
  return chosen;
}

// One family's next-hop MAC from the kernel's tables: its first target's gateway's.
absl::StatusOr<wire::MacAddress> NextHopMac(absl::string_view backend,
                                            const wire::IpAddress& first_target,
                                            const std::string& interface) {
  ASSIGN_OR_RETURN(NextHop hop, ResolveNextHop(first_target, interface));
  if (!hop.via_gateway) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the IPv", static_cast<int>(first_target.family()), " targets are on-link on ", interface,
        " (no gateway): the ", backend,
        " backend sends every frame of a family to one MAC; pass --gateway-mac to confirm that "
        "MAC (",
        FormatMac(hop.mac), " for the first target), or use --tx raw"));
  }
  return hop.mac;
}

absl::StatusOr<std::unique_ptr<PacketSender>> CreateEthernetSender(TxBackend backend,
                                                                   const EthernetPath& path,
                                                                   uint32_t sender_index,
                                                                   const XdpSocketChoice& xdp) {
#ifdef CUTPOINT_HAVE_AFXDP
  if (backend == TxBackend::kAfXdp) {
    AfXdpOptions options;
    options.interface = path.interface;
    options.destination_macs = path.next_hops;
    options.queue_id = xdp.first_queue + sender_index;
    options.zero_copy = xdp.zero_copy;
    return AfXdpSender::Create(options);
  }
#else
  (void)backend;
  (void)sender_index;
  (void)xdp;
#endif
  AfPacketOptions options;
  options.interface = path.interface;
  options.destination_macs = path.next_hops;
  return AfPacketSender::Create(options);
}

}  // namespace

absl::StatusOr<EthernetPath> ResolveEthernetPath(absl::string_view backend,
                                                 const std::string& interface,
                                                 const FamilyAddresses& first_targets,
                                                 const wire::NextHopMacs& gateway_macs) {
  if (first_targets.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", backend, " backend needs a first target to find its next hop"));
  }
  EthernetPath path;
  path.interface = interface;
  if (path.interface.empty()) {
    ASSIGN_OR_RETURN(path.interface, RouteInterface(first_targets));
  }
  wire::NextHopMacs given = gateway_macs;
  for (wire::IpFamily family : kBothFamilies) {
    const std::optional<wire::IpAddress>& first = first_targets.of(family);
    if (!first) continue;
    std::optional<wire::MacAddress>& mac = MacOf(path.next_hops, family);
    mac = MacOf(given, family);
    if (!mac) {
      ASSIGN_OR_RETURN(mac, NextHopMac(backend, *first, path.interface));
    }
  }
  return path;
}

absl::StatusOr<std::unique_ptr<PacketSender>> CreateSender(
    TxBackend backend, const std::string& interface, const FamilyAddresses& first_targets,
    const wire::NextHopMacs& gateway_macs, uint32_t sender_index, const FamilyAddresses& sources,
    const XdpSocketChoice& xdp) {
  switch (backend) {
    case TxBackend::kRawSocket: {
      SendFamilies families;
      if (!first_targets.empty())
        families = {first_targets.v4.has_value(), first_targets.v6.has_value()};
      return RawSocketSender::Create(interface, families, sources.v6);
    }
    case TxBackend::kDpdk:
      return absl::InvalidArgumentError(
          "the dpdk backend is not a kernel sender: open it with OpenBackend");
    case TxBackend::kAfPacket:
    case TxBackend::kAfXdp:
      break;
  }
  ASSIGN_OR_RETURN(EthernetPath path, ResolveEthernetPath(TxBackendName(backend), interface,
                                                          first_targets, gateway_macs));
  return CreateEthernetSender(backend, path, sender_index, xdp);
}

}  // namespace cutpoint::capture
