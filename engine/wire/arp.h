// SPDX-License-Identifier: Apache-2.0
// ARP over Ethernet for IPv4 (RFC 826): the frames a port that has no kernel behind it
// (--tx dpdk) needs to resolve its next hop and to be resolvable itself. Builders write
// into a caller-owned buffer and return the length; the parser reads a borrowed frame and
// allocates nothing, so the RX path can run it on every frame.
#ifndef CUTPOINT_ENGINE_WIRE_ARP_H_
#define CUTPOINT_ENGINE_WIRE_ARP_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/wire/ethernet.h"

namespace cutpoint::wire {

inline constexpr uint16_t kEtherTypeArp = 0x0806;
// Hardware type Ethernet, protocol type IPv4: the only kind built or accepted.
inline constexpr uint16_t kArpHardwareEthernet = 1;
inline constexpr size_t kArpLen = 28;
// Ethernet header + ARP, without padding: the length the builders return. The NIC (or
// the driver) pads it to the 60-byte minimum.
inline constexpr size_t kArpFrameLen = kEthernetHeaderLen + kArpLen;

enum class ArpOperation : uint16_t { kRequest = 1, kReply = 2 };

// One ARP message; IPv4 addresses in host order.
struct ArpMessage {
  ArpOperation operation = ArpOperation::kRequest;
  MacAddress sender_mac{};
  uint32_t sender_ip = 0;
  MacAddress target_mac{};
  uint32_t target_ip = 0;
};

enum class ArpParseResult : uint8_t {
  kArp,          // an Ethernet/IPv4 request or reply: *message is filled
  kNotArp,       // shorter than an Ethernet header, or another EtherType (untagged only)
  kTruncated,    // EtherType ARP, shorter than kArpFrameLen
  kUnsupported,  // ARP, but not Ethernet/IPv4 (types, lengths) or another operation
};

// Who has `target_ip`? Tell `sender_ip`: to the broadcast MAC, from `sender_mac`, target
// MAC zero. Returns kArpFrameLen, or 0 when `out` is shorter (nothing written).
size_t BuildArpRequest(const MacAddress& sender_mac, uint32_t sender_ip, uint32_t target_ip,
                       std::span<uint8_t> out);

// `own_ip` is at `own_mac`: the answer to `request`, sent to its sender's MAC and IP.
// Returns kArpFrameLen, or 0 when `out` is shorter (nothing written).
size_t BuildArpReply(const MacAddress& own_mac, uint32_t own_ip, const ArpMessage& request,
                     std::span<uint8_t> out);

// Reads an untagged Ethernet II frame; trailing bytes (padding) are ignored. `*message` is
// written only for kArp.
ArpParseResult ParseArpFrame(std::span<const uint8_t> frame, ArpMessage* message);

// Whether `message` is a request for `own_ip` from another address (an announcement or
// our own request seen again is not answered).
bool AsksFor(const ArpMessage& message, uint32_t own_ip);

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_ARP_H_
