// SPDX-License-Identifier: Apache-2.0
// Ethernet II framing (IEEE 802.3): the header every Ethernet-framing send backend writes
// (afpacket, afxdp, dpdk) and the capture parser reads, with its sizes and EtherTypes.
#ifndef CUTPOINT_ENGINE_WIRE_ETHERNET_H_
#define CUTPOINT_ENGINE_WIRE_ETHERNET_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "engine/wire/protocol.h"

namespace cutpoint::wire {

inline constexpr size_t kMacLen = 6;
using MacAddress = std::array<uint8_t, kMacLen>;

// Destination MAC, source MAC, EtherType.
inline constexpr size_t kEthernetDestinationOffset = 0;
inline constexpr size_t kEthernetSourceOffset = kMacLen;
inline constexpr size_t kEthernetTypeOffset = 2 * kMacLen;
inline constexpr size_t kEthernetHeaderLen = kEthernetTypeOffset + 2;
using EthernetHeader = std::array<uint8_t, kEthernetHeaderLen>;

// An 802.1Q / 802.1ad tag: its TPID stands where the EtherType would, then 2 bytes of
// tag control, then the next EtherType.
inline constexpr size_t kVlanTagLen = 4;

inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;        // 802.1Q
inline constexpr uint16_t kEtherTypeQinQ = 0x88a8;        // 802.1ad
inline constexpr uint16_t kEtherTypeQinQLegacy = 0x9100;  // pre-802.1ad QinQ

// Writes the kEthernetHeaderLen bytes of the header at `out`. The senders write theirs
// once, at set-up, and copy it in front of every frame.
void WriteEthernetHeader(const MacAddress& destination, const MacAddress& source,
                         uint16_t ethertype, uint8_t* out);

// The next-hop MAC per IP family of a dual-stack run (the IPv4 gateway and the IPv6 router
// may differ); none: the run sends nothing of that family.
struct NextHopMacs {
  std::optional<MacAddress> v4;
  std::optional<MacAddress> v6;
};

// The Ethernet headers of a sender that frames IPv4 and IPv6 packets: both written once at
// set-up (EtherType 0x0800 or 0x86DD, that family's next hop), so per packet the choice is
// one compare of the version nibble and the copy of 14 bytes.
class EthernetFraming {
 public:
  EthernetFraming() = default;
  EthernetFraming(const NextHopMacs& next_hops, const MacAddress& source);

  // 0 for an IPv4 packet, 1 for IPv6, by the version nibble of its first byte: the index
  // of header() and of per-family tables. Anything but version 6 reads as IPv4; senders
  // check the version first (IsSendableIp).
  static size_t Slot(const uint8_t* ip_packet) { return IpVersion(ip_packet) == kIpv6Version; }

  // The header to put in front of `ip_packet`.
  const EthernetHeader& HeaderFor(const uint8_t* ip_packet) const {
    return headers_[Slot(ip_packet)];
  }
  const EthernetHeader& header(size_t slot) const { return headers_[slot]; }
  // Whether packets of that slot's family have a next hop (else a sender refuses them).
  bool frames(size_t slot) const { return frames_[slot]; }

 private:
  EthernetHeader headers_[2]{};
  bool frames_[2] = {false, false};
};

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_ETHERNET_H_
