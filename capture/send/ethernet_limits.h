// SPDX-License-Identifier: Apache-2.0
// What the Ethernet-framing senders (afpacket, afxdp, dpdk) share about their next hops:
// the check of the per-family MACs at set-up, and the per-family length limits that make
// a family without a next hop refused (IsSendableIp).
#ifndef CUTPOINT_CAPTURE_SEND_ETHERNET_LIMITS_H_
#define CUTPOINT_CAPTURE_SEND_ETHERNET_LIMITS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "capture/send/packet_sender.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {

// InvalidArgument when no family has a next hop, or a given one is all zero.
inline absl::Status ValidateNextHops(const wire::NextHopMacs& macs, absl::string_view backend) {
  if (!macs.v4 && !macs.v6) {
    return absl::InvalidArgumentError(
        absl::StrCat(backend, ": no destination (gateway) MAC for either IP family"));
  }
  if ((macs.v4 && *macs.v4 == wire::MacAddress{}) || (macs.v6 && *macs.v6 == wire::MacAddress{})) {
    return absl::InvalidArgumentError(
        absl::StrCat(backend, ": the destination (gateway) MAC is all zero"));
  }
  return absl::OkStatus();
}

// `max_len` for each family the framing has a next hop for, 0 (refused) for the other.
inline SendLimits FramedLimits(const wire::EthernetFraming& framing, size_t max_len) {
  SendLimits limits;
  for (size_t slot = 0; slot < 2; ++slot) limits.max_len[slot] = framing.frames(slot) ? max_len : 0;
  return limits;
}

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_ETHERNET_LIMITS_H_
