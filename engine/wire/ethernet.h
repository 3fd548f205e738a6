// Ethernet II framing (IEEE 802.3): the header every Ethernet-framing send backend writes
// (afpacket, afxdp, dpdk) and the capture parser reads, with its sizes and EtherTypes.
#ifndef CUTPOINT_ENGINE_WIRE_ETHERNET_H_
#define CUTPOINT_ENGINE_WIRE_ETHERNET_H_

#include <array>
#include <cstddef>
#include <cstdint>

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
inline constexpr uint16_t kEtherTypeVlan = 0x8100;        // 802.1Q
inline constexpr uint16_t kEtherTypeQinQ = 0x88a8;        // 802.1ad
inline constexpr uint16_t kEtherTypeQinQLegacy = 0x9100;  // pre-802.1ad QinQ

// Writes the kEthernetHeaderLen bytes of the header at `out`. The senders write theirs
// once, at set-up, and copy it in front of every frame.
void WriteEthernetHeader(const MacAddress& destination, const MacAddress& source,
                         uint16_t ethertype, uint8_t* out);

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_ETHERNET_H_
