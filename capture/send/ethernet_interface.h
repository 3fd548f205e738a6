// SPDX-License-Identifier: Apache-2.0
// What the Ethernet-framing send backends (afpacket, afxdp) need to know about their
// interface: index, MAC, MTU and whether it is up, read with ioctls on a throwaway
// socket (no privilege needed).
#ifndef CUTPOINT_CAPTURE_SEND_ETHERNET_INTERFACE_H_
#define CUTPOINT_CAPTURE_SEND_ETHERNET_INTERFACE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {

struct EthernetInterface {
  int ifindex = 0;
  wire::MacAddress mac{};
  int mtu = 0;
  bool up = false;
};

// InvalidArgument "unknown interface 'NAME'" when there is none, and "interface 'NAME' is
// not an Ethernet interface …" naming `backend` when it has another link type.
absl::StatusOr<EthernetInterface> QueryEthernetInterface(const std::string& name,
                                                         absl::string_view backend);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_ETHERNET_INTERFACE_H_
