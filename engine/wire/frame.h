// SPDX-License-Identifier: Apache-2.0
// Locates the IP (IPv4 or IPv6) packet inside a captured link-layer frame. Link types use the
// LINKTYPE_* numbers of the pcap file format, so the engine needs no libpcap header;
// capture/ maps the DLT values a live handle reports onto these.
#ifndef CUTPOINT_ENGINE_WIRE_FRAME_H_
#define CUTPOINT_ENGINE_WIRE_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include "absl/strings/string_view.h"

namespace cutpoint::wire {

enum class LinkType : uint32_t {
  kNull = 0,         // BSD loopback: 4-byte address family in the capturing host's order
  kEthernet = 1,     // incl. 802.1Q / 802.1ad tags
  kRaw = 101,        // bare IP packet
  kLoop = 108,       // OpenBSD loopback: address family in network order
  kLinuxSll = 113,   // Linux cooked capture v1
  kIpv4 = 228,       // bare IPv4 packet
  kIpv6 = 229,       // bare IPv6 packet
  kLinuxSll2 = 276,  // Linux cooked capture v2
};

// Returns the link type for a LINKTYPE_* value, or nullopt if the engine cannot parse it.
std::optional<LinkType> LinkTypeFromNumber(uint32_t linktype);
absl::string_view LinkTypeName(LinkType link);

enum class FrameStatus : uint8_t {
  kIpv4,       // `l3` points at an IPv4 packet (by ethertype, address family or version)
  kIpv6,       // `l3` points at an IPv6 packet
  kNotIp,      // a well-formed frame that carries something else (ARP, LLDP, ...)
  kTruncated,  // too short for its own link header
};

struct FrameView {
  const uint8_t* l3 = nullptr;
  size_t l3_len = 0;
};

// Finds the IPv4 or IPv6 packet: Ethernet (802.1Q/802.1ad tags) and Linux SLL/SLL2 by
// ethertype (0x0800, 0x86DD), null/loop by address family (AF_INET; AF_INET6 as Linux,
// the BSDs and macOS number it), raw by the version nibble, LINKTYPE_IPV4/IPV6 by their
// own version only. Pure function of the bytes; never reads past frame + len. `out` is
// written only for kIpv4 and kIpv6.
FrameStatus LocateIp(LinkType link, const uint8_t* frame, size_t len, FrameView* out);

// LocateIp for callers that handle IPv4 only: an IPv6 packet is kNotIp.
FrameStatus LocateIpv4(LinkType link, const uint8_t* frame, size_t len, FrameView* out);

}  // namespace cutpoint::wire

#endif  // CUTPOINT_ENGINE_WIRE_FRAME_H_
