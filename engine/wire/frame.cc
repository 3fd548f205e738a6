// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/frame.h"

#include "engine/wire/byte_order.h"
#include "engine/wire/ethernet.h"
#include "engine/wire/protocol.h"

namespace cutpoint::wire {
namespace {

constexpr int kMaxVlanTags = 4;
constexpr size_t kSllHeaderLen = 16;
constexpr size_t kSll2HeaderLen = 20;
constexpr size_t kNullHeaderLen = 4;
constexpr uint32_t kAfInet = 2;
// AF_INET6 has no one value: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30.
constexpr uint32_t kAfInet6Values[] = {10, 24, 28, 30};
// Named apart from ethernet.h's constants (owned by the framing code).
constexpr uint16_t kIpv6Ethertype = 0x86dd;
constexpr absl::string_view kUnknownLinkName = "unknown";

// Which IP versions a bare-IP link may carry.
enum class Expect : uint8_t { kV4, kV6, kEither };

FrameStatus Found(FrameStatus status, const uint8_t* frame, size_t len, size_t offset,
                  FrameView* out) {
  out->l3 = frame + offset;
  out->l3_len = len - offset;
  return status;
}

// After an ethertype: the payload is whatever the type names (the parser checks versions).
FrameStatus Payload(uint16_t ethertype, const uint8_t* frame, size_t len, size_t offset,
                    FrameView* out) {
  FrameStatus status;
  if (ethertype == kEtherTypeIpv4) {
    status = FrameStatus::kIpv4;
  } else if (ethertype == kIpv6Ethertype) {
    status = FrameStatus::kIpv6;
  } else {
    return FrameStatus::kNotIp;
  }
  if (offset >= len) return FrameStatus::kTruncated;
  return Found(status, frame, len, offset, out);
}

// A link without a type field: the version nibble says what the packet is.
FrameStatus BareIp(Expect expect, const uint8_t* frame, size_t len, size_t offset,
                   FrameView* out) {
  if (offset >= len) return FrameStatus::kTruncated;
  uint8_t version = IpVersion(frame + offset);
  if (version == kIpv4Version && expect != Expect::kV6) {
    return Found(FrameStatus::kIpv4, frame, len, offset, out);
  }
  if (version == kIpv6Version && expect != Expect::kV4) {
    return Found(FrameStatus::kIpv6, frame, len, offset, out);
  }
  return FrameStatus::kNotIp;
}

FrameStatus EthernetPayload(const uint8_t* frame, size_t len, FrameView* out) {
  if (len < kEthernetHeaderLen) return FrameStatus::kTruncated;
  size_t offset = kEthernetTypeOffset;
  uint16_t ethertype = LoadBe16(frame + offset);
  for (int tags = 0; ethertype == kEtherTypeVlan || ethertype == kEtherTypeQinQ ||
                     ethertype == kEtherTypeQinQLegacy;
       ++tags) {
    if (tags == kMaxVlanTags) return FrameStatus::kNotIp;
    offset += kVlanTagLen;
    if (offset + 2 > len) return FrameStatus::kTruncated;
    ethertype = LoadBe16(frame + offset);
  }
  return Payload(ethertype, frame, len, offset + 2, out);
}

bool IsAfInet6(uint32_t family) {
  for (uint32_t value : kAfInet6Values) {
    if (family == value) return true;
  }
  return false;
}

FrameStatus NullPayload(const uint8_t* frame, size_t len, FrameView* out) {
  if (len < kNullHeaderLen) return FrameStatus::kTruncated;
  // The family is in the capturing host's order for kNull; accept either order.
  uint32_t family_be = LoadBe32(frame);
  uint32_t family_le = uint32_t{frame[0]} | (uint32_t{frame[1]} << 8) |
                       (uint32_t{frame[2]} << 16) | (uint32_t{frame[3]} << 24);
  if (family_be == kAfInet || family_le == kAfInet) {
    return BareIp(Expect::kV4, frame, len, kNullHeaderLen, out);
  }
  if (IsAfInet6(family_be) || IsAfInet6(family_le)) {
    return BareIp(Expect::kV6, frame, len, kNullHeaderLen, out);
  }
  return FrameStatus::kNotIp;
}

}  // namespace

absl::string_view LinkTypeName(LinkType link) {
  switch (link) {
    case LinkType::kNull:
      return "null";
    case LinkType::kEthernet:
      return "ethernet";
    case LinkType::kRaw:
      return "raw";
    case LinkType::kLoop:
      return "loop";
    case LinkType::kLinuxSll:
      return "linux-sll";
    case LinkType::kIpv4:
      return "ipv4";
    case LinkType::kIpv6:
      return "ipv6";
    case LinkType::kLinuxSll2:
      return "linux-sll2";
  }
  return kUnknownLinkName;
}

std::optional<LinkType> LinkTypeFromNumber(uint32_t linktype) {
  // The enumerators are the LINKTYPE_* numbers, each named by LinkTypeName.
  LinkType link = static_cast<LinkType>(linktype);
  if (LinkTypeName(link) == kUnknownLinkName) return std::nullopt;
  return link;
}

FrameStatus LocateIp(LinkType link, const uint8_t* frame, size_t len, FrameView* out) {
  switch (link) {
    case LinkType::kEthernet:
      return EthernetPayload(frame, len, out);
    case LinkType::kLinuxSll:
      if (len < kSllHeaderLen) return FrameStatus::kTruncated;
      return Payload(LoadBe16(frame + 14), frame, len, kSllHeaderLen, out);
    case LinkType::kLinuxSll2:
      if (len < kSll2HeaderLen) return FrameStatus::kTruncated;
      return Payload(LoadBe16(frame), frame, len, kSll2HeaderLen, out);
    case LinkType::kNull:
    case LinkType::kLoop:
      return NullPayload(frame, len, out);
    case LinkType::kRaw:
      return BareIp(Expect::kEither, frame, len, 0, out);
    case LinkType::kIpv4:
      return BareIp(Expect::kV4, frame, len, 0, out);
    case LinkType::kIpv6:
      return BareIp(Expect::kV6, frame, len, 0, out);
  }
  return FrameStatus::kNotIp;
}

FrameStatus LocateIpv4(LinkType link, const uint8_t* frame, size_t len, FrameView* out) {
  FrameView view;
  FrameStatus status = LocateIp(link, frame, len, &view);
  if (status == FrameStatus::kIpv6) return FrameStatus::kNotIp;
  if (status == FrameStatus::kIpv4) *out = view;
  return status;
}

}  // namespace cutpoint::wire
